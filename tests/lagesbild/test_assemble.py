"""The assembler's figures against independent computations on the hand-built set."""

import datetime as dt
import json
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from samverkan.lagesbild.assemble import Options, analyse, lagesbild
from samverkan.lagesbild.sections.common import sv_date
from samverkan.lagesbild.sections.periods import trend_windows
from tests.lagesbild.conftest import HAND_ROWS, visible_rows

FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
NAMES = {"skadegorelse": "Skadegörelse", "klotter": "Klotter", "vald": "Våld/misshandel",
         "ordningsstorning": "Ordningsstörning"}  # fmt: skip


def _strict_json(data):
    return json.loads(json.dumps(data, allow_nan=False))


@pytest.fixture
def result(handset, agreement, coordinator):
    return lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator).to_dict()


def test_counts_match_an_independent_count(result, handset):
    rows = visible_rows(first=FROM, last=TO)
    assert result["key_figures"]["total"] == len(rows)
    by_category = Counter(NAMES[r[1]] for r in rows)
    assert {r["name"]: r["count"] for r in result["counts"]["by_category"]} == by_category
    _rows, districts = handset
    by_district = Counter(
        districts[r[2]].name if r[2] is not None else "(utan område)" for r in rows
    )
    assert {r["name"]: r["count"] for r in result["counts"]["by_district"]} == by_district
    by_month = Counter(r[0].strftime("%Y-%m") for r in rows)
    got = {r["period"]: r["count"] for r in result["counts"]["by_month"] if r["count"]}
    assert got == by_month
    by_week = Counter("{}-W{:02d}".format(*r[0].isocalendar()[:2]) for r in rows)
    assert {r["period"]: r["count"] for r in result["counts"]["by_week"] if r["count"]} == by_week
    cells = {(c["weekday"], c["hour"]): c["count"] for c in result["weekday_hour"]["cells"]}
    assert cells == {
        (d, h): sum(1 for r in rows if r[0].isoweekday() == d and r[0].hour == h)
        for d in range(1, 8)
        for h in range(24)
    }
    _strict_json(result)


def _in_weekend_night(when):
    # By hand: Friday or Saturday 23:00–23:59, or Saturday or Sunday 00:00–02:59.
    return (when.isoweekday() in (5, 6) and when.hour == 23) or (
        when.isoweekday() in (6, 7) and when.hour < 3
    )


def test_weekend_night_share_by_hand(result):
    rows = visible_rows(first=FROM, last=TO)
    inside = sum(_in_weekend_night(r[0]) for r in rows)
    share = result["weekend_nights"]["overall"]
    assert share["count"] == inside
    assert share["share"] == pytest.approx(inside / len(rows), abs=1e-6)
    # Wilson interval computed independently.
    z = stats.norm.ppf(0.975)
    p, n = inside / len(rows), len(rows)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert share["ci_low"] == pytest.approx(centre - half, abs=1e-6)
    assert share["ci_high"] == pytest.approx(centre + half, abs=1e-6)
    violence = next(
        r for r in result["weekend_nights"]["by_category"] if r["category"] == NAMES["vald"]
    )
    assert violence["count"] == 30 and violence["total"] == 40
    assert violence["sentence"].startswith("75 % (95 % KI ")
    assert "fredag–söndag natt 23–03" in violence["sentence"]


def test_trend_per_district_finds_the_increase(result, handset):
    _rows, districts = handset
    first = next(t for t in result["trends"]["by_district"] if t["name"] == districts[0].name)
    counts = {y["year"]: y["count"] for y in first["years"]}
    expected = Counter(
        r[0].year for r in visible_rows() if r[2] == 0 and r[1] == "skadegorelse" or
        (r[2] == 0 and r[0].year == 2025)
    )  # fmt: skip
    assert counts == {year: expected[year] for year in range(2019, 2026)}
    assert first["tested"] and first["direction"] == "increase"
    assert first["sentence"].startswith("Ökningen är statistiskt säkerställd")
    # Independent fit: statsmodels-free Poisson regression by Newton's method.
    years = np.array(sorted(counts), dtype=float)
    y = np.array([counts[int(v)] for v in years], dtype=float)
    x = np.column_stack([np.ones_like(years), years - years.mean()])
    beta = np.array([np.log(y.mean()), 0.0])
    for _ in range(50):
        mu = np.exp(x @ beta)
        beta = beta + np.linalg.solve(x.T @ (x * mu[:, None]), x.T @ (y - mu))
    assert first["factor"] == pytest.approx(np.exp(beta[1]), rel=1e-6)
    klotter = next(t for t in result["trends"]["by_category"] if t["name"] == "Klotter")
    assert [y["count"] for y in klotter["years"]] == [6, 6, 6, 6, 6, 6, 7]
    assert klotter["direction"] == "" and klotter["sentence"].startswith("Ingen säkerställd")


