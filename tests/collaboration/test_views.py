"""The inventory pages: the list beside the agreement's own work, the form, the review, the
overlap view, the fragment on an intervention's form, and scoping."""

import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from samverkan.collaboration import services
from samverkan.collaboration.models import Collaboration, InventoryReview
from samverkan.prevention.models import Problem
from tests.collaboration.conftest import org


def _form(**fields) -> dict:
    data = {
        "name": "Sociala insatsgrupper",
        "purpose": "Samordnade insatser för unga",
        "target_group": "barn_unga",
        "level": "indikerad",
        "focus_areas": ["ungdom"],
        "status": "pagar",
        "documentation_url": "",
        "parter-TOTAL_FORMS": "3",
        "parter-INITIAL_FORMS": "0",
        "parter-0-organisation": str(org("socialforvaltningen").pk),
        "parter-0-role": "Leder",
    }
    data.update(fields)
    return data


def test_the_list_shows_collaborations_beside_groups_and_interventions(
    client, coordinator, lulea, demo
):
    client.force_login(coordinator)
    response = client.get(reverse("collaboration_list", args=[lulea.pk]))
    assertContains(response, "Sociala insatsgrupper (SIG)")
    assertContains(response, "Exempel att komplettera")
    assertContains(response, "Beredningsgrupp")  # the agreement's own groups
    assertContains(response, "Föräldrastöd (ABC)")  # and its interventions
    assertContains(
        response, "Inventeringen granskades senast 2020-12-15. Nästa granskning senast 2021-12-15."
    )
    assertContains(response, "Granskningen är försenad")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("focus_area=andt", "SMADIT", "Samverkan inom ramen för LUL"),
        ("level=universell", "Nattvandring i centrum", "SMADIT"),
        ("target_group=missbruk", "SMADIT", "Nattvandring i centrum"),
    ],
)
def test_the_list_filters(client, reader, lulea, demo, query, shown, hidden):
    client.force_login(reader)
    response = client.get(reverse("collaboration_list", args=[lulea.pk]) + "?" + query)
    page = response.content.decode()
    section = page[page.index("data-collaborations") : page.index("data-groups")]
    assert shown in section and hidden not in section


def test_a_coordinator_records_a_collaboration(client, coordinator, lulea, empty):
    client.force_login(coordinator)
    response = client.post(reverse("collaboration_create", args=[lulea.pk]), _form())
    collaboration = Collaboration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("collaboration_detail", args=[collaboration.pk])
    assert [p.role for p in collaboration.parties.all()] == ["Leder"]
    page = client.get(response.url)
    assertContains(page, "Socialförvaltningen (Leder)")


def test_the_form_refuses_personal_data_and_saves_nothing(client, coordinator, lulea, empty):
    client.force_login(coordinator)
    response = client.post(
        reverse("collaboration_create", args=[lulea.pk]),
        _form(purpose="Insatser för flickan Elsa i Björkskatan"),
    )
    assert response.status_code == 400
    assertContains(response, "Texten namnger en enskild klient", status_code=400)
    assert not Collaboration.objects.exists()


def test_editing_keeps_the_parties_the_form_shows(client, coordinator, make):
    collaboration = make("LUL")
    client.force_login(coordinator)
    url = reverse("collaboration_edit", args=[collaboration.pk])
    assertContains(client.get(url), "Samordnar")
    response = client.post(url, _form(name="LUL-samverkan", **{"parter-0-role": "Yttranden"}))
    assert response.status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.name == "LUL-samverkan"
    assert [p.role for p in collaboration.parties.all()] == ["Yttranden"]


def test_a_reader_sees_but_does_not_change(client, reader, lulea, demo):
    client.force_login(reader)
    collaboration = Collaboration.objects.filter(agreement=lulea).first()
    assertNotContains(client.get(reverse("collaboration_list", args=[lulea.pk])), "Ny samverkan")
    assert client.get(reverse("collaboration_edit", args=[collaboration.pk])).status_code == 403
    assert client.get(reverse("collaboration_create", args=[lulea.pk])).status_code == 403
    assert client.post(reverse("collaboration_review", args=[lulea.pk])).status_code == 403


