"""A year of synthetic EST reports for the demo.

About 4 900 reports over the 365 days before the loading day, in Luleå's twelve survey
areas, with the rhythm the operational plan describes (seed, section 2 and 6.1):

- weekly: violence and disorder in public places fall on weekend nights, Friday and
  Saturday 23–03, for a good 60 % of the violence (`WEEKEND_NIGHT_SHARE`);
- seasonal: graffiti and vandalism in the snow-free months, fires around Valborg and New
  Year, gatherings and disorder at the end of the school year and on the big eves;
- hot spots: Stadsparken and the Smedjegatan/Storgatan stop in Centrum for violence,
  disorder and drugs, a school yard in Björkskatan for vandalism and fires;
- trends: vandalism (skadegörelse and klotter) falls over the year in most areas but rises
  in `RISING_DISTRICTS`, as the police's statistics showed for some parts of the town.

Deterministic (numpy's generator seeded with YEAR_SEED; times relative to the loading day),
idempotent (external ids "demo-year-N" per source) and bulk-inserted. The figures that give
it this shape are in `demo.year_shape`.
"""

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db import connections, router
from django.utils import timezone

from samverkan.analysis.holidays_se import holiday_calendar
from samverkan.core.models import Classification
from samverkan.demo.incidents import PREFIX, load_categories
from samverkan.demo.year_shape import (
    ASSESSMENT,
    CENTRE_KINDS,
    DISTRICT_ANCHORS,
    DISTRICT_GROWTH,
    DISTRICT_STEPS,
    DISTRICT_WEIGHTS,
    EVE_FACTORS,
    HOT_SPOTS,
    HOURS,
    HOUSING_KINDS,
    LULEA_CENTRE,
    OVERALL_TREND,
    POLICE,
    POLISEN_CENTRE_SHARE,
    POLISEN_TYPES,
    REPORTING,
    RISING_DISTRICTS,
    SEASON,
    TEXTS,
    VANDALISM,
    WEEKEND_NIGHT_CATEGORIES,
    YEAR_PREFIX,
    YEAR_SEED,
    YEAR_TOTALS,
    YEARS,
)
from samverkan.incidents.importers.writer import version_raised_once
from samverkan.incidents.models import Category, Incident, fill_cells
from samverkan.places.models import Place


def _skolavslutning(year: int) -> dt.date:
    """The end of the school year in Luleå: the first Friday on or after 10 June (demo)."""
    day = dt.date(year, 6, 10)
    return day + dt.timedelta(days=(4 - day.weekday()) % 7)


def _day_weights(days: list[dt.date], slug: str, eves: dict[dt.date, str]) -> np.ndarray:
    season = SEASON[slug]
    factors = EVE_FACTORS.get(slug, {})
    weights = np.array([season[day.month - 1] for day in days], dtype=float)
    for index, day in enumerate(days):
        name = eves.get(day)
        if name in factors:
            weights[index] *= factors[name]
    return weights


def _district_pools(districts, rng) -> dict[str, "tuple"]:
    """Per district, candidate points inside its boundary around its anchor (lat, lon arrays)."""
    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape

    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    to_wgs = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    pools = {}
    for district in districts:
        polygon = shape(district.boundary)
        lat, lon, spread = DISTRICT_ANCHORS.get(district.slug, (None, None, 2000))
        if lat is None:
            point = polygon.representative_point()
            lon, lat = point.x, point.y
        x0, y0 = to_sweref.transform(lon, lat)
        xs = x0 + rng.normal(0, spread, 4000)
        ys = y0 + rng.normal(0, spread, 4000)
        plon, plat = to_wgs.transform(xs, ys)
        plon, plat = np.asarray(plon), np.asarray(plat)
        inside = shapely.contains_xy(polygon, plon, plat)
        if inside.sum() < 50:
            point = polygon.representative_point()
            plon, plat, inside = np.array([point.x]), np.array([point.y]), np.array([True])
        pools[district.slug] = (plat[inside], plon[inside])
    return pools


def _local_times(days, minutes, tz_name: str):
    """Aware UTC datetimes of local days + minutes (DST gaps shifted, overlaps taken as summer)."""
    import pandas as pd

    naive = pd.to_datetime(np.array(days, dtype="datetime64[D]")) + pd.to_timedelta(
        minutes, unit="m"
    )
    local = naive.tz_localize(
        tz_name, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
    )
    return local.tz_convert("UTC").to_pydatetime()


def _pick(rng, weights: dict | list, size: int) -> np.ndarray:
    """`size` indices drawn with the given weights."""
    values = np.array(list(weights.values()) if isinstance(weights, dict) else weights, float)
    return rng.choice(len(values), size=size, p=values / values.sum())


def _span(today: dt.date) -> list[dt.date]:
    """The days the reports cover: from 1 January YEARS years back to the day before today."""
    first = dt.date(today.year - YEARS, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((today - first).days)]


