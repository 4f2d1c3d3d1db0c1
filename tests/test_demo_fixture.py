"""The `demo` fixture replays the rows `load_demo` wrote in an earlier test (tests/demo_rows.py).
A replay must leave the same database a real load leaves: loading the demo again on top of it
finds everything in place and adds nothing, and the demo's logins work."""

import pytest
from django.apps import apps

from samverkan.demo.load import DEMO_PASSWORD, load_demo
from samverkan.organisations.models import Organisation
from tests.demo_rows import _recordings, load_demo_rows


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.parametrize("run", ["first", "replayed"])
def test_loading_the_demo_again_adds_nothing(demo, run, client):
    if run == "replayed":
        assert _recordings, "the second run should have replayed a recording"
    before = _counts()
    load_demo(present=False)
    after = _counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}
    response = client.post("/login/", {"username": "samordnare", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_a_replay_writes_keys_that_new_rows_do_not_collide_with(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo_rows()
    created = Organisation.objects.create(
        slug="ny-part", name="Ny part", kind=Organisation.Kind.values[0]
    )
    assert created.pk > max(
        Organisation.objects.exclude(pk=created.pk).values_list("pk", flat=True)
    )