def test_the_review_button_records_a_review(client, coordinator, lulea, empty):
    client.force_login(coordinator)
    today = dt.date.today()
    response = client.post(
        reverse("collaboration_review", args=[lulea.pk]),
        {"reviewed_on": today.isoformat(), "note": "Genomgång i beredningsgruppen"},
        follow=True,
    )
    review = InventoryReview.objects.get()
    assert review.next_review.year == today.year + 1
    assertContains(response, "Inventeringen är granskad. Nästa granskning senast")
    assertNotContains(response, "Granskningen är försenad")


def test_another_agreements_user_sees_nothing(client, boden_user, lulea, demo):
    client.force_login(boden_user)
    collaboration = Collaboration.objects.filter(agreement=lulea).first()
    problem = Problem.objects.filter(agreement=lulea).first()
    for url in (
        reverse("collaboration_list", args=[lulea.pk]),
        reverse("collaboration_overview", args=[lulea.pk]),
        reverse("collaboration_detail", args=[collaboration.pk]),
        reverse("collaboration_edit", args=[collaboration.pk]),
        reverse("collaboration_for_intervention", args=[problem.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("collaboration_review", args=[lulea.pk])).status_code == 404
    index = client.get(reverse("collaboration_index"))
    assertNotContains(index, lulea.title)


def test_the_overview_marks_the_demo_overlap_and_gap(client, reader, lulea, demo):
    client.force_login(reader)
    page = client.get(reverse("collaboration_overview", args=[lulea.pk])).content.decode()
    cell = page[page.index('data-cell="ungdom-indikerad"') :].split("</td>")[0]
    assert "data-overlap" in cell and "Möjligt dubbelarbete" in cell
    assert "Sociala insatsgrupper (SIG)" in cell and "Samverkan inom ramen för LUL" in cell
    gap = page[page.index('data-cell="andt-selektiv"') :].split("</td>")[0]
    assert "data-gap" in gap and "Möjlig lucka" in gap
    # The agreement's interventions are in their cells.
    parents = page[page.index('data-cell="ungdom-universell"') :].split("</td>")[0]
    assert "Föräldrastöd (ABC)" in parents and "data-gap" not in parents


def test_the_intervention_form_loads_the_collaborations_at_its_level(
    client, coordinator, lulea, demo
):
    problem = Problem.objects.get(agreement=lulea, title__startswith="Unga i Björkskatan")
    client.force_login(coordinator)
    form = client.get(reverse("prevention_intervention_create", args=[problem.pk]))
    assertContains(form, reverse("collaboration_for_intervention", args=[problem.pk]))
    url = reverse("collaboration_for_intervention", args=[problem.pk])
    fragment = client.get(url, {"level": "indikerad", "target_group": "Unga 15–18 år i riskzon"})
    assertContains(fragment, "riktad till Barn och unga")
    assertContains(fragment, "Sociala insatsgrupper (SIG)")
    assertContains(fragment, "Samverkan inom ramen för LUL")
    assertNotContains(fragment, "SMADIT")
    unknown = client.get(url, {"level": "indikerad", "target_group": "Platsen"})
    assertContains(unknown, "SMADIT")  # any group when none is read
    assertContains(unknown, "målgruppen gick inte att läsa ur texten")
    assertContains(client.get(url, {"level": "indikerad"}), "ingen målgrupp är ifylld")
    none = client.get(url, {"level": "selektiv", "target_group": "Personer i missbruk"})
    assertContains(none, "Ingen inventerad samverkan arbetar på den nivån")
    assertContains(client.get(url), "Välj nivå")


def test_the_problem_form_does_not_load_the_fragment(client, coordinator, lulea, demo):
    client.force_login(coordinator)
    response = client.get(reverse("prevention_problem_create", args=[lulea.pk]))
    assertNotContains(response, "related-collaborations")


def test_the_prevention_index_links_the_inventory(client, reader, demo):
    client.force_login(reader)
    assertContains(client.get(reverse("prevention_index")), reverse("collaboration_index"))


def test_an_ended_collaboration_is_shown_but_not_counted(client, coordinator, make, lulea):
    make("A")
    b = make("B")
    client.force_login(coordinator)
    url = reverse("collaboration_overview", args=[lulea.pk])
    assertContains(client.get(url), "data-overlap")
    services.collaboration_update(collaboration=b, by=coordinator, status="avslutad")
    response = client.get(url)
    assertNotContains(response, "data-overlap ")
    assertContains(response, "inte aktiv")
