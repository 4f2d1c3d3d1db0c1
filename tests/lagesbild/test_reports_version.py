"""The reports' version counter: database triggers raise it on every way a report can be
added, changed or removed, also the bulk paths that bypass ``save()`` and ``updated_at``."""


from django.db import connection

from samverkan.core.models import Classification
from samverkan.incidents.models import Incident, ReportsVersion
from tests.lagesbild.reports import new_report


def test_every_write_path_raises_the_version(handset):
    seen = [ReportsVersion.current()]
    assert seen[0] is not None

    def raised() -> bool:
        seen.append(ReportsVersion.current())
        return seen[-1] > seen[-2]

    report = new_report()
    report.save()
    assert raised()
    report.description = "Ändrad"
    report.save()
    assert raised()
    Incident.objects.bulk_create([new_report(), new_report()])
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
