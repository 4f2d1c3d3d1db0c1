"""GET /api/collaborations: shape, filters, pagination, scoping."""

import pytest

from samverkan.collaboration.models import Collaboration
from samverkan.core.models import APIToken, User


def get(client, url: str, username: str, **params):
    user = User.objects.get(username=username)
    return client.get(url, params, headers={"Authorization": f"Bearer {APIToken.issue(user=user)}"})


def test_the_list_carries_the_fields(client, demo, lulea):
    response = get(client, "/api/collaborations", "lasare")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 6
    sig = next(item for item in data["items"] if item["name"] == "Sociala insatsgrupper (SIG)")
    assert sig["agreement"] == lulea.pk
    assert sig["target_group"] == "barn_unga"
    assert sig["level"] == "indikerad"
    assert sig["focus_areas"] == ["trygghet", "ungdom"]
    assert sig["is_example"] is True
    assert sig["status"] == "pagar"
    assert sig["purpose"].startswith("Samordnade, individuella insatser")
    assert [p["organisation_name"] for p in sig["parties"]] == [
        "Socialförvaltningen",
        "Lokalpolisområde Luleå-Boden",
        "Barn- och utbildningsförvaltningen",
    ]
    assert sig["parties"][0]["role"] == "Samordnar gruppen, utreder och beviljar insatser"
    one = get(client, f"/api/collaborations/{sig['id']}", "lasare").json()
    assert one == sig


@pytest.mark.parametrize(
    ("params", "names"),
    [
        (
            {"focus_area": "andt"},
            [
                "Ansvarsfull alkoholservering (krogsamverkan)",
                "SMADIT – Samverkan mot alkohol och droger i trafiken",
            ],
        ),
        ({"level": "selektiv"}, ["Samverkan mot våldsbejakande extremism"]),
        ({"target_group": "missbruk"}, ["SMADIT – Samverkan mot alkohol och droger i trafiken"]),
        (
            {"focus_area": "ungdom", "level": "indikerad"},
            ["Samverkan inom ramen för LUL", "Sociala insatsgrupper (SIG)"],
        ),
        ({"focus_area": "andt", "level": "selektiv"}, []),
    ],
)
def test_the_filters(client, demo, params, names):
    data = get(client, "/api/collaborations", "lasare", **params).json()
    assert [item["name"] for item in data["items"]] == names
    assert data["count"] == len(names)


def test_pagination(client, demo):
    first = get(client, "/api/collaborations", "lasare", limit=2).json()
    second = get(client, "/api/collaborations", "lasare", limit=2, offset=2).json()
    assert first["count"] == second["count"] == 6
    assert len(first["items"]) == len(second["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_an_unknown_filter_value_is_a_precise_422(client, demo):
    response = get(client, "/api/collaborations", "lasare", level="tertiar")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", "level"]
    assert detail[0]["msg"].startswith("Okänt värde tertiar: välj en av universell, selektiv")


def test_another_agreements_user_sees_nothing(client, demo, lulea):
    data = get(client, "/api/collaborations", "boden").json()
    assert data == {"items": [], "count": 0}
    pk = Collaboration.objects.filter(agreement=lulea).first().pk
    response = get(client, f"/api/collaborations/{pk}", "boden")
    assert response.status_code == 404
    assert client.get("/api/collaborations").status_code == 401
