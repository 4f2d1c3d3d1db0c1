"""The EST meeting's details: the week in progress compared over the same days, every report
of the week listed and filtered within the viewer's scope, closing only after confirmation,
and the action's owner list following the chosen organisation."""

# The shared fixtures of tests/est/test_weekly.py are imported by name, which ruff
# reads as redefinitions when tests take them as arguments.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samverkan.core.models import User
from samverkan.est import services
from samverkan.est.flags import comparison_sentence, days_label
from samverkan.est.forms import ActionForm
from samverkan.est.models import Action, WeekMeeting
from samverkan.est.weekly import STOCKHOLM, current_week, weekly_picture
from samverkan.incidents.models import Category
from samverkan.organisations.models import Organisation

from .test_weekly import agreement, hand_case, local, make_report, two_districts  # noqa: F401


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def cell_of(picture, district, slug):
    name = Category.objects.get(slug=slug).name
    found = [c for c in picture.cells if c.district_id == district.pk and c.category == name]
    assert len(found) == 1
    return found[0]


# --- The week in progress -------------------------------------------------------------------


@pytest.fixture
def partial_case(agreement, two_districts, make_report):
    """2025 week 10 seen on Wednesday 15:00: A × klotter has one report on the Tuesday and two
    on the Friday of each of weeks 2–9, and one on the Wednesday evening; this week Monday, Tuesday, Wednesday, and one on the
    Friday (later than now). B × skadegörelse: six this Monday–Wednesday, none before."""
    a, b = two_districts
    for week in range(2, 10):
        make_report("klotter", a, local(2025, week, day=2))
        make_report("klotter", a, local(2025, week, day=3, hour=20))  # after 15:00
        make_report("klotter", a, local(2025, week, day=5))
        make_report("klotter", a, local(2025, week, day=5, hour=20))
    for day in (1, 2, 3):
        make_report("klotter", a, local(2025, 10, day=day, hour=9))
    make_report("klotter", a, local(2025, 10, day=5))
    for i in range(6):
        make_report("skadegorelse", b, local(2025, 10, day=1 + i % 3, hour=8 + i))
    return a, b


WEDNESDAY = dt.datetime(2025, 3, 5, 15, 0, tzinfo=STOCKHOLM)  # 2025 week 10


def test_the_week_in_progress_is_compared_over_the_same_days(agreement, partial_case):
    a, b = partial_case
    picture = weekly_picture(agreement, 2025, 10, now=WEDNESDAY)
    assert picture.in_progress and picture.compared_days == 3
    assert picture.days_label == "mån–ons"
    assert picture.comparison == "jämfört med samma dagar (mån–ons) tidigare veckor"
    klotter = cell_of(picture, a, "klotter")
    # Monday–Wednesday only: the Friday report is not counted, and each earlier week counts
    # its Tuesday report, not its three reports of the whole week.
    assert klotter.count == 3
    # Nor the Wednesday evening: the last day is cut at the same time of day, 15:00.
    assert klotter.baseline == [1] * 8 and klotter.baseline_mean == 1
    assert picture.baseline_total_mean == 1 and picture.compared_until == "15:00"
    assert "samma dagar (mån–ons)" in picture.test


def test_the_week_in_progress_flags_nothing_until_it_is_over(agreement, partial_case):
    a, b = partial_case
    running = weekly_picture(agreement, 2025, 10, now=WEDNESDAY)
    new = cell_of(running, b, "skadegorelse")
    assert new.count == 6 and not new.increase and not new.new_large
    assert new.explanation == "Veckan pågår: ingen markering förrän veckan är slut."
    assert running.increases == [] and running.false_flags == ""
    # The same week once it is over: whole weeks, the usual test, the new cell flagged.
    over = weekly_picture(agreement, 2025, 10, now=dt.datetime(2025, 3, 10, 9, tzinfo=STOCKHOLM))
    assert not over.in_progress and over.compared_days == 7 and over.comparison == ""
    assert over.compared_until == ""
    whole = cell_of(over, a, "klotter")
    assert whole.count == 4 and whole.baseline == [4] * 8
    assert cell_of(over, b, "skadegorelse").new_large
    assert over.false_flags.startswith("Väntat antal falsklarm")


def test_the_day_labels():
    assert days_label(1) == "mån" and days_label(7) == "mån–sön" and days_label(4) == "mån–tors"
    assert comparison_sentence(1) == "jämfört med samma dag (mån) tidigare veckor"


