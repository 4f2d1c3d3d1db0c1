"""Schemathesis over the whole API: every operation of /api/openapi.json is called in-process
with generated requests (valid and invalid), as the demo's samordnare with an API key, in the
test's own database (writes included; rolled back after each operation's test).

Each answer must be no server error, a status code the document lists for the operation, the
content type it lists, and a body that matches its schema. Examples per operation:
SAMVERKAN_FUZZ_EXAMPLES (default 8); derandomised, so CI runs the same requests every time.
More locally: `SAMVERKAN_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz.py`.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from samverkan.api import api
from samverkan.core.models import APIToken
from samverkan.incidents.categories import EST_CATEGORIES

EXAMPLES = int(os.environ.get("SAMVERKAN_FUZZ_EXAMPLES") or 8)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
# Called in-process through Django's WSGI handler (no server, no network).
schema.app = WSGIHandler()

# Generated ids seldom name a row, so half the generated requests have their ids replaced by
# small ones (1–8: the demo's rows) and their category by a real one: those reach the services
# (and the writes are made) instead of stopping at 404 or 422.
SLUGS = [slug for slug, _name, _parent in EST_CATEGORIES]
ID_FIELDS = {"agreement", "problem", "owner_organisation", "owner", "place", "district", "section"}
DATES = {"year": (2019, 2027), "iso_year": (2019, 2027), "week": (1, 53), "iso_week": (1, 53)}


def _realistic(value, key: str, number: int, slug: str):
    if key in DATES and isinstance(value, int):
        low, high = DATES[key]
        return low + number % (high - low + 1)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and (key.endswith("_id") or key in ID_FIELDS):
        return 1 + number % 8
    if isinstance(value, list) and value and all(type(v) is int for v in value):
        return [1 + (number + i) % 8 for i in range(len(value))]
    if key == "category" and isinstance(value, str):
        return slug
    if key == "categories" and isinstance(value, list):
        return [slug]
    return value


def _realistic_dict(drawn):
    value, number, slug = drawn
    if not isinstance(value, dict):
        return value
    return {key: _realistic(item, key, number, slug) for key, item in value.items()}


def _half_realistic(strategy):
    realistic = st.tuples(strategy, st.integers(0, 1000), st.sampled_from(SLUGS))
    return st.one_of(strategy, realistic.map(_realistic_dict))


@schema.hook
def before_generate_path_parameters(context, strategy):
    return _half_realistic(strategy)


@schema.hook
def before_generate_query(context, strategy):
    return _half_realistic(strategy)


@schema.hook
def before_generate_body(context, strategy):
    return _half_realistic(strategy)


@pytest.fixture
def same_connection():
    """The handler closes the database connection around each request (as in production),
    which would end the test's transaction; the test client does the same as this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_key(coordinator) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=coordinator)}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_documented(case, coordinator_key, same_connection):
    case.call_and_validate(headers=coordinator_key, checks=CHECKS)
