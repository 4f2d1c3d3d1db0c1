"""The ANDT(S) pages: the plan page shows each prioritised goal's rationale and evidence, the
forms write through the services (a refusal is a Swedish message and nothing saved), and
another agreement's user sees nothing."""

import datetime as dt

from django.utils import timezone

from samverkan.andts.models import ActionPlan, PrioritisedGoal


def _plan():
    return ActionPlan.objects.get(
        agreement__slug="lulea-polisen-2020-2023", year=timezone.localdate().year
    )


def test_the_plan_page_shows_rationale_evidence_activities_and_follow_up(client, reader):
    plan = _plan()
    client.force_login(reader)
    page = client.get(f"/andts/plan/{plan.pk}/").content.decode()
    assert "Motivering" in page and "33 % i gymnasiet år 2" in page
    assert 'data-evidence-indicator="can-mojlighet-narkotika"' in page
    assert "17 %" in page and "Drogvaneundersökningen" in page
    assert "SMADIT" in page and "Miljöförvaltningen (alkoholtillstånd)" in page
    assert "Besluta planen" not in page and "Ändra planen" not in page


def test_the_index_and_strategy_pages(client, reader, coordinator):
    client.force_login(reader)
    index = client.get("/andts/").content.decode()
    assert "ANDTS-strategin 2022–2025" in index and "ANDT-strategin 2016–2020" in index
    assert "/andts/" in client.get("/forebyggande/").content.decode()
    strategy = _plan().strategy
    page = client.get(f"/andts/strategi/{strategy.pk}/").content.decode()
    assert "Nollvision för dödsfall" in page and "Nytt insatsområde" not in page
    client.force_login(coordinator)
    goal = strategy.goals.get(number=4)
    response = client.post(
        f"/andts/strategimal/{goal.pk}/insatsomrade/", {"text": "Tidig upptäckt"}
    )
    assert response.status_code == 302
    assert list(goal.priority_areas.values_list("text", flat=True)) == ["Tidig upptäckt"]
    area = goal.priority_areas.get()
    response = client.post(
        f"/andts/strategimal/{goal.pk}/insatsomrade/", {"text": "Tidig upptäckt"}
    )
    assert goal.priority_areas.count() == 1
    assert "Insatsområdet finns redan under målet." in client.get(response.url).content.decode()
    client.post(f"/andts/insatsomrade/{area.pk}/ta-bort/")
    assert not goal.priority_areas.exists()
    client.force_login(reader)
    assert (
        client.post(f"/andts/strategimal/{goal.pk}/insatsomrade/", {"text": "X"}).status_code == 403
    )


def test_a_coordinator_builds_a_draft_and_the_steering_group_decides(client, coordinator, steering):
    plan_year = 2024
    client.force_login(coordinator)
    agreement = _plan().agreement
    strategy = _plan().strategy
    response = client.post(
        f"/andts/{agreement.pk}/ny/", {"strategy": strategy.pk, "year": plan_year}
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(agreement=agreement, year=plan_year)
    goal = strategy.goals.get(number=2)
    client.post(f"/andts/plan/{plan.pk}/mal/nytt/", {"goal": goal.pk, "rationale": ""})
    prioritised = plan.prioritised_goals.get()

    # The old form refuses: the plan is decided only at the steering group's meeting.
    client.force_login(steering)
    response = client.post(f"/andts/plan/{plan.pk}/besluta/", follow=True)
    assert "beslutas bara genom ett beslut som protokollförs" in response.content.decode()
    steering_group = agreement.groups.get(kind="styrgrupp")
    response = client.post(
        f"/grupper/{steering_group.pk}/moten/nytt/",
        {"held_on": "2024-02-01", "title": "Styrgruppsmöte", "agenda": "Handlingsplanen"},
    )
    meeting = steering_group.meetings.get(held_on=dt.date(2024, 2, 1))
    url = f"/moten/{meeting.pk}/beslut/"
    form = {"target": f"handlingsplan:{plan.pk}", "text": "Beslutad."}
    response = client.post(url, form, follow=True)
    assert "motivering saknas för mål 2" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT
    assert not meeting.decisions.exists()

    client.force_login(coordinator)
    client.post(f"/andts/mal/{prioritised.pk}/andra/", {"rationale": "Unga dricker tidigt."})
    client.post(url, form)  # a samordnare outside the styrgrupp does not adopt
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT
    client.force_login(steering)
    assert client.post(url, form).status_code == 302
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DECIDED and plan.decided_on == dt.date(2024, 2, 1)
    assert plan.meeting_decision.meeting == meeting
    assert plan.decided_by == steering_group.name

    client.force_login(coordinator)
    response = client.post(f"/andts/mal/{prioritised.pk}/andra/", {"rationale": "Ändrad"})
    assert (
        response.status_code == 400
        and "är beslutad och kan inte ändras" in response.content.decode()
    )
    assert PrioritisedGoal.objects.get(pk=prioritised.pk).rationale == "Unga dricker tidigt."

    response = client.post(f"/andts/plan/{plan.pk}/ny-version/", {"year": plan_year + 1})
    copy = ActionPlan.objects.get(previous=plan)
    assert response.status_code == 302 and copy.year == plan_year + 1
    page = client.get(f"/andts/plan/{copy.pk}/").content.decode()
    assert "Tidigare versioner" in page and plan.title in page


def test_another_agreements_user_sees_nothing(client, boden_user):
    plan = _plan()
    activity = plan.activities.first()
    client.force_login(boden_user)
    for url in (
        f"/andts/plan/{plan.pk}/",
        f"/andts/{plan.agreement_id}/",
        f"/andts/plan/{plan.pk}/besluta/",
        f"/andts/aktivitet/{activity.pk}/uppfoljning/",
        f"/andts/mal/{plan.prioritised_goals.first().pk}/andra/",
    ):
        assert client.get(url).status_code == 404, url
    index = client.get("/andts/").content.decode()
    assert plan.agreement.title not in index


def test_activities_are_added_and_changed_through_the_page(client, coordinator):
    from samverkan.andts import services
    from samverkan.organisations.models import Organisation

    demo_plan = _plan()
    plan = services.plan_create(
        by=coordinator, agreement=demo_plan.agreement, strategy=demo_plan.strategy, year=2024
    )
    goal = plan.strategy.goals.get(number=1)
    services.prioritised_goal_add(by=coordinator, plan=plan, goal=goal, rationale="Skäl.")
    owner = Organisation.objects.get(slug="miljoforvaltningen")
    client.force_login(coordinator)
    form = {
        "goal": goal.pk,
        "title": "Kontrollköp",
        "kind": "tillsyn",
        "owner_organisation": owner.pk,
        "schedule_text": "",
    }
    response = client.post(f"/andts/plan/{plan.pk}/aktivitet/ny/", form)
    assert response.status_code == 400 and "Ange en tidplan" in response.content.decode()
    assert not plan.activities.exists()
    form["schedule_text"] = "Varje tertial"
    assert client.post(f"/andts/plan/{plan.pk}/aktivitet/ny/", form).status_code == 302
    activity = plan.activities.get()
    form["title"] = "Kontrollköp av folköl"
    assert client.post(f"/andts/aktivitet/{activity.pk}/andra/", form).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Kontrollköp av folköl" and activity.owner_organisation == owner
    assert "Kontrollköp av folköl" in client.get(f"/andts/plan/{plan.pk}/").content.decode()
