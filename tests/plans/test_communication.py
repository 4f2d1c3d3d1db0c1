"""The communication plan: who hears what, through which channel, from whom and when, linked
to the plan; what is due this month on the plan's page; the same through the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samverkan.core.models import APIToken, User
from samverkan.demo.load import load_current_plan
from samverkan.organisations.models import Organisation
from samverkan.plans.communication import communication_create, communication_set_status
from samverkan.plans.models import CommunicationActivity, Plan
from samverkan.plans.selectors import communication_due


def _line(plan, by, **overrides):
    fields = {
        "when": dt.date(2021, 3, 10),
        "audience": "invanare",
        "message": "Medborgarlöftet för 2021.",
        "channel": "webbplats",
        "owner_organisation": Organisation.objects.get(slug="kommunstaben"),
    }
    fields.update(overrides)
    return communication_create(by=by, plan=plan, **fields)


def test_a_coordinator_adds_a_line_and_it_is_due_in_its_month(lulea_plan, coordinator):
    line = _line(lulea_plan, coordinator)
    later = _line(lulea_plan, coordinator, when=dt.date(2021, 5, 3), message="Senare.")
    activities = CommunicationActivity.objects.filter(plan=lulea_plan)
    assert communication_due(activities, today=dt.date(2021, 3, 1)) == [line]
    # Overdue lines stay until they are done or cancelled.
    assert communication_due(activities, today=dt.date(2021, 5, 20)) == [line, later]
    communication_set_status(by=coordinator, activity=line, status="genomford")
    assert communication_due(activities, today=dt.date(2021, 5, 20)) == [later]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"when": dt.date(2024, 1, 1)}, "when", "utanför planens period 2020-01-01 – 2021-12-31"),
        ({"audience": "alla"}, "audience", "är inget giltigt alternativ"),
        ({"message": ""}, "message", "Detta fält får inte vara tomt"),
    ],
)
def test_a_bad_line_is_refused_in_swedish_and_nothing_is_saved(
    lulea_plan, coordinator, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        _line(lulea_plan, coordinator, **overrides)
    assert message in " ".join(refused.value.message_dict[field])
    assert not CommunicationActivity.objects.exists()


def test_the_owner_must_be_a_party(lulea_plan, coordinator):
    boden = Organisation.objects.get(slug="boden-kommun")
    with pytest.raises(ValidationError, match="Bodens kommun är inte part i överenskommelsen"):
        _line(lulea_plan, coordinator, owner_organisation=boden)


def test_only_those_who_edit_plans_may_add(lulea_plan, reader, boden_user):
    with pytest.raises(PermissionDenied, match="får inte ändra kommunikationsplanen"):
        _line(lulea_plan, reader)
    with pytest.raises(PermissionDenied):
        _line(lulea_plan, boden_user)


def test_the_page_adds_a_line_and_another_party_sees_nothing(client, lulea_plan, coordinator):
    client.force_login(coordinator)
    url = f"/planer/{lulea_plan.pk}/kommunikation/"
    response = client.post(
        url,
        {
            "when": "2021-04-01",
            "audience": "media",
            "message": "Lägesbilden för 2020.",
            "channel": "press",
            "owner_organisation": Organisation.objects.get(slug="lpo-lulea-boden").pk,
        },
        follow=True,
    )
    assert "Aktiviteten är tillagd i kommunikationsplanen." in response.content.decode()
    assert "Lägesbilden för 2020." in response.content.decode()
    refused = client.post(
        url,
        {
            "when": "2030-01-01",
            "audience": "media",
            "message": "För sent.",
            "channel": "press",
            "owner_organisation": Organisation.objects.get(slug="lpo-lulea-boden").pk,
        },
    )
    assert refused.status_code == 422
    assert "utanför planens period" in refused.content.decode()
    assert CommunicationActivity.objects.count() == 1
    client.force_login(User.objects.get(username="boden"))
    assert client.get(url).status_code == 404


def test_the_demo_plan_shows_what_is_due_this_month_and_the_api_lists_it(
    demo, client, coordinator
):
    current = load_current_plan()
    assert isinstance(current, Plan)
    today = timezone.localdate()
    client.force_login(coordinator)
    page = client.get(current.get_absolute_url()).content.decode()
    assert "Kommunikation att göra nu" in page
    assert "Medborgarlöftet: vad polisen och kommunen gör i Centrum i vinter" in page
    assert "Tertialrapporten" not in page  # done last month
    response = client.get(
        f"/api/plans/{current.pk}/communication",
        headers={"Authorization": f"Bearer {APIToken.issue(user=coordinator)}"},
    )
    assert response.status_code == 200
    lines = response.json()
    assert len(lines) == 5 and {line["audience"] for line in lines} >= {"invanare", "media"}
    assert all(current.period_start <= dt.date.fromisoformat(x["when"]) for x in lines)
    assert any(dt.date.fromisoformat(x["when"]).month == today.month for x in lines)
