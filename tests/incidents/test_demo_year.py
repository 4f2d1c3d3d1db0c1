"""The demo's year of synthetic EST reports: rhythm, hot spots, trends, privacy, speed.

The statistics are computed here from the stored rows (pandas over the database), not from
the generator's parameters.
"""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from django.utils import timezone

from samverkan.core.privacy import find_personal_data
from samverkan.demo.incidents import PREFIX
from samverkan.demo.year import load_year
from samverkan.demo.year_shape import RISING_DISTRICTS, TEXTS, YEAR_PREFIX
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Incident

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def year(demo) -> pd.DataFrame:
    started = time.perf_counter()
    created = load_year()
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"the year took {elapsed:.2f} s to load"
    assert 4000 <= created <= 6000
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


def test_it_covers_the_last_365_days_in_lulea_marked_synthetic(year):
    today = timezone.localdate()
    assert year["local"].min().date() >= today - dt.timedelta(days=365)
    assert year["local"].max() <= timezone.now()
    assert year["description"].str.startswith(PREFIX).all()
    drawn = year[~year["position_is_centre"]]
    assert drawn["district__slug"].nunique() == 12
    assert drawn["lat"].notna().all()
    assert Incident.objects.filter(
        external_id__startswith=YEAR_PREFIX, municipality__code="2580"
    ).count() == len(year)
    # Every month of the year has reports, so every page shows something.
    assert year["local"].dt.month.nunique() == 12


def test_it_is_loaded_once(year):
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
    assert len(violence) > 250
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
    per_day = len(fires) / 365
    peak = days.isin(["04-30", "12-31"]).sum()
    # Two days of the year carry far more than two days' share.
    assert peak > 6 * 2 * per_day, (peak, per_day)


def test_gatherings_at_the_end_of_the_school_year(year):
    gatherings = year[year["category__slug"] == "tillhall"]
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
    vandalism["half"] = (vandalism["local"] - start).dt.days >= 182
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
    # Overall: the same calendar quarter of the year at the start and the end of the window
    # cannot be compared in one year, so the fall shows as the falling districts' majority.
    assert falling.sum().sum() > rising.sum().sum()


def test_the_classification_mix_and_who_reports(year, coordinator, kommunpolis):
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
    assert 20 <= len(centre) <= 300
    assert (centre["source"] == "polisen").all()


def test_every_text_passes_the_privacy_guard(year):
    for texts in TEXTS.values():
        for text in texts:
            assert find_personal_data(PREFIX + text) == [], text
    for text in year["description"].unique():
        assert find_personal_data(text) == [], text
