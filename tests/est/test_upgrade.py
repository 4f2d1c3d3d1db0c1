"""Upgrading an installation: a database made by the migrations from before EST had an app of
its own (the EST models in incidents) migrates forward with every EST row kept, and the
permissions given on the EST models stay attached (their content types follow)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from samverkan.est.models import Action, AreaRating, PlannedEvent, WeekMeeting, WeekNote
from samverkan.incidents.models import Category
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Municipality
from samverkan.plans.models import Agreement

# The last migration with the EST models in the incidents app, and est not yet there.
BEFORE = ("incidents", "0007_partial_foreign_key_indexes")
OLD_LEAVES = [BEFORE, ("est", None)]
MOVED = {
    "Action": Action,
    "WeekMeeting": WeekMeeting,
    "WeekNote": WeekNote,
    "PlannedEvent": PlannedEvent,
    "AreaRating": AreaRating,
}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def old_rows(apps, *, agreement, organisation, district, municipality, category, user) -> None:
    """One row of every moved model, an action linked to a report, written with the models
    as the old migrations left them."""
    old = {name: apps.get_model("incidents", name) for name in MOVED}
    incident = apps.get_model("incidents", "Incident").objects.create(
        category_id=category.pk,
        occurred_from=timezone.now() - dt.timedelta(days=2),
        occurred_to=timezone.now() - dt.timedelta(days=2),
        municipality_id=municipality.pk,
        district_id=district.pk,
        organisation_id=organisation.pk,
        description="Klotter på muren",
    )
    action = old["Action"].objects.create(
        agreement_id=agreement.pk,
        iso_year=2025,
        iso_week=10,
        what="Sanera klottret vid skolan",
        district_id=district.pk,
        owner_organisation_id=organisation.pk,
        owner_id=user.pk,
        due_date=dt.date(2025, 3, 14),
        status="pagar",
        created_by_id=user.pk,
        updated_by_id=user.pk,
    )
    action.incidents.add(incident)
    meeting = old["WeekMeeting"].objects.create(
        agreement_id=agreement.pk,
        iso_year=2025,
        iso_week=10,
        notes="Genomgång av veckan",
        decisions="Närvaro i centrum",
        status="stangt",
        closed_at=timezone.now(),
        closed_by_id=user.pk,
        snapshot={"version": 1, "picture": {"total": 4}, "notes": "Genomgång av veckan"},
        snapshot_version=1,
    )
    old["WeekNote"].objects.create(
        meeting=meeting, organisation_id=organisation.pk, author_id=user.pk, text="Lugn vecka"
    )
    starts = timezone.now() + dt.timedelta(days=3)
    old["PlannedEvent"].objects.create(
        agreement_id=agreement.pk,
        title="Konsert i Stadsparken",
        district_id=district.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        organisation_id=organisation.pk,
    )
    old["AreaRating"].objects.create(
        agreement_id=agreement.pk,
        period_label="T1 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 4, 30),
        district_id=district.pk,
        level="röd",
        trend="upp",
        rationale="Flest rapporter",
        prioritised=True,
        updated_by_id=user.pk,
    )


FIELDS = {
    "Action": ["agreement_id", "what", "status", "due_date", "owner_id", "district_id"],
    "WeekMeeting": ["agreement_id", "iso_week", "status", "decisions", "snapshot"],
    "WeekNote": ["meeting_id", "organisation_id", "text"],
    "PlannedEvent": ["agreement_id", "title", "starts_at", "organisation_id"],
    "AreaRating": ["agreement_id", "district_id", "level", "trend", "prioritised"],
}


def table(model, name: str) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list("pk", *FIELDS[name]))


@pytest.mark.django_db(transaction=True)
def test_the_old_migrations_database_keeps_every_est_row_and_permission(demo, coordinator):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    organisation = Organisation.objects.get(slug="kommunstaben")
    municipality = Municipality.objects.get(code="2580")
    district = District.objects.filter(municipality=municipality).order_by("name").first()
    category = Category.objects.get(slug="klotter")
    try:
        executor = migrate(OLD_LEAVES)
        apps = executor.loader.project_state([BEFORE]).apps
        # Back there, the content types carry the incidents label again, as an old
        # installation's do; a group may change actions.
        old_content_types = apps.get_model("contenttypes", "ContentType").objects
        assert set(
            old_content_types.filter(model__in=[name.lower() for name in MOVED]).values_list(
                "app_label", flat=True
            )
        ) == {"incidents"}
        assert "incidents_action" in connection.introspection.table_names()
        content_type = old_content_types.get(app_label="incidents", model="action")
        permission = apps.get_model("auth", "Permission").objects.get(
            content_type=content_type, codename="change_action"
        )
        group = apps.get_model("auth", "Group").objects.create(name="EST-redaktörer")
        group.permissions.add(permission)
        old_rows(
            apps,
            agreement=agreement,
            organisation=organisation,
            district=district,
            municipality=municipality,
            category=category,
            user=coordinator,
        )
        before = {name: table(apps.get_model("incidents", name), name) for name in MOVED}
        links = list(
            apps.get_model("incidents", "Action")
            .incidents.through.objects.order_by("pk")
            .values_list("action_id", "incident_id")
        )

        migrate(latest)
        ContentType.objects.clear_cache()

        after = {name: table(model, name) for name, model in MOVED.items()}
        assert {name: len(rows) for name, rows in after.items()} == {
            name: len(rows) for name, rows in before.items()
        }
        assert all(len(rows) >= 1 for rows in after.values())
        assert after == before
        action = Action.objects.get()
        assert (
            list(
                Action.incidents.through.objects.order_by("pk").values_list(
                    "action_id", "incident_id"
                )
            )
            == links
        )
        assert [i.description for i in action.incidents.all()] == ["Klotter på muren"]
        assert WeekMeeting.objects.get().week_notes.get().text == "Lugn vecka"
        assert AreaRating.objects.get().get_trend_display() == "↑"

        moved = ContentType.objects.get_for_model(Action)
        assert (moved.pk, moved.app_label) == (content_type.pk, "est")
        assert not ContentType.objects.filter(app_label="incidents", model="action").exists()
        assert list(
            Group.objects.get(name="EST-redaktörer").permissions.values_list(
                "content_type__app_label", "codename"
            )
        ) == [("est", "change_action")]
    finally:
        migrate(latest)
        ContentType.objects.clear_cache()
