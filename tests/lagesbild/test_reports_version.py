"""The reports' version counter: database triggers raise it on every way a report can be
added, changed or removed, also the bulk paths that bypass ``save()`` and ``updated_at``."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from samverkan.core.models import Classification
from samverkan.incidents.models import Category, Incident, ReportsVersion
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality


def _new(**extra) -> Incident:
    when = timezone.make_aware(dt.datetime(2025, 6, 3, 12))
    return Incident(
        occurred_from=when,
        occurred_to=when,
        municipality=Municipality.objects.get(code="2580"),
        category=Category.objects.get(slug="klotter"),
        organisation=Organisation.objects.get(slug="kommunstaben"),
        description="Ny rapport",
        **extra,
    )


def test_every_write_path_raises_the_version(handset):
    seen = [ReportsVersion.current()]
    assert seen[0] is not None

    def raised() -> bool:
        seen.append(ReportsVersion.current())
        return seen[-1] > seen[-2]

    report = _new()
    report.save()
    assert raised()
    report.description = "Ändrad"
    report.save()
    assert raised()
    Incident.objects.bulk_create([_new(), _new()])
    assert raised()
    # QuerySet.update without updated_at: the old count/max version did not see it.
    Incident.objects.filter(pk=report.pk).update(classification=Classification.RESTRICTED)
    assert raised()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET description = 'rå' WHERE id = %s", [report.pk])
    assert raised()
    Incident.objects.filter(description="Ny rapport").delete()
    assert raised()
    report.delete()
    assert raised()


def test_a_reclassification_by_queryset_update_is_counted_afresh(handset, agreement, coordinator):
    from unittest import mock

    from samverkan.lagesbild import focus, stored

    with mock.patch.object(focus, "annual", wraps=focus.annual) as computed:
        stored.annual(agreement, coordinator)
        stored.annual(agreement, coordinator)
        assert computed.call_count == 1
        Incident.objects.filter(pk=Incident.objects.order_by("pk").first().pk).update(
            classification=Classification.RESTRICTED
        )
        stored.annual(agreement, coordinator)
        assert computed.call_count == 2
