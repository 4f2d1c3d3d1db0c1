"""Two-factor sign-in: set up an authenticator app (TOTP, django-otp), give its code after the
password, and recovery codes for a lost phone, shown once."""

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samverkan.core.access import two_factor_devices_for_user

RECOVERY_CODES = 10


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


def _code(request) -> str:
    return "".join(request.POST.get("code", "").split())[:16]


@login_required
def setup(request):
    confirmed = two_factor_devices_for_user(request.user)
    if confirmed and not request.user.is_verified():
        # A device exists: its code first, so a stolen password cannot add another phone.
        return redirect("two_factor_verify")
    if any(isinstance(device, TOTPDevice) for device in confirmed):
        return render(request, "account/two_factor_on.html")
    device = next(
        (
            d
            for d in two_factor_devices_for_user(request.user, confirmed=False)
            if isinstance(d, TOTPDevice)
        ),
        None,
    ) or TOTPDevice.objects.create(user=request.user, name=_("Autentiseringsapp"), confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_token(_code(request)):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                StaticDevice.objects.filter(user=request.user).delete()
                recovery = StaticDevice.objects.create(user=request.user, name=_("Reservkoder"))
                codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
                for code in codes:
                    recovery.token_set.create(token=code)
            otp_login(request, device)
            return render(
                request, "account/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        error = _("Koden stämmer inte. Skriv de sex siffror appen visar just nu.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    context = {
        "qr": image.to_string(encoding="unicode"),
        "secret": _base32(device.bin_key),
        "error": error,
        "next": request.GET.get("next") or request.POST.get("next", ""),
    }
    return render(request, "account/two_factor_setup.html", context, status=422 if error else 200)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")


@login_required
def verify(request):
    if not two_factor_devices_for_user(request.user):
        return redirect("two_factor_setup")
    error = None
    if request.method == "POST":
        device = match_token(request.user, _code(request))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _(
            "Koden stämmer inte. Skriv koden appen visar just nu, eller en av dina reservkoder."
        )
    context = {"error": error, "next": request.GET.get("next") or request.POST.get("next", "")}
    return render(request, "account/two_factor_verify.html", context, status=422 if error else 200)
