"""A small hand-built set of incident reports in Luleå (and one in Boden), deterministic,
so every figure of the lägesbild can be checked against an independent computation.

The set (local Swedish time):
- 2019–2025: in the first district, at Stadsparken's position plus a small offset, a count
  that grows every year (a trend); in the second district a constant count;
- in 2025 a cluster of violence on weekend nights in the first district;
- one begränsad police report, one report whose position is only the municipality centre,
  one Polisen summary (left out by default) and one report in Boden.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality
from samverkan.plans.models import Agreement

TZ = ZoneInfo("Europe/Stockholm")
LULEA_AGREEMENT = "lulea-polisen-2020-2023"
BASE = (65.5842, 22.1547)  # Luleå centre (lat, lon)


def _when(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _rows():
    """(local time, category slug, district index or None, dlat, dlon, extras) — plain
    Python, so the tests can recompute every figure from this list."""
    rows = []
    for year in range(2019, 2026):
        n_a = 4 + 3 * (year - 2019)  # 4, 7, … 22: a clear increase
        for k in range(n_a):
            month = 1 + (k * 5) % 12
            day = 1 + (k * 7) % 27
            rows.append((_when(year, month, day, (k * 5) % 24), "skadegorelse", 0,
                         0.0005 * (k % 3), 0.0009 * (k % 4), {}))  # fmt: skip
        for k in range(6):
            month = 1 + (k * 2) % 12
            rows.append((_when(year, month, 10 + k, 14), "klotter", 1, 0.02, -0.03 + 0.002 * k, {}))
    # Weekend-night violence in 2025 (Fri 23:30 / Sat 01:15 / Sat 23:45), plus weekday ones.
    for week in range(10):
        friday = dt.date(2025, 3, 7) + dt.timedelta(days=7 * week)
        saturday = friday + dt.timedelta(days=1)
        rows.append(
            (_when(friday.year, friday.month, friday.day, 23, 30), "vald", 0, 0.0001, 0.0001, {})
        )
        rows.append(
            (_when(saturday.year, saturday.month, saturday.day, 1, 15), "vald", 0, 0.0002, 0.0, {})
        )
        rows.append(
            (_when(saturday.year, saturday.month, saturday.day, 23, 45), "vald", 0, 0.0, 0.0002, {})
        )
        tuesday = friday + dt.timedelta(days=4)
        rows.append(
            (_when(tuesday.year, tuesday.month, tuesday.day, 12, 0), "vald", 1, 0.02, -0.03, {})
        )
    # Christmas Eve and midsummer eve 2025.
    rows.append((_when(2025, 12, 24, 20), "ordningsstorning", 0, 0.001, 0.001, {}))
    rows.append((_when(2025, 6, 20, 22), "ordningsstorning", 0, 0.001, 0.001, {}))
    rows.append((_when(2025, 5, 5, 10), "vald", 0, 0.0, 0.0, {"restricted": True}))
    rows.append((_when(2025, 5, 6, 10), "klotter", None, None, None, {"centre": True}))
    rows.append((_when(2025, 5, 7, 10), "klotter", 0, 0.0, 0.0, {"summary": True}))
    return rows


HAND_ROWS = _rows()


@pytest.fixture
def agreement(demo) -> Agreement:
    return Agreement.objects.get(slug=LULEA_AGREEMENT)


@pytest.fixture
def handset(demo):
    """The hand-built set in the database; returns (rows, districts)."""
    Incident.objects.all().delete()
    lulea = Municipality.objects.get(code="2580")
    boden = Municipality.objects.get(code="2582")
    districts = list(lulea.districts.order_by("name", "pk")[:2])
    categories = {c.slug: c for c in Category.objects.all()}
    kommun = Organisation.objects.get(slug="lulebo")
    police = Organisation.objects.get(slug="lpo-lulea-boden")
    objects = []
    for n, (when, slug, district, dlat, dlon, extra) in enumerate(HAND_ROWS):
        centre = extra.get("centre", False)
        objects.append(
            Incident(
                category=categories[slug],
                occurred_from=when,
                occurred_to=when,
                municipality=lulea,
                district=districts[district] if district is not None else None,
                lat=BASE[0] if centre else BASE[0] + dlat,
                lon=BASE[1] if centre else BASE[1] + dlon,
                position_is_centre=centre,
                is_summary=extra.get("summary", False),
                organisation=police if extra.get("restricted") else kommun,
                classification="begransad" if extra.get("restricted") else "intern",
                source="form",
                external_id=f"hand-{n}",
                description="Testhändelse.",
            )
        )
    objects.append(
        Incident(
            category=categories["vald"],
            occurred_from=_when(2025, 4, 4, 23, 30),
            occurred_to=_when(2025, 4, 4, 23, 30),
            municipality=boden,
            lat=65.825,
            lon=21.691,
            organisation=Organisation.objects.get(slug="boden-kommun"),
            classification="intern",
            source="form",
            external_id="hand-boden",
        )
    )
    Incident.objects.bulk_create(objects)
    return HAND_ROWS, districts


def visible_rows(*, restricted=False, summaries=False, first=None, last=None):
    """The hand rows a lägesbild reads: Luleå only, begränsad only when asked."""
    out = []
    for row in HAND_ROWS:
        when, _slug, _district, _dlat, _dlon, extra = row
        if extra.get("restricted") and not restricted:
            continue
        if extra.get("summary") and not summaries:
            continue
        day = when.date()
        if first and day < first or last and day > last:
            continue
        out.append(row)
    return out
