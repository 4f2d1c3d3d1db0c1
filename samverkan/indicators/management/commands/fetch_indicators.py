"""`samverkan fetch-indicators [--force]`: fetch every API source (Kolada, SCB) whose
indicators are due, as the worker's scheduled refresh does. See docs/indicators.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.refresh import refresh_due_sources
from samverkan.indicators.management.commands.import_indicators import run_report


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Hämtar de indikatorer från Kolada och SCB som är aktuella att uppdatera.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Hämta alla API-indikatorer, även de som inte är aktuella."),
        )

    def handle(self, *args, force, **options):
        runs = refresh_due_sources(force=force)
        if not runs:
            self.stdout.write(_("Inga indikatorer från Kolada eller SCB var aktuella att hämta."))
            return
        reports = [f"{run.source}: {run_report(run)}" for run in runs]
        if all(run.status == ImportRun.Status.FAILED for run in runs):
            raise CommandError("\n".join(reports))
        self.stdout.write("\n".join(reports))
