"""Inför styrgruppens möte: a few days before each meeting of a steering group, its members
read what has changed since the group last met — the follow-ups reported (a status changed),
the goals and commitments that are försenade, and the problems the collaboration has newly
taken up — each with its link, so the meeting can start from what needs a decision.

The meetings are the steering group's `organisations.Meeting` rows. "Since the group last
met" is the previous meeting's date, or four months back (a tertial) when there is none.
Each member reads only what they may see (`plans.access`, `prevention.access`).
"""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from samverkan.core.mail import STEERING, wants_mail
from samverkan.notices.sending import choose_footer, greeting, link, send_once
from samverkan.organisations.models import Group, Meeting, Membership
from samverkan.plans.access import plan_list_for_user
from samverkan.plans.models import FollowUp, FollowUpStatus, Plan, Reminder
from samverkan.plans.selectors import plan_overview
from samverkan.prevention.access import problem_list_for_user

TERTIAL = dt.timedelta(days=122)


def _short(text: str, length: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def steering_digest_lines(person, meeting: Meeting, *, today: dt.date) -> list[str]:
    """What the member reads before ``meeting``."""
    agreement = meeting.group.agreement
    previous = (
        Meeting.objects.filter(group=meeting.group, held_on__lt=meeting.held_on)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    since = previous or meeting.held_on - TERTIAL
    plans = list(
        plan_list_for_user(person).filter(agreement=agreement, status=Plan.Status.DECIDED)
    )
    lines = [
        _("%(group)s möts %(day)s (%(title)s). Sedan %(since)s:")
        % {
            "group": meeting.group.name,
            "day": meeting.held_on.isoformat(),
            "title": meeting.title,
            "since": since.isoformat(),
        }
    ]
    follow_ups = list(
        FollowUp.objects.filter(
            Q(commitment__section__plan__in=plans) | Q(goal__section__plan__in=plans),
            reported_at__date__gte=since,
        )
        .select_related("commitment", "goal")
        .order_by("reported_at")
    )
    lines += ["", _("Rapporterad uppföljning (%(n)s):") % {"n": len(follow_ups)}]
    for follow_up in follow_ups:
        target = follow_up.commitment or follow_up.goal
        lines.append(
            f"- {follow_up.get_status_display()}: {_short(target.text)}\n"
            f"  {link(target.get_absolute_url())}"
        )
    delayed = [
        row
        for plan in plans
        for view in plan_overview(plan, today=today).sections
        for row in [*view.goals, *view.commitments]
        if row.status == FollowUpStatus.DELAYED
    ]
    lines += ["", _("Försenat (%(n)s):") % {"n": len(delayed)}]
    for row in delayed:
        lines.append(f"- {_short(row.obj.text)}\n  {link(row.obj.get_absolute_url())}")
    problems = list(
        problem_list_for_user(person)
        .filter(agreement=agreement, created_at__date__gte=since)
        .order_by("created_at")
    )
    lines += ["", _("Nya problem (%(n)s):") % {"n": len(problems)}]
    for problem in problems:
        url = reverse("prevention_problem_detail", args=[problem.pk])
        lines.append(f"- {_short(problem.title)}\n  {link(url)}")
    return lines


def steering_digest_message(person, meeting: Meeting, *, today: dt.date) -> EmailMessage:
    lines = [greeting(person), ""]
    lines += steering_digest_lines(person, meeting, today=today)
    lines += ["", choose_footer()]
    subject = _("Samverkan: inför %(group)s %(day)s") % {
        "group": meeting.group.name,
        "day": meeting.held_on.isoformat(),
    }
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[person.email])


def steering_notices_send(*, today: dt.date) -> int:
    """E-mail the members of each steering group that meets within
    SAMVERKAN_STEERING_DIGEST_DAYS, once per meeting."""
    days = settings.SAMVERKAN_STEERING_DIGEST_DAYS
    meetings = Meeting.objects.filter(
        group__kind=Group.Kind.STEERING,
        held_on__gt=today,
        held_on__lte=today + dt.timedelta(days=days),
    ).select_related("group__agreement")
    sent = 0
    for meeting in meetings:
        members = Membership.objects.filter(group=meeting.group, start__lte=meeting.held_on).filter(
            Q(end__isnull=True) | Q(end__gte=meeting.held_on)
        )
        for membership in members.select_related("person"):
            person = membership.person
            if not wants_mail(person, STEERING):
                continue
            window = meeting.held_on - dt.timedelta(days=days)
            if Reminder.objects.filter(
                person=person, kind=STEERING, day__gte=window, day__lt=meeting.held_on
            ).exists():
                continue  # already told before this meeting
            message = steering_digest_message(person, meeting, today=today)
            if send_once(person=person, kind=STEERING, today=today, items=1, message=message):
                sent += 1
    return sent
