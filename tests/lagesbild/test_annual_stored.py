"""The annual view's stored result: computed once per viewer scope and data version, shared
by the page and its chart downloads, computed afresh after a new, edited, deleted or
reclassified report, and never shared between a municipality and a police user."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from samverkan.core.models import Classification
from samverkan.incidents.models import Category, Incident
from samverkan.lagesbild import focus, stored
from samverkan.lagesbild.models import StoredPage
from samverkan.organisations.models import Organisation
from tests.lagesbild.reports import new_report


def _get(client, user, agreement, path="/lagesbild/ar/"):
    client.force_login(user)
    response = client.get(path, {"overenskommelse": agreement.pk})
    assert response.status_code == 200
    return response


def _total(result) -> int:
    return sum(c["count"] for a in result["areas"] for c in a["counts"])


def _report(**extra) -> Incident:
    report = new_report(
        timezone.make_aware(dt.datetime(timezone.localdate().year, 1, 2, 12)), **extra
    )
    report.save()
    return report


def test_the_page_and_its_downloads_share_one_stored_result(
    client, handset, agreement, coordinator
):
    with mock.patch.object(focus, "annual", wraps=focus.annual) as computed:
        _get(client, coordinator, agreement)
        _get(client, coordinator, agreement)
        _get(client, coordinator, agreement, "/lagesbild/ar/diagram.csv")
        assert computed.call_count == 1
    assert StoredPage.objects.filter(agreement=agreement).count() == 1


def test_a_new_edited_reclassified_and_deleted_report_is_counted_afresh(
    handset, agreement, coordinator
):
    with mock.patch.object(focus, "annual", wraps=focus.annual) as computed:
        before = _total(stored.annual(agreement, coordinator))
        assert _total(stored.annual(agreement, coordinator)) == before
        assert computed.call_count == 1
        added = _report()
        assert _total(stored.annual(agreement, coordinator)) == before + 1
        assert computed.call_count == 2
        added.category = Category.objects.get(slug="narkotika")
        added.save()
        stored.annual(agreement, coordinator)
        assert computed.call_count == 3
        # Reclassified begränsad (of the user's own organisation, so still seen): afresh.
        added.classification = Classification.RESTRICTED
        added.save()
        assert _total(stored.annual(agreement, coordinator)) == before + 1
        assert computed.call_count == 4
        added.classification = Classification.INTERNAL
        added.save()
        assert _total(stored.annual(agreement, coordinator)) == before + 1
        assert computed.call_count == 5
        added.delete()
        assert _total(stored.annual(agreement, coordinator)) == before
        assert computed.call_count == 6
        stored.annual(agreement, coordinator)
        assert computed.call_count == 6


def test_municipality_and_police_users_never_share_the_annual_result(
    handset, agreement, coordinator, kommunpolis
):
    with mock.patch.object(focus, "annual", wraps=focus.annual) as computed:
        kommun = stored.annual(agreement, coordinator)
        police = stored.annual(agreement, kommunpolis)
        assert computed.call_count == 2
        assert stored.annual(agreement, coordinator) == kommun
        assert stored.annual(agreement, kommunpolis) == police
        assert computed.call_count == 2
    assert StoredPage.objects.filter(agreement=agreement).count() == 2
    # A begränsad report of the police's organisation: the police user's figure only.
    police_org = Organisation.objects.get(pk=kommunpolis.organisation_id)
    _report(classification=Classification.RESTRICTED).__class__.objects.filter(
        description="Ny rapport"
    ).update(organisation=police_org, updated_at=timezone.now())
    assert _total(stored.annual(agreement, kommunpolis)) == _total(police) + 1
    assert _total(stored.annual(agreement, coordinator)) == _total(kommun)


def test_the_worker_computes_the_annual_view_ahead(handset, agreement, coordinator):
    from samverkan.lagesbild import tasks

    tasks.precompute([agreement])
    with mock.patch.object(focus, "annual", wraps=focus.annual) as computed:
        stored.annual(agreement, coordinator)
        assert computed.call_count == 0
