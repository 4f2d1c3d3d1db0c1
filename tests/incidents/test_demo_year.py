"""The demo's years of synthetic EST reports: span, rhythm, hot spots, trends, privacy, and
the lägesbild they give.

The statistics are computed here from the stored rows (pandas over the database), not from
the generator's parameters. The reports are loaded once for the module (in a transaction
that is rolled back); the tests that need them in their own database load them again.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from django.utils import timezone

from samverkan.core.privacy import find_personal_data
from samverkan.demo.incidents import PREFIX
from samverkan.demo.year import load_year
from samverkan.demo.year_shape import DISTRICT_STEPS, RISING_DISTRICTS, TEXTS, YEAR_PREFIX, YEARS
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Incident
from samverkan.lagesbild.assemble import lagesbild
from samverkan.plans.models import Agreement

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _frame() -> pd.DataFrame:
    rows = Incident.objects.filter(external_id__startswith=YEAR_PREFIX).values(
        "occurred_from",
        "category__slug",
        "category__parent__slug",
        "district__slug",
        "place__name",
        "organisation__slug",
        "classification",
        "position_is_centre",
        "source",
        "description",
        "lat",
    )
    frame = pd.DataFrame.from_records(list(rows))
    frame["local"] = pd.to_datetime(frame["occurred_from"], utc=True).dt.tz_convert(STOCKHOLM)
    return frame


def _lagesbild(user) -> dict:
    """The lägesbild of the last whole tertial and of last calendar year, as the page asks."""
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    today = timezone.localdate()
    results = {}
    periods = {
        "year": (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
        "tertial": (dt.date(today.year - 1, 9, 1), dt.date(today.year - 1, 12, 31)),
    }
    for name, (date_from, date_to) in periods.items():
        results[name] = lagesbild(
            agreement=agreement, date_from=date_from, date_to=date_to, user=user
        ).to_dict()
    return results


_cache: dict = {}


@pytest.fixture
def loaded(demo, coordinator) -> dict:
    """The demo with its years of reports, read in the first test that asks and kept for the
    module's later tests: the count, the frame, the lägesbild (the rows roll back each time)."""
    if _cache.get("day") != timezone.localdate():
        _cache.clear()
        _cache.update(
            day=timezone.localdate(),
            created=load_year(),
            frame=_frame(),
            lagesbild=_lagesbild(coordinator),
        )
    return _cache


@pytest.fixture
def year(loaded) -> pd.DataFrame:
    return loaded["frame"]


@pytest.fixture
def stored(demo) -> pd.DataFrame:
    """The reports in this test's own database."""
    load_year()
    return _frame()


def test_it_loads_six_years_and_more_of_reports(loaded):
    # About 4 900 a year, falling slowly, over six whole years and this year so far.
    assert 28_000 <= loaded["created"] <= 42_000


def test_it_covers_six_whole_years_and_this_year_in_lulea_marked_synthetic(year):
    today = timezone.localdate()
    first = dt.date(today.year - YEARS, 1, 1)
    assert YEARS >= 6
    assert year["local"].min().date() >= first
    assert year["local"].min().date() < first + dt.timedelta(days=7)
    assert year["local"].max() <= timezone.now()
    assert year["local"].dt.year.nunique() == YEARS + 1
    assert year["description"].str.startswith(PREFIX).all()
    drawn = year[~year["position_is_centre"]]
    assert drawn["district__slug"].nunique() == 12
    assert drawn["lat"].notna().all()
    # Every month of the year has reports, so every page shows something.
    assert year["local"].dt.month.nunique() == 12


def test_it_is_loaded_once(stored):
    assert Incident.objects.filter(
        external_id__startswith=YEAR_PREFIX, municipality__code="2580"
    ).count() == len(stored)
    before = Incident.objects.count()
    assert load_year() == 0
    assert Incident.objects.count() == before


