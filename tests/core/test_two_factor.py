"""Two-factor sign-in: a TOTP device set up with a QR code, its code asked after the password,
recovery codes that work once, a required role sent to set-up first; lockout still works."""

import re

import pytest
from axes.utils import reset
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samverkan.demo.load import DEMO_PASSWORD


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:0{device.digits}d}"


def password_login(client, username, password=DEMO_PASSWORD, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def set_up(client) -> tuple[TOTPDevice, list[str]]:
    response = client.get("/konto/tvafaktor/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<svg" in text  # the QR code
    device = TOTPDevice.objects.get(confirmed=False)
    secret = re.search(r"<code data-secret>([A-Z2-7]+)</code>", text).group(1)
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    response = client.post("/konto/tvafaktor/", {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert "visas bara den här gången" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.fixture
def required(settings):
    settings.SAMVERKAN_REQUIRE_2FA_ROLES = ["admin", "samordnare"]
    yield
    reset()


def test_a_required_role_without_a_device_is_sent_to_set_up_before_any_page(client, demo, required):
    response = password_login(client, "samordnare")
    assert response.status_code == 302
    for page in ["/", "/handelser/", "/konto/nycklar/", "/api/plans"]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/konto/tvafaktor/?next="), page
    # A reader's role needs no second factor.
    client.logout()
    password_login(client, "lasare")
    assert client.get("/handelser/").status_code == 200


def test_set_up_then_a_totp_login(client, demo, required):
    password_login(client, "samordnare")
    device, _codes = set_up(client)
    assert client.get("/handelser/").status_code == 200  # verified by the set-up itself
    client.logout()

    password_login(client, "samordnare")
    response = client.get("/handelser/")
    assert response["Location"] == "/konto/tvafaktor/kod/?next=%2Fhandelser%2F"
    device.refresh_from_db()
    # The step after the one the set-up used, since a code works once.
    response = client.post(
        "/konto/tvafaktor/kod/", {"code": code_for(device, 1), "next": "/handelser/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/handelser/"
    assert client.get("/handelser/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, demo, required):
    password_login(client, "samordnare")
    device, _codes = set_up(client)
    client.logout()
    password_login(client, "samordnare")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/konto/tvafaktor/kod/", {"code": wrong})
    assert response.status_code == 422
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/handelser/").status_code == 302


def test_a_wrong_code_at_set_up_is_refused_and_nothing_is_switched_on(client, demo, required):
    password_login(client, "samordnare")
    client.get("/konto/tvafaktor/")
    device = TOTPDevice.objects.get()
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/konto/tvafaktor/", {"code": wrong})
    assert response.status_code == 422
    assert "Koden stämmer inte" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()


def test_a_recovery_code_works_once(client, demo, required):
    password_login(client, "samordnare")
    _device, codes = set_up(client)
    client.logout()

    password_login(client, "samordnare")
    response = client.post("/konto/tvafaktor/kod/", {"code": codes[0]})
    assert response.status_code == 302
    assert client.get("/handelser/").status_code == 200
    client.logout()

    password_login(client, "samordnare")
    response = client.post("/konto/tvafaktor/kod/", {"code": codes[0]})
    assert response.status_code == 422
    assert "Koden stämmer inte" in response.content.decode()
    assert StaticToken.objects.count() == 9


def test_a_device_cannot_be_replaced_with_only_the_password(client, demo, required):
    password_login(client, "samordnare")
    set_up(client)
    client.logout()
    password_login(client, "samordnare")
    response = client.get("/konto/tvafaktor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/tvafaktor/kod/")
    assert TOTPDevice.objects.count() == 1


def test_lockout_still_works_with_two_factor(client, demo, required, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = password_login(client, "samordnare", "fel")
    assert response.status_code == 429
    response = password_login(client, "samordnare")
    assert response.status_code == 429
    assert "Inloggningen är spärrad en stund" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pages_need_a_login(client, demo):
    for page in ["/konto/tvafaktor/", "/konto/tvafaktor/kod/"]:
        assert client.get(page)["Location"].startswith("/login/")
