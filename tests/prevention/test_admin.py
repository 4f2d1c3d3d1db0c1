"""The admin keeps the decide rule: its intervention form shows the Swedish error at status."""

import pytest
from pytest_django.asserts import assertContains

from samverkan.core.models import User
from samverkan.prevention.admin import InterventionAdminForm
from samverkan.prevention.models import Intervention

RULE = "En insats kan inte beslutas förrän problemets orsaksanalys är granskad."


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def _data(problem, status: str) -> dict:
    return {
        "problem": problem.pk,
        "title": "Belysning",
        "type": "situationell",
        "level": "universell",
        "horizon": "kort",
        "owner_organisation": problem.owner_organisation_id,
        "status": status,
    }


def test_the_admin_form_refuses_in_progress_before_review(problem, analysis):
    form = InterventionAdminForm(data=_data(problem, "pagar"))
    assert not form.is_valid()
    assert form.errors["status"] == [RULE]


def test_the_admin_form_never_sets_decided(problem, reviewed):
    # Beslutad only by a decision recorded at the steering group's meeting.
    form = InterventionAdminForm(data=_data(problem, "beslutad"))
    assert not form.is_valid()
    assert "bara genom ett beslut som protokollförs" in form.errors["status"][0]


def test_the_admin_form_accepts_after_review(problem, reviewed):
    form = InterventionAdminForm(data=_data(problem, "pagar"))
    assert form.is_valid(), form.errors


def test_the_admin_page_shows_the_error_and_saves_nothing(admin_client, problem, analysis):
    response = admin_client.post("/admin/prevention/intervention/add/", _data(problem, "avslutad"))
    assertContains(response, RULE)
    assert not Intervention.objects.exists()
    response = admin_client.post("/admin/prevention/intervention/add/", _data(problem, "planerad"))
    assert response.status_code == 302
    assert Intervention.objects.get().status == "planerad"


def test_the_admin_lists_the_method_catalogue(admin_client):
    assert admin_client.get("/admin/prevention/method/").status_code == 200
