"""Single sign-on with OpenID Connect (Entra ID or any other identity provider).

mozilla-django-oidc runs the code flow; this backend finds the provider's endpoints from its
discovery document (SAMVERKAN_OIDC_ISSUER), and maps the provider's claims to the person's
organisation and role by configuration. A person whose claims map to no organisation or no
role is refused with a message: nobody gets in on a default role.

Core imports no app: the organisation is looked up through the app registry.
"""

import functools

import requests
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from samverkan.core.models import Role

# Highest first: a person in several mapped groups gets the highest of their roles.
ROLE_ORDER = [Role.ADMIN, Role.STEERING, Role.COORDINATOR, Role.REPORTER, Role.READER]

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@functools.cache
def discovery(issuer: str) -> dict:
    """The provider's /.well-known/openid-configuration, fetched once per process."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(
            f"OIDC-leverantören {url} uppger utfärdaren {document.get('issuer')!r}, inte {issuer!r}"
        )
    return document


def oidc_setting(attr: str, *default):
    """A mozilla-django-oidc setting; the endpoints come from the discovery document."""
    if attr in ENDPOINTS and not getattr(settings, attr, None):
        return discovery(settings.SAMVERKAN_OIDC_ISSUER)[ENDPOINTS[attr]]
    if default:
        return getattr(settings, attr, default[0])
    return getattr(settings, attr)


def _values(claims: dict, name: str) -> list[str]:
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def organisation_from_claims(claims: dict):
    """The organisation the claims name, or None. SAMVERKAN_OIDC_ORGANISATIONS maps claim
    values to organisations' short names; without it the claim value is the short name."""
    Organisation = apps.get_model("organisations", "Organisation")
    mapping = settings.SAMVERKAN_OIDC_ORGANISATIONS
    for value in _values(claims, settings.SAMVERKAN_OIDC_ORGANISATION_CLAIM):
        slug = mapping.get(value) if mapping else value
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is not None:
                return found
    return None


def role_from_claims(claims: dict) -> str | None:
    """The highest role the claims' group values map to (SAMVERKAN_OIDC_ROLES), or None."""
    mapped = {
        settings.SAMVERKAN_OIDC_ROLES[v]
        for v in _values(claims, settings.SAMVERKAN_OIDC_ROLE_CLAIM)
        if v in settings.SAMVERKAN_OIDC_ROLES
    }
    for role in ROLE_ORDER:
        if role.value in mapped:
            return role.value
    return None


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; its address comes from the discovery document."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)  # the endpoint is read in get, not at set-up

    def get(self, request):
        if not settings.SAMVERKAN_OIDC_ISSUER:
            raise Http404(_("Inloggning via OpenID Connect är inte påslagen."))
        self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SamverkanOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The endpoints are read when a provider's answer arrives, not for every password
        # login that passes this backend on its way to the next.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not (request.GET.get("code") and request.GET.get("state")):
            return None
        for attr in ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
            setattr(self, attr, oidc_setting(attr))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """A token the provider's keys do not vouch for signs nobody in, and says so."""
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation:
            messages.error(
                self.request,
                _("Svaret från %(provider)s kunde inte bekräftas. Försök logga in igen.")
                % {"provider": settings.SAMVERKAN_OIDC_NAME},
            )
            return None

    def _username(self, claims: dict) -> str:
        return str(claims.get(settings.SAMVERKAN_OIDC_USERNAME_CLAIM) or "")[:150]

    def describe_user_by_claims(self, claims):
        return f"användarnamnet {self._username(claims)}"

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username)

    def verify_claims(self, claims):
        problem = None
        if not self._username(claims):
            problem = _(
                "Inloggningen via %(provider)s gav inget användarnamn (anspråket %(claim)s saknas)."
            )
        elif organisation_from_claims(claims) is None:
            problem = _(
                "Din organisation i %(provider)s är inte kopplad till någon organisation i "
                "Samverkan. Be administratören lägga till kopplingen."
            )
        elif role_from_claims(claims) is None:
            problem = _(
                "Ingen av dina grupper i %(provider)s ger en roll i Samverkan. Be "
                "administratören koppla din grupp till en roll."
            )
        if problem:
            messages.error(
                self.request,
                problem
                % {
                    "provider": settings.SAMVERKAN_OIDC_NAME,
                    "claim": settings.SAMVERKAN_OIDC_USERNAME_CLAIM,
                },
            )
            return False
        return True

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims))
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        """Organisation, role, name and e-mail follow the provider at every login."""
        user.organisation = organisation_from_claims(claims)
        user.role = role_from_claims(claims)
        user.email = claims.get("email", user.email) or ""
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.save()
        return user