def _district_factors(slugs: list[str], days: list[dt.date], t: np.ndarray) -> np.ndarray:
    """Districts × days × {vandalism, rest}: the vandalism trends and the districts' steps."""
    vandalism = np.stack(
        [0.7 + 0.8 * t if s in RISING_DISTRICTS else 1.25 - 0.5 * t for s in slugs]
    )
    rest = np.ones((len(slugs), len(days)))
    ordinal = np.array([day.toordinal() for day in days])
    last = days[-1] + dt.timedelta(days=1)
    years_in = (ordinal - ordinal[0]) / 365.25
    for slug, growth in DISTRICT_GROWTH.items():
        if slug in slugs:
            row = slugs.index(slug)
            rest[row] *= growth**years_in
            vandalism[row] *= growth**years_in
    for slug, (years_back, month, factor) in DISTRICT_STEPS.items():
        if slug in slugs:
            change = dt.date(last.year - years_back, month, 1).toordinal()
            row = slugs.index(slug)
            rest[row, ordinal >= change] *= factor
            vandalism[row, ordinal >= change] *= factor
    return np.stack([vandalism, rest])


def build_year(*, today: dt.date, categories, districts, places, organisations) -> list[Incident]:
    """The years' reports as unsaved Incident objects (pure given its inputs and YEAR_SEED)."""
    rng = np.random.default_rng(YEAR_SEED)
    days = _span(today)
    span = len(days)
    years = {day.year for day in days} | {today.year}
    calendar = holiday_calendar(years)
    eves = {row.date.date(): row.name for row in calendar.itertuples() if row.kind == "afton"}
    for year in years:
        end = _skolavslutning(year)
        eves[end] = "skolavslutning"
        eves.setdefault(end + dt.timedelta(days=1), "skolavslutning")
    t = np.arange(span) / (span - 1.0)
    overall = OVERALL_TREND[0] + (OVERALL_TREND[1] - OVERALL_TREND[0]) * t
    weekday = np.array([day.weekday() for day in days])
    weekend_nights = np.flatnonzero(np.isin(weekday, (4, 5)))

    by_slug = {d.slug: d for d in districts}
    slugs = [slug for slug in DISTRICT_WEIGHTS if slug in by_slug]
    pools = _district_pools([by_slug[s] for s in slugs], rng)
    places_by_name = {p.name: p for p in places}
    municipality = districts[0].municipality
    factors = _district_factors(slugs, days, t)

    drafts = []
    for slug, total in YEAR_TOTALS.items():
        count = int(rng.poisson(total * span / 365 * overall.mean()))
        kind = 0 if slug in CENTRE_KINDS else 1 if slug in HOUSING_KINDS else 2
        base = np.array([DISTRICT_WEIGHTS[s][kind] for s in slugs])
        trends = factors[0 if slug in VANDALISM else 1]
        weights = _day_weights(days, slug, eves) * overall
        weights = weights * (base[:, None] * trends).sum(axis=0) / base.sum()
        day_index = _pick(rng, weights, count)
        minute = _pick(rng, HOURS[slug], count) * 60 + rng.integers(0, 60, count)
        night_share = WEEKEND_NIGHT_CATEGORIES.get(slug)
        if night_share:
            # Friday and Saturday nights: from 23.00 on the Friday or Saturday to 03.00.
            night = rng.random(count) < night_share
            night_weights = _day_weights([days[i] for i in weekend_nights], slug, eves)
            day_index[night] = weekend_nights[_pick(rng, night_weights, int(night.sum()))]
            minute[night] = 23 * 60 + rng.integers(0, 240, int(night.sum()))
        cumulative = np.cumsum(base[:, None] * trends[:, day_index], axis=0)
        draw = rng.random(count) * cumulative[-1]
        district_index = (cumulative < draw).sum(axis=0)
        spot_draw = rng.random(count).tolist()
        pool_draw = rng.random(count).tolist()
        district_index, day_index, minute = (
            district_index.tolist(),
            day_index.tolist(),
            minute.tolist(),
        )
        for n in range(count):
            district = slugs[int(district_index[n])]
            spot, edge = None, 0.0
            for hot in HOT_SPOTS:
                if hot[0] == district and slug in hot[5]:
                    edge += hot[4]
                    if spot_draw[n] < edge:
                        spot = hot
                        break
            place = None
            if spot is not None and spot[1] in places_by_name:
                place = places_by_name[spot[1]]
                lat, lon = place.lat, place.lon
            elif spot is not None:
                lat, lon = spot[2], spot[3]
            else:
                pool_lat, pool_lon = pools[district]
                pick = int(pool_draw[n] * len(pool_lat))
                lat, lon = float(pool_lat[pick]), float(pool_lon[pick])
            drafts.append((slug, int(day_index[n]), int(minute[n]), district, lat, lon, place))

    size = len(drafts)
    times = _local_times([days[d[1]] for d in drafts], [d[2] for d in drafts], "Europe/Stockholm")
    draws = rng.random((size, 8)).tolist()
    severity_step = rng.choice([-1, 0, 0, 0, 1], size=size).tolist()
    costs = rng.lognormal(8.3, 0.8, size=size).tolist()
    # Cumulative shares of the reporting organisations per category.
    reporters = {}
    for slug, weights in REPORTING.items():
        total, edges = sum(weights.values()), []
        for org, weight in weights.items():
            edges.append((sum(e[0] for e in edges[-1:]) + weight / total, org))
        reporters[slug] = edges

    def step(u: float, edges: list[float], values: list):
        return values[sum(1 for edge in edges if edge < u)]

    police_mix = [Classification.RESTRICTED, Classification.INTERNAL, Classification.OPEN]
    other_mix = [Classification.INTERNAL, Classification.OPEN, Classification.RESTRICTED]
    now = timezone.now()
    new = []
    for n, ((slug, index, _minute, district, lat, lon, place), when) in enumerate(
        zip(drafts, times, strict=True)
    ):
        if when > now:
            continue
        u = draws[n]
        org = next((o for edge, o in reporters[slug] if u[0] < edge), reporters[slug][-1][1])
        severity, insecure_p, semi_p = ASSESSMENT[slug]
        if org == POLICE:
            classification = step(u[1], [0.5, 0.8], police_mix)
        else:
            classification = step(u[1], [0.75, 0.98], other_mix)
        if (today - days[index]).days < 14:
            status = Incident.Status.NEW if u[2] < 0.7 else Incident.Status.REVIEWED
        else:
            statuses = [Incident.Status.REVIEWED, Incident.Status.DONE, Incident.Status.ARCHIVED]
            status = step(u[2], [0.4, 0.8], statuses)
        source, source_type, centre = Incident.Source.FORM, "", False
        district_obj = by_slug[district]
        if org == POLICE and slug in POLISEN_TYPES and u[3] < POLISEN_CENTRE_SHARE:
            source, source_type, centre = Incident.Source.POLISEN, POLISEN_TYPES[slug], True
            lat, lon = LULEA_CENTRE
            place, district_obj = None, None
        cost = None
        if slug in VANDALISM and org in {"lulebo", "stadsbyggnad"} and u[4] < 0.6:
            cost = Decimal(int(costs[n]))
        texts = TEXTS[slug]
        precision = Incident.TimePrecision
        new.append(
            Incident(
                category_id=categories[slug].pk,
                occurred_from=when,
                occurred_to=when,
                time_precision=precision.APPROXIMATE if centre else precision.EXACT,
                municipality_id=municipality.pk,
                district_id=district_obj.pk if district_obj else None,
                place_id=place.pk if place else None,
                lat=round(lat, 6),
                lon=round(lon, 6),
                description=PREFIX + texts[int(u[5] * len(texts))],
                severity=min(3, max(1, severity + severity_step[n])),
                creates_insecurity=bool(u[6] < insecure_p),
                place_type=Incident.PlaceType.SEMI_PUBLIC
                if u[7] < semi_p
                else Incident.PlaceType.PUBLIC,
                organisation_id=organisations[org].pk,
                source=source,
                source_type=source_type,
                position_is_centre=centre,
                external_id=f"{YEAR_PREFIX}{n + 1}",
                classification=str(classification),
                status=str(status),
                cost_sek=cost,
            )
        )
    return new


