import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import APIToken, User


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Skapar en API-nyckel för en användare och skriver ut den (visas bara en gång).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help=_("Vad nyckeln används till."))
        parser.add_argument(
            "--days", type=int, default=None, help=_("Hur många dagar nyckeln gäller.")
        )

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("Det finns ingen aktiv användare %(username)r.") % {"username": username}
            )
        expires_at = None
        if days is not None:
            if days < 1:
                raise CommandError(_("--days ska vara minst 1."))
            expires_at = timezone.now() + dt.timedelta(days=days)
        self.stdout.write(APIToken.issue(user=user, name=name, expires_at=expires_at))
