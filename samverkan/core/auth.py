"""API authentication: bearer tokens for machines, the session for the browser."""

import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from samverkan.core.models import APIToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            APIToken.objects.select_related("user__organisation")
            .filter(key_hash=APIToken.hash(token), user__is_active=True)
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
