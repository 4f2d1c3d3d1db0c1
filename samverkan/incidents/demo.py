"""Thirty clearly synthetic incident reports in Luleå for the demo.

Deterministic (a fixed seed, times relative to the loading day) and idempotent: keyed by
source "form" and external id "demo-N", so loading again adds nothing. The reports are
written in one bulk insert, past the service's per-report checks: the positions are the
demo's named places (already checked), the texts are fixed and free of personal data
(a test runs them through the privacy guard).
"""

import datetime as dt
import random
from decimal import Decimal

import numpy as np
from django.db import connections, router, transaction
from django.utils import timezone

from samverkan.analysis.holidays_se import holiday_calendar
from samverkan.core.models import Classification, User
from samverkan.incidents.categories import EST_CATEGORIES
from samverkan.incidents.models import Category, Incident
from samverkan.places.models import Place

COUNT = 30
PREFIX = "[Syntetisk] "

# (category slug, text, severity, creates insecurity)
EVENTS = [
    ("klotter", "Nytt klotter på väggen vid entrén.", 1, False),
    ("skadegorelse", "Krossad ruta i väntkuren.", 2, False),
    ("nedskrapning", "Mycket skräp och glas efter helgen.", 1, True),
    ("tillhall", "Grupp samlas sent på kvällen, boende upplever det otryggt.", 2, True),
    ("ordningsstorning", "Hög musik och bråk vid midnatt.", 2, True),
    ("brand", "Papperskorg i brand, släckt av personal.", 3, True),
    ("narkotika", "Misstänkt försäljning vid cykelstället.", 3, True),
    ("otrygg-plats", "Trasig belysning längs gångvägen.", 1, True),
    ("buskorning", "Moped kör på gångbanan.", 2, True),
    ("hot-mot-anstalld", "Personal hindrad i arbetet och provocerad.", 2, False),
]

# Reporter usernames of the demo, and the classification each files with.
REPORTERS = [
    ("rapportor", Classification.INTERNAL),
    ("samordnare", Classification.INTERNAL),
    ("kommunpolis", Classification.RESTRICTED),
    ("kommunpolis", Classification.OPEN),
]


def load_categories() -> None:
    """The EST categories, in case they are missing (the data migration adds them, but a
    flushed test database has lost them). Existing ones are left as they are."""
    created: dict[str, Category] = {}
    for position, (slug, name, parent) in enumerate(EST_CATEGORIES, start=1):
        created[slug], _ = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "parent": created.get(parent), "position": position * 10},
        )


def load_incidents() -> int:
    """Create the demo's reports that are missing; returns how many were created."""
    load_categories()
    wanted = {f"demo-{n}" for n in range(1, COUNT + 1)}
    existing = set(
        Incident.objects.filter(source=Incident.Source.FORM, external_id__in=wanted).values_list(
            "external_id", flat=True
        )
    )
    if existing == wanted:
        return 0
    categories = {c.slug: c for c in Category.objects.all()}
    places = list(Place.objects.filter(municipality__code="2580").order_by("name", "pk"))
    users = {u.username: u for u in User.objects.filter(username__in={u for u, _ in REPORTERS})}
    if not places or len(users) < 3:
        return 0
    rng = random.Random(2580)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    new = []
    for n in range(1, COUNT + 1):
        slug, text, severity, insecure = rng.choice(EVENTS)
        place = rng.choice(places)
        username, classification = rng.choice(REPORTERS)
        user = users[username]
        when = today - dt.timedelta(days=rng.randint(1, 60), hours=-rng.randint(8, 23))
        external_id = f"demo-{n}"
        if external_id in existing:
            continue
        new.append(
            Incident(
                category=categories[slug],
                occurred_from=when,
                occurred_to=when,
                municipality=place.municipality,
                district=place.district,
                place=place,
                lat=place.lat,
                lon=place.lon,
                description=PREFIX + text,
                severity=severity,
                creates_insecurity=insecure,
                organisation_id=user.organisation_id,
                reporter=user,
                source=Incident.Source.FORM,
                external_id=external_id,
                classification=classification,
                status=rng.choice([Incident.Status.NEW, Incident.Status.REVIEWED]),
            )
        )
    Incident.objects.bulk_create(new)
    return len(new)


