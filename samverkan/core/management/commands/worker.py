"""`samverkan worker`: runs queued background tasks and, in the same process, the scheduler
that enqueues the periodic ones (samverkan.core.schedule).

The task loop is django-tasks-db's own `db_worker`, with all its options; this command adds
the scheduler thread and `--no-scheduler` for the extra workers of a larger installation.
SIGTERM or Ctrl+C lets a running task finish, then stops; a second one stops at once.
"""

import logging
import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.translation import gettext as _
from django_tasks_db.management.commands import db_worker

from samverkan.core.limits import mark_worker_process
from samverkan.core.schedule import scheduler_start

logger = logging.getLogger("samverkan.worker")


class Command(db_worker.Command):
    @property
    def help(self) -> str:
        return _("Kör bakgrundsjobben i kön och schemat för återkommande jobb.")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help=_("Kör bara jobben i kön; en annan worker sköter schemat."),
        )
        # db_worker reloads on code changes when DEBUG is on; a worker should not restart
        # in the middle of a task unless asked to.
        parser.set_defaults(reload=False)

    def handle(self, *args, no_scheduler: bool, reload: bool, **options) -> None:
        scheduler = None
        mark_worker_process()
        # With --reload the parent process only watches files; the child runs the tasks.
        if not no_scheduler and (not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            scheduler = scheduler_start()
        try:
            super().handle(*args, reload=reload, **options)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            logger.info("Workern har stoppats.")
