"""Påminnelser: the daily e-mail to each person responsible for follow-up that is due.

What counts as försenad or due soon is decided once, by `plan_overview` and the rules
behind it; this module only decides who hears about it and sends one e-mail per person
and day.

Who is responsible:
- a commitment: its utsedda tjänstepersoner; when it has none, the ordförande and
  sammankallande of its responsible groups;
- a goal, or a commitment with nobody found above: the ordförande and sammankallande of
  the agreement's styrgrupp, which owns the plan. Goals carry no Ansvar of their own, and
  work that nobody is reminded of is exactly what falls behind.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from samverkan.core.mail import FOLLOW_UP, wants_mail
from samverkan.core.models import User
from samverkan.organisations.models import Group, Membership
from samverkan.plans.models import Commitment, FollowUpStatus, Plan, Reminder
from samverkan.plans.selectors import Row, plan_overview

logger = logging.getLogger(__name__)

LEADING_ROLES = [Membership.Role.CHAIR, Membership.Role.CONVENER]


@dataclass
class ReminderItem:
    """One goal or commitment to remind about, as it appears in the e-mail."""

    plan: Plan
    row: Row

    @property
    def overdue(self) -> bool:
        return self.row.status == FollowUpStatus.DELAYED

    @property
    def url(self) -> str:
        return settings.SAMVERKAN_BASE_URL + self.row.obj.get_absolute_url()


def _leaders(*, today: dt.date, groups: set[int], agreements: set[int]) -> list[Membership]:
    """Current ordförande and sammankallande of the given groups and of the agreements'
    styrgrupper, in one query."""
    if not groups and not agreements:
        return []
    return list(
        Membership.objects.filter(
            Q(group__in=groups)
            | Q(group__agreement__in=agreements, group__kind=Group.Kind.STEERING),
            role__in=LEADING_ROLES,
            start__lte=today,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("person", "group")
    )


def follow_up_reminder_items(*, today: dt.date) -> dict[User, list[ReminderItem]]:
    """Per person, the goals and commitments of decided plans that are försenade or due
    within SAMVERKAN_DUE_SOON_DAYS. Only active users with an e-mail address are included."""
    pending: list[ReminderItem] = []
    for plan in Plan.objects.filter(status=Plan.Status.DECIDED).select_related("agreement"):
        for view in plan_overview(plan, today=today).sections:
            for row in view.goals + view.commitments:
                if row.status == FollowUpStatus.DELAYED or row.due_soon:
                    pending.append(ReminderItem(plan=plan, row=row))

    groups = {g.pk for item in pending if not item.row.persons for g in item.row.groups}
    agreements = {item.plan.agreement_id for item in pending}
    group_leaders: dict[int, list[User]] = defaultdict(list)
    steering_leaders: dict[int, list[User]] = defaultdict(list)
    for membership in _leaders(today=today, groups=groups, agreements=agreements):
        group_leaders[membership.group_id].append(membership.person)
        if membership.group.kind == Group.Kind.STEERING:
            steering_leaders[membership.group.agreement_id].append(membership.person)

    by_person: dict[User, list[ReminderItem]] = defaultdict(list)
    for item in pending:
        recipients = item.row.persons or [p for g in item.row.groups for p in group_leaders[g.pk]]
        if not recipients:
            recipients = steering_leaders[item.plan.agreement_id]
        for person in {p.pk: p for p in recipients}.values():
            if person.is_active and person.email:
                by_person[person].append(item)
    return dict(by_person)


def _item_line(item: ReminderItem) -> str:
    label = _("Försenad") if item.overdue else _("Förfaller snart")
    obj = item.row.obj
    if obj.due_date:
        label += " " + _("(senast %(date)s)") % {"date": obj.due_date.isoformat()}
    kind = _("Åtagande") if isinstance(obj, Commitment) else _("Mål")
    text = " ".join(obj.text.split())
    if len(text) > 120:
        text = text[:119] + "…"
    return f"- {label}: {kind} – {text}\n  {item.url}"


def follow_up_reminder_message(*, person: User, items: list[ReminderItem]) -> EmailMessage:
    """The e-mail to one person: the items grouped per plan, each with its link."""
    lines = [
        _("Hej %(name)s!") % {"name": person.first_name or person.username},
        "",
        _("Det här behöver följas upp i Samverkan:"),
    ]
    plans: dict[int, list[ReminderItem]] = defaultdict(list)
    for item in items:
        plans[item.plan.pk].append(item)
    for plan_items in plans.values():
        plan = plan_items[0].plan
        lines += ["", f"{plan.title}", f"{settings.SAMVERKAN_BASE_URL}{plan.get_absolute_url()}"]
        lines += [_item_line(item) for item in plan_items]
    lines += [
        "",
        _(
            "Du får det här brevet för att du är ansvarig för åtagandena ovan, eller "
            "ordförande eller sammankallande i en ansvarig grupp. Rapportera uppföljning "
            "på sidan för varje åtagande eller mål."
        ),
    ]
    subject = _("Samverkan: %(count)s att följa upp") % {"count": len(items)}
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[person.email])


def follow_up_reminders_send(*, today: dt.date) -> int:
    """Send today's follow-up reminders; returns how many e-mails were sent.

    At most one e-mail per person and day: a person already reminded today is skipped, and
    the record is written in the same transaction as the e-mail is sent, so a failed send
    is retried on the next run and two workers cannot both send.
    """
    reminded = set(
        Reminder.objects.filter(day=today, kind=Reminder.Kind.FOLLOW_UP).values_list(
            "person_id", flat=True
        )
    )
    sent = 0
    for person, items in follow_up_reminder_items(today=today).items():
        if person.pk in reminded or not wants_mail(person, FOLLOW_UP):
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    person=person, day=today, kind=Reminder.Kind.FOLLOW_UP, items=len(items)
                )
                follow_up_reminder_message(person=person, items=items).send()
        except IntegrityError:
            continue  # another worker reminded this person a moment ago
        sent += 1
        logger.info("Påminnelse skickad till %s (%d poster)", person.username, len(items))
    return sent
