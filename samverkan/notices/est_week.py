"""EST-veckan: when a week's meeting is closed, its participants who were not there read
what was decided — the meeting's decisions and the actions of the week — with a link to
the stored snapshot.

The participants are the current members of the agreement's EST groups. The e-mail holds no
report and no count: the decisions, and the actions as each reader may see them
(`est.access.action_list_for_user`); the picture itself stays behind the login.
"""

import datetime as dt
from collections import defaultdict

from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.mail import EST_WEEK, wants_mail
from samverkan.est.access import action_list_for_user
from samverkan.est.models import WeekMeeting
from samverkan.notices.sending import (
    LOOKBACK,
    choose_footer,
    greeting,
    last_told,
    link,
    send_once,
)
from samverkan.organisations.models import Group, Membership


def _participants(agreements: set[int], today: dt.date) -> dict:
    """Per person, the agreements in whose EST group they sit today."""
    memberships = Membership.objects.filter(
        group__agreement__in=agreements,
        group__kind=Group.Kind.EST,
        start__lte=today,
    ).filter(Q(end__isnull=True) | Q(end__gte=today)).select_related("person", "group")
    people: dict = defaultdict(set)
    for membership in memberships:
        people[membership.person].add(membership.group.agreement_id)
    return people


def _meeting_lines(person, meeting: WeekMeeting) -> list[str]:
    url = reverse("est_week", args=[meeting.agreement_id, meeting.iso_year, meeting.iso_week])
    lines = [
        "",
        _("Vecka %(week)s %(year)s – %(agreement)s")
        % {"week": meeting.iso_week, "year": meeting.iso_year, "agreement": meeting.agreement},
        link(url),
        _("Beslut:") + " " + (" ".join(meeting.decisions.split()) or _("inga antecknade")),
    ]
    actions = action_list_for_user(person).filter(
        agreement=meeting.agreement, iso_year=meeting.iso_year, iso_week=meeting.iso_week
    )
    actions = list(actions.select_related("owner_organisation", "district"))
    if actions:
        lines.append(_("Åtgärder:"))
    for action in actions:
        where = f" ({action.district})" if action.district else ""
        due = (
            " " + _("klart senast %(date)s") % {"date": action.due_date.isoformat()}
            if action.due_date
            else ""
        )
        lines.append(f"- {' '.join(action.what.split())}{where} – {action.owner_organisation}{due}")
    return lines


def est_week_message(person, meetings: list[WeekMeeting]) -> EmailMessage:
    lines = [greeting(person), "", _("EST-mötet är stängt. Det här beslutades:")]
    for meeting in meetings:
        lines += _meeting_lines(person, meeting)
    lines += ["", choose_footer()]
    weeks = ", ".join(f"v{m.iso_week}" for m in meetings)
    subject = _("Samverkan: EST-veckan %(weeks)s") % {"weeks": weeks}
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[person.email])


def est_week_notices_send(*, today: dt.date) -> int:
    """E-mail each EST participant the meetings closed since their last such e-mail."""
    closed = list(
        WeekMeeting.objects.filter(
            status=WeekMeeting.Status.CLOSED, closed_at__gte=timezone.now() - LOOKBACK
        )
        .select_related("agreement")
        .order_by("closed_at")
    )
    if not closed:
        return 0
    people = _participants({m.agreement_id for m in closed}, today)
    told = last_told(EST_WEEK, list(people))
    sent = 0
    for person, agreements in people.items():
        if not wants_mail(person, EST_WEEK):
            continue
        news = [m for m in closed if m.agreement_id in agreements and m.closed_at > told[person.pk]]
        if news and send_once(
            person=person,
            kind=EST_WEEK,
            today=today,
            items=len(news),
            message=est_week_message(person, news),
        ):
            sent += 1
    return sent
