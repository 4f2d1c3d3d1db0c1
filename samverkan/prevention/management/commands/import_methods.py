from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.prevention.services import DEFAULT_METHODS, load_methods


class Command(BaseCommand):
    help = "Läs in metodkatalogen (YAML) och uppdatera metoderna per kortnamn."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_METHODS))

    def handle(self, *args, path: str, **options):
        try:
            counts = load_methods(path)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(_("%(created)s nya och %(updated)s uppdaterade metoder.") % counts)
