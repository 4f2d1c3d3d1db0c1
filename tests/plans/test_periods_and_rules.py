"""Follow-up periods (kvartal, tertial, halvår, år) and the status rules built on dates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan.plans.models import FollowUpStatus
from samverkan.plans.periods import (
    MONTHS_PER_PERIOD,
    period_bounds,
    period_label,
    periods_between,
)
from samverkan.plans.rules import effective_status, is_due_soon

D = dt.date
KINDS = ["kvartal", "tertial", "halvar", "ar"]


@pytest.mark.parametrize(
    "kind, day, start, end, label",
    [
        # Tertial: jan–apr, maj–aug, sep–dec.
        ("tertial", D(2020, 1, 1), D(2020, 1, 1), D(2020, 4, 30), "2020 T1"),
        ("tertial", D(2020, 4, 30), D(2020, 1, 1), D(2020, 4, 30), "2020 T1"),
        ("tertial", D(2020, 5, 1), D(2020, 5, 1), D(2020, 8, 31), "2020 T2"),
        ("tertial", D(2020, 8, 31), D(2020, 5, 1), D(2020, 8, 31), "2020 T2"),
        ("tertial", D(2020, 9, 1), D(2020, 9, 1), D(2020, 12, 31), "2020 T3"),
        ("tertial", D(2020, 12, 31), D(2020, 9, 1), D(2020, 12, 31), "2020 T3"),
        # Kvartal, across a leap day.
        ("kvartal", D(2020, 2, 29), D(2020, 1, 1), D(2020, 3, 31), "2020 K1"),
        ("kvartal", D(2021, 3, 31), D(2021, 1, 1), D(2021, 3, 31), "2021 K1"),
        ("kvartal", D(2021, 4, 1), D(2021, 4, 1), D(2021, 6, 30), "2021 K2"),
        ("kvartal", D(2021, 9, 30), D(2021, 7, 1), D(2021, 9, 30), "2021 K3"),
        ("kvartal", D(2021, 10, 1), D(2021, 10, 1), D(2021, 12, 31), "2021 K4"),
        # Halvår.
        ("halvar", D(2020, 6, 30), D(2020, 1, 1), D(2020, 6, 30), "2020 H1"),
        ("halvar", D(2020, 7, 1), D(2020, 7, 1), D(2020, 12, 31), "2020 H2"),
        # År.
        ("ar", D(2021, 1, 1), D(2021, 1, 1), D(2021, 12, 31), "2021"),
        ("ar", D(2021, 12, 31), D(2021, 1, 1), D(2021, 12, 31), "2021"),
    ],
)
def test_it_finds_the_period_and_its_label(kind, day, start, end, label):
    assert period_bounds(kind, day) == (start, end)
    assert period_label(kind, start) == label


def test_it_lists_every_tertial_that_overlaps_a_span():
    assert periods_between("tertial", D(2020, 3, 15), D(2021, 1, 10)) == [
        (D(2020, 1, 1), D(2020, 4, 30)),
        (D(2020, 5, 1), D(2020, 8, 31)),
        (D(2020, 9, 1), D(2020, 12, 31)),
        (D(2021, 1, 1), D(2021, 4, 30)),
    ]


def test_it_lists_one_period_when_the_span_lies_within_it():
    assert periods_between("halvar", D(2021, 2, 1), D(2021, 2, 1)) == [
        (D(2021, 1, 1), D(2021, 6, 30))
    ]


def test_it_lists_the_years_of_a_two_year_plan():
    assert periods_between("ar", D(2020, 1, 1), D(2021, 12, 31)) == [
        (D(2020, 1, 1), D(2020, 12, 31)),
        (D(2021, 1, 1), D(2021, 12, 31)),
    ]


days = st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31))


@given(kind=st.sampled_from(KINDS), day=days)
def test_it_puts_every_day_inside_its_period(kind, day):
    start, end = period_bounds(kind, day)

    assert start <= day <= end
    assert start.day == 1
    # The next period starts the day after this one ends: no gap, no overlap.
    assert period_bounds(kind, end + dt.timedelta(days=1))[0] == end + dt.timedelta(days=1)
    assert period_bounds(kind, start) == period_bounds(kind, end) == (start, end)


@given(kind=st.sampled_from(KINDS), year=st.integers(min_value=1900, max_value=2199))
def test_it_tiles_the_year_with_periods(kind, year):
    periods = periods_between(kind, D(year, 1, 1), D(year, 12, 31))

    assert len(periods) == 12 // MONTHS_PER_PERIOD[kind]
    assert periods[0][0] == D(year, 1, 1)
    assert periods[-1][1] == D(year, 12, 31)
    for (_, end), (next_start, _) in zip(periods, periods[1:], strict=False):
        assert next_start == end + dt.timedelta(days=1)
    labels = [period_label(kind, start) for start, _ in periods]
    assert len(set(labels)) == len(periods)


@given(kind=st.sampled_from(KINDS), first=days, length=st.integers(min_value=0, max_value=800))
def test_it_lists_exactly_the_periods_that_overlap(kind, first, length):
    last = first + dt.timedelta(days=length)

    periods = periods_between(kind, first, last)

    assert periods[0][0] <= first <= periods[0][1]
    assert periods[-1][0] <= last <= periods[-1][1]
    assert all(start <= last and end >= first for start, end in periods)


# --- Status rules -------------------------------------------------------------------------

TODAY = D(2021, 1, 15)
PAST = D(2020, 12, 31)
FUTURE = D(2021, 6, 30)


@pytest.mark.parametrize(
    "latest, due, expected",
    [
        ("pagar", PAST, FollowUpStatus.DELAYED),
        ("ej_paborjad", PAST, FollowUpStatus.DELAYED),
        ("klar", PAST, FollowUpStatus.DONE),
        ("installd", PAST, FollowUpStatus.CANCELLED),
        (None, PAST, FollowUpStatus.DELAYED),
        ("pagar", FUTURE, FollowUpStatus.IN_PROGRESS),
        ("klar", FUTURE, FollowUpStatus.DONE),
        ("forsenad", FUTURE, FollowUpStatus.DELAYED),
        (None, FUTURE, FollowUpStatus.NOT_STARTED),
        ("pagar", TODAY, FollowUpStatus.IN_PROGRESS),  # due today is not yet late
        ("pagar", None, FollowUpStatus.IN_PROGRESS),  # continuous work is never late
        (None, None, FollowUpStatus.NOT_STARTED),
    ],
)
def test_it_derives_the_status_to_show(latest, due, expected):
    assert effective_status(latest, due, TODAY) == expected


@pytest.mark.parametrize(
    "status, due, expected",
    [
        (FollowUpStatus.IN_PROGRESS, TODAY, True),
        (FollowUpStatus.IN_PROGRESS, TODAY + dt.timedelta(days=30), True),
        (FollowUpStatus.IN_PROGRESS, TODAY + dt.timedelta(days=31), False),
        (FollowUpStatus.NOT_STARTED, TODAY + dt.timedelta(days=10), True),
        (FollowUpStatus.DONE, TODAY + dt.timedelta(days=10), False),
        (FollowUpStatus.CANCELLED, TODAY + dt.timedelta(days=10), False),
        (FollowUpStatus.DELAYED, TODAY - dt.timedelta(days=1), False),  # already late
        (FollowUpStatus.IN_PROGRESS, None, False),
    ],
)
def test_it_flags_work_due_within_30_days(status, due, expected):
    assert is_due_soon(status, due, TODAY, 30) is expected
