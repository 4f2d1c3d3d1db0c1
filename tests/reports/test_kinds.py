"""Each kind made from the demo through `samverkan document`, read back: the plan's every
section, commitment and deadline; the EST week's picture; the follow-up per party; the bad
input that is refused with a Swedish message, and nothing half-written."""

import datetime as dt
import io

import pytest
from django.core.management.base import CommandError
from docx import Document as WordDocument
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from samverkan.demo.est import load_est_week
from samverkan.est.models import WeekMeeting
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality
from samverkan.plans.models import Commitment, Goal
from samverkan.plans.services import plan_revise
from samverkan.reports import charts
from tests.reports.conftest import docx_text, flat, make, pdf_text

YEAR_2020 = {"from": "2020-01-01", "to": "2020-12-31"}


def plan_facts(plan):
    """Every section heading, commitment and deadline of the plan, as the tests look for them."""
    sections = [f"{s.number}. {s.title}" for s in plan.sections.all()]
    commitments = [c.text for c in Commitment.objects.filter(section__plan=plan)]
    goals = [g.text for g in Goal.objects.filter(section__plan=plan)]
    deadlines = {
        d.isoformat()
        for model in (Commitment, Goal)
        for d in model.objects.filter(section__plan=plan, due_date__isnull=False).values_list(
            "due_date", flat=True
        )
    }
    return sections, commitments, goals, deadlines


def marking(plan) -> str:
    """The plan's classification as the documents print it (the demo's 2020–2021 plan is öppen)."""
    return plan.get_classification_display().upper()


def assert_whole_plan(text: str, plan) -> None:
    sections, commitments, goals, deadlines = plan_facts(plan)
    assert len(sections) >= 6 and commitments and deadlines
    found = flat(text)
    for item in sections + commitments + goals:
        assert flat(item) in found, item[:80]
    for deadline in deadlines:
        assert deadline in text, deadline


# --- Verksamhetsplan ------------------------------------------------------------------------


def test_the_plan_pdf_holds_every_section_commitment_and_deadline(lulea_plan, tmp_path):
    output = tmp_path / "plan.pdf"
    said = make("verksamhetsplan", "samordnare", output, agreement=lulea_plan.agreement.pk)
    assert "dataversion" in said
    reader = PdfReader(output)
    text = pdf_text(output)
    assert_whole_plan(text, lulea_plan)
    meeting = lulea_plan.decision.meeting
    first = reader.pages[0].extract_text()
    assert "Beslutad av" in first and meeting.group.name in first
    assert meeting.held_on.isoformat() in first
    for page in reader.pages:  # classification in header and footer of every page
        assert page.extract_text().count(f"Klassning: {marking(lulea_plan)}") >= 2
    assert "Innehåll" in reader.pages[1].extract_text()
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE"
    assert root["/MarkInfo"]["/Marked"]  # a tagged PDF
    assert reader.metadata.title == lulea_plan.title


def test_the_plan_docx_has_real_headings_header_rows_swedish_and_classification(
    lulea_plan, tmp_path
):
    output = tmp_path / "plan.docx"
    make("verksamhetsplan", "samordnare", output, agreement=lulea_plan.agreement.pk, format="docx")
    assert_whole_plan(docx_text(output), lulea_plan)
    document = WordDocument(output)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "1. Samverkan - Organisation" in headings and "Syfte" in headings
    assert document.tables
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    section = document.sections[0]
    assert marking(lulea_plan) in section.header.paragraphs[0].text
    assert marking(lulea_plan) in section.footer.paragraphs[0].text
    assert document.core_properties.language == "sv-SE"
    assert "2020-02-20" in docx_text(
        output
    ) or lulea_plan.decision.meeting.held_on.isoformat() in docx_text(output)


def test_a_plan_without_a_decision_is_made_as_an_explained_draft(lulea_plan, coordinator, tmp_path):
    draft = plan_revise(plan=lulea_plan, by=coordinator)
    output = tmp_path / "draft.pdf"
    make("verksamhetsplan", "samordnare", output, agreement=draft.agreement.pk, plan=draft.pk)
    text = pdf_text(output)
    assert "Inte fastställd" in text and "Utkast: planen är inte fastställd" in text
    assert "Beslutad av" not in text


def test_another_organisations_agreement_is_refused(lulea_plan, tmp_path):
    output = tmp_path / "plan.pdf"
    with pytest.raises(CommandError, match="boden kan inte se någon överenskommelse"):
        make("verksamhetsplan", "boden", output, agreement=lulea_plan.agreement.pk)
    assert not output.exists()