# --- A year of synthetic EST reports -------------------------------------------------------
#
# About 4 900 reports over the 365 days before the loading day, in Luleå's twelve survey
# areas, with the rhythm the operational plan describes (seed, section 2 and 6.1):
#
# - weekly: violence and disorder in public places fall on weekend nights, Friday and
#   Saturday 23–03, for a good 60 % of the violence (`WEEKEND_NIGHT_SHARE`);
# - seasonal: graffiti and vandalism in the snow-free months, fires around Valborg and New
#   Year, gatherings and disorder at the end of the school year and on the big eves;
# - hot spots: Stadsparken and the Smedjegatan/Storgatan stop in Centrum for violence,
#   disorder and drugs, a school yard in Björkskatan for vandalism and fires;
# - trends: vandalism (skadegörelse and klotter) falls over the year in most areas but rises
#   in `RISING_DISTRICTS`, as the police's statistics showed for some parts of the town.
#
# Deterministic (numpy's generator seeded with YEAR_SEED; times relative to the loading day),
# idempotent (external ids "demo-year-N" per source) and bulk-inserted.

YEAR_SEED = 2580_2026
YEAR_PREFIX = "demo-year-"
WEEKEND_NIGHT_SHARE = 0.62
RISING_DISTRICTS = ("hertson", "bjorkskatan", "gammelstad")
VANDALISM = ("skadegorelse", "klotter")

# Expected reports in a year per category.
YEAR_TOTALS = {
    "klotter": 900,
    "skadegorelse": 700,
    "nedskrapning": 500,
    "ordningsstorning": 600,
    "tillhall": 450,
    "vald": 350,
    "brand": 200,
    "narkotika": 250,
    "buskorning": 350,
    "otrygg-plats": 250,
    "hot-mot-anstalld": 120,
    "inbrott": 120,
    "ran": 30,
}

# Month factors (January … December) per kind of category.
_SNOW_FREE = [0.25, 0.25, 0.35, 0.7, 1.5, 1.9, 1.9, 1.9, 1.5, 0.8, 0.35, 0.25]
_SUMMER = [0.7, 0.7, 0.8, 0.9, 1.2, 1.4, 1.4, 1.3, 1.1, 0.9, 0.8, 0.8]
_DARK = [1.4, 1.3, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.9, 1.2, 1.5, 1.6]
_FLAT = [1.0] * 12
SEASON = {
    "klotter": _SNOW_FREE,
    "skadegorelse": _SNOW_FREE,
    "nedskrapning": [0.4, 0.4, 0.6, 1.1, 1.6, 1.7, 1.6, 1.5, 1.2, 0.8, 0.5, 0.5],
    "ordningsstorning": _SUMMER,
    "tillhall": [0.6, 0.6, 0.8, 1.0, 1.4, 1.6, 1.3, 1.3, 1.1, 0.9, 0.7, 0.7],
    "vald": _SUMMER,
    "brand": [1.0, 0.7, 0.8, 1.3, 1.4, 1.2, 1.0, 1.0, 0.9, 0.8, 0.8, 1.1],
    "narkotika": _SUMMER,
    "buskorning": [0.8, 0.8, 0.9, 1.0, 1.4, 1.4, 1.3, 1.3, 1.1, 0.9, 0.6, 0.6],
    "otrygg-plats": _DARK,
    "hot-mot-anstalld": _FLAT,
    "inbrott": [1.0, 0.9, 0.9, 0.9, 1.0, 1.2, 1.4, 1.2, 0.9, 0.9, 0.9, 1.0],
    "ran": _FLAT,
}

