"""The worker computes the lägesbild's standard periods ahead, once per agreement and viewer
scope; a page then reads the stored result without computing, and an import of reports
queues the precomputation."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from samverkan.core.models import User
from samverkan.core.schedule import SCHEDULE
from samverkan.imports.models import ImportRun
from samverkan.incidents.importers.load import load_incidents
from samverkan.lagesbild import stored, tasks, views
from samverkan.lagesbild.models import StoredPage
from samverkan.lagesbild.params import quick_periods
from samverkan.organisations.models import Organisation
from samverkan.plans.models import Agreement

from .conftest import LULEA_AGREEMENT


def test_one_computation_per_scope_and_period_serves_every_user_of_the_scope(
    client, handset, coordinator, kommunpolis
):
    agreement = Agreement.objects.get(slug=LULEA_AGREEMENT)
    twin = User.objects.create(
        username="tvilling", role=coordinator.role, organisation=coordinator.organisation
    )
    users = tasks.scope_users(agreement)
    scopes = {stored._digest(stored.viewer(u)) for u in users}
    assert len(scopes) == len(users)  # one user per scope
    assert stored._digest(stored.viewer(twin)) in scopes
    assert {u.pk for u in users} >= {kommunpolis.pk}
    assert User.objects.get(username="boden").pk not in {
        u.pk for u in users
    }  # Boden does not see Luleå's

    with mock.patch.object(views, "lagesbild", wraps=views.lagesbild) as computed:
        counts = tasks.precompute(Agreement.objects.filter(pk=agreement.pk))
        assert counts["failed"] == 0
        assert counts["computed"] == computed.call_count == len(users) * len(quick_periods(
            timezone.localdate()))  # fmt: skip
        again = tasks.precompute(Agreement.objects.filter(pk=agreement.pk))
        assert again["computed"] == 0 and again["stored"] == counts["computed"]
        assert computed.call_count == counts["computed"]
        # The page's default (the last 12 months) and each quick choice are read, not computed.
        for user in (coordinator, twin, kommunpolis):
            client.force_login(user)
            for quick in ("", "ar", "tertial", "fjol"):
                query = {"overenskommelse": agreement.pk}
                if quick:
                    query["snabbval"] = quick
                response = client.get("/lagesbild/", query)
                assert response.status_code == 200
                assert "Händelser i perioden" in response.content.decode()
        assert computed.call_count == counts["computed"]
    assert not StoredPage.objects.filter(state=StoredPage.State.COMPUTING).exists()


def test_it_runs_nightly_and_after_an_import_of_reports(demo, settings):
    assert ("10 0 * * *", "samverkan.lagesbild.tasks.precompute_lagesbild") in SCHEDULE
    settings.SAMVERKAN_AFTER_INCIDENT_IMPORT = ["samverkan.lagesbild.tasks.precompute_lagesbild"]
    kommun = Organisation.objects.get(slug="lulea-kommun")
    run = ImportRun.objects.create(kind="incidents", source="csv", organisation=kommun)
    when = timezone.now() - dt.timedelta(days=3)
    row = {"row": 1, "external_id": "pre-1", "category": "klotter", "occurred_from": when,
           "lat": 65.58, "lon": 22.15}  # fmt: skip
    with mock.patch.object(tasks, "precompute_for") as ran:
        load_incidents([row], run=run, source="file", organisation=kommun)
        # Immediate backend in the tests: run at once, one job per agreement and scope.
        jobs = sum(len(tasks.scope_users(a)) for a in Agreement.objects.all())
        assert jobs and ran.call_count == jobs
        # An import that changed nothing queues nothing.
        again = ImportRun.objects.create(kind="incidents", source="csv", organisation=kommun)
        load_incidents([row], run=again, source="file", organisation=kommun)
        assert again.unchanged == 1 and ran.call_count == jobs
