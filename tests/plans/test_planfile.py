"""The plan file: the seed plan loads completely, files round-trip, bad files are refused
with their line and field named and nothing written."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samverkan.plans.models import Commitment, Goal, Plan, Section
from samverkan.plans.planfile import (
    PlanFileInvalid,
    PlanFileProblem,
    dump_plan_file,
    parse_plan_file,
    plan_to_data,
)
from samverkan.plans.services import plan_create_from_file

# A small plan in the format, valid against the demo's organisations, groups and users.
# Each bad file below is this text with one edit, so each refusal is caused by that edit.
SMALL_PLAN = """\
format: samverkan-plan/1
agreement: lulea-polisen-2020-2023
title: Testplan 2022
period_start: 2022-01-01
period_end: 2022-12-31
follow_up_period: tertial
sections:
  - number: "1"
    title: Organisation
    kind: organisation
    goals:
      - text: Ett mål.
        subgoals:
          - number: "1"
            text: Ett delmål.
            due: 2022-03-31
    commitments:
      - text: Ett åtagande.
        responsible:
          organisations: [kommunstaben, lpo-lulea-boden]
        schedule: Genomfört senast juni 2022.
        due: 2022-06-30
  - number: "2"
    title: Fokusområden
  - number: "2.1"
    title: Trygghet
    kind: fokusomrade
    commitments:
      - text: Ta fram en lägesbild.
        responsible:
          groups: [beredningsgrupp]
          persons: [samordnare]
        continuous: true
