from django.core.management.base import BaseCommand, CommandError

from samverkan.core.models import APIToken, User


class Command(BaseCommand):
    help = "Skapar en API-nyckel för en användare och skriver ut den (visas bara en gång)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Vad nyckeln används till.")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Det finns ingen aktiv användare {username!r}.")
        self.stdout.write(APIToken.issue(user=user, name=name))
