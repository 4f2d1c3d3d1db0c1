"""`samverkan import-polisen FILE.json [--organisation SLUG]`: load a file in the format of
Polisen's open events API. See docs/polisen.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.imports.models import ImportRun
from samverkan.incidents.importers.polisen import PolisenPayloadError
from samverkan.incidents.importers.polisen_load import (
    PolisenSetupError,
    import_polisen,
    police_organisation,
    run_summary,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Importerar händelser i formatet från Polisens öppna API (JSON) för de kommuner "
            "polisorganisationen samverkar i."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("JSON-fil med en lista av händelser."))
        parser.add_argument(
            "--organisation",
            default=None,
            help=_("Polisorganisationens kortnamn (behövs bara om det finns flera)."),
        )

    def handle(self, *args, file: str, organisation: str | None, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Kan inte läsa %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from None
        try:
            run = import_polisen(
                raw, organisation=police_organisation(organisation), filename=path.name
            )
        except (PolisenPayloadError, PolisenSetupError) as exc:
            raise CommandError(
                _("%(file)s importerades inte: %(error)s") % {"file": file, "error": exc}
            ) from None
        self.stdout.write(run_summary(run))
        problems = list(run.problems.all()[:20])
        for problem in problems:
            self.stdout.write(
                _("  rad %(row)s: %(message)s") % {"row": problem.row, "message": problem.message}
            )
        if run.failed > len(problems):
            self.stdout.write(_("  … och fler; se importkörning %(pk)s.") % {"pk": run.pk})
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.message)
