"""The EST pages: who may open and change what, the snapshot of a closed week, the
classification decision on the page, and a constant number of queries."""

# The shared fixtures of tests/est/test_weekly.py are imported by name, which ruff
# reads as redefinitions when tests take them as arguments.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.core.models import User
from samverkan.est import services
from samverkan.est.models import Action, AreaRating, WeekMeeting, WeekNote
from samverkan.organisations.models import Organisation
from samverkan.places.models import District

from .test_weekly import agreement, hand_case, local, make_report, two_districts  # noqa: F401

READERS = ["styrgrupp", "rapportor", "lasare"]
MANAGERS = ["samordnare", "admin", "kommunpolis"]


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def pages(agreement) -> list[str]:
    return [
        f"/est/{agreement.pk}/2025/v10/",
        f"/est/{agreement.pk}/atgarder/",
        f"/est/{agreement.pk}/prioritering/",
    ]


@pytest.mark.parametrize("username", READERS + MANAGERS)
def test_every_party_user_reads_the_est_pages(client, agreement, username):
    login(client, username)
    assert client.get("/est/?alla=1").status_code == 200
    for url in pages(agreement):
        assert client.get(url).status_code == 200, url


def test_a_boden_user_sees_nothing_of_lulea(client, agreement, hand_case, coordinator, police_org):
    action = services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=2025,
        iso_week=10,
        what="Belysning",
        owner_organisation=police_org,
    )
    login(client, "boden")
    assert agreement.title not in client.get("/est/").content.decode()
    for url in [*pages(agreement), f"/est/atgarder/{action.pk}/andra/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/est/{agreement.pk}/2025/v10/stang/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, agreement):
    response = client.get(pages(agreement)[0])
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.fixture
def police_org(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


@pytest.mark.parametrize("username", READERS)
def test_readers_may_not_change_anything(client, agreement, police_org, coordinator, username):
    action = services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=2025,
        iso_week=10,
        what="Belysning",
        owner_organisation=police_org,
    )
    login(client, username)
    assert client.get(f"/est/atgarder/{action.pk}/andra/").status_code == 403
    assert client.get(f"/est/{agreement.pk}/evenemang/ny/").status_code == 403
    week = f"/est/{agreement.pk}/2025/v10/"
    district = District.objects.filter(municipality__code="2580").first()
    posts = {
        week + "noteringar/": {"text": "x"},
        week + "mote/": {"notes": "x", "decisions": "y"},
        week + "stang/": {},
        f"/est/{agreement.pk}/atgarder/": {
            "what": "x",
            "owner_organisation": police_org.pk,
            "status": "planerad",
        },
        f"/est/{agreement.pk}/evenemang/ny/": {"title": "x"},
        f"/est/atgarder/{action.pk}/andra/": {"what": "y", "status": "klar"},
        f"/est/{agreement.pk}/prioritering/": {"district": district.pk, "level": "röd"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert not WeekMeeting.objects.exists()
    assert list(Action.objects.values_list("what", flat=True)) == ["Belysning"]
    assert not AreaRating.objects.exists()
    html = client.get(week).content.decode()
    assert "Stäng mötet" not in html


def test_the_week_page_shows_the_table_the_increase_and_the_test(client, agreement, hand_case):
    login(client, "lasare")
    html = client.get(f"/est/{agreement.pk}/2025/v10/").content.decode()
    a = hand_case["a"].name
    assert f'data-district="{a}" data-category="Klotter" class="increase"' in html
    assert 'data-flag="increase"' in html and "Ökning: 4 mot väntat 0,31 (gräns 4)." in html
    assert "reservmetod, jämfört med de 8 föregående veckorna" in html
    assert "Väntat antal falsklarm:" in html and "per år" in html
    assert "Benjamini–Hochberg" not in html
    assert "1 rapport med klassning begränsad ingår inte i detaljerna." in html
    assert "<svg" in html and "<circle" in html
    assert "v9" in html and "v11" in html


def test_a_restricted_report_is_only_a_number_on_the_page(client, agreement, hand_case):
    restricted = hand_case["restricted"]
    login(client, "samordnare")
    html = client.get(f"/est/{agreement.pk}/2025/v10/").content.decode()
    assert f"#{restricted.pk}<" not in html
    assert "data-total>7<" in html


def test_a_coordinator_runs_the_meeting_and_the_closed_week_shows_its_snapshot(
    client, agreement, hand_case, make_report
):
    user = login(client, "samordnare")
    week = f"/est/{agreement.pk}/2025/v10/"
    assert client.post(week + "noteringar/", {"text": "Klotter vid skolan"}).status_code == 302
    assert WeekNote.objects.get().organisation == user.organisation
    response = client.post(week + "mote/", {"notes": "Alla på plats", "decisions": "Sanera"})
    assert response.status_code == 302
    assert client.post(week + "stang/", {"confirm": "1"}).status_code == 302
    meeting = WeekMeeting.objects.get()
    assert meeting.is_closed and meeting.closed_by == user

    make_report("klotter", hand_case["a"], local(2025, 10))  # arrives after the meeting
    html = client.get(week).content.decode()
    assert "data-snapshot" in html and "Mötet är stängt." in html
    assert "data-total>7<" in html  # not 8: the snapshot, not a recomputation
    assert "Sanera" in html and "Stäng mötet" not in html
    response = client.post(week + "stang/", {"confirm": "1"}, follow=True)
    assert "Mötet är stängt: veckans lägesbild" in response.content.decode()


def test_the_note_form_shows_the_privacy_guard_next_to_the_field(client, agreement):
    login(client, "samordnare")
    response = client.post(
        f"/est/{agreement.pk}/2025/v10/noteringar/", {"text": "Mejla kim@example.se"}
    )
    assert response.status_code == 400
    assert "e-postadress" in response.content.decode()


def test_a_coordinator_creates_and_edits_an_action_on_the_page(
    client, agreement, hand_case, police_org
):
    login(client, "samordnare")
    linked = hand_case["a"].incidents.filter(classification="intern").first()
    url = f"/est/{agreement.pk}/atgarder/"
    assert f'value="{linked.pk}"' in client.get(f"{url}?rapporter={linked.pk}").content.decode()
    response = client.post(
        url,
        {
            "what": "Sanera klottret",
            "district": hand_case["a"].pk,
            "incident_ids": f"{linked.pk}",
            "owner_organisation": police_org.pk,
            "due_date": "2020-01-01",
            "status": "planerad",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert list(action.incidents.all()) == [linked]
    html = client.get(url).content.decode()
    assert "data-overdue" in html and "försenad" in html

    response = client.post(
        f"/est/atgarder/{action.pk}/andra/",
        {
            "what": "Sanera klottret",
            "incident_ids": "12x",
            "owner_organisation": police_org.pk,
            "status": "klar",
        },
    )
    assert response.status_code == 400
    assert "Inte ett rapport-id: 12x" in response.content.decode()
    response = client.post(
        f"/est/atgarder/{action.pk}/andra/",
        {
            "what": "Sanera klottret",
            "incident_ids": str(hand_case["restricted"].pk),
            "owner_organisation": police_org.pk,
            "status": "klar",
        },
    )
    assert response.status_code == 400
    assert "finns inte eller hör inte till överenskommelsen" in response.content.decode()


def test_a_coordinator_adds_a_planned_event(client, agreement):
    login(client, "samordnare")
    response = client.post(
        f"/est/{agreement.pk}/evenemang/ny/",
        {"title": "Kulturnatt", "starts_at": "2025-03-07T18:00", "ends_at": "2025-03-08T01:00"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/2025/v10/")
    assert "Kulturnatt" in client.get(response["Location"]).content.decode()


def test_the_prioritisation_page_refuses_a_fourth_priority(client, agreement):
    login(client, "samordnare")
    url = f"/est/{agreement.pk}/prioritering/?period=2025-03-01"
    districts = list(District.objects.filter(municipality__code="2580").order_by("name")[:4])
    for district in districts[:3]:
        data = {"district": district.pk, "level": "röd", "prioritised": "on", "rationale": "Ökar"}
        assert client.post(url, data).status_code == 302
    data = {"district": districts[3].pk, "level": "gul", "prioritised": "on"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Högst 3 områden kan prioriteras för 2025 T1" in response.content.decode()
    html = client.get(url).content.decode()
    assert "Prioriterade områden: 3 av högst 3." in html


def test_the_week_page_makes_a_constant_number_of_queries(
    client, agreement, two_districts, make_report
):
    login(client, "samordnare")
    url = f"/est/{agreement.pk}/2025/v10/"
    a, b = two_districts

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_report("klotter", a, local(2025, 10))
    client.get(url)
    few = queries()
    for week in range(3, 11):
        for district in (a, b):
            make_report("brand", district, local(2025, week), creates_insecurity=True)
    police = Organisation.objects.get(slug="lpo-lulea-boden")
    for _i in range(3):
        services.action_create(
            by=User.objects.get(username="samordnare"),
            agreement=agreement,
            iso_year=2025,
            iso_week=9,
            what="x",
            owner_organisation=police,
            due_date=dt.date(2025, 3, 1),
        )
    assert queries() == few


def test_the_prioritisation_page_names_the_conditional_test_and_explains_untested_areas(
    client, agreement, two_districts, make_report
):
    a, b = two_districts
    # 2025 T1 against 2024 T3: A rises from 2 to 12 (tested, ratio shown), B has 1 against 1
    # (too few for any verdict).
    for i in range(12):
        make_report("klotter", a, local(2025, 2 + i))
    for i in range(2):
        make_report("klotter", a, local(2024, 40 + i))
    make_report("klotter", b, local(2025, 2))
    make_report("klotter", b, local(2024, 40))
    login(client, "samordnare")
    html = client.get(f"/est/{agreement.pk}/prioritering/?period=2025-03-01").content.decode()
    assert "exakt villkorligt binomialtest" in html and "Poisson" not in html
    assert "kvot" in html and "95 % KI" in html
    assert "inte testad: för få rapporter för ett test" in html


def test_a_version_1_snapshot_still_renders_with_the_test_it_was_decided_by(
    client, agreement, hand_case
):
    # What a meeting closed before the flags' fields existed stored: Benjamini–Hochberg
    # q-values, no method, threshold or expected false flags.
    from samverkan.est.weekly import weekly_picture

    picture = weekly_picture(agreement, 2025, 10).as_dict()
    for key in ("history_years", "alpha", "expected_false_per_year", "false_flags"):
        picture.pop(key)
    for row in picture["cells"]:
        for key in ("method", "expected", "threshold", "dispersion", "new_large", "explanation"):
            row.pop(key)
        row["q"] = 0.04 if row["increase"] else (0.9 if row["tested"] else None)
    picture.update(
        version=1,
        q_level=0.10,
        test="ökning statistiskt säkerställd: Poisson-test mot snittet för de 8 föregående "
        "veckorna, justerat för många jämförelser (Benjamini–Hochberg), q = 0,10",
    )
    meeting = services.meeting_for_week(agreement, 2025, 10)
    meeting.status = WeekMeeting.Status.CLOSED
    meeting.snapshot_version = 1
    meeting.snapshot = {
        "version": 1,
        "picture": picture,
        "notes": "",
        "decisions": "",
        "closed_at": "2025-03-10T12:00+01:00",
        "closed_by": "samordnare",
    }
    meeting.save()
    login(client, "lasare")
    response = client.get(f"/est/{agreement.pk}/2025/v10/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-snapshot" in html and "Säkerställd ökning" in html and "q = 0,0400" in html
    assert "Benjamini–Hochberg" in html and "Väntat antal falsklarm" not in html
    assert "data-explanation" not in html
