from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samverkan.core.retention import gallring


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Gallrar enligt reglerna SAMVERKAN_RETENTION_*: gamla rapporters beskrivningar "
            "eller rapporterna, åtkomstloggen och historiken (docs/security.md)."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Räkna bara, ändra ingenting.")
        )

    def handle(self, *args, dry_run: bool, **options):
        counts = gallring(dry_run=dry_run)
        heading = _("Skulle gallras:") if dry_run else _("Gallrat:")
        self.stdout.write(heading)
        if not counts:
            self.stdout.write("  " + _("inga regler är på"))
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(_("Totalt: %(n)s rader.") % {"n": sum(counts.values())})