"""


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} should occur once"
    return text.replace(old, new)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the nth line that contains needle."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) >= nth, f"{needle!r} occurs {len(found)} times"
    return found[nth - 1]


def import_plan_text(text: str, *, replace: bool = False) -> Plan:
    plan_file, lines = parse_plan_file(text)
    return plan_create_from_file(plan_file=plan_file, lines=lines, replace=replace)


def stored_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Plan, Section, Goal, Commitment)}


def problem_for(error: PlanFileInvalid, field: str) -> PlanFileProblem:
    matching = [p for p in error.problems if p.field == field]
    assert matching, f"no problem for {field!r} in {error.problems}"
    return matching[0]


# --- The seed plan --------------------------------------------------------------------------


def test_it_loads_every_part_of_the_seed_plan(lulea_plan):
    sections = Section.objects.filter(plan=lulea_plan)
    goals = Goal.objects.filter(section__plan=lulea_plan)
    commitments = Commitment.objects.filter(section__plan=lulea_plan)

    # Counted by hand in the document (tests/fixtures/seed/verksamhetsplan-2020-2021.txt):
    # headings 1–5, 6 "Fokusområden för insatser/aktiviteter" and 6.1–6.3.
    assert list(sections.values_list("number", flat=True)) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "6.1",
        "6.2",
        "6.3",
    ]
    # One "Mål:" in each of 1, 2, 4, 5, 6.1, 6.2, 6.3 and two paragraphs under section 3's;
    # section 6 has none of its own.
    assert goals.filter(parent=None).count() == 9
    # "Delmål 1–3" under section 2's goal.
    assert goals.exclude(parent=None).count() == 3
    # One "Åtagande(n):" in each of 1–5 and 6.1–6.3.
    assert commitments.count() == 8
    # "Tidplan: Genomfört senast …" for 1, 3, 4, 5, 6.1, 6.2, 6.3 and one date per Delmål;
    # section 2's commitment is "Genomförs kontinuerligt" and the goals carry no dates.
    assert commitments.exclude(due_date=None).count() == 7
    assert goals.exclude(due_date=None).count() == 3
    assert commitments.exclude(due_date=None).count() + goals.exclude(due_date=None).count() == 10
    assert list(commitments.filter(continuous=True).values_list("section__number", flat=True)) == [
        "2"
    ]
    assert not goals.filter(continuous=True).exists()


def test_it_keeps_the_schedule_wording_next_to_the_date(lulea_plan):
    first = Commitment.objects.get(section__plan=lulea_plan, section__number="1")
    assert first.due_date == dt.date(2020, 10, 31)
    assert first.schedule_text == "Genomfört senast oktober 2020."

    andts = Commitment.objects.get(section__plan=lulea_plan, section__number="6.3")
    assert andts.due_date == dt.date(2021, 3, 31)
    assert andts.schedule_text == "Genomfört senast 31 mars 2021."

    subgoals = Goal.objects.filter(section__plan=lulea_plan).exclude(parent=None)
    assert list(subgoals.values_list("number", "due_date")) == [
        ("1", dt.date(2020, 10, 31)),  # "Delmål 1 genomfört senast oktober 2020."
        ("2", dt.date(2021, 2, 28)),  # "Delmål 2 genomfört senast februari 2021."
        ("3", dt.date(2021, 2, 28)),  # "Delmål 3 genomfört senast februari 2021."
    ]


def test_it_keeps_who_is_responsible(lulea_plan):
    commitments = Commitment.objects.filter(section__plan=lulea_plan).prefetch_related(
        "responsible_organisations", "responsible_groups"
    )
    by_section = {c.section.number: c for c in commitments.select_related("section")}
    for number in ["1", "2", "3", "4", "5"]:
        commitment = by_section[number]
        assert {o.slug for o in commitment.responsible_organisations.all()} == {
            "kommunstaben",
            "lpo-lulea-boden",
        }, number
        assert not commitment.responsible_groups.all(), number
    for number in ["6.1", "6.2", "6.3"]:
        commitment = by_section[number]
        assert [g.slug for g in commitment.responsible_groups.all()] == ["beredningsgrupp"], number
        assert commitment.responsible_groups.get().agreement == lulea_plan.agreement
        assert not commitment.responsible_organisations.all(), number
        assert commitment.responsibility_text.startswith("Beredningsgruppen ska säkerställa")


def test_it_nests_the_focus_areas_under_section_6(lulea_plan):
    six = Section.objects.get(plan=lulea_plan, number="6")
    trygghet = Section.objects.get(plan=lulea_plan, number="6.1")

    assert trygghet.parent == six
    assert trygghet.title == "Trygghet"
    assert "kl 23.00-03.00" in trygghet.problem_description
    assert list(six.subsections.values_list("number", flat=True)) == ["6.1", "6.2", "6.3"]
    assert not Section.objects.filter(
        plan=lulea_plan, number__in=list("12345"), parent__isnull=False
    )


# --- Round trip ---------------------------------------------------------------------------


def test_it_exports_a_plan_that_reads_back_as_the_original_file(lulea_plan, lulea_plan_text):
    exported = dump_plan_file(plan_to_data(lulea_plan))

    assert parse_plan_file(exported)[0] == parse_plan_file(lulea_plan_text)[0]


def test_it_exports_the_same_text_after_export_import_export(lulea_plan):
    first = dump_plan_file(plan_to_data(lulea_plan))
    lulea_plan.delete()

    reimported = import_plan_text(first)

    assert reimported.pk != lulea_plan.pk
    assert Section.objects.filter(plan=reimported).count() == 9
    assert dump_plan_file(plan_to_data(reimported)) == first


def test_it_exports_through_the_command(lulea_plan):
    out = io.StringIO()

    call_command("export_plan", lulea_plan.pk, stdout=out)

    assert out.getvalue() == dump_plan_file(plan_to_data(lulea_plan))
    assert out.getvalue().startswith("format: samverkan-plan/1\n")


def test_it_reads_an_unquoted_section_number_as_written(demo):
    # `number: 6.10` unquoted is a YAML float; read as 6.1 it would silently become
    # another section (or clash with the real 6.1).
    text = SMALL_PLAN + "  - number: 2.10\n    title: Tionde fokusområdet\n"

    plan = import_plan_text(text)

    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "2.1", "2.10"]


def test_a_focus_areas_incident_categories_are_kept_and_exported(demo):
    text = edit(
        SMALL_PLAN,
        "    kind: fokusomrade\n",
        "    kind: fokusomrade\n    incident_categories: [narkotika, tillhall]\n",
    )
    plan = import_plan_text(text)
    assert plan.sections.get(number="2.1").incident_categories == ["narkotika", "tillhall"]
    again = parse_plan_file(dump_plan_file(plan_to_data(plan)))[0]
    assert again.sections[2].incident_categories == ["narkotika", "tillhall"]
    assert again == parse_plan_file(text)[0]


def test_a_new_year_version_keeps_the_focus_areas_incident_categories(lulea_plan):
    from samverkan.core.models import User
    from samverkan.plans.services import plan_revise

    Section.objects.filter(plan=lulea_plan, number="6.3").update(incident_categories=["narkotika"])
    draft = plan_revise(plan=lulea_plan, by=User.objects.get(username="samordnare"))
    assert draft.sections.get(number="6.3").incident_categories == ["narkotika"]
    assert draft.sections.get(number="6.1").incident_categories == []


# --- Bad files ----------------------------------------------------------------------------


def test_it_loads_the_small_plan_the_bad_files_are_made_from(demo):
    plan = import_plan_text(SMALL_PLAN)

    assert plan.status == Plan.Status.DRAFT
    assert stored_counts()["Section"] >= 3
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "2.1"]
    last = Commitment.objects.get(section__plan=plan, section__number="2.1")
    assert last.continuous and last.due_date is None
    assert [u.username for u in last.responsible_persons.all()] == ["samordnare"]


# fmt: off
# (id, old text, new text, a line the problem is on, which of the lines containing it,
#  field named, a Swedish word of the message)
BAD_FILES = [
    pytest.param(
        '    title: Trygghet\n', "", '- number: "2.1"', 1, "sections.2.title", "saknas",
        id="section-without-title",
    ),
    pytest.param(
        "[kommunstaben, lpo-lulea-boden]", "[kommunstaben, lulea-polisen]",
        "organisations: [kommunstaben, lulea-polisen]", 1,
        "sections.0.commitments.0.responsible.organisations.1", "okänd organisation",
        id="unknown-organisation",
    ),
    pytest.param(
        "groups: [beredningsgrupp]", "groups: [beredningsgruppen]", "groups: [beredningsgruppen]", 1,
        "sections.2.commitments.0.responsible.groups.0", "okänd grupp",
        id="unknown-group",
    ),
    pytest.param(
        "persons: [samordnare]", "persons: [sara]", "persons: [sara]", 1,
        "sections.2.commitments.0.responsible.persons.0", "okänd användare",
        id="unknown-person",
    ),
    pytest.param(
        "agreement: lulea-polisen-2020-2023", "agreement: lulea-polisen-2020-2024",
        "agreement:", 1, "agreement", "okänd överenskommelse",
        id="unknown-agreement",
    ),
    pytest.param(
        "due: 2022-06-30", "due: 2020-13-45", "due: 2020-13-45", 1,
        "sections.0.commitments.0.due", "datumet kan inte tolkas",
        id="impossible-date",
    ),
    pytest.param(
        "due: 2022-06-30", "due: oktober 2020", "due: oktober 2020", 1,
        "sections.0.commitments.0.due", "datumet kan inte tolkas",
        id="date-in-words",
    ),
    pytest.param(
        '- number: "2.1"', '- number: "2"', '- number: "2"', 2,
        "sections.2.number", "finns redan",
        id="duplicate-section-number",
    ),
    pytest.param(
        "        continuous: true\n", "        continuous: true\n        due: 2022-12-31\n",
        "- text: Ta fram en lägesbild.", 1, "sections.2.commitments.0", "löpande",
        id="continuous-with-due",
    ),
    pytest.param(
        "    kind: fokusomrade\n", "    kind: fokusomrade\n    incident_categories: [vald, snöboll]\n",
        "incident_categories:", 1, "sections.2.incident_categories.1", "okänd händelsekategori",
        id="unknown-incident-category",
    ),
    pytest.param(
        "    kind: organisation\n", "    kind: organisation\n    incident_categories: [vald]\n",
        '- number: "1"', 1, "sections.0", "bara fokusområden",
        id="incident-categories-outside-a-focus-area",
    ),
    pytest.param(
        "    title: Fokusområden", "    tittle: Fokusområden", "tittle:", 1,
        "sections.1.tittle", "okänt fält",
        id="unknown-field",
    ),
    pytest.param(
        "    kind: fokusomrade\n", "    kind: fokusomrade: trygghet\n", "kind: fokusomrade:", 1,
        "", "inte giltig YAML",
        id="invalid-yaml",
    ),
    pytest.param(
        '  - number: "2"\n    title: Fokusområden\n  - number: "2.1"\n    title: Trygghet\n',
        '  - number: "2.1"\n    title: Trygghet\n  - number: "2"\n    title: Fokusområden\n',
        '- number: "2.1"', 1, "sections.1.number", "överavsnitt",
        id="subsection-before-its-parent",
    ),
]
# fmt: on


@pytest.mark.parametrize("old, new, needle, nth, field, word", BAD_FILES)
def test_it_refuses_a_bad_file_naming_line_and_field_and_writes_nothing(
    demo, old, new, needle, nth, field, word
):
    text = edit(SMALL_PLAN, old, new)
    before = stored_counts()

    with pytest.raises(PlanFileInvalid) as refused:
        import_plan_text(text)

    problem = problem_for(refused.value, field)
    assert problem.line == line_of(text, needle, nth)
    assert word in problem.message
    assert str(problem).startswith(f"rad {problem.line}: ")
    assert stored_counts() == before


def test_it_refuses_a_plan_whose_title_exists_without_replace(lulea_plan, lulea_plan_text):
    before = stored_counts()

    with pytest.raises(PlanFileInvalid) as refused:
        import_plan_text(lulea_plan_text)

    problem = problem_for(refused.value, "title")
    assert problem.line == line_of(lulea_plan_text, "title: Styrgruppens verksamhetsplan") == 3
    assert "finns redan en plan" in problem.message
    assert stored_counts() == before


def test_it_replaces_a_draft_with_the_same_title_when_asked(demo):
    first = import_plan_text(SMALL_PLAN)

    second = import_plan_text(
        edit(SMALL_PLAN, "Ett åtagande.", "Ett ändrat åtagande."), replace=True
    )

    assert not Plan.objects.filter(pk=first.pk).exists()
    assert Commitment.objects.get(section__plan=second, section__number="1").text == (
        "Ett ändrat åtagande."
    )


def test_it_refuses_to_replace_a_decided_plan(lulea_plan, lulea_plan_text):
    before = stored_counts()

    with pytest.raises(PlanFileInvalid) as refused:
        import_plan_text(lulea_plan_text, replace=True)

    assert "bara ett utkast kan ersättas" in problem_for(refused.value, "title").message
    assert stored_counts() == before
    assert Plan.objects.get(pk=lulea_plan.pk).status == Plan.Status.DECIDED


# --- The import-plan command --------------------------------------------------------------


def test_it_names_the_problems_and_raises_from_the_command(demo, tmp_path):
    text = edit(SMALL_PLAN, "due: 2022-06-30", "due: 2020-13-45")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    before = stored_counts()

    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path))

    message = str(refused.value)
    assert "Planen lästes inte in, inget sparades" in message
    line = line_of(text, "due: 2020-13-45")
    assert f"{path}: rad {line}: sections.0.commitments.0.due: datumet kan inte tolkas" in message
    assert stored_counts() == before


def test_it_loads_a_good_file_into_a_draft_from_the_command(demo, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    out = io.StringIO()

    call_command("import_plan", str(path), stdout=out)

    plan = Plan.objects.get(title="Testplan 2022")
    assert plan.status == Plan.Status.DRAFT
    assert plan.agreement.slug == "lulea-polisen-2020-2023"
    assert f"Inläst: Testplan 2022 (id {plan.pk}): 3 avsnitt, 2 mål, 2 åtaganden." in out.getvalue()


def test_it_shows_the_swedish_error_and_exits_1_on_the_command_line(tmp_path):
    text = edit(SMALL_PLAN, "due: 2022-06-30", "due: 2020-13-45")
    bad_file = tmp_path / "plan.yaml"
    bad_file.write_text(text, encoding="utf-8")
    # As a person at a terminal runs it: not under pytest, own data directory.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_URL"}}
    env.update(SAMVERKAN_DATA_DIR=str(tmp_path), DEBUG="1")
    samverkan = Path(sys.executable).parent / "samverkan"
    subprocess.run([samverkan, "migrate"], env=env, check=True, capture_output=True, timeout=120)

    result = subprocess.run(
        [samverkan, "import-plan", str(bad_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    line = line_of(text, "due: 2020-13-45")
    assert f"rad {line}: sections.0.commitments.0.due: datumet kan inte tolkas" in result.stderr
    assert "Planen lästes inte in, inget sparades" in result.stderr
    assert "Traceback" not in result.stderr


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_plan_file_with_aliases_is_refused_at_once():
    with pytest.raises(
        PlanFileInvalid, match=r"rad 2: .*alias \(\*a\) är inte tillåtna i en planfil"
    ):
        parse_plan_file(BILLION_LAUGHS)


def test_a_plan_file_nested_beyond_reason_is_refused():
    with pytest.raises(PlanFileInvalid, match="nästlade djupare än 40 nivåer"):
        parse_plan_file("a: " + "[" * 100_000 + "]" * 100_000)


def test_a_plan_file_too_large_is_refused_before_it_is_read():
    with pytest.raises(PlanFileInvalid, match="en planfil får ha högst 1000000"):
        parse_plan_file("#" * 1_000_001)
