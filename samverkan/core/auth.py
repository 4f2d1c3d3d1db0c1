"""API authentication: bearer tokens for machines, the session for the browser; and the
client's address that login throttling counts by."""

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from samverkan.core.models import APIToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            APIToken.objects.select_related("user__organisation")
            .filter(key_hash=APIToken.hash(token), user__is_active=True)
            .usable()
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
            APIToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


api_auth = [BearerToken(), django_auth]


def client_ip(request) -> str | None:
    """The address a request came from: REMOTE_ADDR, or behind a reverse proxy the last entry
    of the header it writes (SAMVERKAN_CLIENT_IP_HEADER), which a client cannot forge."""
    header = settings.SAMVERKAN_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, response, credentials):
    """django-axes' answer to a login while locked out: a page that says why and for how long."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked.html", context, status=429)
