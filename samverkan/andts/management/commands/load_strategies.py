from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.andts.services import DEFAULT_STRATEGIES, load_strategies


class Command(BaseCommand):
    help = "Läs in de nationella ANDT(S)-strategierna (YAML) och uppdatera dem per kortnamn."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_STRATEGIES))

    def handle(self, *args, path: str, **options):
        try:
            counts = load_strategies(path)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(_("%(created)s nya och %(updated)s uppdaterade strategier.") % counts)
