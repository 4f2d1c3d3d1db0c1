"""incident_create / incident_update: the one entry path and its checks."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create, incident_update
from samverkan.places.models import District

from .conftest import A_PERSONNUMMER, BODENS_RESECENTRUM, HERTSO_CENTRUM


def file(by, category, when, **fields):
    fields.setdefault("description", "Nyklottrad vägg vid gångtunneln.")
    return incident_create(by=by, category=category, occurred_from=when, **fields)


def test_a_reporter_files_a_report_at_a_named_place(reporter, klotter, stadsparken, an_hour_ago):
    incident = file(reporter, klotter, an_hour_ago, place=stadsparken)
    incident.refresh_from_db()
    assert incident.organisation == reporter.organisation
    assert incident.reporter == reporter
    assert incident.municipality == stadsparken.municipality
    assert incident.district == stadsparken.district
    assert (incident.lat, incident.lon) == (stadsparken.lat, stadsparken.lon)
    assert incident.occurred_to == incident.occurred_from  # a moment
    assert incident.status == Incident.Status.NEW
    assert incident.classification == "intern"
    assert incident.source == "form"


def test_the_district_follows_from_the_point(reporter, klotter, lulea, an_hour_ago):
    lat, lon = HERTSO_CENTRUM
    centrum = District.objects.get(municipality=lulea, slug="centrum")
    # A chosen district is overruled by the point.
    incident = file(reporter, klotter, an_hour_ago, lat=lat, lon=lon, district=centrum)
    assert incident.municipality == lulea
    assert incident.district.slug == "hertson"


def test_a_personnummer_in_the_text_is_refused_and_nothing_saved(
    reporter, klotter, stadsparken, an_hour_ago
):
    with pytest.raises(ValidationError) as error:
        file(
            reporter,
            klotter,
            an_hour_ago,
            place=stadsparken,
            description=f"Personen med personnummer {A_PERSONNUMMER} sprayade.",
        )
    [message] = error.value.message_dict["description"]
    assert "personnummer" in message and A_PERSONNUMMER in message
    assert not Incident.objects.exists()


def test_every_finding_is_listed(reporter, klotter, stadsparken, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        file(
            reporter,
            klotter,
            an_hour_ago,
            place=stadsparken,
            description="Ring 070-123 45 67, bilen ABC 123 stod där.",
        )
    messages = error.value.message_dict["description"]
    assert len(messages) == 2
    assert any("telefonnummer" in m for m in messages)
    assert any("registreringsnummer" in m for m in messages)


def test_a_time_in_the_future_is_refused(reporter, klotter, stadsparken):
    with pytest.raises(ValidationError) as error:
        file(reporter, klotter, timezone.now() + dt.timedelta(hours=1), place=stadsparken)
    assert error.value.message_dict["occurred_from"] == ["Tiden ligger i framtiden."]
    assert not Incident.objects.exists()


def test_a_few_minutes_of_clock_skew_are_allowed(reporter, klotter, stadsparken):
    file(reporter, klotter, timezone.now() + dt.timedelta(minutes=3), place=stadsparken)


def test_a_period_must_be_ordered(reporter, klotter, stadsparken, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        file(
            reporter,
            klotter,
            an_hour_ago,
            occurred_to=an_hour_ago - dt.timedelta(hours=2),
            place=stadsparken,
        )
    assert "occurred_to" in error.value.message_dict
    period = file(
        reporter,
        klotter,
        an_hour_ago - dt.timedelta(hours=8),
        occurred_to=an_hour_ago,
        time_precision="ungefar",
        place=stadsparken,
    )
    assert period.occurred_to > period.occurred_from


def test_a_point_outside_the_municipality_is_refused_naming_it(
    reporter, klotter, lulea, an_hour_ago
):
    lat, lon = BODENS_RESECENTRUM
    with pytest.raises(ValidationError) as error:
        file(reporter, klotter, an_hour_ago, municipality=lulea, lat=lat, lon=lon)
    [message] = error.value.message_dict["lat"]
    assert "utanför kommungränsen för Luleå" in message
    assert not Incident.objects.exists()


def test_a_point_in_a_municipality_the_user_does_not_work_in_is_refused(
    reporter, klotter, an_hour_ago
):
    lat, lon = BODENS_RESECENTRUM
    with pytest.raises(ValidationError) as error:
        file(reporter, klotter, an_hour_ago, lat=lat, lon=lon)
    assert "lat" in error.value.message_dict


def test_boden_cannot_file_in_lulea(boden_user, klotter, stadsparken, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        file(boden_user, klotter, an_hour_ago, place=stadsparken)
    assert "Luleå" in error.value.message_dict["municipality"][0]


def test_an_inactive_category_is_refused(reporter, klotter, stadsparken, an_hour_ago):
    Category.objects.filter(pk=klotter.pk).update(active=False)
    klotter.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        file(reporter, klotter, an_hour_ago, place=stadsparken)
    assert "Klotter" in error.value.message_dict["category"][0]


def test_a_location_is_required(reporter, klotter, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        file(reporter, klotter, an_hour_ago)
    assert "place" in error.value.message_dict


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("rapportor", True),
        ("samordnare", True),
        ("admin", True),
        ("kommunpolis", True),
        ("lasare", False),
        ("styrgrupp", False),
    ],
)
def test_who_may_file(demo, username, allowed, klotter, stadsparken, an_hour_ago):
    from samverkan.core.models import User

    user = User.objects.get(username=username)
    if allowed:
        assert file(user, klotter, an_hour_ago, place=stadsparken).organisation_id == (
            user.organisation_id
        )
    else:
        with pytest.raises(PermissionDenied):
            file(user, klotter, an_hour_ago, place=stadsparken)
        assert not Incident.objects.exists()


def test_an_external_id_is_unique_per_source(reporter, klotter, stadsparken, an_hour_ago):
    file(reporter, klotter, an_hour_ago, place=stadsparken, source="file", external_id="rad-7")
    with pytest.raises(ValidationError) as error:
        file(reporter, klotter, an_hour_ago, place=stadsparken, source="file", external_id="rad-7")
    [message] = error.value.message_dict["external_id"]
    assert "rad-7" in message and "Filimport" in message
    # Another source may use the same id, and reports without one never collide.
    file(reporter, klotter, an_hour_ago, place=stadsparken, source="api", external_id="rad-7")
    file(reporter, klotter, an_hour_ago, place=stadsparken)
    file(reporter, klotter, an_hour_ago, place=stadsparken)
    assert Incident.objects.count() == 4


def test_the_database_refuses_a_duplicate_external_id(reporter, klotter, stadsparken, an_hour_ago):
    from django.db import IntegrityError, transaction

    incident = file(reporter, klotter, an_hour_ago, place=stadsparken, external_id="x-1")
    incident.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        incident.save()


# --- Corrections --------------------------------------------------------------------------


def test_the_reporter_corrects_their_own_report_within_a_day(
    reporter, klotter, stadsparken, lulea, an_hour_ago
):
    incident = file(reporter, klotter, an_hour_ago, place=stadsparken)
    lat, lon = HERTSO_CENTRUM
    incident_update(incident=incident, by=reporter, place=None, lat=lat, lon=lon, severity=3)
    incident.refresh_from_db()
    assert (incident.district.slug, incident.severity, incident.place) == ("hertson", 3, None)


def test_the_reporter_may_not_correct_after_a_day(reporter, klotter, stadsparken, an_hour_ago):
    incident = file(reporter, klotter, an_hour_ago, place=stadsparken)
    Incident.objects.filter(pk=incident.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    incident.refresh_from_db()
    with pytest.raises(PermissionDenied):
        incident_update(incident=incident, by=reporter, severity=2)


def test_a_coordinator_of_the_reporting_organisation_may_correct(
    kommunpolis, coordinator, klotter, stadsparken, an_hour_ago, demo
):
    from samverkan.core.models import User

    incident = file(kommunpolis, klotter, an_hour_ago, place=stadsparken)
    Incident.objects.filter(pk=incident.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    incident.refresh_from_db()
    colleague = User.objects.create(
        username="polis2", organisation=kommunpolis.organisation, role="samordnare"
    )
    incident_update(incident=incident, by=colleague, status="granskad")
    with pytest.raises(PermissionDenied):
        incident_update(incident=incident, by=coordinator, status="arkiverad")


def test_a_correction_goes_through_the_privacy_guard(reporter, klotter, stadsparken, an_hour_ago):
    incident = file(reporter, klotter, an_hour_ago, place=stadsparken)
    with pytest.raises(ValidationError):
        incident_update(incident=incident, by=reporter, description=f"pnr {A_PERSONNUMMER}")
    incident.refresh_from_db()
    assert A_PERSONNUMMER not in incident.description
