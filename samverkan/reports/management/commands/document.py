from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.plans.access import agreement_list_for_user
from samverkan.reports.kinds import all_kinds
from samverkan.reports.services import build, write_atomically


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Skapar ett dokument (verksamhetsplan, est-vecka, uppfoljning, lagesbild, lag-2023-196, "
            "dagordning, protokoll) direkt, utan "
            "bakgrundsjobbet, och skriver det till --output. Dokumentet visar det som "
            "--user får se."
        )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.slug for k in all_kinds()])
        parser.add_argument(
            "--agreement", required=True, help=_("Överenskommelsens id eller kortnamn.")
        )
        parser.add_argument("--plan", default=None, help=_("Planens id (annars den gällande)."))
        parser.add_argument("--meeting", default=None, help=_("Mötets id (dagordning, protokoll)."))
        parser.add_argument("--from", dest="date_from", default=None, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--to", dest="date_to", default=None, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--format", choices=["pdf", "docx", "xlsx"], default="pdf")
        parser.add_argument("--output", required=True, help=_("Filen som skrivs."))
        parser.add_argument(
            "--user", required=True, help=_("Skapa dokumentet som den här användaren ser data.")
        )

    def handle(self, *args, **options):
        user = (
            User.objects.select_related("organisation")
            .filter(username=options["user"], is_active=True)
            .first()
        )
        if user is None:
            raise CommandError(
                _("Det finns ingen aktiv användare %(username)r.") % {"username": options["user"]}
            )
        agreements = agreement_list_for_user(user)
        key = options["agreement"]
        agreement = (
            agreements.filter(pk=int(key)).first()
            if key.isdigit()
            else agreements.filter(slug=key).first()
        )
        if agreement is None:
            raise CommandError(
                _("%(user)s kan inte se någon överenskommelse %(key)r.")
                % {"user": user.username, "key": key}
            )
        parameters = {
            "plan": options["plan"],
            "from": options["date_from"],
            "to": options["date_to"],
            "meeting": options["meeting"],
        }
        try:
            built = build(
                user=user,
                agreement=agreement,
                kind=options["kind"],
                fmt=options["format"],
                parameters=parameters,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                lines = [f"{k}: {m}" for k, ms in error.message_dict.items() for m in ms]
            else:
                lines = error.messages
            raise CommandError("\n".join(lines)) from None
        except Http404:
            raise CommandError(_("Finns inte.")) from None
        output = Path(options["output"])
        write_atomically(output, built.data)
        self.stdout.write(
            _("%(kind)s skrevs till %(path)s (%(size)s byte, dataversion %(version)s).")
            % {
                "kind": options["kind"],
                "path": output,
                "size": len(built.data),
                "version": built.content.fingerprint(),
            }
        )