def test_a_good_60_percent_of_violence_falls_on_weekend_nights(year):
    violence = year[year["category__slug"] == "vald"]
    local = violence["local"]
    weekday, hour = local.dt.day_of_week, local.dt.hour
    # Friday 23–Saturday 03 and Saturday 23–Sunday 03.
    friday_or_saturday_late = weekday.isin([4, 5]) & (hour == 23)
    saturday_or_sunday_early = weekday.isin([5, 6]) & (hour < 3)
    share = (friday_or_saturday_late | saturday_or_sunday_early).mean()
    assert len(violence) > 250 * YEARS
    assert 0.55 <= share <= 0.75, share


def test_graffiti_and_vandalism_in_the_snow_free_months(year):
    vandalism = year[year["category__slug"].isin(["klotter", "skadegorelse"])]
    months = vandalism["local"].dt.month
    summer = months.isin([6, 7, 8]).sum()
    winter = months.isin([12, 1, 2]).sum()
    assert summer > 3 * winter, (summer, winter)


def test_fires_peak_on_valborg_and_new_year(year):
    fires = year[year["category__slug"] == "brand"]
    days = fires["local"].dt.strftime("%m-%d")
    per_day = len(fires) / (year["local"].max() - year["local"].min()).days
    peak = days.isin(["04-30", "12-31"]).sum()
    # Two days of the year carry far more than two days' share.
    assert peak > 6 * 2 * per_day, (peak, per_day)


def test_gatherings_at_the_end_of_the_school_year(year):
    gatherings = year[year["category__slug"] == "tillhall"]
    gatherings = gatherings[gatherings["local"].dt.year == timezone.localdate().year - 1]
    june = gatherings[gatherings["local"].dt.month == 6]
    per_day = june.groupby(june["local"].dt.date).size()
    # The end of the school year (a Friday around 10–16 June) is June's busiest day.
    top = per_day.idxmax()
    assert top.month == 6 and 10 <= top.day <= 17
    assert per_day.max() >= 4 * per_day.median()


def test_hot_spots_in_centrum_and_a_school_yard_in_bjorkskatan(year):
    centrum = year[
        (year["district__slug"] == "centrum")
        & year["category__slug"].isin(["vald", "ordningsstorning", "narkotika"])
    ]
    at_spots = (
        centrum["place__name"].isin(["Stadsparken", "Smedjegatan/Storgatan busshållplats"]).mean()
    )
    assert at_spots > 0.35
    bjorkskatan = year[
        (year["district__slug"] == "bjorkskatan")
        & year["category__slug"].isin(["klotter", "skadegorelse"])
    ]
    # The school yard: one exact point carrying a third of the district's vandalism.
    top_point_share = bjorkskatan["lat"].round(6).value_counts(normalize=True).iloc[0]
    assert top_point_share > 0.25


def test_vandalism_falls_overall_but_rises_in_three_districts(year):
    vandalism = year[
        year["category__slug"].isin(["klotter", "skadegorelse"]) & year["district__slug"].notna()
    ].copy()
    start = vandalism["local"].min()
    middle = (vandalism["local"].max() - start).days // 2
    vandalism["half"] = (vandalism["local"] - start).dt.days >= middle
    counts = vandalism.groupby(["district__slug", "half"]).size().unstack(fill_value=0)
    rising = counts.loc[list(RISING_DISTRICTS)]
    falling = counts.drop(index=list(RISING_DISTRICTS))
    rising_ratio = rising[True].sum() / rising[False].sum()
    falling_ratio = falling[True].sum() / falling[False].sum()
    # Both halves share the seasons' mix differently, so compare the districts to each other:
    # the rising districts grow at least 1.6 times as much as the rest between the halves.
    assert rising_ratio > 1.6 * falling_ratio, (rising_ratio, falling_ratio)
    for district in RISING_DISTRICTS:
        ratio = counts.loc[district, True] / counts.loc[district, False]
        assert ratio > 1.3 * falling_ratio, (district, ratio, falling_ratio)
    assert falling.sum().sum() > rising.sum().sum()


