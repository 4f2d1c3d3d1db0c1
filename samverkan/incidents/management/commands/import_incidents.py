from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.imports.models import ColumnMapping, ImportRun
from samverkan.imports.tabular import FileError, read_file, read_table
from samverkan.imports.values import DATE_FORMATS
from samverkan.incidents.importers.file_import import KIND, import_incident_file
from samverkan.incidents.importers.mapping import CRS_CHOICES, guess_mapping
from samverkan.organisations.models import Organisation

SHOWN_PROBLEMS = 20


def parse_columns(text: str) -> dict[str, str]:
    """ "occurred_from=Datum,category=Typ" → {"occurred_from": "Datum", "category": "Typ"}."""
    mapping = {}
    for part in text.split(","):
        if not part.strip():
            continue
        target, sep, header = part.partition("=")
        if not sep or not target.strip() or not header.strip():
            raise CommandError(
                _("--columns ska skrivas fält=Rubrik,fält=Rubrik; %(part)s saknar =.")
                % {"part": part.strip()}
            )
        mapping[target.strip()] = header.strip()
    return mapping


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Läser in händelserapporter från en CSV- eller XLSX-fil genom en kolumnmappning. "
            "Samma fil två gånger ändrar ingenting; felaktiga rader sparas som problem på "
            "importkörningen."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation", required=True, help=_("Den rapporterande organisationens kortnamn.")
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--mapping", help=_("Namnet på en sparad kolumnmappning."))
        group.add_argument(
            "--columns",
            help=_("Kolumnmappningen direkt: fält=Rubrik,… (t.ex. occurred_from=Datum)."),
        )
        parser.add_argument("--user", help=_("Användaren som står som rapportör."))
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help=_("Spara ingenting om någon rad har fel."),
        )
        parser.add_argument("--sheet", help=_("Bladet i en XLSX-fil (standard: det första)."))
        parser.add_argument("--date-format", choices=list(DATE_FORMATS), help=_("Datumformat."))
        parser.add_argument("--crs", choices=list(CRS_CHOICES), help=_("Koordinatsystem."))

    def handle(self, *args, file: Path, organisation: str, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(
                _("Det finns ingen organisation med kortnamnet %(slug)s.") % {"slug": organisation}
            )
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("Det finns ingen användare %(user)s.") % {"user": options["user"]}
                )
            if user.organisation_id != org.pk:
                raise CommandError(
                    _("Användaren %(user)s hör inte till %(organisation)s.")
                    % {"user": user.username, "organisation": org.name}
                )
        try:
            data = read_file(file)
        except FileError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                _("Kan inte läsa %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from None

        file_options: dict = {}
        if options["mapping"]:
            saved = ColumnMapping.objects.filter(
                kind=KIND, organisation=org, name=options["mapping"]
            ).first()
            if saved is None:
                known = ", ".join(
                    ColumnMapping.objects.filter(kind=KIND, organisation=org).values_list(
                        "name", flat=True
                    )
                )
                raise CommandError(
                    _(
                        "%(organisation)s har ingen sparad kolumnmappning %(name)s (sparade: %(known)s)."
                    )
                    % {"organisation": org.name, "name": options["mapping"], "known": known or "–"}
                )
            mapping, file_options = dict(saved.mapping), dict(saved.options)
        elif options["columns"]:
            mapping = parse_columns(options["columns"])
        else:
            try:
                headers = read_table(data, sheet=options["sheet"] or "").headers
            except FileError as exc:
                raise CommandError(str(exc)) from None
            mapping = guess_mapping(headers)
            self.stdout.write(
                _("Kolumnmappning gissad från rubrikerna: %(mapping)s")
                % {"mapping": ", ".join(f"{k}={v}" for k, v in mapping.items()) or "–"}
            )
        for key, option in (("sheet", "sheet"), ("date_format", "date_format"), ("crs", "crs")):
            if options[option]:
                file_options[key] = options[option]

        run = import_incident_file(
            data=data,
            filename=file.name,
            organisation=org,
            user=user,
            mapping=mapping,
            options=file_options,
            all_or_nothing=options["all_or_nothing"],
        )
        self.report(run)
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.message or run.get_status_display())

    def report(self, run: ImportRun) -> None:
        self.stdout.write(
            _(
                "Importkörning %(pk)s (%(status)s): %(total)d rader, %(created)d nya, "
                "%(updated)d ändrade, %(unchanged)d oförändrade, %(failed)d felaktiga."
            )
            % {
                "pk": run.pk,
                "status": run.get_status_display(),
                "total": run.rows_total,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "failed": run.failed,
            }
        )
        count = run.problems.count()
        for problem in run.problems.all()[:SHOWN_PROBLEMS]:
            self.stdout.write(
                _("  rad %(row)s, %(field)s = %(value)s: %(message)s")
                % {
                    "row": problem.row if problem.row is not None else "–",
                    "field": problem.field or "–",
                    "value": problem.value or "–",
                    "message": problem.message,
                }
            )
        if count > SHOWN_PROBLEMS:
            self.stdout.write(
                _("  … och %(n)d problem till; se importkörningen %(pk)s.")
                % {"n": count - SHOWN_PROBLEMS, "pk": run.pk}
            )
