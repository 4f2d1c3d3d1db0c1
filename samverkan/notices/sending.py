"""What every notice shares: who was last told, and sending once per person and day.

A notice is recorded as a `plans.Reminder` row (person, day, kind) in the same transaction as
the e-mail is sent: a second run the same day, or a second worker at the same moment, finds
the row and sends nothing, and a failed send leaves no row, so the next run tries again. What
a notice tells is what happened since the person's last notice of the kind (at most
`LOOKBACK` back), so nothing is told twice and a morning the worker was down loses nothing.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.plans.models import Reminder

logger = logging.getLogger(__name__)

LOOKBACK = dt.timedelta(days=7)


def last_told(kind: str, people) -> dict[int, dt.datetime]:
    """Per person, when they were last sent a notice of ``kind`` (within LOOKBACK), or
    LOOKBACK ago."""
    floor = timezone.now() - LOOKBACK
    told = dict(
        Reminder.objects.filter(kind=kind, person__in=people)
        .values("person")
        .annotate(last=Max("sent_at"))
        .values_list("person", "last")
    )
    return {person.pk: max(told.get(person.pk, floor), floor) for person in people}


def send_once(*, person: User, kind: str, today: dt.date, items: int, message: EmailMessage) -> bool:
    """Send ``message`` unless ``person`` already had a notice of ``kind`` today."""
    try:
        with transaction.atomic():
            Reminder.objects.create(person=person, day=today, kind=kind, items=items)
            message.send()
    except IntegrityError:
        return False
    logger.info("Utskick %s till %s (%d poster)", kind, person.username, items)
    return True


def greeting(person: User) -> str:
    return _("Hej %(name)s!") % {"name": person.first_name or person.username}


def choose_footer() -> str:
    return _("Vilka utskick du får väljer du på %(url)s") % {
        "url": settings.SAMVERKAN_BASE_URL + "/konto/epost/"
    }


def link(path: str) -> str:
    return settings.SAMVERKAN_BASE_URL + path
