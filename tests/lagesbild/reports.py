"""A report of the demo's kommunstab in Luleå, for the stored-result tests (unsaved)."""

import datetime as dt

from django.utils import timezone

from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality


def new_report(when: dt.datetime | None = None, **extra) -> Incident:
    """Klotter in Luleå by Kommunstaben at ``when`` (default 2025-06-03 12.00), not saved."""
    when = when or timezone.make_aware(dt.datetime(2025, 6, 3, 12))
    return Incident(
        occurred_from=when,
        occurred_to=when,
        municipality=Municipality.objects.get(code="2580"),
        category=Category.objects.get(slug="klotter"),
        organisation=Organisation.objects.get(slug="kommunstaben"),
        description="Ny rapport",
        **extra,
    )
