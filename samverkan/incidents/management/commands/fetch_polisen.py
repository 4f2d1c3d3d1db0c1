"""`samverkan fetch-polisen [--enable] [--organisation SLUG]`: fetch Polisen's latest events
once, under the same rate rules as the scheduled fetch. See docs/polisen.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.imports.models import ImportRun
from samverkan.incidents.importers import polisen_fetch
from samverkan.incidents.importers.polisen_load import (
    PolisenSetupError,
    police_organisation,
    run_summary,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Hämtar de senaste händelserna från Polisens öppna API en gång (oavsett "
            "SAMVERKAN_POLISEN_FETCH), inom Polisens regler för antal anrop."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enable",
            action="store_true",
            help=_("Aktivera hämtningen igen efter att den stoppats av ett 404-svar."),
        )
        parser.add_argument(
            "--organisation", default=None, help=_("Polisorganisationens kortnamn.")
        )

    def handle(self, *args, enable: bool, organisation: str | None, **options):
        if enable:
            stopped = polisen_fetch.enable(by="fetch-polisen --enable")
            if stopped is None:
                self.stdout.write(_("Hämtningen var inte stoppad."))
            else:
                self.stdout.write(_("Hämtningen är aktiverad igen."))
            return
        try:
            result = polisen_fetch.fetch(
                organisation=police_organisation(organisation) if organisation else None,
                wait_for_rules=10,
            )
        except (polisen_fetch.FetchRefused, PolisenSetupError) as exc:
            raise CommandError(str(exc)) from None
        run = result.run
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.message)
        self.stdout.write(run_summary(run))
