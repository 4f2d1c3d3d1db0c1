from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.models import APIToken, User


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Skapar en API-nyckel för en användare och skriver ut den (visas bara en gång).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help=_("Vad nyckeln används till."))

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("Det finns ingen aktiv användare %(username)r.") % {"username": username}
            )
        self.stdout.write(APIToken.issue(user=user, name=name))