# Extra weight on the big eves (name in analysis.holidays_se) and at the end of the school year.
EVE_FACTORS = {
    "brand": {"Valborgsmässoafton": 12.0, "Nyårsafton": 15.0, "Midsommarafton": 3.0},
    "ordningsstorning": {
        "Valborgsmässoafton": 5.0,
        "Nyårsafton": 4.0,
        "Midsommarafton": 4.0,
        "skolavslutning": 4.0,
    },
    "vald": {"Valborgsmässoafton": 3.0, "Nyårsafton": 3.0, "Midsommarafton": 3.0},
    "tillhall": {"skolavslutning": 10.0, "Valborgsmässoafton": 4.0},
    "nedskrapning": {"Valborgsmässoafton": 4.0, "skolavslutning": 3.0, "Midsommarafton": 2.0},
}

# Hour-of-day profiles (24 weights, local time).
_NIGHT = [6, 5, 4, 2, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1.5, 2, 2, 3, 3, 4, 5, 6, 7]
_EVENING = [3, 2, 1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4]
_DAY = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 3, 5, 6, 6, 6, 5, 5, 5, 5, 4, 3, 2, 1, 1, 0.5, 0.3, 0.2]
HOURS = {
    "klotter": _NIGHT,
    "skadegorelse": _NIGHT,
    "nedskrapning": _DAY,
    "ordningsstorning": _NIGHT,
    "tillhall": _EVENING,
    "vald": _NIGHT,
    "brand": _EVENING,
    "narkotika": _EVENING,
    "buskorning": _EVENING,
    "otrygg-plats": _DAY,
    "hot-mot-anstalld": _DAY,
    "inbrott": _NIGHT,
    "ran": _NIGHT,
}
# Categories whose weekend nights carry WEEKEND_NIGHT_SHARE of the reports.
WEEKEND_NIGHT_CATEGORIES = {"vald": WEEKEND_NIGHT_SHARE, "ordningsstorning": 0.5}

# Where, per district slug: (anchor lat, lon, spread in metres, weight per kind).
DISTRICT_ANCHORS = {
    "centrum": (65.5840, 22.1540, 450),
    "hertson": (65.5830, 22.2670, 700),
    "gammelstad": (65.6320, 22.0260, 1200),
    "ranea": (65.8500, 22.3000, 1500),
    "porson": (65.6140, 22.1360, 600),
    "bergnaset": (65.5650, 22.1280, 800),
    "notviken": (65.6000, 22.0870, 600),
    "bjorkskatan": (65.6060, 22.2000, 600),
    "ornaset": (65.5900, 22.1800, 500),
    "sunderbyn": (65.6600, 21.9300, 1500),
    "norrbyarna": (None, None, 2500),
    "sorbyarna": (None, None, 2500),
}
# Relative weight of each district: town-centre categories, housing-area categories, rest.
DISTRICT_WEIGHTS = {
    #              centre  housing  other
    "centrum": (10.0, 2.0, 3.0),
    "hertson": (1.5, 3.0, 1.5),
    "gammelstad": (0.8, 1.5, 1.2),
    "ranea": (0.4, 0.6, 0.8),
    "porson": (1.2, 2.5, 1.3),
    "bergnaset": (0.8, 1.8, 1.2),
    "notviken": (0.8, 1.8, 1.0),
    "bjorkskatan": (1.0, 3.0, 1.3),
    "ornaset": (0.8, 1.8, 1.0),
    "sunderbyn": (0.4, 0.8, 0.8),
    "norrbyarna": (0.2, 0.3, 0.6),
    "sorbyarna": (0.2, 0.3, 0.6),
}
CENTRE_KINDS = {"vald", "ordningsstorning", "narkotika", "ran", "hot-mot-anstalld"}
HOUSING_KINDS = {"klotter", "skadegorelse", "tillhall", "brand", "nedskrapning", "inbrott"}

# Hot spots: (district slug, place name or None, lat, lon, share of the district's reports of
# these categories that happen there, categories).
HOT_SPOTS = [
    ("centrum", "Stadsparken", None, None, 0.30, {"vald", "ordningsstorning", "narkotika"}),
    (
        "centrum",
        "Smedjegatan/Storgatan busshållplats",
        None,
        None,
        0.20,
        {"vald", "ordningsstorning", "narkotika", "tillhall"},
    ),
    ("bjorkskatan", None, 65.6095, 22.2050, 0.35, {"klotter", "skadegorelse", "brand", "tillhall"}),
]