def load_year() -> int:
    """Create the year of synthetic reports that are missing; returns how many were created."""
    from samverkan.organisations.models import Organisation
    from samverkan.places.models import District

    load_categories()
    districts = list(
        District.objects.filter(municipality__code="2580").select_related("municipality")
    )
    organisations = {
        o.slug: o
        for o in Organisation.objects.filter(slug__in={s for r in REPORTING.values() for s in r})
    }
    wanted_orgs = {s for r in REPORTING.values() for s in r}
    if len(districts) < 1 or wanted_orgs - set(organisations):
        return 0
    # Loaded once: the set depends on the loading day, so a later run adds nothing.
    if Incident.objects.filter(external_id__startswith=YEAR_PREFIX).exists():
        return 0
    reports = build_year(
        today=timezone.localdate(),
        categories={c.slug: c for c in Category.objects.all()},
        districts=districts,
        places=list(Place.objects.filter(municipality__code="2580")),
        organisations=organisations,
    )
    _insert_many(reports)
    return len(reports)


def _insert_many(reports: list[Incident]) -> None:
    """One INSERT executed for many rows (executemany). bulk_create would split 5 000 rows
    into 170 statements on SQLite (999 parameters each) and take seconds."""
    now = timezone.now()
    fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
    connection = connections[router.db_for_write(Incident)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Incident._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    fill_cells(reports)
    rows = []
    for report in reports:
        report.created_at = report.updated_at = now
        rows.append([f.get_db_prep_save(getattr(report, f.attname), connection) for f in fields])
    with version_raised_once(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