def test_the_page_of_the_week_in_progress_says_what_it_compares(client, agreement, make_report):
    year, week = current_week()
    today = timezone.now().astimezone(STOCKHOLM)
    monday = dt.datetime.combine(
        dt.date.fromisocalendar(year, week, 1), dt.time(), tzinfo=STOCKHOLM
    )
    make_report("klotter", None, max(monday, today - dt.timedelta(minutes=5)))
    login(client, "lasare")
    html = client.get(f"/est/{agreement.pk}/{year}/v{week}/").content.decode()
    days = today.isoweekday()
    assert "data-in-progress" in html and "Veckan pågår." in html
    assert f"Antalen gäller {days_label(days)}, {comparison_sentence(days)}, inte hela" in html
    assert "den sista dagen till kl. " in html
    assert "Ökningar markeras först när veckan är slut." in html
    assert "data-increases" not in html
    # A week that is over says nothing of the kind.
    html = client.get(f"/est/{agreement.pk}/2025/v10/").content.decode()
    assert "data-in-progress" not in html and "data-increases" in html


# --- Every report of the week -----------------------------------------------------------------


def listed(html: str) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'data-report="(\d+)"', html)}


@pytest.fixture
def week_reports(hand_case, make_report):
    polisen = make_report(
        "skadegorelse",
        hand_case["b"],
        local(2025, 10, day=4),
        classification="oppen",
        source="polisen",
    )
    return {**hand_case, "polisen": polisen}


