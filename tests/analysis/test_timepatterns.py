"""Weekday × hour, time-window shares and seasonality, on hand-built frames and checked
against statsmodels' Wilson interval and SciPy's χ² test."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from samverkan.analysis.timepatterns import (
    TimeWindow,
    helgnatter,
    seasonality,
    weekday_hour,
    wilson_interval,
    window_share,
)
from samverkan.lagesbild.text.sentences import say


def local(*times: str) -> pd.DataFrame:
    """Stockholm wall-clock times, e.g. "2024-03-01 23:00" (a Friday)."""
    stamps = pd.to_datetime(list(times)).tz_localize("Europe/Stockholm", ambiguous="NaT")
    return pd.DataFrame({"occurred_at": stamps})


def utc(*times: str) -> pd.DataFrame:
    return pd.DataFrame({"occurred_at": pd.to_datetime(list(times), utc=True)})


# --- weekday × hour ---------------------------------------------------------------------


def test_it_counts_weekday_and_hour_in_local_time():
    # Friday 1 March 2024 23:00 local is 22:00 UTC; Monday 4 March 00:15 local.
    frame = utc("2024-03-01 22:00Z", "2024-03-01 22:59Z", "2024-03-03 23:15Z")
    result = weekday_hour(frame)
    assert result.matrix.shape == (7, 24)
    assert result.matrix.index.tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert result.matrix.columns.tolist() == list(range(24))
    assert result.matrix.loc[5, 23] == 2
    assert result.matrix.loc[1, 0] == 1
    assert result.matrix.to_numpy().sum() == 3 == result.total


def test_it_returns_a_zero_matrix_for_an_empty_frame():
    result = weekday_hour(utc())
    assert result.matrix.shape == (7, 24)
    assert result.matrix.to_numpy().sum() == 0
    assert say(result.explanation) == "inga händelser i perioden"


def test_it_counts_both_passes_of_the_repeated_october_hour():
    # Sunday 27 October 2024: 02:00–02:59 happens at 00:xx UTC (CEST) and 01:xx UTC (CET).
    frame = utc("2024-10-27 00:30Z", "2024-10-27 01:30Z")
    assert weekday_hour(frame).matrix.loc[7, 2] == 2


def test_it_never_puts_events_in_the_skipped_march_hour():
    # Sunday 31 March 2024: clocks go from 02:00 to 03:00; 00:59 UTC is 01:59, 01:00 UTC 03:00.
    frame = utc("2024-03-31 00:59Z", "2024-03-31 01:00Z")
    matrix = weekday_hour(frame).matrix
    assert matrix.loc[7, 1] == 1
    assert matrix.loc[7, 2] == 0
    assert matrix.loc[7, 3] == 1


# --- time windows -----------------------------------------------------------------------


def test_a_window_that_wraps_midnight_belongs_to_the_evening_it_starts():
    friday_night = TimeWindow(frozenset({5}), 23, 3)
    mask = friday_night.mask()
    assert friday_night.hours == 4
    assert mask.sum() == 4
    assert mask[4, 23]  # Friday 23:00
    assert mask[5, 0] and mask[5, 1] and mask[5, 2]  # Saturday 00–02
    assert not mask[5, 3]  # Saturday 03:00 is outside
    assert not mask[4, 0]  # Friday 00:00 belongs to Thursday night, not Friday's


def test_sunday_night_wraps_into_monday():
    mask = TimeWindow(frozenset({7}), 23, 3).mask()
    assert mask[6, 23] and mask[0, 0] and mask[0, 2]
    assert mask.sum() == 4


def test_a_window_within_one_day_and_a_full_day():
    assert TimeWindow(frozenset({1}), 8, 17).hours == 9
    assert TimeWindow(frozenset({1}), 0, 24).hours == 24
    assert TimeWindow(frozenset({1}), 6, 6).hours == 24


def test_it_rejects_impossible_windows():
    with pytest.raises(ValueError):
        TimeWindow(frozenset({0}), 23, 3)
    with pytest.raises(ValueError):
        TimeWindow(frozenset({5}), 24, 3)


def test_helgnatter_are_friday_and_saturday_nights_unless_sunday_is_asked_for():
    assert helgnatter().days == frozenset({5, 6})
    assert (helgnatter().start_hour, helgnatter().end_hour) == (23, 3)
    assert helgnatter(include_sunday=True).days == frozenset({5, 6, 7})


def test_it_counts_the_23_and_03_boundaries_as_the_seed_means_them():
    frame = local(
        "2024-03-01 23:00",  # Friday 23:00: in
        "2024-03-02 01:00",  # Saturday 01:00, Friday night: in
        "2024-03-02 02:59",  # in
        "2024-03-02 03:00",  # Saturday 03:00 sharp: out
        "2024-03-02 22:59",  # Saturday before 23: out
        "2024-03-03 02:30",  # Sunday 02:30, Saturday night: in
        "2024-03-04 01:00",  # Monday 01:00, Sunday night: out unless Sunday is included
        "2024-03-01 01:00",  # Friday 01:00 is Thursday night: out
    )
    result = window_share(frame, helgnatter())
    assert (result.count, result.total) == (4, 8)
    assert result.share == 0.5
    assert window_share(frame, helgnatter(include_sunday=True)).count == 5


def test_the_wilson_interval_matches_statsmodels():
    frame = local(*["2024-03-01 23:30"] * 6, *["2024-03-05 12:00"] * 4)
    result = window_share(frame, helgnatter())
    low, high = proportion_confint(6, 10, alpha=0.05, method="wilson")
    assert result.share == pytest.approx(0.6)
    assert result.ci_low == pytest.approx(low, abs=1e-12)
    assert result.ci_high == pytest.approx(high, abs=1e-12)
    # Worked by hand: z = 1.959964, centre (0.6 + 0.19207)/1.38415 = 0.57225,
    # half 1.959964·√(0.024 + 0.0096037)/1.38415 = 0.25957.
    assert result.ci_low == pytest.approx(0.3127, abs=1e-4)
    assert result.ci_high == pytest.approx(0.8318, abs=1e-4)


@pytest.mark.parametrize("count,total", [(0, 1), (1, 1), (0, 20), (20, 20), (3, 7), (61, 100)])
def test_wilson_matches_statsmodels_at_the_edges(count, total):
    low, high = proportion_confint(count, total, alpha=0.05, method="wilson")
    assert wilson_interval(count, total) == pytest.approx((low, high), abs=1e-12)


def test_the_share_is_tested_against_the_share_of_the_week_the_window_covers():
    frame = local(*["2024-03-01 23:30"] * 6, *["2024-03-05 12:00"] * 4)
    result = window_share(frame, helgnatter())
    assert result.expected_share == pytest.approx(8 / 168)
    assert result.p_value == pytest.approx(stats.binomtest(6, 10, 8 / 168).pvalue)
    assert "60,0 %" in say(result.explanation)
    assert "Wilson" in say(result.explanation)


def test_window_share_of_nothing_is_explained_not_nan():
    result = window_share(utc(), helgnatter())
    assert (result.count, result.total) == (0, 0)
    assert result.share is None and result.ci_low is None and result.p_value is None
    assert say(result.explanation) == "inga händelser i perioden"


def test_a_single_event_gives_an_interval_not_an_error():
    result = window_share(local("2024-03-01 23:30"), helgnatter())
    assert result.share == 1.0
    assert 0 < result.ci_low < 1 and result.ci_high == 1.0


def test_the_window_is_on_the_wall_clock_across_the_dst_nights():
    # Saturday 30 March 2024 to Sunday 31: 02:00–02:59 does not exist; 01:30 and 03:00 do.
    march = utc("2024-03-31 00:30Z", "2024-03-31 01:00Z")  # 01:30 and 03:00 local
    assert window_share(march, helgnatter()).count == 1
    # Saturday 26 to Sunday 27 October 2024: both passes of 02:30 are in Saturday night.
    october = utc("2024-10-27 00:30Z", "2024-10-27 01:30Z", "2024-10-27 02:00Z")
    assert window_share(october, helgnatter()).count == 2


# --- seasonality ------------------------------------------------------------------------


def test_seasonality_expects_events_in_proportion_to_days():
    # 2024 is a leap year: 366 days. 31 events in January, 29 in February, none after.
    frame = local(
        *[f"2024-01-{d:02d} 12:00" for d in range(1, 32)],
        *[f"2024-02-{d:02d} 12:00" for d in range(1, 30)],
    )
    result = seasonality(
        frame, start=pd.Timestamp("2024-01-01").date(), end=pd.Timestamp("2024-12-31").date()
    )
    by_month = result.by_month
    assert by_month["days"].tolist() == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert by_month.loc[1, "count"] == 31 and by_month.loc[2, "count"] == 29
    assert by_month.loc[1, "expected"] == pytest.approx(60 * 31 / 366)
    assert by_month.loc[1, "name"] == "januari"
    expected = stats.chisquare(by_month["count"], by_month["expected"])
    assert result.month_test.statistic == pytest.approx(expected.statistic)
    assert result.month_test.p_value == pytest.approx(expected.pvalue)
    assert result.month_test.dof == 11
    assert result.month_test.test == "χ²-test för god anpassning"
    assert "p < 0,001" in say(result.month_test.explanation)
    assert result.by_week["days"].sum() == 366
    assert result.by_week["count"].sum() == 60


def test_seasonality_finds_no_departure_when_every_day_has_one_event():
    days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    frame = local(*[f"{d:%Y-%m-%d} 12:00" for d in days])
    result = seasonality(frame)
    assert result.by_month["count"].tolist() == result.by_month["days"].tolist()
    assert result.month_test.statistic == pytest.approx(0)
    assert result.month_test.p_value == pytest.approx(1)
    assert say(result.month_test.explanation).startswith("Ingen statistiskt säkerställd")
    # 2023 has 52 ISO weeks; 1 January 2023 is a Sunday in 2022-W52.
    assert result.by_week.loc[53, "days"] == 0
    assert result.by_week.loc[52, "days"] == 8


def test_seasonality_of_an_empty_frame_is_explained():
    result = seasonality(utc())
    assert result.total == 0
    assert result.month_test.p_value is None
    assert say(result.explanation) == "inga händelser i perioden"
    assert result.by_month["count"].sum() == 0


def test_seasonality_of_one_event_has_no_test():
    result = seasonality(local("2024-07-10 12:00"))
    assert result.total == 1
    assert result.month_test.p_value is None
    assert "bara en månad" in say(result.month_test.explanation)


# --- properties -------------------------------------------------------------------------

seconds = st.lists(st.integers(1_500_000_000, 1_800_000_000), min_size=0, max_size=80)


def frame_of(values: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"occurred_at": pd.to_datetime(values, unit="s", utc=True)})


@settings(max_examples=80, deadline=None)
@given(
    values=seconds,
    days=st.sets(st.integers(1, 7), min_size=1, max_size=7),
    start=st.integers(0, 23),
    end=st.integers(0, 23),
)
def test_complementary_windows_add_up_to_everything(values, days, start, end):
    # Cut each chosen day's 24 hours from `start` at `end`: (days, start→end) and the rest,
    # which starts the same day when start→end stays within it, else the next day. Other
    # days take a full 24 hours from `start`. Together they cover the week exactly once.
    frame = frame_of(values)
    parts = [TimeWindow(frozenset(days), start, end)]
    if start != end:
        rest_days = days if end > start else {day % 7 + 1 for day in days}
        parts.append(TimeWindow(frozenset(rest_days), end, start))
    others = frozenset(range(1, 8)) - days
    if others:
        parts.append(TimeWindow(others, start, start))
    masks = sum(part.mask().astype(int) for part in parts)
    assert (masks == 1).all()
    results = [window_share(frame, part) for part in parts]
    assert sum(r.count for r in results) == len(values)
    assert sum(r.expected_share for r in results) == pytest.approx(1)
    if values:
        assert sum(r.share for r in results) == pytest.approx(1)


@settings(max_examples=60, deadline=None)
@given(values=seconds)
def test_weekday_hour_sums_to_the_total_and_ignores_order(values):
    frame = frame_of(values)
    matrix = weekday_hour(frame).matrix
    assert matrix.to_numpy().sum() == len(values)
    reversed_matrix = weekday_hour(frame.iloc[::-1]).matrix
    pd.testing.assert_frame_equal(matrix, reversed_matrix)
    share = window_share(frame, helgnatter())
    assert share.count == int(matrix.to_numpy()[helgnatter().mask()].sum())


@settings(max_examples=40, deadline=None)
@given(values=seconds)
def test_seasonality_counts_sum_to_the_total(values):
    result = seasonality(frame_of(values))
    assert result.by_month["count"].sum() == len(values) == result.by_week["count"].sum()
    if values:
        assert result.by_month["expected"].sum() == pytest.approx(len(values))
        assert not np.isnan(result.by_month["expected"]).any()
