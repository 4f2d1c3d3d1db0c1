"""The cycle says what is late: an intervention still running after its end date, and a
finished one that nobody evaluated."""

import datetime as dt

from samverkan.prevention import services
from samverkan.prevention.models import Evaluation, Intervention
from samverkan.prevention.selectors import sara_overdue

TODAY = dt.date(2026, 12, 2)


def _intervention(coordinator, problem, title, status, end):
    intervention, _warnings = services.intervention_create(
        by=coordinator,
        problem=problem,
        title=title,
        type="situationell",
        level="universell",
        status=status,
        start=dt.date(2026, 1, 1),
        end=end,
    )
    return intervention


def test_nothing_is_late_before_the_end_dates(coordinator, problem, reviewed):
    _intervention(coordinator, problem, "Belysning", "pagar", dt.date(2027, 3, 1))
    _intervention(coordinator, problem, "Ingen slutdag", "planerad", None)  # beslutad: a meeting
    assert sara_overdue(problem, TODAY) == []


def test_a_running_intervention_past_its_end_and_an_unevaluated_finished_one_are_late(
    coordinator, problem, reviewed, lulea_districts
):
    _intervention(coordinator, problem, "Belysning", "pagar", dt.date(2026, 10, 31))
    done = _intervention(coordinator, problem, "Klotter bort", "avslutad", dt.date(2026, 6, 30))
    _intervention(coordinator, problem, "Inställd vakt", "installd", dt.date(2026, 5, 1))

    assert sara_overdue(problem, TODAY) == [
        "Klotter bort avslutades 30 juni 2026 och är inte utvärderad",
        "Belysning skulle ha avslutats 31 oktober 2026 men står som pågår",
    ]

    Evaluation.objects.create(
        intervention=done,
        before_from=dt.date(2025, 1, 1),
        before_to=dt.date(2025, 12, 31),
        after_from=dt.date(2026, 1, 1),
        after_to=dt.date(2026, 6, 30),
    )
    assert sara_overdue(problem, TODAY) == [
        "Belysning skulle ha avslutats 31 oktober 2026 men står som pågår"
    ]
    assert Intervention.objects.filter(problem=problem).count() == 3


def test_the_list_and_the_problem_page_say_what_is_late(client, coordinator, problem, reviewed):
    _intervention(coordinator, problem, "Belysning", "pagar", dt.date(2026, 1, 31))
    client.force_login(coordinator)
    late = "Belysning skulle ha avslutats 31 januari 2026 men står som pågår"
    listing = client.get(f"/forebyggande/{problem.agreement_id}/").content.decode()
    assert late in listing
    detail = client.get(f"/forebyggande/problem/{problem.pk}/").content.decode()
    assert late in detail
