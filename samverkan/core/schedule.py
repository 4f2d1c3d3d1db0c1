"""Periodic jobs: which task the scheduler in `samverkan worker` enqueues, and when.

The scheduler only enqueues; a worker runs the task like any other, so a periodic job is
logged, retried and recorded in the same way as one a page enqueued. Times are cron
expressions in TIME_ZONE (Europe/Stockholm), so 07:00 stays 07:00 across daylight saving.
The jobs are listed in settings.SAMVERKAN_SCHEDULE.
"""

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# (cron expression, dotted path of a task): settings.SAMVERKAN_SCHEDULE, where the apps' tasks
# are named, so that core names no app.
SCHEDULE: list[tuple[str, str]] = list(settings.SAMVERKAN_SCHEDULE)


def enqueue_scheduled(path: str) -> None:
    try:
        result = import_string(path).enqueue()
        logger.info("Schemat köade %s (id %s)", path, result.id)
    finally:
        # APScheduler runs this in a thread of its own; close its connection like a request.
        close_old_connections()


def scheduler_start(schedule: list[tuple[str, str]] = SCHEDULE) -> BackgroundScheduler:
    """Start a scheduler thread that enqueues each task at its times."""
    scheduler = BackgroundScheduler(
        timezone=settings.TIME_ZONE,
        # A worker busy or paused at 07:00 still enqueues once when it catches up, within
        # an hour; several missed runs become one.
        job_defaults={"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1},
    )
    for crontab, path in schedule:
        import_string(path)  # fail at start, not at 07:00, on a misspelt path
        scheduler.add_job(
            enqueue_scheduled,
            CronTrigger.from_crontab(crontab, timezone=settings.TIME_ZONE),
            args=[path],
            id=path,
            name=path,
        )
    scheduler.start()
    for job in scheduler.get_jobs():
        logger.info("Schemalagt: %s, nästa gång %s", job.name, job.next_run_time)
    return scheduler
