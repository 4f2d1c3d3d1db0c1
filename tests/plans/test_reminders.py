"""The daily follow-up reminder: who gets which e-mail, and never twice a day."""

import datetime as dt

import pytest

from samverkan.plans.models import Commitment, Goal, Plan, Reminder
from samverkan.plans.reminders import follow_up_reminders_send
from samverkan.plans.tasks import send_follow_up_reminders

# In the Luleå demo on this day: goal 2.1 is försenad, the commitments of sections 3 and 5
# (nobody responsible) and 6.2 (beredningsgruppen) are due within 30 days.
TODAY = dt.date(2020, 12, 1)
BASE_URL = "https://samverkan.example.se"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.SAMVERKAN_BASE_URL = BASE_URL
    settings.SAMVERKAN_DUE_SOON_DAYS = 30


def _commitment(plan: Plan, number: str) -> Commitment:
    return Commitment.objects.get(section__plan=plan, section__number=number)


def _mail_to(mailoutbox, user):
    mails = [m for m in mailoutbox if m.to == [user.email]]
    assert len(mails) == 1, [m.to for m in mailoutbox]
    return mails[0]


def _link(obj) -> str:
    return BASE_URL + obj.get_absolute_url()


def test_it_emails_the_appointed_persons_every_item_in_one_message(
    lulea_plan, kommunpolis, coordinator, mailoutbox
):
    lagesbild = _commitment(lulea_plan, "6.2")
    budget = _commitment(lulea_plan, "3")
    lagesbild.responsible_persons.add(kommunpolis)
    budget.responsible_persons.add(kommunpolis)

    follow_up_reminders_send(today=TODAY)

    mail = _mail_to(mailoutbox, kommunpolis)
    assert mail.subject == "Samverkan: 2 att följa upp"
    assert mail.body.startswith("Hej Kim!\n")
    assert "Styrgruppens verksamhetsplan 2020–2021\n" + _link(lulea_plan) in mail.body
    assert "- Förfaller snart (senast 2020-12-31): Åtagande – " in mail.body
    assert _link(lagesbild) in mail.body
    assert _link(budget) in mail.body
    # An appointed person takes over from the group's sammankallande.
    assert not [m for m in mailoutbox if m.to == [coordinator.email]]


def test_it_falls_back_to_the_convener_of_the_responsible_group(
    lulea_plan, coordinator, mailoutbox
):
    follow_up_reminders_send(today=TODAY)

    mail = _mail_to(mailoutbox, coordinator)
    assert mail.body.count("\n- ") == 1
    assert _link(_commitment(lulea_plan, "6.2")) in mail.body


def test_it_sends_goals_and_unowned_commitments_to_the_chair_of_the_styrgrupp(
    lulea_plan, steering, mailoutbox
):
    follow_up_reminders_send(today=TODAY)

    mail = _mail_to(mailoutbox, steering)
    goal = Goal.objects.get(section__plan=lulea_plan, due_date=dt.date(2020, 10, 31))
    assert "- Försenad (senast 2020-10-31): Mål – " in mail.body
    assert _link(goal) in mail.body
    assert _link(_commitment(lulea_plan, "3")) in mail.body
    assert _link(_commitment(lulea_plan, "5")) in mail.body
    # Klar (6.1) and later work (6.3, due in March) are left out.
    assert _link(_commitment(lulea_plan, "6.1")) not in mail.body
    assert _link(_commitment(lulea_plan, "6.3")) not in mail.body


def test_it_sends_nothing_the_second_time_the_same_day(demo, mailoutbox):
    first = follow_up_reminders_send(today=TODAY)
    assert first == len(mailoutbox) == 2

    assert follow_up_reminders_send(today=TODAY) == 0

    assert len(mailoutbox) == 2
    assert Reminder.objects.filter(day=TODAY).count() == 2
    assert follow_up_reminders_send(today=TODAY + dt.timedelta(days=1)) == 2


def test_it_sends_a_failed_reminder_on_the_next_run(demo, mailoutbox, monkeypatch):
    def fail(self, fail_silently=False):
        raise ConnectionRefusedError("no mail server")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", fail)
        with pytest.raises(ConnectionRefusedError):
            follow_up_reminders_send(today=TODAY)
    assert Reminder.objects.count() == 0

    assert follow_up_reminders_send(today=TODAY) == 2


def test_it_sends_nothing_for_drafts(demo, mailoutbox):
    Plan.objects.update(status=Plan.Status.DRAFT)

    assert follow_up_reminders_send(today=TODAY) == 0
    assert mailoutbox == []


def test_it_skips_people_without_an_email_address_or_account(coordinator, steering, mailoutbox):
    coordinator.email = ""
    coordinator.save()
    steering.is_active = False
    steering.save()

    assert follow_up_reminders_send(today=TODAY) == 0


def test_the_task_sends_todays_reminders(demo, mailoutbox, settings):
    # Run inline, as TASKS_BACKEND=immediate does. Today, long after the demo plan ended,
    # everything not klar is försenad.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = send_follow_up_reminders.enqueue()

    assert result.status == "SUCCESSFUL"
    assert result.return_value == len(mailoutbox) == 2
    assert all(m.subject.startswith("Samverkan: ") for m in mailoutbox)
