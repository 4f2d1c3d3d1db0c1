"""Background tasks of plans. Thin: each calls one service.

`django_tasks` is the backport of Django 6's `django.tasks`; on Django 6 only the import
changes.
"""

from django.utils import timezone
from django_tasks import task

from samverkan.plans.reminders import follow_up_reminders_send


@task()
def send_follow_up_reminders() -> int:
    """Daily: e-mail each responsible person what is försenat or due soon. Returns e-mails sent."""
    return follow_up_reminders_send(today=timezone.localdate())
