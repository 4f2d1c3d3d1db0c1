"""Web hardening: the Content-Security-Policy, HTTPS in production and `check --deploy`."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import samverkan

TEMPLATES = sorted(Path(samverkan.__file__).parent.rglob("templates/**/*.html"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_every_page_carries_a_policy_that_allows_only_own_scripts(client, coordinator):
    client.force_login(coordinator)
    for url in ["/login/", "/handelser/ny/", "/lagesbild/"]:
        response = client.get(url)
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in policy.get("default-src", [])


def test_the_base_map_tile_server_may_serve_images(client, coordinator):
    client.force_login(coordinator)
    policy = _directives(client.get("/handelser/karta/")["Content-Security-Policy"])
    assert "https://tile.openstreetmap.org" in policy["img-src"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_holds_an_inline_script(template):
    text = template.read_text(encoding="utf-8")
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            f"{template}: a <script> without src runs inline and the policy blocks it"
        )
    assert not EVENT_HANDLER.search(text), f"{template}: an on…= handler attribute is inline script"


def test_the_templates_were_found():
    assert len(TEMPLATES) > 50


def test_browser_tests_wait_without_eval_in_the_page():
    """wait_for_function evaluates its predicate with eval in the page once it has to poll,
    which the policy blocks: the browser tests poll with conftest.wait_until instead."""
    browser_tests = Path(__file__).parents[1] / "browser"
    for path in browser_tests.glob("*.py"):
        assert "wait_for_function(" not in path.read_text(encoding="utf-8"), path


def _settings_in(env: dict[str, str]) -> dict[str, str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    names = ["session_secure", "csrf_secure", "ssl_redirect", "hsts", "subdomains"]
    return dict(zip(names, out.stdout.split(), strict=True))


def _production_env(tmp_path) -> dict[str, str]:
    # As a production machine has it: no test-suite markers (the browser tests allow Django's
    # ORM beside Playwright's event loop, which check --deploy rightly refuses).
    test_only = {"PYTEST_VERSION", "SAMVERKAN_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        DJANGO_SETTINGS_MODULE="samverkan.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="samverkan.lulea.se",
        SAMVERKAN_DATA_DIR=str(tmp_path),
    )
    env.pop("DATABASE_URL", None)
    return env


def test_production_sends_cookies_only_over_https_and_asks_for_hsts(tmp_path):
    values = _settings_in(_production_env(tmp_path))
    assert values == {
        "session_secure": "True",
        "csrf_secure": "True",
        "ssl_redirect": "True",
        "hsts": "31536000",
        "subdomains": "True",
    }


def test_the_demo_keeps_plain_http_for_localhost(tmp_path):
    values = _settings_in({**_production_env(tmp_path), "SAMVERKAN_DEMO": "1"})
    assert values["session_secure"] == "False" and values["ssl_redirect"] == "False"
    assert values["hsts"] == "0"


def test_settings_turn_https_off_behind_a_proxy_that_says_so(tmp_path):
    env = {**_production_env(tmp_path), "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}
    values = _settings_in(env)
    assert values["ssl_redirect"] == "False" and values["hsts"] == "0"
    assert values["session_secure"] == "True"


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "samverkan", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
