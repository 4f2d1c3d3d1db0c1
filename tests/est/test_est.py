"""EST services: actions, the weekly meeting and its immutable snapshot, notes, planned
events and the area prioritisation, with their role rules."""

# The shared fixtures of tests/est/test_weekly.py are imported by name, which ruff
# reads as redefinitions when tests take them as arguments.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from samverkan.est import selectors, services
from samverkan.est.models import Action, AreaRating, WeekMeeting
from samverkan.est.weekly import SNAPSHOT_VERSION, picture_or_snapshot, weekly_picture
from samverkan.organisations.models import Organisation
from samverkan.places.models import District

from .conftest import A_PERSONNUMMER
from .test_weekly import agreement, hand_case, local, make_report, two_districts  # noqa: F401


@pytest.fixture
def police(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


def new_action(by, agreement, owner_organisation, **fields):
    defaults = {"iso_year": 2025, "iso_week": 10, "what": "Sanera klottret vid skolan"}
    return services.action_create(
        by=by, agreement=agreement, owner_organisation=owner_organisation, **(defaults | fields)
    )


# --- Actions -------------------------------------------------------------------------------------


def test_a_coordinator_creates_an_action_with_linked_reports(
    agreement, hand_case, coordinator, police, kommunpolis
):
    a = hand_case["a"]
    linked = list(a.incidents.filter(classification="intern").values_list("pk", flat=True)[:2])
    action = new_action(
        coordinator, agreement, police, district=a, incidents=linked, owner=kommunpolis
    )
    assert set(action.incidents.values_list("pk", flat=True)) == set(linked)
    assert (action.owner, action.created_by, action.status) == (
        kommunpolis,
        coordinator,
        "planerad",
    )


@pytest.mark.parametrize("username", ["styrgrupp", "rapportor", "lasare", "boden"])
def test_only_coordinators_and_admins_of_a_party_may_create_actions(
    agreement, police, username, django_user_model
):
    user = django_user_model.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        new_action(user, agreement, police)
    assert not Action.objects.exists()


def test_an_admin_may_create_actions(agreement, police, admin_user):
    assert new_action(admin_user, agreement, police).pk


def test_it_refuses_personal_data_in_an_action(agreement, coordinator, police):
    with pytest.raises(ValidationError) as caught:
        new_action(coordinator, agreement, police, what=f"Prata med {A_PERSONNUMMER}")
    assert "personnummer" in caught.value.message_dict["what"][0]


def test_it_refuses_reports_the_user_may_not_see_or_of_another_municipality(
    agreement, hand_case, coordinator, police, make_report
):
    boden = make_report(
        "klotter",
        None,
        local(2025, 10),
        municipality=District.objects.filter(municipality__code="2582").first().municipality,
        lat=65.825,
        lon=21.691,
    )
    with pytest.raises(ValidationError) as caught:
        new_action(
            coordinator, agreement, police, incidents=[hand_case["restricted"].pk, boden.pk, 999999]
        )
    message = caught.value.message_dict["incidents"][0]
    assert str(hand_case["restricted"].pk) in message and "999999" in message


def test_the_owner_must_work_in_the_owner_organisation_of_a_party(
    agreement, coordinator, police, reporter
):
    with pytest.raises(ValidationError) as caught:
        new_action(coordinator, agreement, police, owner=reporter)
    assert "owner" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        new_action(coordinator, agreement, Organisation.objects.get(slug="boden-kommun"))
    assert "owner_organisation" in caught.value.message_dict
    # Lulebo is owned by Luleå kommun, a party: its staff may own actions.
    lulebo = Organisation.objects.get(slug="lulebo")
    assert new_action(coordinator, agreement, lulebo, owner=reporter).owner == reporter


def test_an_action_is_overdue_after_its_due_date_unless_done_or_cancelled(
    agreement, coordinator, police
):
    today = dt.date(2025, 3, 6)
    action = new_action(coordinator, agreement, police, due_date=dt.date(2025, 3, 5))
    assert action.is_overdue(today)
    assert not action.is_overdue(dt.date(2025, 3, 5))  # the due day itself is not late
    for status in ("klar", "installd"):
        services.action_update(action=action, by=coordinator, status=status)
        assert not action.is_overdue(today)
    services.action_update(action=action, by=coordinator, status="pagar")
    assert action.is_overdue(today)


def test_the_weekly_picture_lists_open_and_overdue_actions(agreement, coordinator, police):
    late = new_action(coordinator, agreement, police, due_date=dt.date(2025, 3, 4))
    on_time = new_action(coordinator, agreement, police, due_date=dt.date(2025, 3, 20))
    done = new_action(coordinator, agreement, police, iso_week=8, status="klar")
    later = new_action(coordinator, agreement, police, iso_week=12)
    rows = {row.id: row for row in weekly_picture(agreement, 2025, 10).actions}
    assert rows[late.pk].overdue and not rows[on_time.pk].overdue
    assert done.pk not in rows  # closed in an earlier week
    assert later.pk not in rows  # decided after the week


# --- The meeting and its snapshot ---------------------------------------------------------------


def test_closing_the_meeting_stores_an_immutable_snapshot(
    agreement, hand_case, coordinator, make_report
):
    services.week_note_save(
        by=coordinator, agreement=agreement, iso_year=2025, iso_week=10, text="Klotter ökar"
    )
    services.meeting_update(
        by=coordinator,
        agreement=agreement,
        iso_year=2025,
        iso_week=10,
        notes="Genomgång",
        decisions="Sanering i Bergnäset",
    )
    meeting = services.meeting_close(
        by=coordinator, agreement=agreement, iso_year=2025, iso_week=10
    )
    assert meeting.is_closed and meeting.snapshot_version == SNAPSHOT_VERSION == 3
    assert meeting.snapshot["decisions"] == "Sanering i Bergnäset"
    assert meeting.snapshot["picture"]["total"] == 7
    assert [n["text"] for n in meeting.snapshot["picture"]["notes"]] == ["Klotter ökar"]
    stored = WeekMeeting.objects.get(pk=meeting.pk).snapshot

    # New reports of the week arrive later: the snapshot is what is shown, unchanged.
    make_report("klotter", hand_case["a"], local(2025, 10))
    assert weekly_picture(agreement, 2025, 10).total == 8
    picture, _meeting = picture_or_snapshot(agreement, 2025, 10)
    assert picture["total"] == 7

    for attempt in (
        lambda: services.meeting_close(
            by=coordinator, agreement=agreement, iso_year=2025, iso_week=10
        ),
        lambda: services.meeting_update(
            by=coordinator, agreement=agreement, iso_year=2025, iso_week=10, notes="x", decisions=""
        ),
        lambda: services.week_note_save(
            by=coordinator, agreement=agreement, iso_year=2025, iso_week=10, text="ändrat"
        ),
    ):
        with pytest.raises(ValidationError, match="Mötet är stängt"):
            attempt()
    assert WeekMeeting.objects.get(pk=meeting.pk).snapshot == stored


@pytest.mark.parametrize("username", ["styrgrupp", "rapportor", "lasare", "boden"])
def test_only_coordinators_close_the_meeting(agreement, username, django_user_model):
    user = django_user_model.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        services.meeting_close(by=user, agreement=agreement, iso_year=2025, iso_week=10)
    assert not WeekMeeting.objects.filter(status="stangt").exists()


def test_each_organisation_keeps_its_own_notes(agreement, coordinator, kommunpolis):
    services.week_note_save(
        by=coordinator, agreement=agreement, iso_year=2025, iso_week=10, text="A"
    )
    services.week_note_save(
        by=kommunpolis, agreement=agreement, iso_year=2025, iso_week=10, text="B"
    )
    services.week_note_save(
        by=coordinator, agreement=agreement, iso_year=2025, iso_week=10, text="C"
    )
    notes = {n.organisation: n.text for n in weekly_picture(agreement, 2025, 10).notes}
    assert notes == {"Kommunstaben": "C", "Lokalpolisområde Luleå-Boden": "B"}


def test_notes_go_through_the_privacy_guard(agreement, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.week_note_save(
            by=coordinator,
            agreement=agreement,
            iso_year=2025,
            iso_week=10,
            text="Ring 070-123 45 67",
        )
    assert "telefonnummer" in caught.value.message_dict["text"][0]


def test_a_week_that_does_not_exist_is_refused(agreement, coordinator):
    with pytest.raises(ValidationError):
        services.meeting_close(by=coordinator, agreement=agreement, iso_year=2025, iso_week=53)


# --- Planned events ---------------------------------------------------------------------------


def test_planned_events_show_in_their_week_and_the_week_before(agreement, coordinator):
    event = services.planned_event_create(
        by=coordinator,
        agreement=agreement,
        title="Kulturnatt",
        starts_at=local(2025, 11, day=5, hour=18),
        ends_at=local(2025, 11, day=6, hour=1),
    )
    assert [e.id for e in weekly_picture(agreement, 2025, 11).planned_events] == [event.pk]
    assert [e.id for e in weekly_picture(agreement, 2025, 10).planned_events] == [event.pk]
    assert weekly_picture(agreement, 2025, 9).planned_events == []
    assert weekly_picture(agreement, 2025, 12).planned_events == []


# --- Area prioritisation ------------------------------------------------------------------


def rate(by, agreement, district, *, prioritised=True, level="röd"):
    return services.area_rating_save(
        by=by,
        agreement=agreement,
        period=selectors.Period.containing(dt.date(2025, 3, 1), "tertial"),
        district=district,
        level=level,
        prioritised=prioritised,
    )


def test_at_most_three_areas_are_prioritised_per_period(agreement, coordinator):
    districts = list(District.objects.filter(municipality__code="2580").order_by("name")[:5])
    for district in districts[:3]:
        rate(coordinator, agreement, district)
    with pytest.raises(ValidationError) as caught:
        rate(coordinator, agreement, districts[3])
    assert "Högst 3 områden" in caught.value.message_dict["prioritised"][0]
    # Re-saving one of the three is fine; freeing a place lets another in.
    rate(coordinator, agreement, districts[0], level="gul")
    rate(coordinator, agreement, districts[0], prioritised=False)
    rate(coordinator, agreement, districts[3])
    assert AreaRating.objects.filter(prioritised=True).count() == 3
    # Another period has its own three.
    services.area_rating_save(
        by=coordinator,
        agreement=agreement,
        period=selectors.Period.containing(dt.date(2025, 6, 1), "tertial"),
        district=districts[4],
        level="röd",
        prioritised=True,
    )


@override_settings(SAMVERKAN_PRIORITY_MAX=1, SAMVERKAN_PRIORITY_SCALE=["låg", "hög"])
def test_the_number_of_priorities_and_the_scale_are_configurable(agreement, coordinator):
    a, b = District.objects.filter(municipality__code="2580").order_by("name")[:2]
    rate(coordinator, agreement, a, level="hög")
    with pytest.raises(ValidationError):
        rate(coordinator, agreement, b, level="hög")
    with pytest.raises(ValidationError) as caught:
        rate(coordinator, agreement, b, prioritised=False, level="röd")
    assert "låg, hög" in caught.value.message_dict["level"][0]


def test_the_trend_follows_the_periods_figures(agreement, coordinator, two_districts, make_report):
    a, b = two_districts
    # Tertial 2025 T1 (jan–apr) against 2024 T3 (sep–dec): A rises from 2 to 12, B stays 3.
    for i in range(12):
        make_report("klotter", a, local(2025, 2 + i))
    for i in range(2):
        make_report("klotter", a, local(2024, 40 + i))
    for i in range(3):
        make_report("klotter", b, local(2025, 2 + i))
        make_report("klotter", b, local(2024, 40 + i))
    period = selectors.Period.containing(dt.date(2025, 2, 1), "tertial")
    assert (period.label, period.previous.label) == ("2025 T1", "2024 T3")
    rows = {row.district_id: row for row in selectors.period_figures(agreement, period)}
    assert (rows[a.pk].count, rows[a.pk].previous, rows[a.pk].trend) == (12, 2, "upp")
    assert (rows[b.pk].count, rows[b.pk].previous, rows[b.pk].trend) == (3, 3, "samma")
    # The conditional test: 12 of 14 reports in 120 of 120 + 122 days, two-sided (central)
    # from SciPy's one-sided binomial test; the old known-mean rule said 2·P(X ≥ 12 | μ = 2).
    from scipy import stats

    pi0 = 120 / (120 + 122)
    assert rows[a.pk].p == pytest.approx(
        2 * stats.binomtest(12, 14, pi0, alternative="greater").pvalue, rel=1e-9
    )
    assert rows[a.pk].ratio == pytest.approx((12 / 120) / (2 / 122))
    assert rows[a.pk].ratio_low < rows[a.pk].ratio < rows[a.pk].ratio_high
    assert rows[b.pk].p == pytest.approx(1.0)
    rating = rate(coordinator, agreement, a)
    assert rating.trend == "upp" and rating.period_label == "2025 T1"


def test_only_coordinators_rate_areas(agreement, reader):
    district = District.objects.filter(municipality__code="2580").first()
    with pytest.raises(PermissionDenied):
        rate(reader, agreement, district)
