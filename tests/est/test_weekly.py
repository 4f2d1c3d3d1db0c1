"""The weekly EST picture: its numbers against a hand-computed case, week boundaries in
Swedish local time, the classification decision and the constant query count."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from scipy import stats

from samverkan.core.models import User
from samverkan.est.weekly import (
    shared_scope,
    week_bounds,
    weekly_picture,
)
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Municipality
from samverkan.plans.models import Agreement

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LULEA_AGREEMENT = "lulea-polisen-2020-2023"


def local(year: int, week: int, day: int = 3, hour: int = 12) -> dt.datetime:
    """A moment of the ISO week, Swedish local time (Wednesday noon by default)."""
    date = dt.date.fromisocalendar(year, week, day)
    return dt.datetime.combine(date, dt.time(hour), tzinfo=STOCKHOLM)


@pytest.fixture
def agreement(demo) -> Agreement:
    return Agreement.objects.get(slug=LULEA_AGREEMENT)


@pytest.fixture
def two_districts(demo) -> tuple[District, District]:
    a, b = District.objects.filter(municipality__code="2580").order_by("name")[:2]
    return a, b


@pytest.fixture
def make_report(demo):
    lulea = Municipality.objects.get(code="2580")
    kommun = Organisation.objects.get(slug="kommunstaben")

    def make(
        category: str,
        district: District | None,
        when: dt.datetime,
        *,
        classification: str = "intern",
        organisation: Organisation = kommun,
        municipality: Municipality = lulea,
        **extra,
    ) -> Incident:
        if district is not None and "lat" not in extra:
            point = district.geometry().representative_point()
            extra.update(lat=point.y, lon=point.x)
        return Incident.objects.create(
            category=Category.objects.get(slug=category),
            occurred_from=when,
            occurred_to=when,
            municipality=municipality,
            district=district,
            organisation=organisation,
            classification=classification,
            **extra,
        )

    return make


@pytest.fixture
def hand_case(agreement, two_districts, make_report) -> dict:
    """21 counted reports around 2025 week 10, plus reports that must not count."""
    a, b = two_districts
    police = Organisation.objects.get(slug="lpo-lulea-boden")
    # A × klotter: 4 in the week (one severity 3), 1 in week 9 and 1 in week 5.
    for i in range(4):
        make_report("klotter", a, local(2025, 10, day=i + 1), severity=3 if i == 0 else 1)
    make_report("klotter", a, local(2025, 9))
    make_report("klotter", a, local(2025, 5))
    # A × skadegörelse: 1 in the week (position only the municipality's centre), 1 in each
    # of the 8 baseline weeks 2–9.
    make_report("skadegorelse", a, local(2025, 10), position_is_centre=True)
    for week in range(2, 10):
        make_report("skadegorelse", a, local(2025, week))
    # B × klotter: none in the week, 4 in the baseline.
    for week in (2, 3, 4, 6):
        make_report("klotter", b, local(2025, week))
    # B × skadegörelse: 2 in the week (one creates insecurity), none before.
    make_report("skadegorelse", b, local(2025, 10, day=5), creates_insecurity=True)
    make_report("skadegorelse", b, local(2025, 10, day=6), classification="oppen")
    # Not counted in the tables: begränsad, a Polisen summary, outside the 9 weeks, Boden.
    point = a.geometry().representative_point()
    restricted = make_report(
        "klotter",
        a,
        local(2025, 10),
        classification="begransad",
        organisation=police,
        severity=3,
        lat=point.y + 0.0001,
        lon=point.x,
    )
    make_report("klotter", a, local(2025, 10), is_summary=True, organisation=police)
    make_report("klotter", a, local(2025, 11))
    make_report("klotter", a, local(2025, 1))
    boden = Municipality.objects.get(code="2582")
    make_report("klotter", None, local(2025, 10), municipality=boden, lat=65.825, lon=21.691)
    return {"a": a, "b": b, "restricted": restricted}


def cell(picture, district, category_slug):
    name = Category.objects.get(slug=category_slug).name
    matches = [c for c in picture.cells if c.district_id == district.pk and c.category == name]
    assert len(matches) == 1
    return matches[0]


def gamma_poisson_tail(k: int, total: int, weeks: int) -> float:
    """P(X ≥ k) when this week's rate is Gamma(total + ½, weeks) (Jeffreys) and X Poisson
    given the rate: the negative binomial with size total + ½ and p = weeks / (weeks + 1),
    summed term by term."""
    size, prob = total + 0.5, weeks / (weeks + 1)
    below = sum(
        math.exp(math.lgamma(j + size) - math.lgamma(size) - math.lgamma(j + 1))
        * prob**size
        * (1 - prob) ** j
        for j in range(k)
    )
    return 1 - below


def test_it_matches_the_hand_computed_case(agreement, hand_case):
    a, b = hand_case["a"], hand_case["b"]
    picture = weekly_picture(agreement, 2025, 10)
    # Reports begin in 2025: no earlier year, so every cell is compared with the 8 previous
    # weeks. The pooled dispersion Σ(y − ȳ)² / Σȳ × 8/7 = 3.5 / 14 × 8/7 < 1 is floored at 1,
    # so the predictive law of a cell with `total` reports in 8 weeks is the Poisson–gamma
    # mixture (negative binomial) of gamma_poisson_tail.
    assert picture.history_years == 0 and "reservmetod" in picture.test

    a_klotter = cell(picture, a, "klotter")
    assert a_klotter.count == 4
    assert a_klotter.baseline == [0, 0, 0, 1, 0, 0, 0, 1]  # weeks 2 … 9
    assert a_klotter.baseline_mean == 0.25
    assert a_klotter.method == "recent" and a_klotter.expected == pytest.approx(2.5 / 8)
    p_a_klotter = gamma_poisson_tail(4, 2, 8)
    assert a_klotter.p == pytest.approx(p_a_klotter)
    assert a_klotter.p == pytest.approx(stats.nbinom.sf(3, 2.5, 8 / 9))

    a_skad = cell(picture, a, "skadegorelse")
    assert (a_skad.count, a_skad.baseline_mean) == (1, 1.0)
    assert a_skad.p == pytest.approx(gamma_poisson_tail(1, 8, 8))
    assert not a_skad.increase and "För få rapporter" in a_skad.explanation

    b_klotter = cell(picture, b, "klotter")
    assert (b_klotter.count, b_klotter.baseline_mean, b_klotter.p) == (0, 0.5, 1.0)

    b_skad = cell(picture, b, "skadegorelse")
    assert (b_skad.count, b_skad.tested, b_skad.new, b_skad.p) == (2, False, True, None)
    assert not b_skad.increase and not b_skad.new_large

    # Four cells (three tested, one new): the per-cell level is 1 / (52 × 4), so that a year
    # of such weeks gives one false flag on average. A × klotter: p ≈ 0,0012 ≤ 0,0048, 4 ≥ 3
    # reports and 4 + 1 ≥ 5 in the last four weeks: flagged.
    assert picture.alpha == pytest.approx(1 / 208)
    assert p_a_klotter < 1 / 208 < gamma_poisson_tail(3, 2, 8)
    assert a_klotter.threshold == 4 and a_klotter.increase
    assert [(c.district_id, c.category) for c in picture.increases] == [(a.pk, "Klotter")]
    assert "Ökning: 4 mot väntat 0,31 (gräns 4)." == a_klotter.explanation
    # The expected false flags: 52 × Σ P(X ≥ threshold) over the cells, by hand.
    new_size = 0.5 / 8 / (1 / 8)  # half a report over 8 weeks, Poisson–gamma: size ½
    expected = 52 * (
        gamma_poisson_tail(a_klotter.threshold, 2, 8)
        + gamma_poisson_tail(a_skad.threshold, 8, 8)
        + gamma_poisson_tail(b_klotter.threshold, 4, 8)
        + stats.nbinom.sf(b_skad.threshold - 1, new_size, 8 / 9)
    )
    assert picture.expected_false_per_year == pytest.approx(expected)
    assert "Väntat antal falsklarm" in picture.false_flags

    assert picture.total == 4 + 1 + 0 + 2
    assert picture.baseline_total_mean == pytest.approx(0.25 + 1 + 0.5 + 0)
    totals = {row.district_id: row.count for row in picture.districts}
    assert totals[a.pk] == 5 and totals[b.pk] == 2
    assert picture.restricted_count == 1
    # Points: the week's 7 counted reports, less the one placed at the municipality's centre.
    assert len(picture.points) == 6
    notable_ids = {n.id for n in picture.notable}
    assert len(notable_ids) == 2 and hand_case["restricted"].pk not in notable_ids


def test_it_shows_a_restricted_police_report_only_in_the_restricted_total(
    agreement, hand_case, coordinator
):
    restricted = hand_case["restricted"]
    picture = weekly_picture(agreement, 2025, 10).as_dict()
    assert picture["restricted_count"] == 1
    # Nowhere else: no cell, point or notable report carries it.
    assert restricted.pk not in {n["id"] for n in picture["notable"]}
    assert sum(c["count"] for c in picture["cells"]) == 7
    assert (restricted.lat, restricted.lon) not in {(p["lat"], p["lon"]) for p in picture["points"]}
    # The kommun coordinator cannot see the report through the chokepoint either.
    assert not incident_list_for_user(coordinator).filter(pk=restricted.pk).exists()


def test_the_shared_scope_is_within_what_every_party_user_may_see(agreement, hand_case):
    shown = set(
        shared_scope(agreement).exclude(classification="begransad").values_list("pk", flat=True)
    )
    assert shown
    for username in ["admin", "styrgrupp", "samordnare", "kommunpolis", "rapportor", "lasare"]:
        user = User.objects.get(username=username)
        visible = set(incident_list_for_user(user).values_list("pk", flat=True))
        assert shown <= visible, username


def test_weeks_run_monday_to_monday_in_local_time_across_summer_time(
    agreement, two_districts, make_report
):
    a, _b = two_districts
    # 2025-03-30 the clocks go forward: week 13 is 167 hours long.
    start, end = week_bounds(2025, 13)
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 3, 23, 23, 0, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 3, 30, 22, 0, tzinfo=dt.UTC)
    utc = dt.UTC
    make_report("klotter", a, dt.datetime(2025, 3, 23, 22, 30, tzinfo=utc))  # Sun 23:30 CET: w12
    make_report("klotter", a, dt.datetime(2025, 3, 23, 23, 30, tzinfo=utc))  # Mon 00:30 CET: w13
    make_report("klotter", a, dt.datetime(2025, 3, 30, 21, 30, tzinfo=utc))  # Sun 23:30 CEST: w13
    make_report("klotter", a, dt.datetime(2025, 3, 30, 22, 30, tzinfo=utc))  # Mon 00:30 CEST: w14
    picture = weekly_picture(agreement, 2025, 13)
    klotter = cell(picture, a, "klotter")
    assert klotter.count == 2
    assert klotter.baseline[-1] == 1  # week 12
    assert cell(weekly_picture(agreement, 2025, 14), a, "klotter").count == 1
    # And back in October (2025-10-26): week 43 is 169 hours long.
    start, end = week_bounds(2025, 43)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=169)


def test_it_makes_the_same_number_of_queries_whatever_the_data(
    agreement, two_districts, make_report
):
    a, b = two_districts

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            weekly_picture(agreement, 2025, 10)
        return len(captured)

    make_report("klotter", a, local(2025, 10))
    few = queries()
    for week in range(2, 11):
        for district in (a, b):
            for category in ("klotter", "brand", "tillhall"):
                make_report(category, district, local(2025, week), creates_insecurity=True)
    assert queries() == few
    assert few <= 12
    # History in earlier years (the seasonal baseline) costs no query more.
    for year in (2022, 2023, 2024):
        make_report("klotter", a, local(year, 10))
    assert queries() == few


def test_with_earlier_years_each_cell_is_compared_with_the_same_weeks_of_those_years(
    agreement, two_districts, make_report
):
    from samverkan.analysis.surveillance import WeekSeries, weekly_flags

    a, b = two_districts
    window = [1, 0, 2, 1, 0, 1, 1]  # weeks 7 … 13 of 2022, 2023 and 2024
    for year in (2022, 2023, 2024):
        for week, n in zip(range(7, 14), window, strict=True):
            for _ in range(n):
                make_report("klotter", a, local(year, week))
        make_report("brand", b, local(year, 10))
        make_report("brand", b, local(year, 30))  # outside every window: not fetched
    for week in (8, 9):
        make_report("klotter", a, local(2025, week))
    for day in range(1, 7):
        make_report("klotter", a, local(2025, 10, day=day))
    picture = weekly_picture(agreement, 2025, 10)
    assert picture.history_years == 3 and "de 3 föregående åren" in picture.test

    recent = [0, 0, 0, 0, 0, 0, 1, 1]
    expected = weekly_flags(
        {
            "a": WeekSeries(6, recent, [window] * 3),
            "b": WeekSeries(0, [0] * 8, [[0, 0, 0, 1, 0, 0, 0]] * 3),
        },
        years=3,
    )
    klotter = cell(picture, a, "klotter")
    brand = cell(picture, b, "brand")
    assert klotter.method == brand.method == "seasonal"
    for got, want in ((klotter, expected.cells["a"]), (brand, expected.cells["b"])):
        assert got.expected == pytest.approx(want.expected)
        assert got.p == pytest.approx(want.p)
        assert (got.threshold, got.increase) == (want.threshold, want.flagged)
    # 6 against about 0,86 a week in the same weeks of earlier years: flagged.
    assert klotter.expected == pytest.approx(6 / 7 + 0.5 / 21)
    assert klotter.increase and not brand.increase
    assert picture.expected_false_per_year == pytest.approx(expected.expected_false_per_year)
