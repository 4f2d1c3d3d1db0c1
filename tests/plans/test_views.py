"""The pages, through the Django test client: the plan at a glance, its filters, follow-up,
editing, the yearly revision and decision, the organisation page, and who may see what."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from samverkan.core.models import User
from samverkan.organisations.models import Group, Organisation
from samverkan.plans.models import Agreement, Commitment, FollowUp, Goal, Plan, Section

NEXT_YEAR_TITLE = "Styrgruppens verksamhetsplan 2021–2022"

# Every section of the 2020–2021 plan, as its heading reads on the page.
SECTION_HEADINGS = [
    "1. Samverkan - Organisation",
    "2. Lägesbild - samlad",
    "3. Kommunikation och uppföljning",
    "4. Kunskapsbaserat arbete",
    "5. Helhetsbild över förekommande samverkan",
    "6. Fokusområden för insatser/aktiviteter",
    "6.1. Trygghet",
    "6.2. Ungdomar",
    "6.3. ANDT(S) (Alkohol, Narkotika, Doping, Tobak, Spel)",
]


# --- Helpers that read the page ------------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


def heading(text: str) -> str:
    """A section heading as rendered; the filter's <option>s repeat the same words."""
    return f'<h2 style="margin-top:0">{text}</h2>'


def rows(page: str) -> list[str]:
    """The goal and commitment rows of a plan page, each from its opening tag to the next row."""
    return ['<div class="row' + chunk for chunk in page.split('<div class="row')[1:]]


def row_of(page: str, obj) -> str:
    """The one row that links to `obj`."""
    found = [r for r in rows(page) if f'href="{obj.get_absolute_url()}"' in r]
    assert len(found) == 1, f"{len(found)} rows link to {obj.get_absolute_url()}"
    return found[0]


def shown_commitments(page: str, plan: Plan) -> set[str]:
    """Section numbers of the commitments that have a row on the page."""
    return {
        c.section.number
        for c in Commitment.objects.filter(section__plan=plan).select_related("section")
        if f'href="{c.get_absolute_url()}"' in page
    }


def form_row(page: str, field: str) -> str:
    """The form row of one field: its label, widget, help text and errors."""
    start = page.index(f'<div class="form-row"><label for="id_{field}">')
    end = page.find('<div class="form-row">', start + 1)
    return page[start : end if end != -1 else None]


def history_rows(page: str, who: str) -> list[str]:
    """Rows of the Historik table on a commitment or goal page made by `who`."""
    history = page[page.index("<h2>Historik</h2>") :]
    return [row for row in history.split("<tr>")[2:] if f'<td data-label="Vem">{who}</td>' in row]


def section(plan: Plan, number: str) -> Section:
    return plan.sections.get(number=number)


def commitment(plan: Plan, number: str) -> Commitment:
    return section(plan, number).commitments.get()


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def group(slug: str) -> Group:
    return Group.objects.get(agreement__slug="lulea-polisen-2020-2023", slug=slug)


def lulea_agreement() -> Agreement:
    return Agreement.objects.get(slug="lulea-polisen-2020-2023")


# --- Logging in ----------------------------------------------------------------------------


def test_it_shows_the_login_page(client, demo):
    response = client.get("/login/")
    assertContains(response, "<h1>Logga in</h1>", html=False)
    assertContains(response, 'name="username"')


def test_it_logs_in_with_the_demo_password_and_lands_on_the_plans(client, demo, steering):
    response = client.post("/login/", {"username": steering.username, "password": "samverkan"})
    assertRedirects(response, "/start/", fetch_redirect_response=False)
    response = client.get("/start/", follow=True)
    # The police's steering member sees both agreements, each with its plans.
    assertContains(response, "Styrgruppens verksamhetsplan 2020–2021</a> (fastställd)")


def test_it_refuses_a_wrong_password_in_swedish(client, demo):
    response = client.post("/login/", {"username": "samordnare", "password": "fel"})
    assert response.status_code == 200
    assertContains(response, "Ange ett korrekt användarnamn och lösenord.")


