"""Medborgarlöften: the list per agreement with its public follow-up table, the forms to add a
promise and a follow-up, scoping and bad input."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from samverkan.prevention import services
from samverkan.prevention.models import Promise, PromiseFollowUp


@pytest.fixture
def promise(coordinator, lulea) -> Promise:
    promise = services.promise_create(
        by=coordinator,
        agreement=lulea,
        year=2026,
        text="Polisen gör trafikkontroller vid skolorna.",
        owners="polis",
        target="Minst en trafikkontroll per dygn.",
        target_value=Decimal("1"),
        target_unit="kontroller per dygn",
    )
    services.promise_follow_up_add(
        by=coordinator,
        promise=promise,
        period_label="T1 (jan–apr)",
        value=Decimal("1.2"),
        comment="Bemanningen räckte tack vare extrapass",
    )
    services.promise_follow_up_add(
        by=coordinator, promise=promise, period_label="T2 (maj–aug)", value=Decimal("0.8")
    )
    return promise


def _url(agreement) -> str:
    return f"/forebyggande/{agreement.pk}/medborgarloften/"


def _table(response) -> str:
    match = re.search(r'<table class="public-report">.*?</table>', response.content.decode(), re.S)
    assert match, "the follow-up table is missing"
    return match.group(0)


def test_the_list_shows_the_promise_and_its_follow_up_table(client, coordinator, lulea, promise):
    client.force_login(coordinator)
    response = client.get(_url(lulea))
    assert response.status_code == 200
    assertContains(response, "Polisen gör trafikkontroller vid skolorna.")
    assertContains(response, "Polisen")  # owners
    assertContains(response, "Minst en trafikkontroll per dygn.")
    table = _table(response)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    cells = [
        [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.S)]
        for r in rows
    ]
    assert cells == [
        ["T1 (jan–apr)", "1,2 kontroller per dygn", "1 kontroller per dygn", "ja"],
        ["T2 (maj–aug)", "0,8 kontroller per dygn", "1 kontroller per dygn", "nej"],
    ]
    # The table is for a public report: the internal comment is not in it.
    assert "extrapass" not in table
    assertContains(response, "extrapass")  # shown to the editor, outside the table


def test_a_reader_sees_the_table_but_neither_comments_nor_forms(client, reader, lulea, promise):
    client.force_login(reader)
    response = client.get(_url(lulea))
    assert response.status_code == 200
    assertContains(response, "T1 (jan–apr)")
    assertNotContains(response, "extrapass")
    assertNotContains(response, "Lägg till uppföljning")
    assert client.get(f"/forebyggande/medborgarlofte/{promise.pk}/uppfoljning/").status_code == 403
    response = client.post(f"/forebyggande/{lulea.pk}/medborgarloften/nytt/", {"year": 2026})
    assert response.status_code == 403
    assert not Promise.objects.exclude(pk=promise.pk).exists()


def test_the_lists_link_the_promises(client, coordinator, lulea):
    client.force_login(coordinator)
    for url in ("/forebyggande/", f"/forebyggande/{lulea.pk}/"):
        assertContains(client.get(url), _url(lulea))


def test_boden_sees_no_lulea_promise(client, boden_user, boden, lulea, promise):
    client.force_login(boden_user)
    assert client.get(_url(lulea)).status_code == 404
    assert client.get(f"/forebyggande/medborgarlofte/{promise.pk}/uppfoljning/").status_code == 404
    response = client.get(_url(boden))
    assert response.status_code == 200
    assertNotContains(response, "trafikkontroller")
    with pytest.raises(PermissionDenied):
        services.promise_create(by=boden_user, agreement=lulea, year=2026, text="Ett löfte")
    with pytest.raises(PermissionDenied):
        services.promise_follow_up_add(by=boden_user, promise=promise, period_label="T3")


def test_the_form_adds_a_promise(client, coordinator, lulea):
    client.force_login(coordinator)
    url = f"/forebyggande/{lulea.pk}/medborgarloften/nytt/"
    page = client.get(url)
    assert page.context["form"].initial["year"] == timezone.localdate().year
    data = {
        "year": "2026",
        "text": "Kommunen tar bort klotter inom ett dygn.",
        "owners": "kommun",
        "target": "Minst 90 % inom 24 timmar.",
        "target_value": "90",
        "target_unit": "%",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert (promise.agreement, promise.year, promise.owners, promise.target_value) == (
        lulea,
        2026,
        "kommun",
        Decimal("90"),
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": ""}, "text", "Skriv vad som utlovas."),
        ({"year": "tjugo"}, "year", "Året ska vara ett heltal, till exempel 2026."),
        ({"year": "1999"}, "year", "Ange ett år mellan 2000 och fem år framåt."),
        ({"owners": "region"}, "owners", "Välj kommunen, polisen eller båda."),
        ({"target_value": "ett"}, "target_value", "Målvärdet ska vara ett tal, till exempel 1,5."),
        ({"target_value": "-1"}, "target_value", "Värdet kan inte vara negativt."),
        (
            {"target_unit": ""},
            "target_unit",
            "Ange enheten för målvärdet, till exempel kontroller.",
        ),
    ],
)
def test_bad_promise_input_gets_a_swedish_message(client, coordinator, lulea, data, field, message):
    client.force_login(coordinator)
    base = {"year": "2026", "text": "Ett löfte", "owners": "bada", "target_value": "2"}
    base["target_unit"] = "vandringar"
    response = client.post(f"/forebyggande/{lulea.pk}/medborgarloften/nytt/", {**base, **data})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Promise.objects.exists()


def test_a_promise_with_personal_data_is_refused(coordinator, lulea):
    with pytest.raises(ValidationError, match="ersonnummer"):
        services.promise_create(
            by=coordinator, agreement=lulea, year=2026, text="Kontakta 19121212-1212 om löftet"
        )
    assert not Promise.objects.exists()


def test_the_form_adds_a_follow_up_with_a_swedish_decimal(client, coordinator, lulea, promise):
    client.force_login(coordinator)
    url = f"/forebyggande/medborgarlofte/{promise.pk}/uppfoljning/"
    response = client.post(url, {"period_label": "T3 (sep–dec)", "value": "1,5"})
    assert response.status_code == 302
    assert promise.follow_ups.get(period_label="T3 (sep–dec)").value == Decimal("1.5")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period_label": ""}, "period_label", "Ange perioden, till exempel T1 (jan–apr)."),
        (
            {"period_label": "t1 (jan–apr)"},
            "period_label",
            "Perioden t1 (jan–apr) är redan uppföljd för det här löftet.",
        ),
        ({"value": "mycket"}, "value", "Värdet ska vara ett tal, till exempel 1,5."),
        ({"value": "-2"}, "value", "Värdet kan inte vara negativt."),
        ({"value": "", "comment": ""}, "value", "Ange ett värde eller en kommentar."),
    ],
)
def test_bad_follow_up_input_gets_a_swedish_message(
    client, coordinator, promise, data, field, message
):
    client.force_login(coordinator)
    before = PromiseFollowUp.objects.count()
    response = client.post(
        f"/forebyggande/medborgarlofte/{promise.pk}/uppfoljning/",
        {"period_label": "T3", "value": "1", **data},
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert PromiseFollowUp.objects.count() == before


def test_a_follow_up_comment_with_personal_data_is_refused(coordinator, promise):
    with pytest.raises(ValidationError, match="ersonnummer"):
        services.promise_follow_up_add(
            by=coordinator, promise=promise, period_label="T3", comment="Ring 19121212-1212"
        )
    assert not promise.follow_ups.filter(period_label="T3").exists()
