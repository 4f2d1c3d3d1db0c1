from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.models import APIToken


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Återkallar API-nycklar: en nyckel (hela nyckeln eller dess början, som sidan "
            "Mina API-nycklar visar) eller alla en användares med --user."
        )

    def add_arguments(self, parser):
        parser.add_argument("key", nargs="?", help=_("Nyckeln eller dess första 8 tecken."))
        parser.add_argument("--user", help=_("Återkalla alla nycklar för den här användaren."))

    def handle(self, *args, key: str | None, user: str | None, **options):
        if bool(key) == bool(user):
            raise CommandError(_("Ange antingen en nyckel eller --user ANVÄNDARE."))
        tokens = APIToken.objects.filter(revoked_at__isnull=True)
        if user:
            tokens = tokens.filter(user__username=user)
        elif key.startswith("sv_") and len(key) > 8:
            tokens = tokens.filter(key_hash=APIToken.hash(key))
        else:
            tokens = tokens.filter(prefix=key[:8])
        found = list(tokens)
        if not found:
            raise CommandError(_("Ingen giltig nyckel hittades att återkalla."))
        if key and len(found) > 1:
            raise CommandError(
                _("%(n)s nycklar börjar med %(prefix)s; ange hela nyckeln.")
                % {"n": len(found), "prefix": key[:8]}
            )
        for token in found:
            token.revoke()
        self.stdout.write(
            _("%(n)s nyckel/nycklar återkallade: %(which)s")
            % {"n": len(found), "which": ", ".join(f"{t.prefix}… ({t.user})" for t in found)}
        )
