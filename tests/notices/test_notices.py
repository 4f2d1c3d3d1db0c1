"""The notices: the closed EST week to its participants, återkoppling to reporters, the
steering group's digest before its meeting; once each, only to those who want them, only
what each may see."""

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.core.mail import EST_WEEK, FEEDBACK, STEERING, wants_mail
from samverkan.est import services as est_services
from samverkan.est.models import WeekMeeting
from samverkan.est.weekly import current_week, shift_week
from samverkan.incidents.models import Incident
from samverkan.notices.est_week import est_week_notices_send
from samverkan.notices.feedback import feedback_notices_send
from samverkan.notices.steering import steering_notices_send
from samverkan.notices.tasks import send_notices
from samverkan.organisations.models import Group, Meeting, Organisation
from samverkan.plans.models import Agreement, Reminder

BASE_URL = "https://samverkan.example.org"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.SAMVERKAN_BASE_URL = BASE_URL


@pytest.fixture
def agreement(demo) -> Agreement:
    return Agreement.objects.get(slug="lulea-polisen-2020-2023")


@pytest.fixture
def closed_week(agreement, coordinator) -> WeekMeeting:
    year, week = shift_week(*current_week(), -1)
    est_services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=year,
        iso_week=week,
        what="Belysningen vid Smedjegatans busshållplats ses över",
        owner_organisation=Organisation.objects.get(slug="stadsbyggnad"),
    )
    return WeekMeeting.objects.create(
        agreement=agreement,
        iso_year=year,
        iso_week=week,
        decisions="Nattvandring i Centrum fredag och lördag.",
        status=WeekMeeting.Status.CLOSED,
        closed_at=timezone.now() - dt.timedelta(hours=12),
        closed_by=coordinator,
    )


def _to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if m.to == [user.email]]


def test_every_est_participant_reads_the_decisions_and_actions_of_the_closed_week(
    closed_week, coordinator, kommunpolis, reporter, boden_user, mailoutbox
):
    today = timezone.localdate()
    assert est_week_notices_send(today=today) == 3  # samordnare, kommunpolis, rapportör
    for user in (coordinator, kommunpolis, reporter):
        (mail,) = _to(mailoutbox, user)
        assert f"v{closed_week.iso_week}" in mail.subject
        assert "Nattvandring i Centrum fredag och lördag." in mail.body
        assert "Belysningen vid Smedjegatans busshållplats ses över" in mail.body
        assert (
            f"{BASE_URL}/est/{closed_week.agreement_id}/{closed_week.iso_year}/"
            f"v{closed_week.iso_week}/" in mail.body
        )
        assert f"{BASE_URL}/konto/epost/" in mail.body
    assert _to(mailoutbox, boden_user) == []
    # Once: the same morning, and the next, tell nothing new.
    assert est_week_notices_send(today=today) == 0
    assert est_week_notices_send(today=today + dt.timedelta(days=1)) == 0
    assert len(mailoutbox) == 3


def test_a_participant_who_turned_it_off_gets_nothing(closed_week, coordinator, mailoutbox):
    coordinator.mail_off = [EST_WEEK]
    coordinator.save()
    assert not wants_mail(coordinator, EST_WEEK) and wants_mail(coordinator, FEEDBACK)
    est_week_notices_send(today=timezone.localdate())
    assert _to(mailoutbox, coordinator) == []
    assert len(mailoutbox) == 2


def test_a_failed_send_is_sent_on_the_next_run(closed_week, mailoutbox, monkeypatch):
    from django.core.mail import EmailMessage

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("smtp")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", broken)
        with pytest.raises(ConnectionRefusedError):
            est_week_notices_send(today=timezone.localdate())
    assert not Reminder.objects.filter(kind=EST_WEEK).exists()
    assert est_week_notices_send(today=timezone.localdate()) == 3


def _reporters_report(reporter) -> Incident:
    return Incident.objects.filter(reporter=reporter).order_by("pk").first()


