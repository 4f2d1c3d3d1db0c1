import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.lagesbild.assemble import lagesbild
from samverkan.lagesbild.disclosure import outbound_result
from samverkan.lagesbild.params import parse
from samverkan.lagesbild.text.plain import as_text
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import Agreement


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Räknar fram en lägesbild och skriver ut hela resultatet (json = samma som "
            "GET /api/lagesbild). Utan --user: bara öppna och interna rapporter."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreement", required=True, help=_("Överenskommelsens id eller kortnamn.")
        )
        parser.add_argument("--from", dest="date_from", required=True, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="ÅÅÅÅ-MM-DD")
        parser.add_argument(
            "--district",
            action="append",
            default=[],
            help=_("Område (id, kortnamn eller namn); kan upprepas."),
        )
        parser.add_argument(
            "--category", action="append", default=[], help=_("Kategori (kortnamn); kan upprepas.")
        )
        parser.add_argument("--user", default="", help=_("Räkna som den här användaren ser data."))
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = (
                User.objects.select_related("organisation")
                .filter(username=options["user"], is_active=True)
                .first()
            )
            if user is None:
                raise CommandError(
                    _("Det finns ingen aktiv användare %(username)r.")
                    % {"username": options["user"]}
                )
        data = {
            "agreement": options["agreement"],
            "from": options["date_from"],
            "to": options["date_to"],
            "district": options["district"],
            "category": options["category"],
        }
        try:
            chosen = parse(data, agreement_list_for_user(user) if user else Agreement.objects.all())
        except ValidationError as error:
            lines = [
                f"{key}: {m}" for key, messages in error.message_dict.items() for m in messages
            ]
            raise CommandError("\n".join(lines)) from None
        # The output is written to files and documents: small counts are suppressed.
        result = outbound_result(lagesbild(user=user, **chosen.kwargs()).to_dict())
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, allow_nan=False))
        else:
            self.stdout.write(as_text(result))
