"""The demo's decisions go the way every decision goes: a meeting of the agreement's
styrgrupp on the day, and a decision recorded in its minutes (`meetings.services`)."""

import datetime as dt

from samverkan.core.models import User
from samverkan.meetings.services import decision_record
from samverkan.organisations.models import Decision, Group, Meeting


def decide_at_meeting(*, by: User, agreement, held_on: dt.date, target, text: str = "") -> Decision:
    steering = Group.objects.get(agreement=agreement, kind=Group.Kind.STEERING)
    meeting, _created = Meeting.objects.get_or_create(
        group=steering, held_on=held_on, defaults={"title": "Styrgruppsmöte"}
    )
    return decision_record(by=by, meeting=meeting, text=text, target=target)
