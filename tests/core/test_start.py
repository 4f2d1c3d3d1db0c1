"""The first hour: login lands where the role's work is (/start/), and the menu shows what the
role uses first."""

import pytest
from django.test import Client

from samverkan.core.access import menu_for_user
from samverkan.core.models import Role, User
from samverkan.core.templatetags.menu import menu_items
from samverkan.demo.load import DEMO_PASSWORD


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/start/"
    return client


@pytest.mark.parametrize(
    ("username", "lands_on"),
    [
        ("rapportor", "/handelser/ny/"),
        ("samordnare", "/est/"),
        ("styrgrupp", "/"),
        ("lasare", "/"),
    ],
)
def test_login_lands_where_the_role_works(demo, username, lands_on):
    response = signed_in(username).get("/start/")
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_the_reporter_lands_on_the_form_with_their_recent_reports(demo):
    response = signed_in("rapportor").get("/start/", follow=True)
    assert response.status_code == 200
    assert response.templates[0].name == "incidents/report_form.html"
    assert "Mina senaste rapporter" in response.content.decode()


def test_the_steering_group_lands_on_the_plan(demo):
    response = signed_in("styrgrupp").get("/start/", follow=True)
    assert response.status_code == 200
    assert any(t.name.startswith("plans/") for t in response.templates)


def test_start_needs_a_login(demo):
    response = Client().get("/start/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def names(username):
    return [name for name, _label in menu_for_user(User.objects.get(username=username))]


def test_the_menu_puts_the_roles_first_work_first(demo):
    assert names("rapportor")[0] == "incident_create"
    assert names("samordnare")[0] == "est_index"
    assert names("styrgrupp")[0] == "agreement_list"
    assert names("styrgrupp").index("lagesbild") < names("styrgrupp").index("incident_list")


def test_rapportera_only_for_who_may_report_importer_only_for_who_may_import(demo):
    assert "incident_create" not in names("styrgrupp")
    assert "incident_create" not in names("lasare")
    assert "import_run_list" in names("samordnare")
    assert "import_run_list" not in names("rapportor")


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_its_api_keys_in_the_menu(demo, role):
    user = User.objects.create_user(username=f"ny-{role}", password="x", role=role)
    labels = [item["label"] for item in menu_items(user)]
    assert "Mina API-nycklar" in labels
    assert all(item["url"].startswith("/") for item in menu_items(user))


def test_the_page_draws_the_menu_in_the_roles_order(demo):
    html = signed_in("rapportor").get("/handelser/ny/").content.decode()
    nav = html[html.index('class="menu-wide"') :]
    assert nav.index(">Rapportera<") < nav.index(">Händelser<")
    assert 'href="/konto/nycklar/"' in nav
    assert '<details class="menu-phone">' in html


def test_an_inactive_or_anonymous_user_has_no_menu(demo):
    from django.contrib.auth.models import AnonymousUser

    assert menu_for_user(AnonymousUser()) == []
