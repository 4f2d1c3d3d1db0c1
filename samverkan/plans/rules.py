"""Rules about plan status that pages, API and reports must agree on."""

import datetime as dt

from samverkan.plans.models import FollowUpStatus

FINISHED = {FollowUpStatus.DONE, FollowUpStatus.CANCELLED}


def effective_status(
    latest_status: str | None, due_date: dt.date | None, today: dt.date
) -> FollowUpStatus:
    """The status to show: the latest reported one, except that work past its due date
    that is neither klar nor inställd is försenad by rule, whatever was reported."""
    status = FollowUpStatus(latest_status) if latest_status else FollowUpStatus.NOT_STARTED
    if due_date is not None and due_date < today and status not in FINISHED:
        return FollowUpStatus.DELAYED
    return status


def is_due_soon(
    status: FollowUpStatus, due_date: dt.date | None, today: dt.date, days: int
) -> bool:
    """Due within `days` days from today and not yet finished."""
    if due_date is None or status in FINISHED:
        return False
    return today <= due_date <= today + dt.timedelta(days=days)