def test_all_reports_fall_slowly_year_by_year(year):
    today = timezone.localdate()
    whole = year[year["local"].dt.year < today.year]
    per_year = whole.groupby(whole["local"].dt.year).size()
    assert len(per_year) == YEARS
    assert per_year.iloc[-1] < 0.9 * per_year.iloc[0], per_year.to_dict()


@pytest.mark.parametrize("district", sorted(DISTRICT_STEPS))
def test_a_district_steps_up_or_down_at_its_change(year, district):
    years_back, month, factor = DISTRICT_STEPS[district]
    change = pd.Timestamp(timezone.localdate().year - years_back, month, 1, tz=STOCKHOLM)
    rest = year[year["district__slug"].notna()]
    window = pd.Timedelta(days=365)
    before = rest[(rest["local"] >= change - window) & (rest["local"] < change)]
    after = rest[(rest["local"] >= change) & (rest["local"] < change + window)]
    share_before = (before["district__slug"] == district).mean()
    share_after = (after["district__slug"] == district).mean()
    ratio = share_after / share_before
    if factor > 1:
        assert ratio > 1.4, ratio
    else:
        assert ratio < 0.7, ratio


def test_the_classification_mix_and_who_reports(stored, coordinator, kommunpolis):
    year = stored
    mix = year["classification"].value_counts(normalize=True)
    assert set(mix.index) == {"oppen", "intern", "begransad"}
    restricted = year[year["classification"] == "begransad"]
    assert (restricted["organisation__slug"] == "lpo-lulea-boden").mean() > 0.8
    assert {
        "lulebo",
        "stadsbyggnad",
        "lpo-lulea-boden",
        "norrsken-bevakning",
        "nattvandrarna",
        "raddningstjansten",
    } <= set(year["organisation__slug"])
    # The police's begränsad reports stay out of the kommun's view.
    kommun = incident_list_for_user(coordinator).filter(external_id__startswith=YEAR_PREFIX)
    kommun_tree = {"lulebo", "stadsbyggnad", "kultur-och-fritid", "raddningstjansten"}
    hidden = restricted[~restricted["organisation__slug"].isin(kommun_tree)]
    assert len(hidden) > 100
    assert kommun.count() == len(year) - len(hidden)
    assert not kommun.filter(classification="begransad", organisation__slug="lpo-lulea-boden")


def test_some_police_events_have_only_the_centre_as_position(year):
    centre = year[year["position_is_centre"]]
    assert 20 * YEARS <= len(centre) <= 300 * YEARS
    assert (centre["source"] == "polisen").all()


def test_every_text_passes_the_privacy_guard(year):
    for texts in TEXTS.values():
        for text in texts:
            assert find_personal_data(PREFIX + text) == [], text
    for text in year["description"].unique():
        assert find_personal_data(text) == [], text


def test_the_lagesbild_of_the_demo_has_trends_and_comparisons(loaded):
    import json

    for name, result in loaded["lagesbild"].items():
        trends = result["trends"]
        # Six whole earlier years: the yearly trend is tested, never "too few years".
        assert len(trends["windows"]) >= 6, name
        assert trends["total"]["tested"], name
        assert trends["total"]["direction"] == "decrease", name
        text = json.dumps(trends, ensure_ascii=False)
        assert "trend_too_few_years" not in text and "för få år" not in text, name
        directions = {d["direction"] for d in trends["by_district"] if d["tested"]}
        assert "decrease" in directions, (name, directions)
        if name == "year":  # Porsön's step up and the rising districts show in whole years
            assert "increase" in directions, directions
        comparison = result["comparison"]
        assert comparison["current_total"] > 0 and comparison["previous_total"] > 0, name
        assert comparison["sentence"], name
    # The annual view: all twelve months of last year, clearly seasonal.
    months = loaded["lagesbild"]["year"]["seasonality"]["months"]
    assert [m["month"] for m in months] == list(range(1, 13))
    assert loaded["lagesbild"]["year"]["seasonality"]["p_value"] < 0.001
