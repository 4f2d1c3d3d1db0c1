"""Working on a draft: adding and removing goals, sub-goals and commitments."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from samverkan.organisations.models import Group, Organisation
from samverkan.plans.models import Commitment, Goal, Plan
from samverkan.plans.services import plan_revise


@pytest.fixture
def draft(lulea_plan, coordinator) -> Plan:
    return plan_revise(plan=lulea_plan, by=coordinator)


def test_it_adds_a_commitment_to_a_section_of_the_draft(client, coordinator, draft):
    section = draft.sections.get(number="6.2")
    group = Group.objects.get(agreement=draft.agreement, slug="beredningsgrupp")
    lulebo = Organisation.objects.get(slug="lulebo")
    client.force_login(coordinator)
    assertContains(
        client.get(draft.get_absolute_url()), reverse("commitment_create", args=[section.pk])
    )

    response = client.post(
        reverse("commitment_create", args=[section.pk]),
        {
            "text": "Fritidsgårdarna håller öppet fredagskvällar i Hertsön.",
            "responsible_organisations": [lulebo.pk],
            "responsible_groups": [group.pk],
            "due_date": "2022-06-30",
            "schedule_text": "",
            "responsibility_text": "",
        },
        follow=True,
    )

    added = section.commitments.get(text__startswith="Fritidsgårdarna")
    assertRedirects(response, added.get_absolute_url())
    assert list(section.commitments.order_by("position")).index(added) == 1  # after the copy
    assert list(added.responsible_organisations.all()) == [lulebo]
    plan_page = client.get(draft.get_absolute_url())
    assertContains(plan_page, "Fritidsgårdarna håller öppet fredagskvällar i Hertsön.")


def test_it_adds_a_sub_goal_right_after_the_goals_last_sub_goal(client, coordinator, draft):
    section = draft.sections.get(number="2")
    goal = section.goals.get(parent=None)
    next_section_goal = Goal.objects.create(section=section, position=99, text="Ett senare mål")
    client.force_login(coordinator)

    response = client.post(
        reverse("goal_create", args=[section.pk]) + f"?under={goal.pk}",
        {
            "text": "Följa upp EST-metoden efter ett år.",
            "due_date": "2022-02-28",
            "schedule_text": "",
        },
    )

    added = Goal.objects.get(text="Följa upp EST-metoden efter ett år.")
    assert response.status_code == 302
    assert (added.parent, added.number) == (goal, "4")
    ordered = list(section.goals.order_by("position").values_list("text", flat=True))
    assert ordered.index(added.text) == 4  # goal, Delmål 1–3, then the new one
    assert ordered[-1] == next_section_goal.text


def test_it_adds_a_top_level_goal_last_in_the_section(client, coordinator, draft):
    section = draft.sections.get(number="6.1")
    client.force_login(coordinator)
    client.post(
        reverse("goal_create", args=[section.pk]),
        {"text": "Minska våldet i offentlig miljö fredag–lördag natt.", "schedule_text": ""},
    )
    goals = list(section.goals.order_by("position"))
    assert goals[-1].text == "Minska våldet i offentlig miljö fredag–lördag natt."
    assert goals[-1].parent is None


def test_it_removes_a_commitment_from_the_draft(client, coordinator, draft):
    target = draft.sections.get(number="5").commitments.get()
    client.force_login(coordinator)

    response = client.post(reverse("commitment_delete", args=[target.pk]), follow=True)

    assertRedirects(response, draft.get_absolute_url())
    assertContains(response, "Åtagandet är borttaget ur utkastet.")
    assert not Commitment.objects.filter(pk=target.pk).exists()


def test_it_removes_a_goal_and_its_sub_goals_from_the_draft(client, coordinator, draft):
    goal = draft.sections.get(number="2").goals.get(parent=None)
    client.force_login(coordinator)
    client.post(reverse("goal_delete", args=[goal.pk]))
    assert not draft.sections.get(number="2").goals.exists()


def test_it_keeps_the_commitments_of_a_decided_plan(client, coordinator, lulea_plan):
    target = lulea_plan.sections.get(number="5").commitments.get()
    client.force_login(coordinator)

    response = client.post(reverse("commitment_delete", args=[target.pk]), follow=True)

    assertRedirects(response, target.get_absolute_url())
    assertContains(response, "Bara ett utkast kan ändras så.")
    assert Commitment.objects.filter(pk=target.pk).exists()


def test_it_adds_a_commitment_to_a_decided_plan_and_tracks_it(client, coordinator, lulea_plan):
    section = lulea_plan.sections.get(number="6.1")
    client.force_login(coordinator)
    client.post(
        reverse("commitment_create", args=[section.pk]),
        {
            "text": "Tillsyn av serveringsställen.",
            "due_date": "2020-03-01",
            "schedule_text": "",
            "responsibility_text": "",
        },
    )
    added = section.commitments.get(text="Tillsyn av serveringsställen.")
    page = client.get(lulea_plan.get_absolute_url()).content.decode()
    row = page[page.index(added.get_absolute_url()) - 200 :][:1200]
    assert "Försenad" in row


@pytest.mark.parametrize("name", ["commitment_create", "goal_create"])
def test_it_lets_no_reader_add_to_the_plan(client, reader, draft, name):
    section = draft.sections.get(number="1")
    client.force_login(reader)
    assert client.get(reverse(name, args=[section.pk])).status_code == 403
    response = client.post(reverse(name, args=[section.pk]), {"text": "Nej."})
    assert response.status_code == 403
    assert not Commitment.objects.filter(text="Nej.").exists()
    assert not Goal.objects.filter(text="Nej.").exists()


@pytest.mark.parametrize("name", ["commitment_create", "goal_create"])
def test_it_shows_a_boden_user_no_section_of_lulea(client, boden_user, draft, name):
    client.force_login(boden_user)
    assert client.get(reverse(name, args=[draft.sections.get(number="1").pk])).status_code == 404


def test_it_refuses_a_sub_goal_under_a_goal_of_another_section(client, coordinator, draft):
    other = draft.sections.get(number="1").goals.get()
    client.force_login(coordinator)
    url = reverse("goal_create", args=[draft.sections.get(number="2").pk]) + f"?under={other.pk}"
    assert client.get(url).status_code == 404


def test_it_asks_for_the_text_in_swedish(client, coordinator, draft):
    client.force_login(coordinator)
    response = client.post(
        reverse("commitment_create", args=[draft.sections.get(number="1").pk]), {"text": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == ["Detta fält måste fyllas i."]
    assert Commitment.objects.filter(section__plan=draft).count() == 8
