"""The groups' members and the officials the steering group appoints, with their period."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from samverkan.core.models import User
from samverkan.organisations.models import Membership, Organisation
from samverkan.organisations.services import membership_add, membership_end


def test_the_group_page_shows_members_with_role_and_period(client, steering_group, reader):
    client.force_login(reader)
    page = client.get(steering_group.get_absolute_url())
    assertContains(page, "Stig Styrsson")
    assertContains(page, "Ordförande")
    assertContains(page, "2020-01-01 –")
    assert "membership_add" not in page.content.decode()
    assert page.context["can_manage"] is False


def test_a_coordinator_appoints_an_official_and_ends_the_appointment(
    client, steering_group, coordinator, reader
):
    client.force_login(coordinator)
    org = Organisation.objects.get(slug="socialforvaltningen")
    response = client.post(
        reverse("membership_add", args=[steering_group.pk]),
        {
            "person": reader.pk,
            "organisation": org.pk,
            "role": "utsedd",
            "start": "2021-03-01",
            "end": "",
        },
        follow=True,
    )
    assertContains(response, "Uppdraget är sparat.")
    assertContains(response, "Utsedd tjänsteperson")
    membership = Membership.objects.get(group=steering_group, person=reader)
    assert membership.role == Membership.Role.APPOINTED and membership.end is None

    response = client.post(
        reverse("membership_end", args=[membership.pk]), {"end": "2021-12-31"}, follow=True
    )
    assertContains(response, "Uppdraget är avslutat.")
    membership.refresh_from_db()
    assert membership.end == dt.date(2021, 12, 31)


def test_an_end_before_the_start_is_refused(steering_group, coordinator, reader):
    org = reader.organisation
    membership = membership_add(
        by=coordinator,
        group=steering_group,
        person=reader,
        organisation=org,
        role="ledamot",
        start=dt.date(2021, 3, 1),
    )
    with pytest.raises(ValidationError, match="Slutdatumet ligger före startdatumet"):
        membership_end(by=coordinator, membership=membership, end=dt.date(2021, 1, 1))
    membership.refresh_from_db()
    assert membership.end is None
    with pytest.raises(ValidationError, match="har redan den rollen"):
        membership_add(
            by=coordinator,
            group=steering_group,
            person=reader,
            organisation=org,
            role="ledamot",
            start=dt.date(2021, 6, 1),
        )


@pytest.mark.parametrize("cast_member", ["steering", "reader", "reporter"])
def test_only_an_admin_or_coordinator_changes_members(request, client, steering_group, cast_member):
    user: User = request.getfixturevalue(cast_member)
    with pytest.raises(PermissionDenied):
        membership_add(
            by=user,
            group=steering_group,
            person=user,
            organisation=user.organisation,
            role="ledamot",
            start=dt.date(2021, 1, 1),
        )
    client.force_login(user)
    response = client.post(
        reverse("membership_add", args=[steering_group.pk]),
        {"person": user.pk, "organisation": user.organisation_id, "role": "ledamot",
         "start": "2021-01-01"},
    )  # fmt: skip
    assert response.status_code == 403


def test_a_boden_user_sees_no_lulea_group(client, steering_group, boden_user):
    client.force_login(boden_user)
    assert client.get(steering_group.get_absolute_url()).status_code == 404
    membership = Membership.objects.filter(group=steering_group).first()
    response = client.post(reverse("membership_end", args=[membership.pk]), {"end": "2021-01-01"})
    assert response.status_code == 404