def test_comparison_with_the_year_before(result):
    now = visible_rows(first=FROM, last=TO)
    before = visible_rows(first=dt.date(2024, 1, 1), last=dt.date(2024, 12, 31))
    comparison = result["comparison"]
    assert comparison["current_total"] == len(now)
    assert comparison["previous_total"] == len(before)
    # The conditional test: k₁ given k₁ + k₂ is binomial(n, t₁ / (t₁ + t₂)), t₁ the days of
    # 2025 up to the last report, t₂ the 366 days of 2024.
    days = (max(r[0] for r in now).date() - FROM).days + 1
    assert comparison["exposure"] == pytest.approx(days / 366, abs=1e-6)
    n, pi0 = len(now) + len(before), days / (days + 366)
    up = stats.binomtest(len(now), n, pi0, alternative="greater").pvalue
    down = stats.binomtest(len(now), n, pi0, alternative="less").pvalue
    expected_p = min(1.0, 2 * min(up, down))
    assert comparison["p_value"] == pytest.approx(expected_p, rel=1e-9)
    ratio = (len(now) / days) / (len(before) / 366)
    assert comparison["rate_ratio"] == pytest.approx(ratio, rel=1e-6)
    assert "exakt villkorligt binomialtest" in comparison["sentence"]
    assert "kvot " in comparison["sentence"] and "95 % KI" in comparison["sentence"]
    assert f"{len(now)} händelser mot {len(before)}" in comparison["sentence"]
    rows = {(r["district"], r["category"]): r for r in comparison["rows"]}
    assert sum(r["count"] for r in rows.values()) == len(now)
    assert sum(r["previous"] for r in rows.values()) == len(before)
    assert expected_p < 0.05 and "statistiskt säkerställd förändring" in comparison["sentence"]


def test_holiday_effect_counts_christmas_eve(result):
    table = {r["kind"]: r for r in result["holidays"]["table"]}
    rows = visible_rows(first=FROM, last=TO)
    on_eves = sum(1 for r in rows if r[0].date() in (dt.date(2025, 12, 24), dt.date(2025, 6, 20)))
    assert table["afton"]["count"] >= on_eves
    assert sum(r["count"] for r in table.values()) == len(rows)
    # Days run from the period's start to the last recorded incident, not past it.
    last = max(r[0].date() for r in visible_rows())
    assert sum(r["days"] for r in table.values()) == (min(TO, last) - FROM).days + 1
    assert any(sv_date(last) in n for n in result["notes"])


def test_spatial_analysis_leaves_out_centre_positions(result):
    rows = visible_rows(first=FROM, last=TO)
    centre = sum(1 for r in rows if r[5].get("centre"))
    assert centre == 1
    h = result["hotspots"]
    assert h["events"] == len(rows) - centre
    assert h["events_without_point"] == centre
    assert sum(c["count"] for c in h["cells"]) == len(rows) - centre
    # Only the study area's cells (centre inside the districts) are listed and tested.
    assert len(h["cells"]) == h["area"]["cells"] < h["rows"] * h["cols"]
    assert h["events_outside_area"] == 0
    assert h["n_hot"]["95"] >= 1


