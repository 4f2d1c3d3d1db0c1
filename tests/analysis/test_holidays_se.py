"""Swedish holidays and eves, hand-checked against the almanac, and the holiday effect
checked against statsmodels' exact conditional test for two Poisson rates."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from samverkan.analysis.holidays_se import holiday_calendar, holiday_effect
from samverkan.lagesbild.text.sentences import say


def dates_named(calendar: pd.DataFrame, name: str) -> list[date]:
    return [d.date() for d in calendar.loc[calendar["name"] == name, "date"]]


def local(*times: str) -> pd.DataFrame:
    stamps = pd.to_datetime(list(times)).tz_localize("Europe/Stockholm")
    return pd.DataFrame({"occurred_at": stamps})


@pytest.mark.parametrize(
    "year,easter", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5))]
)
def test_it_computes_easter_and_its_days(year, easter):
    calendar = holiday_calendar([year])
    assert dates_named(calendar, "Påskdagen") == [easter]
    assert dates_named(calendar, "Påskafton") == [easter - pd.Timedelta(days=1)]
    assert dates_named(calendar, "Långfredagen") == [easter - pd.Timedelta(days=2)]
    assert dates_named(calendar, "Skärtorsdagen") == [easter - pd.Timedelta(days=3)]
    assert dates_named(calendar, "Annandag påsk") == [easter + pd.Timedelta(days=1)]


@pytest.mark.parametrize(
    "year,afton",
    [(2024, date(2024, 6, 21)), (2025, date(2025, 6, 20)), (2026, date(2026, 6, 19)),
     (2027, date(2027, 6, 25))],
)  # fmt: skip
def test_midsommarafton_is_the_friday_between_19_and_25_june(year, afton):
    calendar = holiday_calendar([year])
    assert dates_named(calendar, "Midsommarafton") == [afton]
    assert afton.isoweekday() == 5 and 19 <= afton.day <= 25
    assert dates_named(calendar, "Midsommardagen") == [afton + pd.Timedelta(days=1)]


def test_the_2025_calendar_matches_the_almanac():
    calendar = holiday_calendar([2025])
    got = {(d.date(), name, kind) for d, name, kind in calendar.itertuples(index=False)}
    assert got == {
        (date(2025, 1, 1), "Nyårsdagen", "helgdag"),
        (date(2025, 1, 5), "Trettondagsafton", "afton"),
        (date(2025, 1, 6), "Trettondedag jul", "helgdag"),
        (date(2025, 4, 17), "Skärtorsdagen", "afton"),
        (date(2025, 4, 18), "Långfredagen", "helgdag"),
        (date(2025, 4, 19), "Påskafton", "afton"),
        (date(2025, 4, 20), "Påskdagen", "helgdag"),
        (date(2025, 4, 21), "Annandag påsk", "helgdag"),
        (date(2025, 4, 30), "Valborgsmässoafton", "afton"),
        (date(2025, 5, 1), "Första maj", "helgdag"),
        (date(2025, 5, 29), "Kristi himmelsfärdsdag", "helgdag"),
        (date(2025, 6, 6), "Nationaldagen", "helgdag"),
        (date(2025, 6, 8), "Pingstdagen", "helgdag"),
        (date(2025, 6, 20), "Midsommarafton", "afton"),
        (date(2025, 6, 21), "Midsommardagen", "helgdag"),
        (date(2025, 11, 1), "Alla helgons dag", "helgdag"),
        (date(2025, 12, 24), "Julafton", "afton"),
        (date(2025, 12, 25), "Juldagen", "helgdag"),
        (date(2025, 12, 26), "Annandag jul", "helgdag"),
        (date(2025, 12, 31), "Nyårsafton", "afton"),
    }


def test_it_does_not_count_ordinary_sundays_as_holidays():
    calendar = holiday_calendar([2024])
    sundays = calendar[calendar["date"].dt.day_of_week == 6]
    assert set(sundays["name"]) == {"Påskdagen", "Pingstdagen"}
    assert len(calendar) == 13 + 7


def test_it_covers_several_years_in_date_order():
    calendar = holiday_calendar([2026, 2024, 2025, 2024])
    assert len(calendar) == 60
    assert calendar["date"].is_monotonic_increasing
    assert set(calendar["kind"]) == {"helgdag", "afton"}


# --- holiday effect ---------------------------------------------------------------------


def test_it_counts_events_per_day_on_holidays_eves_and_other_days():
    # 20–26 December 2024: julafton (24) is an eve, juldagen and annandag jul (25, 26)
    # are holidays, the other four days are ordinary.
    frame = local(
        "2024-12-24 18:00", "2024-12-24 23:00", "2024-12-24 23:59",
        "2024-12-25 01:00", "2024-12-25 12:00", "2024-12-26 12:00",
        "2024-12-20 12:00", "2024-12-23 12:00",
    )  # fmt: skip
    result = holiday_effect(frame, start=date(2024, 12, 20), end=date(2024, 12, 26))
    table = result.table
    assert table.loc["helgdag"].tolist() == [2, 3, 1.5]
    assert table.loc["afton"].tolist() == [1, 3, 3.0]
    assert table.loc["övriga dagar"].tolist() == [4, 2, 0.5]
    # (6 events / 3 days) / (2 events / 4 days) = 4.
    assert result.rate_ratio == pytest.approx(4.0)
    reference = poisson_2indep(6, 3, 2, 4, method="exact-cond")
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert result.test == "villkorligt binomialtest för två Poissonintensiteter"
    assert "2,00 händelser per dag" in say(result.explanation)
    # The exact (Clopper–Pearson) interval of the holiday share π of the 8 events, from the
    # beta distribution, turned into a rate ratio π/(1−π) · 4/3.
    pi_low, pi_high = stats.beta.ppf(0.025, 6, 3), stats.beta.ppf(0.975, 7, 2)
    assert result.ci_low == pytest.approx(pi_low / (1 - pi_low) * 4 / 3)
    assert result.ci_high == pytest.approx(pi_high / (1 - pi_high) * 4 / 3)
    assert result.ci_low < 4 < result.ci_high


def test_window_days_add_the_days_around_holidays_and_eves():
    frame = local("2024-12-23 12:00", "2024-12-20 12:00")
    result = holiday_effect(frame, window_days=1, start=date(2024, 12, 20), end=date(2024, 12, 29))
    # 23 December is next to julafton; 27 December is next to annandag jul.
    assert result.table["days"].to_dict() == {"helgdag": 4, "afton": 1, "övriga dagar": 5}
    assert result.table.loc["afton", "count"] == 1


def test_the_holiday_effect_matches_statsmodels_on_random_data():
    rng = np.random.default_rng(11)
    seconds = rng.integers(1_640_995_200, 1_735_689_600, 4_000)  # 2022–2024
    frame = pd.DataFrame({"occurred_at": pd.to_datetime(seconds, unit="s", utc=True)})
    result = holiday_effect(frame, start=date(2022, 1, 1), end=date(2024, 12, 31))
    table = result.table
    special_count = table.loc[["helgdag", "afton"], "count"].sum()
    special_days = table.loc[["helgdag", "afton"], "days"].sum()
    assert special_days == 60
    assert table["days"].sum() == 365 + 365 + 366
    reference = poisson_2indep(
        special_count, special_days, table.loc["övriga dagar", "count"],
        table.loc["övriga dagar", "days"], method="exact-cond",
    )  # fmt: skip
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert result.rate_ratio == pytest.approx(reference.ratio)


def test_equal_rates_are_called_equal():
    # One event on julafton (1 day) and four on 20–23 December (4 days).
    frame = local("2024-12-24 12:00", *[f"2024-12-{d} 12:00" for d in (20, 21, 22, 23)])
    result = holiday_effect(frame, start=date(2024, 12, 20), end=date(2024, 12, 24))
    assert result.rate_ratio == pytest.approx(1.0)
    assert result.p_value == pytest.approx(1.0)
    assert "lika många" in say(result.explanation)
    assert "inte statistiskt säkerställd" in say(result.explanation)


def test_the_holiday_effect_of_nothing_is_explained():
    result = holiday_effect(local())
    assert result.rate_ratio is None and result.p_value is None
    assert say(result.explanation) == "inga händelser i perioden"
    assert result.table["count"].sum() == 0


def test_a_single_event_on_an_ordinary_day_explains_the_missing_holidays():
    result = holiday_effect(local("2024-03-05 12:00"))
    assert result.table.loc["övriga dagar"].tolist() == [1, 1, 1.0]
    assert result.p_value is None
    assert "saknar helgdagar" in say(result.explanation)


def test_the_day_is_the_stockholm_date():
    # 23:30 UTC on 23 December is 00:30 on julafton in Stockholm.
    frame = pd.DataFrame({"occurred_at": pd.to_datetime(["2024-12-23 23:30Z"], utc=True)})
    result = holiday_effect(frame, start=date(2024, 12, 20), end=date(2024, 12, 31))
    assert result.table.loc["afton", "count"] == 1


@settings(max_examples=40, deadline=None)
@given(
    seconds=st.lists(st.integers(1_640_995_200, 1_735_689_600), min_size=1, max_size=60),
    window=st.integers(0, 2),
)
def test_holiday_counts_sum_to_the_total_and_ignore_order(seconds, window):
    frame = pd.DataFrame({"occurred_at": pd.to_datetime(seconds, unit="s", utc=True)})
    result = holiday_effect(frame, window)
    assert result.table["count"].sum() == len(seconds)
    first, last = result.start, result.end
    assert result.table["days"].sum() == (last - first).days + 1
    again = holiday_effect(frame.iloc[::-1], window)
    pd.testing.assert_frame_equal(result.table, again.table)
    assert result.p_value == again.p_value
