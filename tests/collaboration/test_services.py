"""Writing the inventory: the checks, the privacy guard, the roles and the yearly review."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samverkan.collaboration import services
from samverkan.collaboration.models import Collaboration, InventoryReview, Party, a_year_later
from tests.collaboration.conftest import org


def test_a_collaboration_is_saved_with_its_parties_and_who_wrote_it(make, coordinator):
    collaboration = make(
        "SIG",
        focus_areas=["ungdom", "trygghet"],
        parties=[(org("socialforvaltningen"), "Leder"), (org("lpo-lulea-boden").pk, "Deltar")],
        contact_roles="Samordnare SIG\nKommunpolis",
    )
    assert collaboration.focus_areas == ["trygghet", "ungdom"]  # in the fixed order
    assert [(p.organisation.slug, p.role) for p in collaboration.parties.all()] == [
        ("socialforvaltningen", "Leder"),
        ("lpo-lulea-boden", "Deltar"),
    ]
    assert collaboration.created_by == coordinator == collaboration.updated_by
    assert collaboration.contact_role_list() == ["Samordnare SIG", "Kommunpolis"]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (
            "purpose",
            "Stöd till 19850315-1238 och familjen",
            r'ett personnummer \("19850315-1238"\)',
        ),
        ("contact_roles", "Ring 070-123 45 67", r"ett telefonnummer"),
        ("contact_roles", "anna.berg@lulea.se", r"en e-postadress"),
        (
            "purpose",
            "Samordnade insatser för pojken Ali och hans syskon",
            r'namnger en enskild klient \("pojken Ali"\)',
        ),
        (
            "leadership",
            "Klienten Karin deltar i mötena",
            r'namnger en enskild klient \("Klienten Karin"\)',
        ),
    ],
)
def test_personal_data_is_refused_and_nothing_is_saved(make, field, text, message):
    with pytest.raises(ValidationError, match=message) as error:
        make("Med personuppgift", **{field: text})
    assert field in error.value.message_dict
    assert not Collaboration.objects.exists()
    assert not Party.objects.exists()


def test_a_party_role_naming_a_client_is_refused(make):
    with pytest.raises(ValidationError, match=r"namnger en enskild klient"):
        make("SIG", parties=[(org("socialforvaltningen"), "Kontakt för eleven Sara")])
    assert not Collaboration.objects.exists()


def test_an_update_with_personal_data_changes_nothing(make, coordinator):
    collaboration = make("LUL", purpose="Snabba åtgärder")
    with pytest.raises(ValidationError, match=r"personnummer"):
        services.collaboration_update(
            collaboration=collaboration,
            by=coordinator,
            purpose="Gäller 19850315-1238",
            parties=[(org("lpo-lulea-boden"), "Utredning")],
        )
    collaboration.refresh_from_db()
    assert collaboration.purpose == "Snabba åtgärder"
    assert [p.organisation.slug for p in collaboration.parties.all()] == ["socialforvaltningen"]


def test_role_words_and_place_names_pass(make):
    collaboration = make(
        "Samverkan mot våldsbejakande extremism",
        purpose="Unga i Björkskatan och Hertsön; den unge och vårdnadshavare samtycker.",
        contact_roles="Samordnare mot våldsbejakande extremism, Kommunstaben",
    )
    assert collaboration.pk


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"purpose": ""}, "purpose", "Fältet måste fyllas i."),
        ({"target_group": "pensionarer"}, "target_group", "Okänd målgrupp pensionarer"),
        ({"level": "tertiar"}, "level", "Okänd preventionsnivå tertiar"),
        ({"status": "kanske"}, "status", "Okänd status kanske"),
        ({"focus_areas": []}, "focus_areas", "Välj minst ett fokusområde."),
        ({"focus_areas": ["idrott"]}, "focus_areas", "Okänt fokusområde idrott"),
        (
            {"documentation_url": "intranätet/sig"},
            "documentation_url",
            "webbadress som börjar med http",
        ),
        (
            {"parties": [(10**9, "Roll")]},
            "parties",
            "Organisationen 1000000000 finns inte.",
        ),
    ],
)
def test_bad_input_gets_a_precise_message(make, fields, field, message):
    with pytest.raises(ValidationError, match=message) as error:
        make("Fel", **fields)
    assert field in error.value.message_dict
    assert not Collaboration.objects.exists()


def test_a_party_twice_and_a_name_twice_are_refused(make):
    with pytest.raises(ValidationError, match="står med två gånger"):
        make("SIG", parties=[(org("lpo-lulea-boden"), "a"), (org("lpo-lulea-boden"), "b")])
    make("SIG")
    with pytest.raises(ValidationError, match="finns redan en samverkan med det namnet"):
        make("SIG")
    assert Collaboration.objects.count() == 1


def test_only_coordinators_of_a_party_write(make, reader, boden_user, lulea):
    with pytest.raises(PermissionDenied, match="Bara samordnare och administratörer"):
        services.collaboration_create(
            by=reader,
            agreement=lulea,
            name="X",
            purpose="Y",
            target_group="alla",
            level="universell",
            focus_areas=["trygghet"],
        )
    with pytest.raises(PermissionDenied, match="inte part i överenskommelsen"):
        services.collaboration_create(
            by=boden_user,
            agreement=lulea,
            name="X",
            purpose="Y",
            target_group="alla",
            level="universell",
            focus_areas=["trygghet"],
        )
    assert not Collaboration.objects.exists()


def test_a_review_sets_the_next_one_a_year_later(coordinator, lulea, empty):
    review = services.review_inventory(
        by=coordinator, agreement=lulea, reviewed_on=dt.date(2024, 2, 29), note="Genomgången"
    )
    assert review.next_review == dt.date(2025, 2, 28)
    assert review.reviewed_by == coordinator
    assert a_year_later(dt.date(2025, 12, 15)) == dt.date(2026, 12, 15)
    today = services.review_inventory(by=coordinator, agreement=lulea)
    assert today.reviewed_on == timezone.localdate()


def test_a_review_in_the_future_or_with_personal_data_is_refused(coordinator, reader, lulea, empty):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="kan inte dateras i framtiden"):
        services.review_inventory(by=coordinator, agreement=lulea, reviewed_on=tomorrow)
    with pytest.raises(ValidationError, match="telefonnummer"):
        services.review_inventory(by=coordinator, agreement=lulea, note="Ring 070-123 45 67")
    with pytest.raises(PermissionDenied):
        services.review_inventory(by=reader, agreement=lulea)
    assert not InventoryReview.objects.exists()
