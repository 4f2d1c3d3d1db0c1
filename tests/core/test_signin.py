"""Sign-in: lockout after failed logins (django-axes), idle sessions, API keys that expire
and can be revoked."""

import datetime as dt

import pytest
from axes.utils import reset
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from samverkan.core.models import APIToken, User
from samverkan.demo.load import DEMO_PASSWORD


@pytest.fixture
def strict(settings):
    settings.AXES_FAILURE_LIMIT = 3
    yield
    reset()


def login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_the_failures_even_with_the_right_password(client, demo, strict):
    for _ in range(2):
        assert login(client, "samordnare", "fel").status_code == 200
    assert login(client, "samordnare", "fel").status_code == 429  # the third: locked
    response = login(client, "samordnare", DEMO_PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Inloggningen är spärrad en stund" in text
    assert "Försök igen om 15 minuter" in text
    assert "3 misslyckade försök" in text
    assert "_auth_user_id" not in client.session
    # Another address does not help: the account itself is locked.
    assert login(client, "samordnare", DEMO_PASSWORD, address="10.0.0.2").status_code == 429
    reset(username="samordnare")
    reset(ip="10.0.0.1")
    assert login(client, "samordnare", DEMO_PASSWORD, address="10.0.0.2").status_code == 302


def test_an_address_guessing_many_accounts_is_locked(client, demo, strict):
    for username in ["samordnare", "kommunpolis"]:
        login(client, username, "fel", address="10.9.9.9")
    assert login(client, "rapportor", "fel", address="10.9.9.9").status_code == 429
    assert login(client, "styrgrupp", DEMO_PASSWORD, address="10.9.9.9").status_code == 429
    assert login(client, "styrgrupp", DEMO_PASSWORD, address="10.1.1.1").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, demo, strict):
    login(client, "samordnare", "fel")
    login(client, "samordnare", "fel")
    assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
    client.logout()
    login(client, "samordnare", "fel")
    login(client, "samordnare", "fel")
    assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302


def test_a_session_ends_after_the_idle_time_and_each_request_renews_it(
    client, coordinator, settings
):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 480 * 60
    client.force_login(coordinator)
    key = client.session.session_key
    # A request after the renewal interval writes the session with a new expiry.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    session = client.session
    session["_fornyad"] = 0
    session.save()
    response = client.get("/handelser/")
    assert response.cookies["sessionid"]["max-age"] == 480 * 60
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(minutes=479)
    # Within the interval nothing is written: the row and its expiry stay as they were.
    Session.objects.filter(pk=key).update(expire_date=renewed - dt.timedelta(seconds=30))
    response = client.get("/handelser/")
    assert "sessionid" not in response.cookies
    assert Session.objects.get(pk=key).expire_date == renewed - dt.timedelta(seconds=30)
    # An expired session is a signed-out person.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/handelser/").status_code == 302


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_an_expired_or_revoked_key_is_refused(client, coordinator):
    fresh = APIToken.issue(user=coordinator)
    assert client.get("/api/plans", headers=bearer(fresh)).status_code == 200
    token = APIToken.objects.get(key_hash=APIToken.hash(fresh))
    assert token.last_used_at is not None
    assert token.expires_at > timezone.now() + dt.timedelta(days=364)

    old = APIToken.issue(user=coordinator, expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get("/api/plans", headers=bearer(old))
    assert response.status_code == 401
    assert "Inloggning krävs" in response.json()["detail"]

    token.revoke()
    assert client.get("/api/plans", headers=bearer(fresh)).status_code == 401


def test_keys_are_made_listed_and_revoked_on_the_account_page(client, coordinator, reporter):
    client.force_login(coordinator)
    response = client.post("/konto/nycklar/", {"name": "Rapportexport", "days": "30"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = APIToken.objects.get(key_hash=APIToken.hash(key))
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert "Rapportexport" in client.get("/konto/nycklar/").content.decode()

    # Someone else's key cannot be revoked from here.
    others = APIToken.issue(user=reporter)
    other = APIToken.objects.get(key_hash=APIToken.hash(others))
    assert client.post(f"/konto/nycklar/{other.pk}/aterkalla/").status_code == 404
    assert client.post(f"/konto/nycklar/{token.pk}/aterkalla/").status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
    assert Client().get("/api/plans", headers=bearer(key)).status_code == 401


def test_a_key_for_too_many_days_is_refused_on_the_page(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/konto/nycklar/", {"name": "x", "days": "100000"})
    assert response.status_code == 422
    assert "Ange hur många dagar nyckeln ska gälla, 1–365" in response.content.decode()
    assert not APIToken.objects.filter(user=coordinator).exists()


def test_samverkan_revoke_token(capsys, coordinator):
    key = APIToken.issue(user=coordinator)
    call_command("revoke_token", key[:8])
    assert "1 nyckel/nycklar återkallade" in capsys.readouterr().out
    assert APIToken.objects.get(prefix=key[:8]).revoked_at is not None
    with pytest.raises(CommandError, match="Ingen giltig nyckel hittades att återkalla"):
        call_command("revoke_token", key[:8])
    APIToken.issue(user=coordinator)
    APIToken.issue(user=coordinator)
    call_command("revoke_token", "--user", coordinator.username)
    assert not APIToken.objects.usable().filter(user=coordinator).exists()
    with pytest.raises(CommandError, match="Ange antingen en nyckel eller --user"):
        call_command("revoke_token")


def test_create_token_takes_days(capsys, coordinator):
    call_command("create_token", coordinator.username, "--days", "7")
    key = capsys.readouterr().out.strip()
    token = APIToken.objects.get(key_hash=APIToken.hash(key))
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=7)).date()


def test_a_wrong_lock_setting_stops_the_start(monkeypatch):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={"DJANGO_SETTINGS_MODULE": "samverkan.settings", "DEBUG": "1",
             "SAMVERKAN_LOGIN_LOCK_BY": "ingen", "PATH": "/usr/bin"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SAMVERKAN_LOGIN_LOCK_BY ska vara konto, adress eller konto,adress" in result.stderr
    assert User  # the module's models import for the fixtures above
