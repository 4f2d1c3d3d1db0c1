"""Who may import, saved mappings, and the uploads kept between the steps."""

import datetime as dt
import os
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from samverkan.imports import services
from samverkan.imports.models import ColumnMapping


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("coordinator", True),
        ("kommunpolis", True),
        ("boden_user", True),
        ("steering", False),
        ("reporter", False),
        ("reader", False),
    ],
)
def test_who_may_import(request, who, allowed):
    assert services.can_import(request.getfixturevalue(who)) is allowed


def test_a_saved_mapping_is_replaced_by_name_within_the_organisation(coordinator, boden_user):
    services.column_mapping_save(
        by=coordinator,
        name=" Felanmälan ",
        kind="incidents",
        mapping={"category": "Typ"},
        options={},
    )
    services.column_mapping_save(
        by=coordinator, name="Felanmälan", kind="incidents", mapping={"category": "Vad"}, options={}
    )
    services.column_mapping_save(
        by=boden_user, name="Felanmälan", kind="incidents", mapping={"category": "X"}, options={}
    )
    assert ColumnMapping.objects.get(organisation=coordinator.organisation).mapping == {
        "category": "Vad"
    }
    assert ColumnMapping.objects.count() == 2


def test_a_mapping_needs_a_name_known_fields_and_an_importer(coordinator, reporter):
    with pytest.raises(ValidationError, match="Ge mappningen ett namn"):
        services.column_mapping_save(
            by=coordinator, name=" ", kind="incidents", mapping={}, options={}
        )
    with pytest.raises(ValidationError, match="Okända fält: vem"):
        services.column_mapping_save(
            by=coordinator, name="x", kind="incidents", mapping={"vem": "Namn"}, options={}
        )
    with pytest.raises(PermissionDenied):
        services.column_mapping_save(
            by=reporter, name="x", kind="incidents", mapping={}, options={}
        )


def test_an_upload_is_kept_per_user_and_read_back(coordinator, admin_user):
    token = services.upload_store(by=coordinator, data=b"Datum;Typ\n", filename="a.csv")
    assert token.endswith(".csv")
    assert services.upload_read(by=coordinator, token=token) == b"Datum;Typ\n"
    with pytest.raises(ValidationError, match="hittas inte"):
        services.upload_read(by=admin_user, token=token)
    with pytest.raises(ValidationError, match="hittas inte"):
        services.upload_read(by=coordinator, token="../../secret_key")
    services.upload_delete(by=coordinator, token=token)
    with pytest.raises(ValidationError):
        services.upload_read(by=coordinator, token=token)


def test_uploads_older_than_a_day_are_removed(coordinator):
    old = services.upload_store(by=coordinator, data=b"PK\x03\x04old", filename="a.xlsx")
    new = services.upload_store(by=coordinator, data=b"new", filename="b.csv")
    path = default_storage.path(f"imports/uploads/{coordinator.pk}/{old}")
    two_days_ago = time.time() - dt.timedelta(days=2).total_seconds()
    os.utime(path, (two_days_ago, two_days_ago))
    assert services.upload_cleanup(by=coordinator) == 1
    assert not default_storage.exists(f"imports/uploads/{coordinator.pk}/{old}")
    assert services.upload_read(by=coordinator, token=new) == b"new"
