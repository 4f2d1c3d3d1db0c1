from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.backup import BackupError, restore


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Ersätter databasen och filerna med innehållet i en säkerhetskopia från "
            "`samverkan backup` (docs/operations.md)."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help=_("Fråga inte: ersätt utan bekräftelse.")
        )

    def handle(self, *args, file: Path, yes: bool, **options):
        if not yes:
            answer = input(
                _(
                    "Allt i databasen och bland filerna ersätts med %(path)s. Skriv ja för att fortsätta: "
                )
                % {"path": file}
            )
            if answer.strip().lower() != "ja":
                raise CommandError(_("Avbrutet: inget ändrades."))
        try:
            manifest = restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Återläst från %(path)s (gjord %(created)s): %(tables)s tabeller, "
                "antalet rader stämmer i alla."
            )
            % {"path": file, "created": manifest["created_at"], "tables": len(manifest["tables"])}
        )