def _every_page(plan: Plan) -> dict[str, str]:
    c = commitment(plan, "1")
    goal = section(plan, "2").goals.filter(parent=None).get()
    return {
        "home": reverse("home"),
        "agreement list": reverse("agreement_list"),
        "agreement": reverse("agreement_detail", args=[plan.agreement_id]),
        "plan": reverse("plan_detail", args=[plan.pk]),
        "revise": reverse("plan_revise", args=[plan.pk]),
        "decide": reverse("plan_decide", args=[plan.pk]),
        "export": reverse("plan_export", args=[plan.pk]),
        "goal": reverse("goal_detail", args=[goal.pk]),
        "goal edit": reverse("goal_edit", args=[goal.pk]),
        "commitment": reverse("commitment_detail", args=[c.pk]),
        "commitment edit": reverse("commitment_edit", args=[c.pk]),
        "organisation list": reverse("organisation_list"),
        "organisation": reverse("organisation_detail", args=[org("kommunstaben").pk]),
        "group": reverse("group_detail", args=[group("beredningsgrupp").pk]),
    }


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "agreement list",
        "agreement",
        "plan",
        "revise",
        "decide",
        "export",
        "goal",
        "goal edit",
        "commitment",
        "commitment edit",
        "organisation list",
        "organisation",
        "group",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, lulea_plan, page, method):
    url = _every_page(lulea_plan)[page]
    response = getattr(client, method)(url)
    assertRedirects(response, f"/login/?next={url}", fetch_redirect_response=False)
    assert FollowUp.objects.count() == 5
    assert Plan.objects.count() == 2


# --- The plan at a glance ------------------------------------------------------------------


