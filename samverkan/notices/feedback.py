"""Återkoppling: what became of the places and situations a reporter reported.

When an action decided at the EST meeting is linked to someone's report (or changes status,
or gets its result written), the reporter hears of it the next morning: their report (its
category, place and day, never its text), the action, its status, who owns it and what came
of it. People in the field see that reporting matters. The same is shown under "Mina
senaste rapporter" on the report form.
"""

import datetime as dt
from collections import defaultdict

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.mail import FEEDBACK, wants_mail
from samverkan.core.models import User
from samverkan.est.access import action_list_for_user
from samverkan.est.models import Action
from samverkan.notices.sending import (
    LOOKBACK,
    choose_footer,
    greeting,
    last_told,
    link,
    send_once,
)


def _where(incident) -> str:
    return str(incident.place or incident.district or incident.municipality or "")


def feedback_lines(person, actions: list[Action]) -> list[str]:
    lines = []
    for action in actions:
        reports = [i for i in action.incidents.all() if i.reporter_id == person.pk]
        for incident in reports:
            lines.append(
                _("Din rapport %(day)s (%(category)s, %(where)s):")
                % {
                    "day": timezone.localtime(incident.occurred_from).date().isoformat(),
                    "category": incident.category,
                    "where": _where(incident),
                }
            )
        lines.append(
            "  "
            + _("Åtgärd: %(what)s – %(status)s, ansvarig %(owner)s.")
            % {
                "what": " ".join(action.what.split()),
                "status": action.get_status_display().lower(),
                "owner": action.owner_organisation,
            }
        )
        if action.outcome:
            lines.append("  " + _("Resultat: %(text)s") % {"text": " ".join(action.outcome.split())})
    return lines


def feedback_message(person, actions: list[Action]) -> EmailMessage:
    lines = [greeting(person), "", _("Det här har hänt med det du rapporterat:"), ""]
    lines += feedback_lines(person, actions)
    lines += [
        "",
        _("Dina senaste rapporter och deras åtgärder: %(url)s")
        % {"url": link(reverse("incident_create"))},
        "",
        choose_footer(),
    ]
    subject = _("Samverkan: återkoppling på dina rapporter")
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[person.email])


def feedback_notices_send(*, today: dt.date) -> int:
    """E-mail each reporter the actions on their reports that changed since the last time."""
    changed = (
        Action.objects.filter(updated_at__gte=timezone.now() - LOOKBACK)
        .filter(incidents__reporter__isnull=False)
        .distinct()
    )
    reporters: dict = defaultdict(set)
    for action_id, reporter in changed.values_list("pk", "incidents__reporter"):
        reporters[reporter].add(action_id)
    if not reporters:
        return 0
    people = list(User.objects.filter(pk__in=reporters))
    told = last_told(FEEDBACK, people)
    sent = 0
    for person in people:
        if not wants_mail(person, FEEDBACK):
            continue
        actions = list(
            action_list_for_user(person)
            .filter(pk__in=reporters[person.pk], updated_at__gt=told[person.pk])
            .select_related("owner_organisation")
            .prefetch_related(
                "incidents__category",
                "incidents__place",
                "incidents__district",
                "incidents__municipality",
            )
            .order_by("updated_at")
        )
        if actions and send_once(
            person=person,
            kind=FEEDBACK,
            today=today,
            items=len(actions),
            message=feedback_message(person, actions),
        ):
            sent += 1
    return sent
