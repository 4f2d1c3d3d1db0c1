"""The admin keeps the strategies editable and shows the action plans without changing them
(every rule of a plan lives in andts.services)."""

import pytest

from samverkan.andts.models import ActionPlan, Strategy
from samverkan.core.models import User


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def test_the_strategies_are_editable_in_the_admin(admin_client):
    strategy = Strategy.objects.get(slug="andts-2022-2025")
    assert admin_client.get("/admin/andts/strategy/").status_code == 200
    assert admin_client.get(f"/admin/andts/strategy/{strategy.pk}/change/").status_code == 200
    goal = strategy.goals.get(number=6)
    response = admin_client.get(f"/admin/andts/strategygoal/{goal.pk}/change/")
    assert "Nollvision för dödsfall" in response.content.decode()


def test_an_action_plan_is_only_shown_in_the_admin(admin_client):
    plan = ActionPlan.objects.get()
    assert admin_client.get("/admin/andts/actionplan/").status_code == 200
    page = admin_client.get(f"/admin/andts/actionplan/{plan.pk}/change/")
    assert page.status_code == 200 and plan.title in page.content.decode()
    response = admin_client.post(f"/admin/andts/actionplan/{plan.pk}/change/", {"title": "Ändrad"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.title != "Ändrad"
    assert admin_client.get("/admin/andts/actionplan/add/").status_code == 403