def test_a_plan_of_another_agreement_is_refused(lulea_plan, boden_plan, tmp_path):
    with pytest.raises(CommandError, match="ingen plan med id"):
        make(
            "verksamhetsplan", "kommunpolis", tmp_path / "x.pdf",
            agreement=lulea_plan.agreement.pk, plan=boden_plan.pk,
        )  # fmt: skip


def test_a_format_the_kind_does_not_have_is_refused(lulea_plan, tmp_path):
    with pytest.raises(CommandError, match="finns som pdf, docx, inte som 'xlsx'"):
        make(
            "verksamhetsplan",
            "samordnare",
            tmp_path / "x.xlsx",
            agreement=lulea_plan.agreement.pk,
            format="xlsx",
        )


def test_a_failing_renderer_leaves_no_file_and_keeps_the_old_one(lulea_plan, tmp_path, monkeypatch):
    from samverkan.reports import services

    output = tmp_path / "plan.pdf"
    output.write_bytes(b"the old file")

    def broken(content):
        raise services.RenderError("PDF-filen kunde inte skapas: trasig")

    monkeypatch.setitem(services.RENDERERS, "pdf", broken)
    with pytest.raises(CommandError, match="PDF-filen kunde inte skapas: trasig"):
        make("verksamhetsplan", "samordnare", output, agreement=lulea_plan.agreement.pk)
    assert output.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


# --- EST-veckan -----------------------------------------------------------------------------


@pytest.fixture
def closed_week(lulea_plan):
    """Last week's closed demo meeting, with a begränsad police report filed before it closed."""
    last_week = dt.date.today() - dt.timedelta(days=7)
    year, week, _day = last_week.isocalendar()
    wednesday = dt.datetime.combine(
        dt.date.fromisocalendar(year, week, 3), dt.time(12), tzinfo=dt.UTC
    )
    Incident.objects.create(
        category=Category.objects.order_by("pk").first(),
        occurred_from=wednesday,
        occurred_to=wednesday,
        municipality=Municipality.objects.get(code="2580"),
        organisation=Organisation.objects.get(slug="lpo-lulea-boden"),
        classification="begransad",
        description="Spaningsuppgift om en lagerlokal vid hamnen",
    )
    assert load_est_week()
    return WeekMeeting.objects.get(agreement=lulea_plan.agreement, status="stangt")


def test_the_est_week_pdf_holds_the_closed_snapshot(closed_week, tmp_path):
    output = tmp_path / "est.pdf"
    make("est-vecka", "samordnare", output, agreement=closed_week.agreement_id)
    text = pdf_text(output)
    found = flat(text)
    assert f"vecka {closed_week.iso_week} {closed_week.iso_year}" in text
    for part in (closed_week.notes, closed_week.decisions):
        assert flat(part) in found
    for note in closed_week.snapshot["picture"]["notes"]:
        assert flat(note["text"]) in found
    for action in closed_week.snapshot["picture"]["actions"]:
        assert flat(action["what"]) in found
    assert "Figur 1" in text  # the chart per district
    assert "Klassning: INTERN" in text


def test_a_municipality_users_est_week_has_no_restricted_police_report(closed_week, tmp_path):
    kommun, police = tmp_path / "kommun.pdf", tmp_path / "polis.pdf"
    make("est-vecka", "samordnare", kommun, agreement=closed_week.agreement_id)
    make("est-vecka", "kommunpolis", police, agreement=closed_week.agreement_id)
    secret = flat("Spaningsuppgift om en lagerlokal vid hamnen")
    assert secret not in flat(pdf_text(kommun))
    assert "BEGRÄNSAD" not in pdf_text(kommun)
    # The police's own document has it, and is begränsad itself.
    assert secret in flat(pdf_text(police))
    assert "Klassning: BEGRÄNSAD" in pdf_text(police)


def test_an_est_week_without_a_closed_meeting_is_refused(lulea_plan, tmp_path):
    with pytest.raises(CommandError, match="ingen stängd EST-vecka"):
        make("est-vecka", "samordnare", tmp_path / "est.pdf", agreement=lulea_plan.agreement.pk)
    with pytest.raises(CommandError, match="Vecka 10 2020 har inget stängt EST-möte"):
        make(
            "est-vecka",
            "samordnare",
            tmp_path / "est.pdf",
            agreement=lulea_plan.agreement.pk,
            **{"from": "2020-03-04"},
        )


