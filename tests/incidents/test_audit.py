"""The audit trail of a report (API and page), the access log of begränsad data and gallring."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from samverkan.core.models import AccessLog, APIToken, User
from samverkan.core.retention import gallring
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create, incident_update, source_type_map


def bearer(user: User) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


@pytest.fixture
def reclassified(kommunpolis, klotter, stadsparken, an_hour_ago) -> Incident:
    """Filed öppen by the police, then made begränsad through the API."""
    return incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=an_hour_ago,
        classification="oppen",
        place=stadsparken,
    )


def _reclassify(client, incident, user):
    response = client.patch(
        f"/api/reports/{incident.pk}",
        json.dumps({"classification": "begransad"}),
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 200, response.content


def test_the_history_of_a_reclassified_report_in_the_api(client, kommunpolis, reclassified):
    _reclassify(client, reclassified, kommunpolis)
    response = client.get(f"/api/reports/{reclassified.pk}/history", headers=bearer(kommunpolis))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    newest, created = body["items"]
    assert created["action"] == "Skapad" and created["who"] == str(kommunpolis)
    assert newest["action"] == "Ändrad" and newest["who"] == str(kommunpolis)
    assert {"field": "klassning", "before": "Öppen", "after": "Begränsad"} in newest["changes"]
    # Paginated like /api/reports.
    page = client.get(
        f"/api/reports/{reclassified.pk}/history?limit=1&offset=1", headers=bearer(kommunpolis)
    ).json()
    assert page["count"] == 2 and [item["action"] for item in page["items"]] == ["Skapad"]


def test_the_history_of_a_reclassified_report_on_its_page(client, kommunpolis, reclassified):
    _reclassify(client, reclassified, kommunpolis)
    client.force_login(kommunpolis)
    html = client.get(f"/handelser/{reclassified.pk}/").content.decode()
    assert "Historik" in html
    assert "<strong>klassning</strong>: Öppen → Begränsad" in html


def test_another_organisations_user_gets_404_on_the_history(
    client, kommunpolis, boden_user, coordinator, reclassified
):
    url = f"/api/reports/{reclassified.pk}/history"
    # Öppen in Luleå: Luleå's coordinator sees it and its history, Boden's user does not.
    assert client.get(url, headers=bearer(coordinator)).status_code == 200
    assert client.get(url, headers=bearer(boden_user)).status_code == 404
    _reclassify(client, reclassified, kommunpolis)
    # Begränsad of the police: now the kommun's coordinator gets 404 too.
    assert client.get(url, headers=bearer(coordinator)).status_code == 404
    client.force_login(coordinator)
    assert client.get(f"/handelser/{reclassified.pk}/").status_code == 404


def test_values_of_a_begransad_version_are_hidden_outside_its_owner(
    client, kommunpolis, coordinator, klotter, stadsparken, an_hour_ago
):
    incident = incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=an_hour_ago,
        classification="begransad",
        place=stadsparken,
    )
    incident_update(incident=incident, by=kommunpolis, cost_sek=12345)
    incident_update(incident=incident, by=kommunpolis, classification="oppen")
    url = f"/api/reports/{incident.pk}/history"
    own = json.dumps(client.get(url, headers=bearer(kommunpolis)).json())
    assert "12345" in own
    other = client.get(url, headers=bearer(coordinator))
    assert other.status_code == 200  # öppen now
    assert "12345" not in json.dumps(other.json())
    assert "(dold: begränsad)" in json.dumps(other.json(), ensure_ascii=False)


def test_free_text_is_not_shown_in_the_history(client, kommunpolis, reclassified):
    incident_update(incident=reclassified, by=kommunpolis, description="Klotter på bänken")
    body = client.get(f"/api/reports/{reclassified.pk}/history", headers=bearer(kommunpolis))
    changes = body.json()["items"][0]["changes"]
    assert {"field": "beskrivning", "before": "–", "after": "(ändrad)"} in changes


def test_a_type_mapping_records_history(coordinator, kommunpolis, klotter, stadsparken):
    incident = Incident.objects.create(
        municipality=stadsparken.municipality,
        occurred_from=timezone.now(),
        occurred_to=timezone.now(),
        category=klotter,
        organisation=kommunpolis.organisation,
        source="polisen",
        source_type="Ny typ",
    )
    brand = Category.objects.get(slug="brand")
    _mapping, moved = source_type_map(
        by=coordinator, source="polisen", source_type="Ny typ", category=brand
    )
    assert moved == 1
    latest = incident.history.order_by("-history_date", "-history_id").first()
    assert latest.category_id == brand.pk and latest.history_user == coordinator


# --- The access log ---------------------------------------------------------------------------


def test_opening_a_begransad_report_is_logged(client, kommunpolis, reclassified):
    client.force_login(kommunpolis)
    client.get(f"/handelser/{reclassified.pk}/")
    assert not AccessLog.objects.exists()  # öppen: nothing to log
    _reclassify(client, reclassified, kommunpolis)
    client.get(f"/handelser/{reclassified.pk}/")
    client.get(f"/api/reports/{reclassified.pk}", headers=bearer(kommunpolis))
    logged = list(AccessLog.objects.order_by("pk").values_list("user", "action", "object_id"))
    assert logged == [
        (kommunpolis.pk, "visning", reclassified.pk),
        (kommunpolis.pk, "api", reclassified.pk),
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_with_begransad_rows_is_logged(client, kommunpolis, reclassified, kind):
    client.force_login(kommunpolis)
    assert client.get(f"/handelser/export.{kind}").status_code == 200
    assert not AccessLog.objects.exists()  # only öppen rows
    _reclassify(client, reclassified, kommunpolis)
    response = client.get(f"/handelser/export.{kind}")
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.action, row.count, row.detail) == (kommunpolis, "export", 1, kind)


# --- Gallring --------------------------------------------------------------------------------


@pytest.fixture
def aged(settings, kommunpolis, klotter, stadsparken) -> dict:
    settings.SAMVERKAN_RETENTION_INCIDENT_YEARS = 5
    settings.SAMVERKAN_RETENTION_LOG_MONTHS = 12
    now = timezone.now()

    def report(when, text):
        return incident_create(
            by=kommunpolis,
            category=klotter,
            occurred_from=when,
            description=text,
            place=stadsparken,
            classification="oppen",
        )

    old = report(now - dt.timedelta(days=6 * 365), "Gammal beskrivning")
    new = report(now - dt.timedelta(days=30), "Ny beskrivning")
    Incident.history.filter(id=old.pk).update(history_date=now - dt.timedelta(days=6 * 365))
    old_log = AccessLog.objects.create(
        user=kommunpolis, action="visning", object_type="x", at=now - dt.timedelta(days=400)
    )
    new_log = AccessLog.objects.create(user=kommunpolis, action="visning", object_type="x")
    return {"old": old, "new": new, "old_log": old_log, "new_log": new_log}


def test_gallring_dry_run_changes_nothing(aged):
    counts = gallring(dry_run=True)
    assert counts["rapporter avidentifierade"] == 1
    assert counts["åtkomstlogg"] == 1
    assert counts["historik incidents.incident"] == 1
    aged["old"].refresh_from_db()
    assert aged["old"].description == "Gammal beskrivning"
    assert AccessLog.objects.count() == 2
    assert Incident.history.filter(id=aged["old"].pk).exists()


def test_gallring_anonymises_old_reports_and_removes_old_logs(aged):
    counts = gallring()
    assert counts["rapporter avidentifierade"] == 1 and counts["åtkomstlogg"] == 1
    old, new = aged["old"], aged["new"]
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.description == "" and new.description == "Ny beskrivning"
    assert list(AccessLog.objects.all()) == [aged["new_log"]]
    assert not Incident.history.filter(id=old.pk).exists()
    assert Incident.history.filter(id=new.pk, description="Ny beskrivning").exists()
    # A second run finds nothing more.
    assert not any(gallring().values())


def test_gallring_can_delete_old_reports(aged, settings):
    settings.SAMVERKAN_RETENTION_INCIDENT_ACTION = "delete"
    assert gallring()["rapporter borttagna"] == 1
    assert list(Incident.objects.all()) == [aged["new"]]
    assert not Incident.history.filter(id=aged["old"].pk).exists()


def test_the_gallring_command(aged):
    out = io.StringIO()
    call_command("gallring", "--dry-run", stdout=out)
    assert "Skulle gallras:" in out.getvalue() and "åtkomstlogg: 1" in out.getvalue()
    assert AccessLog.objects.count() == 2
    out = io.StringIO()
    call_command("gallring", stdout=out)
    assert "Gallrat:" in out.getvalue()
    assert AccessLog.objects.count() == 1


def test_gallring_is_scheduled_in_the_worker(settings):
    assert any(
        path == "samverkan.core.tasks.gallring_nightly" for _c, path in settings.SAMVERKAN_SCHEDULE
    )