def test_kommun_user_does_not_get_the_police_restricted_report(
    handset, agreement, coordinator, kommunpolis
):
    kommun = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator).to_dict()
    police = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=kommunpolis).to_dict()
    assert police["key_figures"]["total"] == kommun["key_figures"]["total"] + 1
    assert kommun["scope"]["kind"] == "delad"
    assert police["scope"]["kind"] == "organisation"
    assert police["scope"]["classification"] == "begransad"
    shared = lagesbild(
        agreement=agreement, date_from=FROM, date_to=TO, user=kommunpolis,
        options=Options(shared=True),
    ).to_dict()  # fmt: skip
    assert shared["key_figures"]["total"] == kommun["key_figures"]["total"]
    assert shared["scope"]["kind"] == "delad"


def test_boden_user_sees_nothing_of_lulea(handset, agreement, boden_user):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=boden_user).to_dict()
    assert result["key_figures"]["total"] == 0
    assert result["hotspots"]["cells"] == []
    _strict_json(result)


def test_filters_narrow_by_district_and_category(handset, agreement, coordinator):
    _rows, districts = handset
    result = lagesbild(
        agreement=agreement, date_from=FROM, date_to=TO, user=coordinator,
        districts=[districts[1]], categories=["skadegorelse"],
    ).to_dict()  # fmt: skip
    rows = [
        r
        for r in visible_rows(first=FROM, last=TO)
        if r[2] == 1 and r[1] in ("skadegorelse", "klotter")
    ]
    assert result["key_figures"]["total"] == len(rows)
    assert {r["name"] for r in result["counts"]["by_district"]} == {districts[1].name}


def test_summaries_are_left_out_by_default(handset, agreement, coordinator):
    default = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator)
    included = lagesbild(
        agreement=agreement, date_from=FROM, date_to=TO, user=coordinator,
        options=Options(include_summaries=True),
    )  # fmt: skip
    assert included.key_figures["total"] == default.key_figures["total"] + 1


# --- bad input, through the assembler --------------------------------------------------------


def _frame(times, lon=None, lat=None):
    n = len(times)
    return pd.DataFrame(
        {
            "occurred_at": pd.to_datetime(pd.Series(times, dtype=object), utc=True),
            "category": ["Klotter"] * n,
            "district": ["A"] * n,
            "place": [None] * n,
            "lon": lon if lon is not None else [22.15] * n,
            "lat": lat if lat is not None else [65.58] * n,
        }
    )


def _check(result):
    data = _strict_json(result.to_dict())
    assert not re.search(r"\bnan\b", json.dumps(data, ensure_ascii=False), re.IGNORECASE)
    return data


def test_empty_period_is_explained():
    data = _check(analyse(_frame([]), date_from=FROM, date_to=TO))
    assert data["key_figures"]["total"] == 0
    assert any("Inga händelser" in n for n in data["notes"])
    assert data["weekend_nights"]["overall"]["share"] is None
    assert not data["trends"]["total"]["tested"]


def test_single_event():
    data = _check(
        analyse(_frame([dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)]), date_from=FROM, date_to=TO)
    )
    assert data["key_figures"]["total"] == 1
    assert "För få år" in data["trends"]["total"]["sentence"]


def test_all_events_in_one_cell():
    times = [dt.datetime(2025, 3, d, 12, tzinfo=dt.UTC) for d in range(1, 11)]
    result = analyse(_frame(times), date_from=FROM, date_to=TO, options=Options(margin_cells=0))
    data = _check(result)
    assert data["hotspots"]["rows"] == 1 and data["hotspots"]["cols"] == 1
    assert data["hotspots"]["notes"] == ["alla händelser i samma ruta: ingen varians"]
    assert data["concentration"]["cells"]["top"][0]["share_of_events"] == 1.0


def test_missing_times_are_counted_and_explained():
    times = [dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC), None, None]
    data = _check(analyse(_frame(times), date_from=FROM, date_to=TO))
    assert data["key_figures"]["total"] == 1
    assert any("2 händelser saknar tidpunkt" in n for n in data["notes"])


def test_period_longer_than_the_data():
    times = [dt.datetime(2025, 3, d, 12, tzinfo=dt.UTC) for d in range(1, 11)]
    data = _check(
        analyse(_frame(times), date_from=dt.date(2010, 1, 1), date_to=dt.date(2030, 12, 31))
    )
    assert data["key_figures"]["total"] == 10
    assert any("Data finns från 1 mars 2025" in n for n in data["notes"])
    assert any("slutar efter det" in n for n in data["notes"])
    assert data["comparison"]["previous_total"] is None
    # The holiday test counts only days with data, not 21 years.
    assert sum(r["days"] for r in data["holidays"]["table"]) == 10


