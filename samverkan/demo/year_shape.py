"""The shape of the demo's synthetic year (`demo.year`): how many reports per category,
when (month, eve, hour), where (districts, hot spots), who reports them, in which words."""

YEAR_SEED = 2580_2026
YEAR_PREFIX = "demo-year-"
WEEKEND_NIGHT_SHARE = 0.62
RISING_DISTRICTS = ("hertson", "bjorkskatan", "gammelstad")
VANDALISM = ("skadegorelse", "klotter")
# Whole calendar years before the current one that the reports cover (plus this year so far).
YEARS = 6
# The level of all reports at the start and at the end of the span: a slow fall overall.
OVERALL_TREND = (1.17, 0.83)
# Districts where something changed, per slug: (years before the current one, month, factor
# on every report from then on): new housing in Porsön, camera and lighting in Örnäset.
DISTRICT_STEPS = {"porson": (2, 1, 1.8), "ornaset": (3, 7, 0.5)}
# Districts that grow steadily, per slug: the factor per year on every report, compounded from
# the start of the span (Gammelstad: new housing and more residents every year). A step alone
# does not show as a yearly trend; steady growth does, whatever the loading day.
DISTRICT_GROWTH = {"gammelstad": 1.1}

# Expected reports in a year per category (before the overall trend).
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
