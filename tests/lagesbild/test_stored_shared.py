"""The lägesbild page's stored result lives in the database, shared by every process: used
while the reports are unchanged, computed afresh after a new, an edited, a deleted and a
reclassified report, shared by users of the same scope and never across scopes, and read by
a second process without computing."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from samverkan.core.models import Classification, User
from samverkan.incidents.models import Incident
from samverkan.lagesbild import stored, views
from samverkan.lagesbild.models import StoredPage
from samverkan.lagesbild.params import parse
from samverkan.organisations.models import Organisation
from samverkan.plans.access import agreement_list_for_user
from tests.lagesbild.reports import new_report

QUERY = {"fran": "2025-01-01", "till": "2025-12-31"}
ROOT = Path(__file__).resolve().parent.parent.parent


def _get(client, user, **extra):
    from samverkan.plans.models import Agreement

    client.force_login(user)
    extra.setdefault("overenskommelse", Agreement.objects.get(slug="lulea-polisen-2020-2023").pk)
    response = client.get("/lagesbild/", {**QUERY, **extra})
    assert response.status_code == 200
    return response


@pytest.fixture
def computed():
    with mock.patch.object(views, "lagesbild", wraps=views.lagesbild) as spy:
        yield spy


def _report(**extra) -> Incident:
    report = new_report(**extra)
    report.save()
    return report


def test_the_stored_result_is_a_database_row_used_until_the_reports_change(
    client, handset, coordinator, computed
):
    _get(client, coordinator)
    _get(client, coordinator)
    assert computed.call_count == 1
    assert StoredPage.objects.filter(state=StoredPage.State.READY).count() == 1
    report = _report()
    _get(client, coordinator)
    assert computed.call_count == 2  # a new report
    report.description = "Ändrad"
    report.save()
    _get(client, coordinator)
    assert computed.call_count == 3  # an edited one
    Incident.objects.filter(municipality__code="2580").exclude(pk=report.pk).first().delete()
    _get(client, coordinator)
    assert computed.call_count == 4  # a deleted one
    _get(client, coordinator)
    assert computed.call_count == 4
    assert StoredPage.objects.count() == 1  # one row per viewer scope and query


def test_a_reclassified_report_gives_a_new_result_both_ways(client, handset, coordinator, computed):
    report = _report(classification=Classification.OPEN)
    first = _get(client, coordinator).content.decode()
    report.classification = Classification.RESTRICTED
    report.organisation = Organisation.objects.get(slug="lpo-lulea-boden")
    report.save()
    hidden = _get(client, coordinator).content.decode()
    assert computed.call_count == 2
    assert hidden != first
    report.classification = Classification.OPEN
    report.save()
    shown = _get(client, coordinator).content.decode()
    assert computed.call_count == 3
    assert shown.count("Händelser i perioden") == first.count("Händelser i perioden")


def test_users_of_one_scope_share_it_and_other_scopes_never_do(
    client, handset, coordinator, kommunpolis, computed
):
    twin = User.objects.create(
        username="tvilling", role=coordinator.role, organisation=coordinator.organisation
    )
    _get(client, coordinator)
    _get(client, twin)
    assert computed.call_count == 1  # same role and organisation tree: the same reports
    police = _get(client, kommunpolis).content.decode()
    assert computed.call_count == 2  # never the kommun's result
    assert "klassning begränsad" in police
    assert "klassning begränsad" not in _get(client, twin).content.decode()


def test_the_page_says_the_worker_is_computing_and_asks_again(
    client, handset, coordinator, computed
):
    from samverkan.plans.models import Agreement

    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    chosen = parse({**QUERY, "overenskommelse": str(agreement.pk)},
                   agreement_list_for_user(coordinator))  # fmt: skip
    assert stored.mark_computing(coordinator, chosen)
    html = _get(client, coordinator, overenskommelse=agreement.pk).content.decode()
    assert "räknas fram i bakgrunden" in html and 'hx-trigger="every 2s"' in html
    assert computed.call_count == 0
    poll = {**QUERY, "overenskommelse": agreement.pk, "vantar": "1"}
    response = client.get("/lagesbild/", poll, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and "HX-Refresh" not in response
    # The worker is done: the poll tells the page to reload, and the page shows the result.
    stored.stored(coordinator, chosen, lambda: views.result_page(coordinator, chosen))
    response = client.get("/lagesbild/", poll, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert (
        "Händelser i perioden"
        in _get(client, coordinator, overenskommelse=agreement.pk).content.decode()
    )
    assert computed.call_count == 1


def test_a_stale_computing_mark_does_not_block_the_page(client, handset, coordinator, computed):
    from samverkan.plans.models import Agreement

    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    chosen = parse({**QUERY, "overenskommelse": str(agreement.pk)},
                   agreement_list_for_user(coordinator))  # fmt: skip
    stored.mark_computing(coordinator, chosen)
    StoredPage.objects.update(updated_at=timezone.now() - stored.COMPUTING_FOR * 2)
    html = _get(client, coordinator, overenskommelse=agreement.pk).content.decode()
    assert "Händelser i perioden" in html and computed.call_count == 1


SCRIPT = """
import json, sys
import django
django.setup()
from unittest import mock
from samverkan.core.models import User
from samverkan.lagesbild import stored, views
from samverkan.lagesbild.params import parse
from samverkan.plans.access import agreement_list_for_user

