"""Thirty clearly synthetic incident reports in Luleå for the demo.

Deterministic (a fixed seed, times relative to the loading day) and idempotent: keyed by
source "form" and external id "demo-N", so loading again adds nothing. The reports are
written in one bulk insert, past the service's per-report checks: the positions are the
demo's named places (already checked), the texts are fixed and free of personal data
(a test runs them through the privacy guard).
"""

import datetime as dt
import random

from django.utils import timezone

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