# Who reports what: organisation slug → weight, per category.
REPORTING = {
    "vald": {"lpo-lulea-boden": 8, "norrsken-bevakning": 1, "nattvandrarna": 1},
    "ordningsstorning": {
        "lpo-lulea-boden": 4,
        "norrsken-bevakning": 3,
        "nattvandrarna": 2,
        "lulebo": 1,
    },
    "tillhall": {"nattvandrarna": 3, "lulebo": 3, "kultur-och-fritid": 2, "lpo-lulea-boden": 2},
    "klotter": {"lulebo": 4, "stadsbyggnad": 4, "centrumforeningen": 2},
    "skadegorelse": {"lulebo": 4, "stadsbyggnad": 3, "lpo-lulea-boden": 2, "norrsken-bevakning": 1},
    "nedskrapning": {"stadsbyggnad": 6, "lulebo": 3, "centrumforeningen": 1},
    "brand": {"raddningstjansten": 7, "lpo-lulea-boden": 3},
    "narkotika": {"lpo-lulea-boden": 7, "norrsken-bevakning": 2, "nattvandrarna": 1},
    "buskorning": {"lpo-lulea-boden": 6, "lulebo": 4},
    "otrygg-plats": {"stadsbyggnad": 4, "lulebo": 3, "nattvandrarna": 3},
    "hot-mot-anstalld": {"lulebo": 4, "kultur-och-fritid": 3, "norrsken-bevakning": 3},
    "inbrott": {"lpo-lulea-boden": 7, "lulebo": 3},
    "ran": {"lpo-lulea-boden": 1},
}
POLICE = "lpo-lulea-boden"
# Share of the police's reports that come as Polisen events with only the centre as position.
POLISEN_CENTRE_SHARE = 0.08
POLISEN_TYPES = {
    "vald": "Misshandel",
    "ordningsstorning": "Ordningslagen",
    "narkotika": "Narkotikabrott",
    "skadegorelse": "Skadegörelse",
    "brand": "Brand",
    "buskorning": "Trafikbrott",
    "inbrott": "Inbrott",
    "ran": "Rån",
    "tillhall": "Ordningslagen",
}
LULEA_CENTRE = (65.5844, 22.1539)

# (severity, creates insecurity probability, semi-public share) per category.
ASSESSMENT = {
    "vald": (3, 0.9, 0.1),
    "ordningsstorning": (2, 0.8, 0.2),
    "tillhall": (2, 0.85, 0.3),
    "klotter": (1, 0.3, 0.3),
    "skadegorelse": (2, 0.4, 0.3),
    "nedskrapning": (1, 0.3, 0.2),
    "brand": (3, 0.7, 0.3),
    "narkotika": (3, 0.8, 0.2),
    "buskorning": (2, 0.6, 0.1),
    "otrygg-plats": (1, 0.9, 0.2),
    "hot-mot-anstalld": (2, 0.4, 0.6),
    "inbrott": (2, 0.5, 0.7),
    "ran": (3, 0.9, 0.1),
}

