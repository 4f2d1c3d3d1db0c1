from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.backup import BackupError, backup


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Skriver en säkerhetskopia av databasen och de uppladdade och skapade filerna till "
            "en fil (docs/operations.md)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help=_("Filen att skriva."))

    def handle(self, *args, output: Path, **options):
        try:
            manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            _("Säkerhetskopia skriven till %(path)s: %(tables)s tabeller, %(rows)s rader.")
            % {"path": output, "tables": len(manifest["tables"]), "rows": rows}
        )