mode, username, agreement = sys.argv[1], sys.argv[2], sys.argv[3]
user = User.objects.get(username=username)
chosen = parse({"fran": "2025-01-01", "till": "2025-12-31", "overenskommelse": agreement},
               agreement_list_for_user(user))
calls = []
def compute():
    calls.append(1)
    if mode == "read":
        raise SystemExit("process B computed")
    return views.result_page(user, chosen)
page = stored.stored(user, chosen, compute)
print(json.dumps({"computed": len(calls), "pid": __import__("os").getpid(),
                  "digest": __import__("hashlib").sha256(page["html"].encode()).hexdigest()}))
"""


def _database_env(tmp_path) -> dict[str, str]:
    """The environment that points a new process at this test's database. SQLite's test
    database lives in memory, so it is first copied to a file both processes open."""
    settings = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samverkan.settings", "DEBUG": "true"}
    env["SAMVERKAN_DATA_DIR"] = str(tmp_path)
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "samverkan.sqlite3")
        connection.connection.backup(target)
        target.close()
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT']}/{settings['NAME']}"
        )
    return env


@pytest.mark.django_db(transaction=True)
def test_process_a_computes_and_process_b_reads_without_computing(demo, handset, tmp_path):
    from samverkan.plans.models import Agreement

    agreement = str(Agreement.objects.get(slug="lulea-polisen-2020-2023").pk)
    env = _database_env(tmp_path)

    def run(mode):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, mode, "samordnare", agreement],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    a = run("compute")
    b = run("read")
    assert a["computed"] == 1 and b["computed"] == 0
    assert a["pid"] != b["pid"] and a["digest"] == b["digest"]


def test_after_a_new_report_the_page_shows_the_older_result_while_the_worker_computes(
    client, handset, coordinator, computed, settings
):
    import re

    from samverkan.lagesbild import tasks

    def total(html):
        return int(re.search(r"Händelser i perioden</span><strong>(\d+)</strong>", html).group(1))

    before = total(_get(client, coordinator).content.decode())
    _report()
    settings.SAMVERKAN_LAGESBILD_REFRESH_SECONDS = 60
    StoredPage.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    real = tasks.compute_page
    with mock.patch.object(tasks, "compute_page") as job:  # a worker, not yet run
        queued = job.enqueue
        html = _get(client, coordinator).content.decode()
        assert queued.call_count == 1
        assert "Nya rapporter räknas in i bakgrunden" in html and total(html) == before
        assert computed.call_count == 1  # the page did not compute
        again = _get(client, coordinator).content.decode()
        assert queued.call_count == 1 and total(again) == before  # queued once
        poll = {**QUERY, "overenskommelse": _agreement_pk(), "vantar": "1"}
        response = client.get("/lagesbild/", poll, HTTP_HX_REQUEST="true")
        assert response.status_code == 204 and "HX-Refresh" not in response
        # The worker runs the job: the poll reloads the page, which shows the new report.
        real.call(*queued.call_args.args)
    response = client.get("/lagesbild/", poll, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert total(_get(client, coordinator).content.decode()) == before + 1
    assert computed.call_count == 2


def _agreement_pk():
    from samverkan.plans.models import Agreement

    return Agreement.objects.get(slug="lulea-polisen-2020-2023").pk