TEXTS = {
    "vald": [
        "Slagsmål utanför entrén efter stängning, ordningsvakter ingrep.",
        "Misshandel vid taxikön, ambulans tillkallad.",
        "Knuffar och slag mellan två grupper på gångstråket.",
    ],
    "ordningsstorning": [
        "Hög musik och bråk vid midnatt.",
        "Berusade ungdomar stör boende sent på natten.",
        "Stökigt vid hållplatsen, flaskor kastades.",
    ],
    "tillhall": [
        "Grupp samlas sent på kvällen, boende upplever det otryggt.",
        "Ungdomar samlas i trapphuset och lämnar skräp efter sig.",
        "Samling med mopeder vid skolgården under kvällen.",
    ],
    "klotter": [
        "Nytt klotter på väggen vid entrén.",
        "Taggar på elskåp och skyltar längs gångvägen.",
        "Klotter på fasaden, sanering beställd.",
        "Klotter på bullerplanket mot vägen.",
    ],
    "skadegorelse": [
        "Krossad ruta i väntkuren.",
        "Sönderslagen belysningsstolpe i parken.",
        "Vandaliserad lekplats, gungor nedrivna.",
        "Sparkade papperskorgar och trasiga bänkar.",
    ],
    "nedskrapning": [
        "Mycket skräp och glas efter helgen.",
        "Nedskräpat vid grillplatsen.",
        "Överfulla papperskorgar och skräp i rabatterna.",
    ],
    "brand": [
        "Papperskorg i brand, släckt av personal.",
        "Brand i container bakom butiken.",
        "Anlagd brand i soprum, släckt av räddningstjänsten.",
    ],
    "narkotika": [
        "Misstänkt försäljning vid cykelstället.",
        "Kanyler hittade i buskaget.",
        "Lukt av cannabis i trapphuset flera kvällar.",
    ],
    "buskorning": [
        "Moped kör på gångbanan.",
        "Bilar kör i hög fart på parkeringen på kvällen.",
        "Crossmotorcyklar i motionsspåret.",
    ],
    "otrygg-plats": [
        "Trasig belysning längs gångvägen.",
        "Skymd sikt vid gångtunneln, buskar behöver röjas.",
        "Ödslig och mörk passage mellan husen.",
    ],
    "hot-mot-anstalld": [
        "Personal hindrad i arbetet och provocerad.",
        "Personal hotad verbalt vid entrén.",
    ],
    "inbrott": [
        "Inbrott i förråd, dörren uppbruten.",
        "Inbrott i cykelrum.",
    ],
    "ran": ["Rån mot person vid hållplatsen sent på natten."],
}


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


def build_year(*, today: dt.date, categories, districts, places, organisations) -> list[Incident]:
    """The year's reports as unsaved Incident objects (pure given its inputs and YEAR_SEED)."""
    rng = np.random.default_rng(YEAR_SEED)
    first = today - dt.timedelta(days=365)
    days = [first + dt.timedelta(days=n) for n in range(365)]
    calendar = holiday_calendar({first.year, today.year})
    eves = {row.date.date(): row.name for row in calendar.itertuples() if row.kind == "afton"}
    for year in {first.year, today.year}:
        end = _skolavslutning(year)
        eves[end] = "skolavslutning"
        eves.setdefault(end + dt.timedelta(days=1), "skolavslutning")
    t = np.arange(365) / 364.0
    weekday = np.array([day.weekday() for day in days])
    weekend_nights = np.flatnonzero(np.isin(weekday, (4, 5)))

    by_slug = {d.slug: d for d in districts}
    slugs = [slug for slug in DISTRICT_WEIGHTS if slug in by_slug]
    pools = _district_pools([by_slug[s] for s in slugs], rng)
    places_by_name = {p.name: p for p in places}
    municipality = districts[0].municipality
    # Districts × days: the vandalism trend of each district over the year.
    trends = np.stack([0.7 + 0.8 * t if s in RISING_DISTRICTS else 1.25 - 0.5 * t for s in slugs])

    drafts = []
    for slug, total in YEAR_TOTALS.items():
        count = int(rng.poisson(total))
        kind = 0 if slug in CENTRE_KINDS else 1 if slug in HOUSING_KINDS else 2
        base = np.array([DISTRICT_WEIGHTS[s][kind] for s in slugs])
        weights = _day_weights(days, slug, eves)
        if slug in VANDALISM:
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
        if slug in VANDALISM:
            cumulative = np.cumsum(base[:, None] * trends[:, day_index], axis=0)
            draw = rng.random(count) * cumulative[-1]
            district_index = (cumulative < draw).sum(axis=0)
        else:
            district_index = _pick(rng, base, count)
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
    rows = []
    for report in reports:
        report.created_at = report.updated_at = now
        rows.append([f.get_db_prep_save(getattr(report, f.attname), connection) for f in fields])
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
