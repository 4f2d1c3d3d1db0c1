"""`samverkan import-indicators --source kolada|scb|bra|generic|survey [FILE] …`:
import indicator observations once. See docs/indicators.md ("Importers")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.bra import import_bra
from samverkan.indicators.importers.generic import import_generic
from samverkan.indicators.importers.kolada import import_kolada
from samverkan.indicators.importers.scb import import_population
from samverkan.indicators.importers.survey import import_survey
from samverkan.indicators.importers.values import parse_years

SOURCES = ["kolada", "scb", "bra", "generic", "survey"]
FILE_SOURCES = {"bra", "generic", "survey"}


def run_report(run: ImportRun, limit: int = 20) -> str:
    lines = [f"{run.get_status_display()}: {run.message}"]
    for problem in run.problems.all()[:limit]:
        if problem.row is None and problem.message in run.message:
            continue  # already said in the summary
        where = _("rad %(row)s") % {"row": problem.row} if problem.row else ""
        field = f" [{problem.field}]" if problem.field else ""
        lines.append(f"  {where}{field}: {problem.message}".replace("  : ", "  "))
    more = run.problems.count() - limit
    if more > 0:
        lines.append(
            _("  … och %(n)d problem till (se importkörning %(id)s).") % {"n": more, "id": run.pk}
        )
    return "\n".join(lines)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Läser in indikatorvärden: från Kolada eller SCB (över nätet) eller från en fil "
            "(Brå-tabell, långt format med kolumnmappning, trygghetsmätning)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=SOURCES, help=_("Källa."))
        parser.add_argument("file", nargs="?", help=_("Filen (.xlsx eller .csv) för filkällor."))
        parser.add_argument(
            "--kpi",
            nargs="+",
            action="extend",
            default=None,
            help=_("Koladas KPI-id, t.ex. N07403 (flera går bra)."),
        )
        parser.add_argument(
            "--municipality",
            action="append",
            default=None,
            help=_("Kommunkod, t.ex. 2580 (kan upprepas). Standard: 2580."),
        )
        parser.add_argument("--years", default=None, help=_("År, t.ex. 2019-2023 eller 2021,2022."))
        parser.add_argument(
            "--mapping",
            default=None,
            help=_("Kolumnmappning: en JSON-fil eller namnet på en sparad mappning."),
        )
        parser.add_argument("--sheet", default=None, help=_("Excelblad (standard: det första)."))
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help=_("Läs inte in något om någon rad har fel."),
        )
        parser.add_argument("--user", default=None, help=_("Användarnamn som står som importör."))

    def handle(
        self,
        *args,
        source,
        file,
        kpi,
        municipality,
        years,
        mapping,
        sheet,
        all_or_nothing,
        user,
        **options,
    ):
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("Användaren ”%(user)s” finns inte.") % {"user": user})
        try:
            year_list = parse_years(years) if years else []
        except ValueError as error:
            raise CommandError(str(error)) from None
        municipalities = municipality or ["2580"]
        if source in FILE_SOURCES:
            if not file:
                raise CommandError(_("Ange filen som ska läsas in."))
            path = Path(file)
            if not path.is_file():
                raise CommandError(_("Filen ”%(file)s” finns inte.") % {"file": file})
            data = path.read_bytes()
            if source == "bra":
                if len(year_list) > 1:
                    raise CommandError(_("En Brå-tabell gäller ett år: ange högst ett år."))
                run = import_bra(
                    data,
                    path.name,
                    year=year_list[0] if year_list else None,
                    user=account,
                    sheet=sheet,
                )
            elif source == "generic":
                run = import_generic(
                    data, path.name, mapping=mapping, user=account, all_or_nothing=all_or_nothing
                )
            else:
                run = import_survey(data, path.name, municipality=municipalities[0], user=account)
        else:
            if file:
                raise CommandError(
                    _("%(source)s hämtas över nätet och läser ingen fil.") % {"source": source}
                )
            if not year_list:
                raise CommandError(_("Ange år med --years, t.ex. --years 2019-2023."))
            if source == "kolada":
                run = import_kolada(
                    kpi, municipalities=municipalities, years=year_list, user=account
                )
            else:
                run = import_population(municipalities, year_list, user=account)
        report = run_report(run)
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(report)
        self.stdout.write(report)
