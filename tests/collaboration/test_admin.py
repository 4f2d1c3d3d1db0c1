"""The admin shows the inventory and its form runs the services' checks."""

from django.contrib.admin.sites import site

from samverkan.collaboration.admin import CollaborationAdminForm
from samverkan.collaboration.models import Collaboration, InventoryReview


def test_the_admin_lists_the_inventory(client, demo, django_user_model):
    assert Collaboration in site._registry and InventoryReview in site._registry
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    response = client.get("/admin/collaboration/collaboration/")
    assert response.status_code == 200
    assert "Sociala insatsgrupper (SIG)" in response.content.decode()
    assert client.get("/admin/collaboration/collaboration/add/").status_code == 200


def test_the_admin_form_refuses_personal_data(lulea, demo):
    form = CollaborationAdminForm(
        data={
            "agreement": lulea.pk,
            "name": "Test",
            "purpose": "Stöd till flickan Elsa",
            "target_group": "barn_unga",
            "level": "indikerad",
            "focus_areas": '["ungdom"]',
            "status": "pagar",
        }
    )
    assert not form.is_valid()
    assert "namnger en enskild klient" in form.errors["purpose"][0]
