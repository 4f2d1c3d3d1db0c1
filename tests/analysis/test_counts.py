"""Counts per period and group, checked on frames small enough to count on paper."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan.analysis.counts import PERIODS, counts
from samverkan.lagesbild.text.sentences import say


def incidents(times: list[str], **columns: list) -> pd.DataFrame:
    """Times are ISO strings with an offset, e.g. "2024-03-01 12:00+01:00"."""
    return pd.DataFrame({"occurred_at": pd.to_datetime(times, utc=True), **columns})


def as_dict(table: pd.DataFrame, *keys: str) -> dict:
    return {tuple(row[k] for k in keys): row["count"] for _, row in table.iterrows()}


def test_it_counts_per_category_without_a_period():
    frame = incidents(
        ["2024-01-01 12:00Z", "2024-01-02 12:00Z", "2024-01-03 12:00Z"],
        category=["våld", "klotter", "våld"],
    )
    result = counts(frame, ["category"])
    assert as_dict(result.table, "category") == {("klotter",): 1, ("våld",): 2}
    assert result.total == 3
    assert say(result.explanation) == ""


def test_it_counts_all_rows_when_nothing_is_grouped():
    frame = incidents(["2024-01-01 12:00Z", "2024-01-02 12:00Z"])
    assert counts(frame).table["count"].tolist() == [2]


def test_it_takes_periods_in_stockholm_time_not_utc():
    # 23:30 UTC on New Year's Eve is 00:30 on 1 January in Stockholm (UTC+1 in winter).
    frame = incidents(["2020-12-31 23:30Z"])
    assert counts(frame, period="day").table["period"].tolist() == ["2021-01-01"]
    assert counts(frame, period="year").table["period"].tolist() == ["2021"]
    # 22:30 UTC on 30 June is 00:30 on 1 July in summer time (UTC+2).
    frame = incidents(["2024-06-30 22:30Z"])
    assert counts(frame, period="month").table["period"].tolist() == ["2024-07"]


@pytest.mark.parametrize(
    "period,local_time,label,start",
    [
        ("day", "2020-01-31 10:00", "2020-01-31", "2020-01-31"),
        ("isoweek", "2020-01-31 10:00", "2020-W05", "2020-01-27"),
        # Sunday 3 January 2021 still belongs to ISO week 53 of 2020.
        ("isoweek", "2021-01-03 10:00", "2020-W53", "2020-12-28"),
        # Monday 30 December 2024 already belongs to ISO week 1 of 2025.
        ("isoweek", "2024-12-30 10:00", "2025-W01", "2024-12-30"),
        ("month", "2020-02-29 23:59", "2020-02", "2020-02-01"),
        ("quarter", "2020-04-01 00:00", "2020 Q2", "2020-04-01"),
        ("quarter", "2020-12-31 23:59", "2020 Q4", "2020-10-01"),
        ("tertial", "2020-04-30 23:59", "2020 T1", "2020-01-01"),
        ("tertial", "2020-05-01 00:00", "2020 T2", "2020-05-01"),
        ("tertial", "2020-08-31 12:00", "2020 T2", "2020-05-01"),
        ("tertial", "2020-09-01 00:00", "2020 T3", "2020-09-01"),
        ("year", "2020-07-01 12:00", "2020", "2020-01-01"),
    ],
)
def test_it_labels_periods(period, local_time, label, start):
    when = pd.Timestamp(local_time, tz="Europe/Stockholm")
    frame = pd.DataFrame({"occurred_at": pd.Series([when])})
    table = counts(frame, period=period).table
    assert table["period"].tolist() == [label]
    assert table["period_start"].tolist() == [pd.Timestamp(start)]


def test_it_fills_missing_periods_and_levels_with_zero_when_complete():
    frame = incidents(
        ["2024-01-15 12:00Z", "2024-03-15 12:00Z", "2024-03-16 12:00Z"],
        category=pd.Categorical(["våld", "våld", "klotter"], categories=["klotter", "våld", "rån"]),
    )
    table = counts(frame, ["category"], "month", complete=True).table
    # 3 months (January–March, February empty) × 3 categories (rån never observed).
    assert len(table) == 9
    assert as_dict(table, "period", "category") == {
        ("2024-01", "klotter"): 0,
        ("2024-01", "våld"): 1,
        ("2024-01", "rån"): 0,
        ("2024-02", "klotter"): 0,
        ("2024-02", "våld"): 0,
        ("2024-02", "rån"): 0,
        ("2024-03", "klotter"): 1,
        ("2024-03", "våld"): 1,
        ("2024-03", "rån"): 0,
    }
    assert table["period"].tolist()[::3] == ["2024-01", "2024-02", "2024-03"]
    assert table["category"].dtype == frame["category"].dtype


def test_it_completes_iso_weeks_across_the_new_year():
    frame = incidents(["2020-12-21 12:00Z", "2021-01-12 12:00Z"])
    table = counts(frame, period="isoweek", complete=True).table
    assert table["period"].tolist() == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    assert table["count"].tolist() == [1, 0, 0, 1]


def test_it_completes_tertials_across_years():
    frame = incidents(["2023-11-01 12:00Z", "2024-06-01 12:00Z"])
    table = counts(frame, period="tertial", complete=True).table
    assert table["period"].tolist() == ["2023 T3", "2024 T1", "2024 T2"]
    assert table["count"].tolist() == [1, 0, 1]


def test_it_crosses_two_columns_with_only_observed_combinations_by_default():
    frame = incidents(
        ["2024-01-01 12:00Z"] * 3,
        category=["våld", "våld", "klotter"],
        district=["Centrum", "Hertsön", "Centrum"],
    )
    table = counts(frame, ["district", "category"]).table
    assert as_dict(table, "district", "category") == {
        ("Centrum", "klotter"): 1,
        ("Centrum", "våld"): 1,
        ("Hertsön", "våld"): 1,
    }
    complete = counts(frame, ["district", "category"], complete=True).table
    assert as_dict(complete, "district", "category")[("Hertsön", "klotter")] == 0


def test_it_keeps_missing_group_values_as_their_own_group():
    frame = incidents(["2024-01-01 12:00Z"] * 3, district=["Centrum", None, None])
    table = counts(frame, ["district"]).table
    assert table["count"].sum() == 3
    assert table.loc[table["district"].isna(), "count"].tolist() == [2]


def test_it_leaves_out_rows_without_a_time_and_says_how_many():
    frame = pd.DataFrame(
        {
            "occurred_at": pd.to_datetime(["2024-01-01 12:00Z", None], utc=True),
            "category": ["a", "b"],
        }
    )
    result = counts(frame, ["category"], "day")
    assert result.total == 1
    assert result.missing_time == 1
    assert result.table["category"].tolist() == ["a"]


def test_it_returns_an_empty_explained_table_for_an_empty_frame():
    frame = incidents([], category=[])
    for period in (None, *PERIODS):
        result = counts(frame, ["category"], period, complete=True)
        assert result.table.empty
        assert "count" in result.table.columns
        assert result.total == 0
        assert say(result.explanation) == "inga händelser i perioden"


def test_it_counts_a_single_event():
    result = counts(incidents(["2024-05-05 12:00Z"], category=["våld"]), ["category"], "isoweek")
    assert result.table.to_dict("records") == [
        {
            "period": "2024-W18",
            "period_start": pd.Timestamp("2024-04-29"),
            "category": "våld",
            "count": 1,
        }
    ]


def test_it_counts_the_repeated_dst_hour_on_the_right_day():
    # 27 October 2024: 02:30 local time occurs twice (00:30 and 01:30 UTC), both on the 27th.
    frame = incidents(["2024-10-27 00:30Z", "2024-10-27 01:30Z", "2024-10-26 21:59Z"])
    table = counts(frame, period="day").table
    assert as_dict(table, "period") == {("2024-10-26",): 1, ("2024-10-27",): 2}


def test_it_refuses_naive_times_and_unknown_periods():
    naive = pd.DataFrame({"occurred_at": pd.to_datetime(["2024-01-01 12:00"])})
    with pytest.raises(ValueError, match="tz-aware"):
        counts(naive)
    frame = incidents(["2024-01-01 12:00Z"])
    with pytest.raises(ValueError, match="unknown period"):
        counts(frame, period="fortnight")
    with pytest.raises(ValueError, match="no column"):
        counts(frame, ["district"])


def test_it_agrees_with_a_plain_groupby_on_random_data():
    rng = np.random.default_rng(5)
    n = 2_000
    frame = pd.DataFrame(
        {
            "occurred_at": pd.to_datetime(rng.integers(1.55e18, 1.72e18, n), utc=True),
            "category": rng.choice(["våld", "klotter", "rån"], n),
        }
    )
    local = frame["occurred_at"].dt.tz_convert("Europe/Stockholm")
    expected = (
        pd.DataFrame({"period": local.dt.strftime("%Y-%m"), "category": frame["category"]})
        .groupby(["period", "category"])
        .size()
    )
    table = counts(frame, ["category"], "month").table
    assert as_dict(table, "period", "category") == expected.to_dict()


# --- properties -------------------------------------------------------------------------

times = st.lists(
    st.integers(min_value=1_500_000_000, max_value=1_800_000_000), min_size=0, max_size=60
)


def random_frame(seconds: list[int], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "occurred_at": pd.to_datetime(seconds, unit="s", utc=True),
            "category": rng.choice(["våld", "klotter", "rån"], len(seconds)),
            "district": rng.choice(["Centrum", "Hertsön", None], len(seconds)),
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    seconds=times,
    seed=st.integers(0, 1000),
    period=st.sampled_from([None, *PERIODS]),
    complete=st.booleans(),
)
def test_counts_sum_to_the_number_of_events(seconds, seed, period, complete):
    frame = random_frame(seconds, seed)
    result = counts(frame, ["category", "district"], period, complete=complete)
    assert result.table["count"].sum() == len(seconds) == result.total
    assert (result.table["count"] >= 0).all()


@settings(max_examples=60, deadline=None)
@given(seconds=times, seed=st.integers(0, 1000), period=st.sampled_from(PERIODS))
def test_permuting_rows_gives_the_same_counts(seconds, seed, period):
    frame = random_frame(seconds, seed)
    shuffled = frame.sample(frac=1, random_state=seed)
    first = counts(frame, ["category", "district"], period, complete=True).table
    second = counts(shuffled, ["category", "district"], period, complete=True).table
    pd.testing.assert_frame_equal(first, second)


@given(
    seconds=st.lists(
        st.one_of(st.none(), st.integers(1_600_000_000, 1_800_000_000)), min_size=0, max_size=60
    )
)
def test_local_time_computed_once_equals_computed_each_time(seconds):
    from samverkan.analysis.counts import local_time, with_local_time

    frame = pd.DataFrame(
        {"occurred_at": pd.to_datetime(pd.Series(seconds, dtype="float64"), unit="s", utc=True)}
    )
    cached = with_local_time(frame)
    assert "occurred_local" not in frame.columns  # the input is left as it was
    pd.testing.assert_series_equal(local_time(cached), local_time(frame))
    # A subset keeps the cached column and still agrees.
    half = cached.iloc[::2]
    pd.testing.assert_series_equal(local_time(half), local_time(frame.iloc[::2]))
