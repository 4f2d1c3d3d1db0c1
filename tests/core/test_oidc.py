"""Single sign-on with OpenID Connect against a real provider on a local port: discovery,
the code flow with PKCE, an RS256-signed ID token checked against the provider's JWKS, and
the claims mapped to organisation and role."""

import base64
import hashlib
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from axes.utils import reset
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from samverkan.core import oidc
from samverkan.core.models import User

CLIENT_ID = "samverkan-test"
CLIENT_SECRET = "hemligt"


class Provider:
    """A small OpenID provider: what it hands out, and what it was asked."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = self.key  # another key forges a token the JWKS does not vouch for
        self.claims: dict = {}
        self.codes: dict[str, dict] = {}  # code → nonce and PKCE challenge of the request
        self.tokens: set[str] = set()
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                provider.requests.append(self.path)
                if self.path == "/.well-known/openid-configuration":
                    return self._json(
                        200,
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": provider.issuer + "/authorize",
                            "token_endpoint": provider.issuer + "/token",
                            "userinfo_endpoint": provider.issuer + "/userinfo",
                            "jwks_uri": provider.issuer + "/jwks",
                        },
                    )
                if self.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update(kid="nyckel-1", use="sig", alg="RS256")
                    return self._json(200, {"keys": [jwk]})
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, provider.claims)
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                provider.requests.append(self.path)
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                pending = provider.codes.pop(form.get("code"), None)
                if (
                    self.path != "/token"
                    or pending is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                ):
                    return self._json(400, {"error": "invalid_grant"})
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != pending["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "detail": "pkce"})
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.issuer,
                        "aud": CLIENT_ID,
                        "sub": provider.claims["sub"],
                        "nonce": pending["nonce"],
                        "iat": now,
                        "exp": now + 300,
                    },
                    provider.signing_key,
                    algorithm="RS256",
                    headers={"kid": "nyckel-1"},
                )
                access = f"at-{now}-{len(provider.tokens)}"
                provider.tokens.add(access)
                return self._json(
                    200,
                    {"access_token": access, "id_token": id_token, "token_type": "Bearer"},
                )

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings, demo):
    with Provider() as running:
        oidc.discovery.cache_clear()
        settings.SAMVERKAN_OIDC_ISSUER = running.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",
            "samverkan.core.oidc.SamverkanOIDCBackend",
            "django.contrib.auth.backends.ModelBackend",
        ]
        settings.SAMVERKAN_OIDC_ORGANISATIONS = {"Luleå kommun": "lulea-kommun"}
        settings.SAMVERKAN_OIDC_ROLES = {"grp-samordnare": "samordnare", "grp-las": "lasare"}
        yield running
        oidc.discovery.cache_clear()
    reset()


def sign_in(client, provider, claims, next_url="/handelser/"):
    """The browser's round trip: to the provider and back with a code."""
    provider.claims = claims
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302
    target = urllib.parse.urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.issuer + "/authorize"
    query = dict(urllib.parse.parse_qsl(target.query))
    assert query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256"
    code = f"kod-{len(provider.codes)}-{claims['sub']}"
    provider.codes[code] = {"nonce": query["nonce"], "challenge": query["code_challenge"]}
    return client.get("/oidc/callback/", {"code": code, "state": query["state"]})


def test_the_login_page_offers_the_provider(client, provider):
    text = client.get("/login/").content.decode()
    assert "Logga in med organisationens inloggning" in text
    assert "/oidc/authenticate/" in text


def test_a_new_person_is_created_with_organisation_and_role_from_the_claims(client, provider):
    from samverkan.organisations.models import Organisation

    lulea = Organisation.objects.get(slug="lulea-kommun")
    claims = {
        "sub": "abc-123",
        "preferred_username": "anna.andersson@lulea.se",
        "email": "anna.andersson@lulea.se",
        "given_name": "Anna",
        "family_name": "Andersson",
        "organisation": "Luleå kommun",
        "groups": ["grp-las", "grp-samordnare", "annat"],
    }
    response = sign_in(client, provider, claims)
    assert response.status_code == 302
    assert response["Location"] == "/handelser/"
    user = User.objects.get(username="anna.andersson@lulea.se")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.organisation, user.role, user.first_name) == (lulea, "samordnare", "Anna")
    assert not user.has_usable_password()
    assert "/token" in provider.requests and "/jwks" in provider.requests

    # The next login follows the provider: moved to a reader's group only.
    client.logout()
    sign_in(client, provider, {**claims, "groups": ["grp-las"]})
    user.refresh_from_db()
    assert user.role == "lasare"
    assert User.objects.filter(username="anna.andersson@lulea.se").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"groups": ["grp-okand"]},
            "Ingen av dina grupper i organisationens inloggning ger en roll",
        ),
        (
            {"organisation": "Okänd kommun"},
            "Din organisation i organisationens inloggning är inte kopplad",
        ),
    ],
)
def test_an_unmapped_claim_is_refused_with_a_message(client, provider, change, message):
    claims = {
        "sub": "x-1",
        "preferred_username": "okand@example.se",
        "organisation": "Luleå kommun",
        "groups": ["grp-las"],
        **change,
    }
    response = sign_in(client, provider, claims)
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="okand@example.se").exists()
    assert message in client.get("/login/").content.decode()


def test_a_forged_token_is_refused(client, provider):
    """An ID token signed by another key than the provider's JWKS does not sign anyone in."""
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {
        "sub": "f",
        "preferred_username": "f",
        "organisation": "Luleå kommun",
        "groups": ["grp-las"],
    }
    response = sign_in(client, provider, claims)
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="f").exists()
    assert "kunde inte bekräftas" in client.get("/login/").content.decode()


def test_without_an_issuer_there_is_no_single_sign_on(client, demo, settings):
    settings.SAMVERKAN_OIDC_ISSUER = ""
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "/oidc/authenticate/" not in client.get("/login/").content.decode()
