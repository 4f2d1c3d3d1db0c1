"""The shared cast: the Luleå demo (samverkan.demo) loaded into each test's database.

Luleå's users, one per role, plus one user of Boden kommun who must see nothing of Luleå's:

    admin        Alva Admin, administratör at Kommunstaben (not a superuser)
    styrgrupp    Stig Styrsson, styrgrupp, Lokalpolisområde Luleå-Boden
    samordnare   Sara Samordnare, samordnare at Kommunstaben
    kommunpolis  Kim Polis, samordnare at the LPO, which is party to both Luleå's and Boden's agreement
    rapportor    Rut Rapportör, rapportör at Lulebo AB (owned by Luleå kommun)
    lasare       Leo Läsare, läsare at Socialförvaltningen (a förvaltning under Luleå kommun)
    boden        Bo Bodensson, samordnare at Bodens kommun
"""

import os
from importlib import resources

import pytest

from samverkan.core.models import User
from samverkan.plans.models import Plan
from tests.demo_rows import load_demo_rows

LULEA_PLAN_TITLE = "Styrgruppens verksamhetsplan 2020–2021"
BODEN_AGREEMENT = "boden-polisen-2020-2023"


@pytest.fixture
def demo(db, settings) -> None:
    # The demo sets a password for each of its seven users; with Django's default PBKDF2
    # that is 1.6 of load_demo's 1.8 seconds. A fast hasher keeps the demo per test cheap
    # (about 0.1 s), and logging in as a demo user still works within the test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Without the present: the years of synthetic reports, the plan's yearly versions up to
    # this year and the synthetic figures (tests/incidents/test_demo_year.py and
    # tests/plans/test_demo_current_plan.py load them).
    # Loaded for real once, then replayed row for row (tests/demo_rows.py).
    load_demo_rows()


def _user(username: str) -> User:
    return User.objects.select_related("organisation").get(username=username)


@pytest.fixture
def admin_user(demo) -> User:
    return _user("admin")


@pytest.fixture
def steering(demo) -> User:
    return _user("styrgrupp")


@pytest.fixture
def coordinator(demo) -> User:
    return _user("samordnare")


@pytest.fixture
def kommunpolis(demo) -> User:
    return _user("kommunpolis")


@pytest.fixture
def reporter(demo) -> User:
    return _user("rapportor")


@pytest.fixture
def reader(demo) -> User:
    return _user("lasare")


@pytest.fixture
def boden_user(demo) -> User:
    return _user("boden")


@pytest.fixture
def lulea_plan(demo) -> Plan:
    return Plan.objects.select_related("agreement").get(title=LULEA_PLAN_TITLE)


@pytest.fixture
def boden_plan(demo) -> Plan:
    return Plan.objects.select_related("agreement").get(agreement__slug=BODEN_AGREEMENT)


@pytest.fixture
def lulea_plan_text() -> str:
    return (
        resources.files("samverkan.plans.data")
        .joinpath("lulea-2020-2021.yaml")
        .read_text(encoding="utf-8")
    )


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, in CI only, run just the tests that touch the database: a test with no
    database fixture and no django_db mark cannot reach one (pytest-django blocks it), so it
    runs the same on either database and the SQLite run already covers it. This keeps the two
    parallel CI runs within their time limit. Outside CI every test runs on every database."""
    from django.db import connection

    if connection.vendor != "postgresql" or os.environ.get("CI") != "true":
        return
    kept, skipped = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & DATABASE_FIXTURES:
            kept.append(item)
        else:
            skipped.append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = kept