def test_a_chart_that_fails_becomes_an_explanation(closed_week, tmp_path, monkeypatch):
    def broken(spec):
        raise RuntimeError("vl-convert saknar typsnitt")

    monkeypatch.setattr(charts, "render_svg", broken)
    output = tmp_path / "est.pdf"
    make("est-vecka", "samordnare", output, agreement=closed_week.agreement_id)
    text = " ".join(pdf_text(output).split())
    assert "kunde inte ritas (vl-convert saknar typsnitt)" in text
    assert "Figur 1" not in text


# --- Uppföljning ----------------------------------------------------------------------------


def test_the_follow_up_pdf_has_status_comment_and_a_section_per_party(lulea_plan, tmp_path):
    output = tmp_path / "uppfoljning.pdf"
    make("uppfoljning", "samordnare", output, agreement=lulea_plan.agreement.pk, **YEAR_2020)
    text = pdf_text(output)
    found = flat(text)
    assert "Uppföljning 2020" in text
    for commitment in Commitment.objects.filter(section__plan=lulea_plan):
        assert flat(commitment.text) in found
    for comment in (
        "Strukturen kommunicerad på intranäten.",
        "Grunddata fastställd; EST startar i februari.",
    ):
        assert flat(comment) in found
    for party in lulea_plan.agreement.parties.all():
        assert flat(party.name) in found
    assert "Per part" in text and "Indikatorer mot mål" in text


