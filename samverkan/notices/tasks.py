"""Background tasks of the notices. Thin: each calls one service."""

from django.utils import timezone
from django_tasks import task

from samverkan.notices.est_week import est_week_notices_send
from samverkan.notices.feedback import feedback_notices_send
from samverkan.notices.steering import steering_notices_send


@task()
def send_notices() -> dict[str, int]:
    """Every morning: the closed EST weeks, the återkoppling to reporters and the steering
    groups' digests. Returns the e-mails sent per kind."""
    today = timezone.localdate()
    return {
        "est-vecka": est_week_notices_send(today=today),
        "aterkoppling": feedback_notices_send(today=today),
        "styrgrupp": steering_notices_send(today=today),
    }