def test_the_reporter_hears_what_became_of_their_report(
    agreement, coordinator, reporter, mailoutbox, client
):
    report = _reporters_report(reporter)
    year, week = current_week()
    action = est_services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=year,
        iso_week=week,
        what="Lulebo lagar staketet och sätter upp belysning",
        owner_organisation=Organisation.objects.get(slug="lulebo"),
        incidents=[report],
    )
    today = timezone.localdate()
    assert feedback_notices_send(today=today) == 1
    (mail,) = mailoutbox
    assert mail.to == [reporter.email]
    assert "Lulebo lagar staketet och sätter upp belysning – planerad" in mail.body
    assert str(report.category) in mail.body
    assert report.description not in mail.body  # the report's own text stays in Samverkan
    assert feedback_notices_send(today=today) == 0

    # The action is done the next day: the reporter hears that too, with its result.
    est_services.action_update(
        action=action, by=coordinator, status="klar", outcome="Staketet är lagat."
    )
    assert feedback_notices_send(today=today + dt.timedelta(days=1)) == 1
    assert "klar" in mailoutbox[1].body and "Staketet är lagat." in mailoutbox[1].body

    # And on the report form, under the reporter's recent reports.
    client.force_login(reporter)
    page = client.get("/handelser/ny/").content.decode()
    assert "Åtgärd: Lulebo lagar staketet och sätter upp belysning – Klar, Lulebo AB" in page


def test_nobody_hears_of_an_action_on_reports_that_are_not_theirs(
    agreement, coordinator, reporter, kommunpolis, mailoutbox
):
    year, week = current_week()
    est_services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=year,
        iso_week=week,
        what="Kameran vid torget byts",
        owner_organisation=Organisation.objects.get(slug="stadsbyggnad"),
        incidents=[Incident.objects.filter(reporter=coordinator).first()],
    )
    feedback_notices_send(today=timezone.localdate())
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_the_steering_group_reads_what_changed_before_it_meets(
    agreement, steering, coordinator, lulea_plan, mailoutbox, settings
):
    settings.SAMVERKAN_STEERING_DIGEST_DAYS = 3
    today = timezone.localdate()
    group = Group.objects.get(agreement=agreement, kind=Group.Kind.STEERING)
    Meeting.objects.create(group=group, held_on=today - dt.timedelta(days=30), title="Förra")
    meeting = Meeting.objects.create(
        group=group, held_on=today + dt.timedelta(days=2), title="Tertialmöte"
    )
    from samverkan.prevention.models import Problem

    owner = Organisation.objects.get(slug="kommunstaben")
    Problem.objects.create(
        agreement=agreement, title="Oro vid Stadsparken kvällstid", owner_organisation=owner
    )
    old = Problem.objects.create(
        agreement=agreement, title="Ett gammalt problem", owner_organisation=owner
    )
    Problem.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    # Begränsad within the kommun: the head of the police area does not read it.
    Problem.objects.create(
        agreement=agreement,
        title="Kommunens begränsade problem",
        owner_organisation=owner,
        classification="begransad",
    )

    assert steering_notices_send(today=today) == 1
    (mail,) = mailoutbox
    assert mail.to == [steering.email]
    assert "Tertialmöte" in mail.body and meeting.held_on.isoformat() in mail.body
    assert "Oro vid Stadsparken kvällstid" in mail.body
    assert "Ett gammalt problem" not in mail.body
    assert "Kommunens begränsade problem" not in mail.body
    # The 2020–2021 plan is over: every commitment without a "klar" is försenad.
    assert "Försenat (" in mail.body and "Försenat (0)" not in mail.body
    # Once per meeting, though the job runs every morning until it.
    assert steering_notices_send(today=today + dt.timedelta(days=1)) == 0
    assert steering_notices_send(today=today) == 0


def test_no_digest_for_a_meeting_beyond_the_window(agreement, mailoutbox):
    group = Group.objects.get(agreement=agreement, kind=Group.Kind.STEERING)
    Meeting.objects.create(
        group=group, held_on=timezone.localdate() + dt.timedelta(days=10), title="Senare"
    )
    assert steering_notices_send(today=timezone.localdate()) == 0


def test_the_morning_job_sends_every_kind(closed_week, mailoutbox):
    assert send_notices.call() == {"est-vecka": 3, "aterkoppling": 0, "styrgrupp": 0}


def test_the_job_is_scheduled_every_morning():
    from django.conf import settings

    assert ("15 7 * * *", "samverkan.notices.tasks.send_notices") in settings.SAMVERKAN_SCHEDULE


def test_an_unknown_kind_is_a_programming_error(coordinator):
    with pytest.raises(ValueError, match="unknown mail kind"):
        wants_mail(coordinator, "nyhetsbrev")


def test_the_user_chooses_their_mail_on_their_page(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/konto/epost/").content.decode()
    assert page.count('checked') == 4 and coordinator.email in page
    response = client.post("/konto/epost/", {"kind": [FEEDBACK, STEERING]}, follow=True)
    assert "Dina val av e-post är sparade." in response.content.decode()
    coordinator.refresh_from_db()
    assert sorted(coordinator.mail_off) == sorted(["uppfoljning", EST_WEEK])