def shown_ids():
    from samverkan.incidents.models import Incident

    return set(
        Incident.objects.filter(
            municipality__code="2580",
            is_summary=False,
            classification__in=["oppen", "intern"],
            occurred_from__gte=local(2025, 10, day=1, hour=0),
            occurred_from__lt=local(2025, 11, day=1, hour=0),
        ).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("username", ["samordnare", "kommunpolis", "lasare"])
def test_every_report_of_the_week_is_listed_not_only_the_severe(
    client, agreement, week_reports, username
):
    login(client, username)
    html = client.get(f"/est/{agreement.pk}/2025/v10/").content.decode()
    ids = listed(html)
    expected = shown_ids()
    assert len(expected) == 8 and ids == expected  # severity 1 reports too
    assert week_reports["restricted"].pk not in ids  # begränsad: never listed
    assert "8 rapporter." in html and "Rapporter med klassning begränsad listas inte här." in html


def test_the_report_list_is_filtered_by_category_district_classification_and_source(
    client, agreement, week_reports
):
    b = week_reports["b"]
    login(client, "samordnare")
    url = f"/est/{agreement.pk}/2025/v10/"
    klotter = Category.objects.get(slug="klotter")

    def ids(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return listed(response.content.decode())

    assert len(ids(kategori=klotter.pk)) == 4
    assert len(ids(omrade=b.pk)) == 3
    assert ids(kalla="polisen") == {week_reports["polisen"].pk}
    assert len(ids(klassning="oppen")) == 2
    assert len(ids(klassning="oppen", omrade=b.pk, kalla="form")) == 1
    # begränsad is not a choice: an unreadable value lists nothing and says why.
    response = client.get(url, {"klassning": "begransad"})
    html = response.content.decode()
    assert response.status_code == 200 and listed(html) == set()
    assert "Välj ett giltigt alternativ" in html and "data-no-reports" in html


def test_the_filter_answers_with_the_list_alone_to_htmx(client, agreement, week_reports):
    login(client, "samordnare")
    response = client.get(
        f"/est/{agreement.pk}/2025/v10/",
        {"omrade": week_reports["b"].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="week-reports",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="week-reports">')
    assert "<h1" not in html and len(listed(html)) == 3


def test_a_closed_week_lists_the_reports_there_were_when_it_closed(
    client, agreement, week_reports, make_report
):
    login(client, "samordnare")
    url = f"/est/{agreement.pk}/2025/v10/"
    assert client.post(url + "stang/", {"confirm": "1"}).status_code == 302
    late = make_report("klotter", week_reports["a"], local(2025, 10))
    html = client.get(url).content.decode()
    assert late.pk not in listed(html) and len(listed(html)) == 8
    assert "Listan visar rapporterna som fanns när mötet stängdes." in html


# --- Closing the meeting asks first -------------------------------------------------------------


def test_closing_the_meeting_asks_for_confirmation(client, agreement, hand_case):
    login(client, "samordnare")
    week = f"/est/{agreement.pk}/2025/v10/"
    client.post(week + "mote/", {"notes": "Alla på plats", "decisions": ""})
    html = client.get(week).content.decode()
    assert f'<form method="get" action="{week}stang/"' in html  # the button asks, no POST

    page = client.get(week + "stang/")
    html = page.content.decode()
    assert page.status_code == 200 and "Stäng mötet för vecka 10 2025?" in html
    assert 'name="confirm" value="1"' in html and "Beslut: <strong>inga</strong>" in html

    # A POST without the confirmation closes nothing and asks again.
    response = client.post(week + "stang/", follow=True)
    assert "Mötet är inte stängt: bekräfta först." in response.content.decode()
    assert "Stäng mötet för vecka 10 2025?" in response.content.decode()
    assert not WeekMeeting.objects.get().is_closed
    response = client.post(week + "stang/", {"confirm": "yes"})
    assert not WeekMeeting.objects.get().is_closed

    assert client.post(week + "stang/", {"confirm": "1"}).status_code == 302
    meeting = WeekMeeting.objects.get()
    assert meeting.is_closed and meeting.snapshot["notes"] == "Alla på plats"
    # A closed meeting has no confirmation page: back to the week with the reason.
    response = client.get(week + "stang/", follow=True)
    assert "Mötet är stängt: veckans lägesbild" in response.content.decode()


def test_readers_get_no_confirmation_page(client, agreement):
    login(client, "lasare")
    assert client.get(f"/est/{agreement.pk}/2025/v10/stang/").status_code == 403
    login(client, "boden")
    assert client.get(f"/est/{agreement.pk}/2025/v10/stang/").status_code == 404


# --- The owner follows the organisation ------------------------------------------------------


@pytest.fixture
def orgs(demo):
    police = User.objects.get(username="kommunpolis")
    coordinator = User.objects.get(username="samordnare")
    assert police.organisation_id != coordinator.organisation_id
    return police, coordinator


def options(html: str) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)}


def test_the_owner_list_is_the_chosen_organisations_people(agreement, orgs):
    police, coordinator = orgs
    form = ActionForm(agreement=agreement, initial={"owner_organisation": police.organisation_id})
    html = str(form["owner"])
    assert police.pk in options(html) and coordinator.pk not in options(html)
    assert 'hx-get="/est/' in str(form["owner_organisation"])
    bound = ActionForm({"owner_organisation": coordinator.organisation_id}, agreement=agreement)
    html = str(bound["owner"])
    assert coordinator.pk in options(html) and police.pk not in options(html)
    unchosen = str(ActionForm(agreement=agreement)["owner"])
    assert options(unchosen) == set()


def test_the_owner_options_fragment_follows_the_organisation(client, agreement, orgs):
    police, coordinator = orgs
    url = f"/est/{agreement.pk}/atgarder/ansvariga/"
    login(client, "samordnare")
    html = client.get(url, {"owner_organisation": police.organisation_id}).content.decode()
    assert police.pk in options(html) and coordinator.pk not in options(html)
    assert html.startswith('<option value="">')
    other = Organisation.objects.exclude(
        pk__in=[police.organisation_id, coordinator.organisation_id]
    ).filter(slug__icontains="boden")
    for org in other:
        assert options(client.get(url, {"owner_organisation": org.pk}).content.decode()) == set()
    assert options(client.get(url, {"owner_organisation": "x"}).content.decode()) == set()
    login(client, "lasare")
    assert client.get(url, {"owner_organisation": police.organisation_id}).status_code == 403
    login(client, "boden")
    assert client.get(url, {"owner_organisation": police.organisation_id}).status_code == 404


def test_an_owner_outside_the_organisation_is_refused_with_the_reason(client, agreement, orgs):
    police, coordinator = orgs
    login(client, "samordnare")
    response = client.post(
        f"/est/{agreement.pk}/atgarder/",
        {
            "what": "Sanera klottret",
            "owner_organisation": police.organisation_id,
            "owner": coordinator.pk,
            "status": "planerad",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"{coordinator} arbetar inte i {police.organisation.name}. Välj en person i den "
        "ansvariga organisationen eller lämna fältet tomt."
    ) in html.replace("&#x27;", "'")
    assert not Action.objects.exists()
    # The list after the refusal is the chosen organisation's.
    assert police.pk in options(html.split('id="id_owner"')[1].split("</select>")[0])
    response = client.post(
        f"/est/{agreement.pk}/atgarder/",
        {
            "what": "Sanera klottret",
            "owner_organisation": police.organisation_id,
            "owner": police.pk,
            "status": "planerad",
        },
    )
    assert response.status_code == 302
    assert Action.objects.get().owner == police


def test_the_service_refuses_an_owner_of_another_organisation(agreement, orgs):
    police, coordinator = orgs
    with pytest.raises(ValidationError, match="arbetar inte i .* lämna fältet tomt"):
        services.action_create(
            by=coordinator,
            agreement=agreement,
            iso_year=2025,
            iso_week=10,
            what="Belysning",
            owner_organisation=police.organisation,
            owner=coordinator,
        )
    assert not Action.objects.exists()