def test_the_follow_up_xlsx_has_every_goal_and_commitment_and_a_sheet_per_party(
    lulea_plan, tmp_path
):
    output = tmp_path / "uppfoljning.xlsx"
    make(
        "uppfoljning",
        "samordnare",
        output,
        agreement=lulea_plan.agreement.pk,
        format="xlsx",
        **YEAR_2020,
    )
    book = load_workbook(output)
    parties = [p.name for p in lulea_plan.agreement.parties.order_by("name")]
    assert book.sheetnames == ["Dokument", "Mål och åtaganden", "Indikatorer", *parties]
    rows = list(book["Mål och åtaganden"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Avsnitt", "Typ", "Text")
    total = (
        Commitment.objects.filter(section__plan=lulea_plan).count()
        + Goal.objects.filter(section__plan=lulea_plan).count()
    )
    assert len(rows) - 1 == total
    statuses = {row[5] for row in rows[1:]}
    assert {"Klar", "Pågår"} <= statuses
    assert any(row[7] == "Strukturen kommunicerad på intranäten." for row in rows[1:])
    assert book["Dokument"]["B3"].value == lulea_plan.get_classification_display()
    assert marking(lulea_plan) in book["Mål och åtaganden"].oddFooter.left.text


def test_a_period_without_data_is_refused_with_the_periods_that_have(lulea_plan, tmp_path):
    output = tmp_path / "uppfoljning.pdf"
    with pytest.raises(
        CommandError,
        match=r"Inga uppföljningar och inga indikatorvärden för 2021-05-01 – 2021-08-31\. Planen har uppföljningar för: 2020 T2, 2020 T3",
    ):
        make(
            "uppfoljning",
            "samordnare",
            output,
            agreement=lulea_plan.agreement.pk,
            **{"from": "2021-05-01", "to": "2021-08-31"},
        )
    assert not output.exists()


def test_a_draft_plan_is_not_followed_up(lulea_plan, coordinator, tmp_path):
    draft = plan_revise(plan=lulea_plan, by=coordinator)
    with pytest.raises(CommandError, match="är inte fastställd: ett utkast följs inte upp"):
        make(
            "uppfoljning",
            "samordnare",
            tmp_path / "u.pdf",
            agreement=draft.agreement.pk,
            plan=draft.pk,
        )


def test_bad_dates_are_refused_in_swedish(lulea_plan, tmp_path):
    with pytest.raises(CommandError, match="'2020-13-01' är inget datum; skriv ÅÅÅÅ-MM-DD"):
        make(
            "uppfoljning",
            "samordnare",
            tmp_path / "u.pdf",
            agreement=lulea_plan.agreement.pk,
            **{"from": "2020-13-01", "to": "2020-12-31"},
        )
    with pytest.raises(CommandError, match="Slutdatumet ligger före startdatumet"):
        make(
            "uppfoljning",
            "samordnare",
            tmp_path / "u.pdf",
            agreement=lulea_plan.agreement.pk,
            **{"from": "2020-12-01", "to": "2020-01-31"},
        )


def test_the_pdf_of_every_kind_is_pdf_ua(lulea_plan, tmp_path):
    output = tmp_path / "u.pdf"
    make("uppfoljning", "samordnare", output, agreement=lulea_plan.agreement.pk, **YEAR_2020)
    metadata = PdfReader(io.BytesIO(output.read_bytes())).xmp_metadata
    assert metadata is not None
    assert b"pdfuaid" in output.read_bytes()


def test_the_follow_up_puts_each_goals_indicator_against_its_target(lulea_plan, tmp_path):
    from decimal import Decimal

    from samverkan.indicators.goal_links import GoalIndicator
    from samverkan.indicators.models import Indicator, Observation, Source

    source = Source.objects.create(slug="enkat-test", name="Trygghetsmätningen (test)")
    indicator = Indicator.objects.create(
        code="test-otrygg", name="Andel otrygga kvällstid", unit=Indicator.Unit.PERCENT,
        source=source,
    )  # fmt: skip
    for year, value in ((2019, "30"), (2020, "26")):
        Observation.objects.create(
            indicator=indicator, period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31), period_label=str(year), geo_level="kommun",
            geo_code="2580", value=Decimal(value), n=812,
            retrieved_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
        )  # fmt: skip
    goal = Goal.objects.filter(section__plan=lulea_plan, parent=None).order_by("pk").first()
    GoalIndicator.objects.create(
        goal=goal, indicator=indicator, baseline_value=Decimal(30), baseline_period="2019",
        target_value=Decimal(20), target_period="2021",
    )  # fmt: skip
    output = tmp_path / "u.xlsx"
    make(
        "uppfoljning", "samordnare", output, agreement=lulea_plan.agreement.pk, format="xlsx",
        **YEAR_2020,
    )  # fmt: skip
    rows = list(load_workbook(output)["Indikatorer"].iter_rows(values_only=True))
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == "Andel otrygga kvällstid"
    assert row[2].startswith("30") and "(2019)" in row[2]
    assert row[3].startswith("20") and "(2021)" in row[3]
    assert row[4].startswith("26") and "(2020)" in row[4]
    assert row[5] == "40 %"  # 30 → 26 of the way to 20
    assert row[6] == "Trygghetsmätningen (test)" and row[7] == "812"
    pdf = tmp_path / "u.pdf"
    make("uppfoljning", "samordnare", pdf, agreement=lulea_plan.agreement.pk, **YEAR_2020)
    assert flat("Andel otrygga kvällstid") in flat(pdf_text(pdf))


def test_free_text_never_runs_as_a_formula_and_control_characters_do_not_break_a_file(
    lulea_plan, tmp_path
):
    from samverkan.plans.models import FollowUp

    follow_up = FollowUp.objects.filter(commitment__section__plan=lulea_plan).first()
    FollowUp.objects.filter(pk=follow_up.pk).update(
        comment='=HYPERLINK("http://example.org","klicka")\x0b och\x01 mer'
    )
    output = tmp_path / "u.xlsx"
    make(
        "uppfoljning", "samordnare", output, agreement=lulea_plan.agreement.pk, format="xlsx",
        **YEAR_2020,
    )  # fmt: skip
    sheet = load_workbook(output)["Mål och åtaganden"]
    [cell] = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER")]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == '=HYPERLINK("http://example.org","klicka") och mer'
    for fmt in ("pdf",):
        make(
            "uppfoljning", "samordnare", tmp_path / f"u.{fmt}", agreement=lulea_plan.agreement.pk,
            format=fmt, **YEAR_2020,
        )  # fmt: skip
    commitment = follow_up.commitment
    commitment.text = "Ett åtagande\x0c med ett sidbrytningstecken"
    commitment.save()
    docx = tmp_path / "plan.docx"
    make("verksamhetsplan", "samordnare", docx, agreement=lulea_plan.agreement.pk, format="docx")
    assert "Ett åtagande med ett sidbrytningstecken" in docx_text(docx)


# --- Samlad lägesbild -----------------------------------------------------------------------


def test_the_situation_pdf_has_each_chart_with_its_table_source_and_n(lulea_plan, tmp_path):
    output = tmp_path / "lagesbild.pdf"
    make("lagesbild", "samordnare", output, agreement=lulea_plan.agreement.pk)
    text = " ".join(pdf_text(output).split())
    for heading in ("Nyckeltal", "Händelser per månad", "Händelser per kategori"):
        assert heading in text
    assert "Figur 1" in text and "Källa:" in text and "n = " in text
    docx = tmp_path / "lagesbild.docx"
    make("lagesbild", "samordnare", docx, agreement=lulea_plan.agreement.pk, format="docx")
    document = WordDocument(docx)
    assert all(p.get("descr") for p in document.element.body.iter(qn("wp:docPr")))
    assert "Händelser per kategori" in [p.text for p in document.paragraphs]


def test_a_municipality_users_situation_counts_no_restricted_police_report(lulea_plan, tmp_path):
    import re

    def total(user: str, name: str) -> int:
        output = tmp_path / f"{name}.pdf"
        make("lagesbild", user, output, agreement=lulea_plan.agreement.pk)
        text = pdf_text(output)
        return int(re.search(r"(\d+) händelser under perioden", text)[1]), text

    kommun_before, _text = total("lasare", "kommun-fore")
    police_before, _text = total("kommunpolis", "polis-fore")
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    Incident.objects.create(
        category=Category.objects.get(slug="skadegorelse"), occurred_from=when,
        occurred_to=when, municipality=Municipality.objects.get(code="2580"),
        organisation=Organisation.objects.get(slug="lpo-lulea-boden"),
        classification="begransad", description="Spaningsuppgift",
    )  # fmt: skip
    kommun_after, kommun_text = total("lasare", "kommun-efter")
    police_after, police_text = total("kommunpolis", "polis-efter")
    assert kommun_after == kommun_before
    assert police_after == police_before + 1
    assert "Klassning: BEGRÄNSAD" in police_text
    assert "BEGRÄNSAD" not in kommun_text


def test_a_situation_period_without_reports_is_refused(lulea_plan, tmp_path):
    with pytest.raises(CommandError, match="Inga händelserapporter som du kan se .* 2010-01-01"):
        make(
            "lagesbild", "samordnare", tmp_path / "l.pdf", agreement=lulea_plan.agreement.pk,
            **{"from": "2010-01-01", "to": "2010-12-31"},
        )  # fmt: skip


# --- Lag (2023:196) -------------------------------------------------------------------------


def test_the_law_document_has_what_the_law_asks_for(lulea_plan, tmp_path):
    from samverkan.prevention.models import Intervention, Problem

    output = tmp_path / "lag.pdf"
    make("lag-2023-196", "samordnare", output, agreement=lulea_plan.agreement.pk)
    text = pdf_text(output)
    found = flat(text)
    assert "Lagen (2023:196) om kommuners ansvar" in " ".join(text.split())
    for heading in (
        "Kartläggning av brottsligheten", "Annan relevant information", "Analys av behoven",
        "Åtgärdsplan", "Samordningsfunktion", "Uppföljning", "Händelser per kategori",
    ):  # fmt: skip
        assert heading in text, heading
    for problem in Problem.objects.filter(agreement=lulea_plan.agreement):
        assert flat(problem.title) in found
    for intervention in Intervention.objects.filter(problem__agreement=lulea_plan.agreement):
        assert flat(intervention.title) in found
    for commitment in Commitment.objects.filter(section__plan=lulea_plan):
        assert flat(commitment.text) in found
    for group in lulea_plan.agreement.groups.all():
        assert flat(group.name) in found
    docx = tmp_path / "lag.docx"
    make("lag-2023-196", "samordnare", docx, agreement=lulea_plan.agreement.pk, format="docx")
    headings = [p.text for p in WordDocument(docx).paragraphs if p.style.name == "Heading 1"]
    assert "Åtgärdsplan" in headings and "Samordningsfunktion" in headings


def test_a_restricted_problem_of_the_police_is_not_in_the_municipalitys_law_document(
    lulea_plan, tmp_path
):
    from samverkan.prevention.models import Problem

    problem = Problem.objects.filter(agreement=lulea_plan.agreement).first()
    Problem.objects.filter(pk=problem.pk).update(
        classification="begransad",
        owner_organisation=Organisation.objects.get(slug="lpo-lulea-boden"),
    )
    kommun, police = tmp_path / "kommun.pdf", tmp_path / "polis.pdf"
    make("lag-2023-196", "lasare", kommun, agreement=lulea_plan.agreement.pk)
    make("lag-2023-196", "kommunpolis", police, agreement=lulea_plan.agreement.pk)
    assert flat(problem.title) not in flat(pdf_text(kommun))
    assert flat(problem.title) in flat(pdf_text(police))
    assert "Klassning: BEGRÄNSAD" in pdf_text(police)