def test_it_sends_a_lulea_user_from_home_to_the_agreement(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/")
    assertRedirects(response, lulea_agreement().get_absolute_url())


def test_it_shows_the_whole_plan_on_the_agreement_page(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get("/", follow=True)
    page = html(response)
    assert response.status_code == 200
    assert "<h1>Styrgruppens verksamhetsplan 2020–2021</h1>" in page
    assert '<span class="badge">Fastställd</span>' in page
    for text in SECTION_HEADINGS:
        assert heading(text) in page, text
    for c in Commitment.objects.filter(section__plan=lulea_plan):
        assert c.text.strip()[:120] in page, c.section.number
    assert "Ansvar: Kommunstaben, Lokalpolisområde Luleå-Boden" in row_of(
        page, commitment(lulea_plan, "1")
    )
    assert "Ansvar: Beredningsgrupp" in row_of(page, commitment(lulea_plan, "6.1"))
    assert "Senast 2020-10-31" in row_of(page, commitment(lulea_plan, "1"))
    assert "Löpande" in row_of(page, commitment(lulea_plan, "2"))
    # Goals are there too, delmål under their goal.
    assert "<strong>Delmål 3:</strong>" in page
    assert "Implementera arbetsmetoden Effektiv samordning för trygghet (EST)." in page
    assert "Syftet med styrgruppens verksamhetsplan" in page


def test_it_marks_work_past_its_due_date_as_overdue(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    page = html(client.get(lulea_plan.get_absolute_url()))

    # The demo reported 1 and 6.1 klar and 2 (continuous) pågår; 3 was pågår at 60 % but
    # passed 2020-12-31, so it counts as försenad like 4, 5, 6.2 and 6.3 which nobody reported.
    for number in ["3", "4", "5", "6.2", "6.3"]:
        row = row_of(page, commitment(lulea_plan, number))
        assert row.startswith('<div class="row overdue">'), number
        assert ">Försenad</span>" in row, number
    for number, label in [("1", "Klar"), ("2", "Pågår"), ("6.1", "Klar")]:
        row = row_of(page, commitment(lulea_plan, number))
        assert row.startswith('<div class="row">'), number
        assert f">{label}</span>" in row, number
    for subgoal in Goal.objects.filter(section__plan=lulea_plan).exclude(parent=None):
        assert row_of(page, subgoal).startswith('<div class="row overdue subgoal">')
    assert "Klar 2</span>" in page
    assert "Försenad 8</span>" in page  # 5 commitments and 3 delmål
    assert "Inom 30 dagar 0</span>" in page


def test_it_highlights_a_commitment_due_within_30_days(client, coordinator, lulea_plan):
    soon = commitment(lulea_plan, "4")
    Commitment.objects.filter(pk=soon.pk).update(due_date=timezone.localdate() + dt.timedelta(10))
    client.force_login(coordinator)
    page = html(client.get(lulea_plan.get_absolute_url()))

    row = row_of(page, soon)
    assert row.startswith('<div class="row soon">')
    assert ">Ej påbörjad</span>" in row
    assert '<span class="badge flag-soon">Inom 30 dagar</span>' in row
    assert "Inom 30 dagar 1</span>" in page
    assert [r for r in rows(page) if "flag-soon" in r] == [row]


def test_it_does_not_highlight_a_commitment_due_in_31_days(client, coordinator, lulea_plan):
    later = commitment(lulea_plan, "4")
    Commitment.objects.filter(pk=later.pk).update(due_date=timezone.localdate() + dt.timedelta(31))
    client.force_login(coordinator)
    row = row_of(html(client.get(lulea_plan.get_absolute_url())), later)
    assert row.startswith('<div class="row">')
    assert "flag-soon" not in row


# --- Filters -------------------------------------------------------------------------------


def test_it_filters_by_responsible_organisation(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    page = html(client.get(lulea_plan.get_absolute_url(), {"organisation": org("kommunstaben").pk}))
    assert shown_commitments(page, lulea_plan) == {"1", "2", "3", "4", "5"}
    assert heading("6.1. Trygghet") not in page
    assert "<h3>Mål</h3>" not in page  # goals have no owner, so an owner filter drops them


def test_it_filters_by_responsible_group(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    page = html(client.get(lulea_plan.get_absolute_url(), {"group": group("beredningsgrupp").pk}))
    assert shown_commitments(page, lulea_plan) == {"6.1", "6.2", "6.3"}
    assert heading("1. Samverkan - Organisation") not in page
    assert heading("6.1. Trygghet") in page


def test_it_filters_by_status(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    page = html(client.get(lulea_plan.get_absolute_url(), {"status": "klar"}))
    assert shown_commitments(page, lulea_plan) == {"1", "6.1"}
    assert len(rows(page)) == 2
    assert all(">Klar</span>" in row for row in rows(page))


def test_it_filters_by_section_including_its_subsections(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    page = html(client.get(lulea_plan.get_absolute_url(), {"section": section(lulea_plan, "6").pk}))
    assert shown_commitments(page, lulea_plan) == {"6.1", "6.2", "6.3"}
    for text in SECTION_HEADINGS[6:]:
        assert heading(text) in page
    for text in SECTION_HEADINGS[:5]:
        assert heading(text) not in page


def test_it_says_so_when_nothing_matches(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get(lulea_plan.get_absolute_url(), {"status": "installd"})
    assertContains(response, "Inget i planen matchar filtret.")


def test_it_ignores_an_unknown_filter_value(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get(lulea_plan.get_absolute_url(), {"status": "nonsense", "section": "x"})
    assert response.status_code == 200
    assert shown_commitments(html(response), lulea_plan) == {
        "1", "2", "3", "4", "5", "6.1", "6.2", "6.3"
    }  # fmt: skip


def test_it_answers_htmx_with_the_plan_body_alone(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get(
        lulea_plan.get_absolute_url(), {"status": "klar"}, headers={"HX-Request": "true"}
    )
    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "<h1>" not in page
    assert shown_commitments(page, lulea_plan) == {"1", "6.1"}
    assert page.lstrip().startswith('<div class="counts"')


# --- Follow-up -----------------------------------------------------------------------------


def test_it_shows_the_follow_up_history_of_a_commitment(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get(commitment(lulea_plan, "1").get_absolute_url())
    page = html(response)
    assert response.status_code == 200
    assert "<h1>Åtagande</h1>" in page
    # Newest period first.
    t3 = page.index('<td data-label="Period">2020 T3</td>')
    t2 = page.index('<td data-label="Period">2020 T2</td>')
    assert t3 < t2
    assert "Strukturen kommunicerad på intranäten." in page
    assert "Styrgrupp och beredningsgrupp bemannade." in page
    assert '<td data-label="Andel">50 %</td>' in page
    assert "2020-10-20 av Sara Samordnare" in page
    assert 'Aktuell status: <span class="badge status-klar">Klar</span>' in page


def test_it_records_a_follow_up_from_the_form_and_shows_the_new_status(
    client, coordinator, lulea_plan
):
    delayed = commitment(lulea_plan, "3")
    client.force_login(coordinator)
    assert ">Försenad</span>" in row_of(html(client.get(lulea_plan.get_absolute_url())), delayed)
    today = dt.date(2021, 10, 15)  # within the plan's last tertial

    response = client.post(
        delayed.get_absolute_url(),
        {
            "status": "klar",
            "progress": "100",
            "comment": "Rutinen är beslutad.",
            "period_date": today.isoformat(),
        },
        follow=True,
    )

    assertRedirects(response, delayed.get_absolute_url())
    assertContains(response, '<li class="success">Uppföljningen är sparad.</li>')
    follow_up = delayed.follow_ups.order_by("-id").first()
    assert (follow_up.status, follow_up.progress, follow_up.author) == ("klar", 100, coordinator)
    assert follow_up.period_start <= today <= follow_up.period_end
    assert follow_up.comment == "Rutinen är beslutad."
    assertContains(response, "Rutinen är beslutad.")
    assertContains(response, 'Aktuell status: <span class="badge status-klar">Klar</span>')
    row = row_of(html(client.get(lulea_plan.get_absolute_url())), delayed)
    assert row.startswith('<div class="row">')
    assert ">Klar</span>" in row


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("progress", "150", "Kontrollera att detta värde är mindre än eller lika med 100."),
        ("progress", "-1", "Kontrollera att detta värde är större än eller lika med 0."),
        ("status", "nonsense", "Välj ett giltigt alternativ."),
        ("period_date", None, "Detta fält måste fyllas i."),
        ("period_date", "2020-13-45", "Fyll i ett giltigt datum."),
    ],
)
def test_it_refuses_a_bad_follow_up_with_a_swedish_error_by_the_field(
    client, coordinator, lulea_plan, field, value, message
):
    target = commitment(lulea_plan, "3")
    data = {"status": "klar", "progress": "100", "comment": "x", "period_date": "2020-12-01"}
    if value is None:
        del data[field]
    else:
        data[field] = value
    client.force_login(coordinator)

    response = client.post(target.get_absolute_url(), data)

    assert response.status_code == 400
    assert message in form_row(html(response), field)
    assert FollowUp.objects.count() == 5


@pytest.mark.parametrize("role", ["reader", "reporter"])
def test_it_lets_neither_a_reader_nor_a_reporter_report_follow_up(
    client, request, lulea_plan, role
):
    user = request.getfixturevalue(role)
    target = commitment(lulea_plan, "3")
    client.force_login(user)

    page = html(client.get(target.get_absolute_url()))
    assert "Rapportera uppföljning" not in page
    assert 'name="status"' not in page
    response = client.post(
        target.get_absolute_url(),
        {"status": "klar", "progress": "100", "period_date": "2020-12-01"},
    )
    assert response.status_code == 403
    assertContains(response, "Ingen behörighet", status_code=403)
    assert FollowUp.objects.count() == 5


def test_it_reports_follow_up_on_a_goal(client, coordinator, lulea_plan):
    goal = section(lulea_plan, "2").goals.get(number="1")
    client.force_login(coordinator)
    response = client.post(
        goal.get_absolute_url(),
        {"status": "klar", "progress": "100", "period_date": "2020-10-15"},
    )
    assertRedirects(response, goal.get_absolute_url())
    assert goal.follow_ups.get().status == "klar"
    assert ">Klar</span>" in row_of(html(client.get(lulea_plan.get_absolute_url())), goal)


# --- Ny årsversion and fastställande -------------------------------------------------------


def test_it_revises_the_plan_into_a_draft_for_next_year(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.post(reverse("plan_revise", args=[lulea_plan.pk]), follow=True)

    draft = Plan.objects.get(title=NEXT_YEAR_TITLE)
    assertRedirects(response, draft.get_absolute_url())
    assert draft.status == Plan.Status.DRAFT
    assert draft.previous == lulea_plan
    assert (draft.period_start, draft.period_end) == (dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    page = html(response)
    assert f"Ny årsversion skapad som utkast: {NEXT_YEAR_TITLE}." in page
    assert "Utkast: status följs upp när planen är fastställd." in page
    for text in SECTION_HEADINGS:
        assert heading(text) in page
    assert "Senast 2021-10-31" in page
    # The old plan links to its revision instead of offering a second one.
    old = html(client.get(lulea_plan.get_absolute_url()))
    assert f'Ny årsversion: <a href="{draft.get_absolute_url()}">' in old
    assert '<button type="submit">Ny årsversion</button>' not in old


def test_it_revises_only_once(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    client.post(reverse("plan_revise", args=[lulea_plan.pk]))

    response = client.post(reverse("plan_revise", args=[lulea_plan.pk]), follow=True)

    assertRedirects(response, lulea_plan.get_absolute_url())
    assertContains(response, '<li class="error">Planen har redan en ny årsversion.</li>')
    assert Plan.objects.filter(agreement=lulea_plan.agreement).count() == 2


def test_it_does_not_revise_a_draft(client, coordinator, lulea_plan):
    # The page offers "Ny årsversion" only for a decided or archived plan; a draft of a draft
    # would leave the decided plan in force when the second draft is decided.
    client.force_login(coordinator)
    client.post(reverse("plan_revise", args=[lulea_plan.pk]))
    draft = Plan.objects.get(title=NEXT_YEAR_TITLE)

    response = client.post(reverse("plan_revise", args=[draft.pk]), follow=True)

    assertRedirects(response, draft.get_absolute_url())
    assertContains(response, '<li class="error">')
    assert Plan.objects.filter(agreement=lulea_plan.agreement).count() == 2


def test_it_does_not_let_a_reader_revise(client, reader, lulea_plan):
    client.force_login(reader)
    response = client.post(reverse("plan_revise", args=[lulea_plan.pk]))
    assert response.status_code == 403
    assert not Plan.objects.filter(title=NEXT_YEAR_TITLE).exists()
    assertNotContains(client.get(lulea_plan.get_absolute_url()), "Ny årsversion")


def test_the_plan_page_sends_the_decision_to_the_steering_groups_meeting(
    client, coordinator, steering, lulea_plan
):
    client.force_login(coordinator)
    client.post(reverse("plan_revise", args=[lulea_plan.pk]))
    draft = Plan.objects.get(title=NEXT_YEAR_TITLE)
    client.force_login(steering)

    page = client.get(draft.get_absolute_url())

    assertNotContains(page, "Fastställ planen")
    assertContains(page, "Planen fastställs genom ett beslut vid styrgruppens möte.")
    steering_group = draft.agreement.groups.get(kind="styrgrupp")
    assertContains(page, reverse("meeting_create", args=[steering_group.pk]))


@pytest.mark.parametrize("cast_member", ["steering", "coordinator"])
def test_the_old_decide_form_can_no_longer_adopt_a_plan(
    request, client, coordinator, lulea_plan, cast_member
):
    client.force_login(coordinator)
    client.post(reverse("plan_revise", args=[lulea_plan.pk]))
    draft = Plan.objects.get(title=NEXT_YEAR_TITLE)
    client.force_login(request.getfixturevalue(cast_member))

    response = client.post(
        reverse("plan_decide", args=[draft.pk]), {"held_on": "2021-02-18"}, follow=True
    )

    assertRedirects(response, draft.get_absolute_url())
    assertContains(response, "En plan fastställs bara genom ett beslut som protokollförs")
    draft.refresh_from_db()
    lulea_plan.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    assert draft.decision is None
    assert lulea_plan.status == Plan.Status.DECIDED


# --- Editing -------------------------------------------------------------------------------


def _commitment_form_data(c: Commitment, **changes) -> dict:
    data = {
        "text": c.text,
        "responsible_organisations": [o.pk for o in c.responsible_organisations.all()],
        "responsible_groups": [g.pk for g in c.responsible_groups.all()],
        "responsible_persons": [p.pk for p in c.responsible_persons.all()],
        "responsibility_text": c.responsibility_text,
        "due_date": c.due_date.isoformat() if c.due_date else "",
        "schedule_text": c.schedule_text,
    }
    if c.continuous:
        data["continuous"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_edits_a_commitment_and_shows_who_changed_what(client, coordinator, lulea_plan):
    target = commitment(lulea_plan, "3")
    client.force_login(coordinator)
    assertContains(client.get(reverse("commitment_edit", args=[target.pk])), "Ändra åtagande")

    response = client.post(
        reverse("commitment_edit", args=[target.pk]),
        _commitment_form_data(target, text="Ta fram rutiner för uppföljning och budget."),
        follow=True,
    )

    assertRedirects(response, target.get_absolute_url())
    target.refresh_from_db()
    assert target.text == "Ta fram rutiner för uppföljning och budget."
    page = html(response)
    assert "Åtagandet är ändrat." in page
    (changed,) = history_rows(page, "Sara Samordnare")
    assert '<td data-label="Vad">Ändrad<br><strong>åtagande</strong>: Luleå kommun och' in changed
    assert "→ Ta fram rutiner för uppföljning och budget.</td>" in changed


def test_it_names_the_organisations_in_the_history_of_a_changed_responsibility(
    client, coordinator, lulea_plan
):
    target = commitment(lulea_plan, "3")
    owners = [org("kommunstaben").pk, org("lpo-lulea-boden").pk, org("lulebo").pk]
    client.force_login(coordinator)

    client.post(
        reverse("commitment_edit", args=[target.pk]),
        _commitment_form_data(target, responsible_organisations=owners),
    )

    assert {o.slug for o in target.responsible_organisations.all()} == {
        "kommunstaben",
        "lpo-lulea-boden",
        "lulebo",
    }
    page = html(client.get(target.get_absolute_url()))
    (changed,) = [r for r in history_rows(page, "Sara Samordnare") if "ansvariga" in r]
    change = changed.split("<strong>ansvariga organisationer</strong>: ")[1].split("</td>")[0]
    old, new = change.split(" → ")
    assert set(old.split(", ")) == {"Kommunstaben", "Lokalpolisområde Luleå-Boden"}
    assert set(new.split(", ")) == {"Kommunstaben", "Lokalpolisområde Luleå-Boden", "Lulebo AB"}
    # Not the through table's rows, e.g. [{'commitment': 3, 'organisation': 2}, …]
    assert "&#x27;commitment&#x27;" not in page


def test_it_refuses_a_due_date_on_continuous_work(client, coordinator, lulea_plan):
    target = commitment(lulea_plan, "3")
    client.force_login(coordinator)

    response = client.post(
        reverse("commitment_edit", args=[target.pk]),
        _commitment_form_data(target, continuous="on", text="Ändrad text"),
    )

    assert response.status_code == 400
    assert "Ett löpande åtagande har inget slutdatum." in form_row(html(response), "due_date")
    target.refresh_from_db()
    assert (target.continuous, target.due_date) == (False, dt.date(2020, 12, 31))
    assert target.text != "Ändrad text"


def test_it_does_not_let_a_reader_edit(client, reader, lulea_plan):
    target = commitment(lulea_plan, "3")
    client.force_login(reader)
    assertNotContains(client.get(target.get_absolute_url()), "Ändra åtagandet")
    assert client.get(reverse("commitment_edit", args=[target.pk])).status_code == 403
    response = client.post(
        reverse("commitment_edit", args=[target.pk]), _commitment_form_data(target, text="Nej")
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.text != "Nej"


# --- Organisations -------------------------------------------------------------------------


def test_it_shows_who_from_an_organisation_sits_in_which_group(client, coordinator):
    client.force_login(coordinator)
    response = client.get(org("kommunstaben").get_absolute_url())
    page = html(response)
    assert response.status_code == 200
    assert "<h1>Kommunstaben</h1>" in page
    beredning = [
        row
        for row in page.split("<tr>")
        if f'href="{group("beredningsgrupp").get_absolute_url()}"' in row
    ]
    assert len(beredning) == 1
    assert "Sara Samordnare, Brottsförebyggande samordnare" in beredning[0]
    assert "<td>Sammankallande</td>" in beredning[0]


# --- Who sees what -------------------------------------------------------------------------

LULEA_PAGES = [
    ("agreement", "get"),
    ("plan", "get"),
    ("commitment", "get"),
    ("commitment", "post"),
    ("goal", "get"),
    ("goal", "post"),
    ("commitment edit", "get"),
    ("commitment edit", "post"),
    ("goal edit", "get"),
    ("export", "get"),
    ("revise", "post"),
    ("decide", "post"),
    ("organisation", "get"),
    ("lulebo", "get"),
    ("group", "get"),
]


@pytest.mark.parametrize("page, method", LULEA_PAGES)
def test_it_shows_a_boden_user_nothing_of_lulea(client, boden_user, lulea_plan, page, method):
    urls = _every_page(lulea_plan) | {"lulebo": org("lulebo").get_absolute_url()}
    client.force_login(boden_user)
    data = {"status": "klar", "period_date": "2020-12-01", "held_on": "2021-01-01", "text": "x"}

    response = getattr(client, method)(urls[page], data if method == "post" else None)

    assert response.status_code == 404
    assertContains(response, "Sidan hittades inte", status_code=404)
    assert FollowUp.objects.count() == 5
    assert Plan.objects.count() == 2
    assert lulea_plan.status == Plan.objects.get(pk=lulea_plan.pk).status


def test_it_lists_only_bodens_agreement_for_a_boden_user(client, boden_user, lulea_plan):
    client.force_login(boden_user)
    response = client.get("/", follow=True)
    page = html(response)
    assert "<h1>Verksamhetsplan Boden 2021</h1>" in page
    listing = html(client.get(reverse("agreement_list")))
    assert "Samverkansöverenskommelse mellan Bodens kommun" in listing
    assert "Luleå kommun" not in listing
    assert "Medborgarlöften Luleå" not in listing
    assert lulea_plan.title not in listing
    organisations = html(client.get(reverse("organisation_list")))
    for name in ["Luleå kommun", "Kommunstaben", "Lulebo AB", "Socialförvaltningen"]:
        assert name not in organisations


def test_it_shows_the_kommunpolis_both_agreements(client, kommunpolis, lulea_plan, boden_plan):
    client.force_login(kommunpolis)
    assertRedirects(client.get("/"), reverse("agreement_list"))
    listing = html(client.get(reverse("agreement_list")))
    assert "Samverkansöverenskommelse mellan Luleå kommun" in listing
    assert "Samverkansöverenskommelse mellan Bodens kommun" in listing
    assert f'href="{lulea_plan.get_absolute_url()}"' in listing
    assert f'href="{boden_plan.get_absolute_url()}"' in listing
    assert client.get(lulea_plan.get_absolute_url()).status_code == 200
    assert client.get(boden_plan.get_absolute_url()).status_code == 200


# --- Export --------------------------------------------------------------------------------


def test_it_exports_the_plan_as_a_plan_file(client, reader, lulea_plan):
    client.force_login(reader)
    assertContains(
        client.get(lulea_plan.get_absolute_url()), reverse("plan_export", args=[lulea_plan.pk])
    )

    response = client.get(reverse("plan_export", args=[lulea_plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("format: samverkan-plan/1")
    assert "title: Styrgruppens verksamhetsplan 2020–2021" in text


# --- Query count ---------------------------------------------------------------------------


def _grow(plan: Plan, n: int) -> None:
    """Add n commitments across the plan's sections, each with owners and follow-ups, and a
    goal with a delmål per section."""
    sections = list(plan.sections.all())
    orgs = list(Organisation.objects.filter(slug__in=["kommunstaben", "lulebo", "lpo-lulea-boden"]))
    groups = list(Group.objects.filter(agreement=plan.agreement))
    persons = list(User.objects.filter(username__in=["samordnare", "kommunpolis"]))
    author = persons[0]
    for i in range(n):
        s = sections[i % len(sections)]
        c = Commitment.objects.create(
            section=s,
            position=100 + i,
            text=f"Extra åtagande {i}",
            due_date=timezone.localdate() + dt.timedelta(days=i - 20),
        )
        c.responsible_organisations.set(orgs[: 1 + i % 3])
        c.responsible_groups.set(groups[: 1 + i % 2])
        c.responsible_persons.set(persons[: i % 3])
        for day in (dt.date(2020, 3, 1), dt.date(2020, 6, 1)):
            FollowUp.objects.create(
                commitment=c,
                period_kind="tertial",
                period_start=day,
                period_end=day,
                status=["pagar", "klar", "ej_paborjad"][i % 3],
                progress=i,
                author=author,
            )
    for i, s in enumerate(sections):
        goal = Goal.objects.create(section=s, position=100, text=f"Extra mål {i}")
        Goal.objects.create(section=s, parent=goal, number="9", position=101, text="Delmål")


def _queries(client, url: str, query: dict) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(context.captured_queries), html(response)


@pytest.mark.parametrize("filtered", ["nothing", "organisation", "status"])
def test_it_shows_the_plan_in_a_constant_number_of_queries(
    client, coordinator, lulea_plan, filtered
):
    query = {
        "nothing": {},
        "organisation": {"organisation": org("kommunstaben").pk},
        "status": {"status": "pagar"},
    }[filtered]
    url = lulea_plan.agreement.get_absolute_url()
    client.force_login(coordinator)
    _queries(client, url, query)  # warm up: session, user, content types
    small, _ = _queries(client, url, query)

    _grow(lulea_plan, 40)
    large, page = _queries(client, url, query)

    assert "Extra åtagande 39" in page  # pågår, Kommunstaben's
    assert large == small


def test_it_refuses_a_follow_up_for_a_period_outside_the_plan(client, coordinator, lulea_plan):
    target = commitment(lulea_plan, "3")
    client.force_login(coordinator)
    before = FollowUp.objects.count()

    response = client.post(
        target.get_absolute_url(),
        {"status": "klar", "progress": "100", "comment": "", "period_date": "2024-05-01"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["period_date"] == [
        "Perioden ligger utanför planens period 2020-01-01 – 2021-12-31."
    ]
    assert FollowUp.objects.count() == before


def test_it_proposes_the_plans_last_day_once_the_plan_period_is_over(
    client, coordinator, lulea_plan
):
    client.force_login(coordinator)
    response = client.get(commitment(lulea_plan, "3").get_absolute_url())
    assertContains(response, 'name="period_date" value="2021-12-31"')


def test_it_adds_no_history_entry_when_nothing_changed(client, coordinator, lulea_plan):
    target = commitment(lulea_plan, "3")
    client.force_login(coordinator)
    before = target.history.count()

    response = client.post(
        reverse("commitment_edit", args=[target.pk]), _commitment_form_data(target)
    )

    assert response.status_code == 302
    assert target.history.count() == before