def test_trend_windows_same_dates_each_year():
    windows = trend_windows(dt.date(2025, 5, 1), dt.date(2025, 8, 31), 3)
    assert [w[0] for w in windows] == [2023, 2024, 2025]
    assert windows[0][1:] == (dt.date(2023, 5, 1), dt.date(2023, 8, 31))
    long = trend_windows(dt.date(2020, 1, 1), dt.date(2025, 12, 31), 10)
    assert long[-1] == (2025, dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_all_rows_of_the_hand_set_are_distinct():
    assert len({r[0] for r in HAND_ROWS}) > 100


def test_rates_per_100k_when_a_population_is_given(handset, agreement, coordinator):
    _rows, districts = handset
    name = districts[1].name
    result = lagesbild(
        agreement=agreement, date_from=FROM, date_to=TO, user=coordinator,
        populations={name: 5000},
    ).to_dict()  # fmt: skip
    row = next(r for r in result["counts"]["by_district"] if r["name"] == name)
    assert row["per_100k"] == pytest.approx(row["count"] * 100_000 / 5000)
    other = next(r for r in result["counts"]["by_district"] if r["name"] != name)
    assert other["per_100k"] is None


def test_monthly_trend_when_there_are_too_few_years():
    # One year of data, 2 events in February rising by 2 a month: Feb 2, Mar 4, … Dec 22.
    times = []
    for month in range(2, 13):
        for k in range(2 * (month - 1)):
            times.append(dt.datetime(2025, month, 1 + k % 27, 12, tzinfo=dt.UTC))
    frame = _frame(times)
    # Reports were filed up to the end of the year (data_end), the last of them on 22 December.
    data = _check(analyse(frame, date_from=dt.date(2025, 1, 15), date_to=TO, data_end=TO))
    assert not data["trends"]["total"]["tested"]
    monthly = data["trends"]["monthly"]["total"]
    assert [m["month"] for m in monthly["months"]] == [f"2025-{m:02d}" for m in range(2, 13)]
    y = np.array([m["count"] for m in monthly["months"]], dtype=float)
    assert list(y) == [2 * (m - 1) for m in range(2, 13)]
    x = np.column_stack([np.ones(len(y)), np.arange(len(y)) - (len(y) - 1) / 2])
    beta = np.array([np.log(y.mean()), 0.0])
    for _ in range(50):
        mu = np.exp(x @ beta)
        beta = beta + np.linalg.solve(x.T @ (x * mu[:, None]), x.T @ (y - mu))
    assert monthly["factor"] == pytest.approx(np.exp(beta[1]), rel=1e-6)
    assert monthly["sentence"].startswith("Ökningen är statistiskt säkerställd")
    assert "per månad över 11 hela månader" in monthly["summary"]
    short = _check(analyse(frame, date_from=dt.date(2025, 10, 1), date_to=TO, data_end=TO))
    assert "För få hela månader (3)" in short["trends"]["monthly"]["explanation"]


def test_a_missing_district_is_named_the_same_in_arrow_text_and_in_python_objects():
    """Arrow-backed text is filled as text (no copy to objects): the same names as before."""
    from samverkan.lagesbild.assemble import _fill_missing_names
    from samverkan.lagesbild.sections.common import NO_CATEGORY, NO_DISTRICT

    values = {"district": ["Centrum", None, "Hertsön"], "category": [None, "Brand", "Brand"]}
    text = _fill_missing_names(pd.DataFrame(values, dtype="str"))
    objects = _fill_missing_names(pd.DataFrame(values, dtype=object))
    assert isinstance(text["district"].dtype, pd.StringDtype)
    assert text["district"].tolist() == objects["district"].tolist() == [
        "Centrum", NO_DISTRICT, "Hertsön",
    ]  # fmt: skip
    assert text["category"].tolist() == [NO_CATEGORY, "Brand", "Brand"]
