from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.analysis.geo import is_wgs84
from samverkan.places.districtfile import DistrictFileInvalid, parse_district_file
from samverkan.places.models import Municipality
from samverkan.places.services import districts_import


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Läser in områdesgränser från en GeoJSON-fil (FeatureCollection) för en kommun. "
            "Allt eller inget; samma fil två gånger ändrar ingenting."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--municipality", required=True, help=_("Kommunkoden, t.ex. 2580 för Luleå.")
        )
        parser.add_argument(
            "--name-property",
            default=None,
            help=_("Egenskapen som håller områdets namn (standard: name, namn, NAME …)."),
        )
        parser.add_argument(
            "--source",
            default=None,
            help=_('Varifrån gränserna kommer, t.ex. "Luleå kommun, Nyko 4, 2024".'),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("Ta bort kommunens områden som inte finns i filen."),
        )

    def handle(
        self, *args, file: Path, municipality: str, name_property, source, replace, **options
    ):
        target = Municipality.objects.filter(code=municipality).first()
        if target is None:
            known = ", ".join(f"{m.code} {m.name}" for m in Municipality.objects.all()) or "–"
            raise CommandError(
                _("Det finns ingen kommun med kommunkod %(code)s (kända: %(known)s).")
                % {"code": municipality, "known": known}
            )
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Kan inte läsa %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from None
        try:
            parsed = parse_district_file(raw, name_property=name_property)
        except DistrictFileInvalid as exc:
            lines = [_("Områdena lästes inte in, inget sparades:")]
            if exc.crs and not is_wgs84(exc.crs):
                lines.append("  " + self._crs_note(exc.crs, exc.crs_guessed))
            lines += [f"  {file}: {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from None

        if not is_wgs84(parsed.crs):
            self.stdout.write(self._crs_note(parsed.crs, parsed.crs_guessed))
        result = districts_import(
            municipality=target,
            districts=parsed.districts,
            source=source or _("Inläst från %(file)s") % {"file": file.name},
            replace=replace,
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(municipality)s (%(code)s): %(created)d nya, %(updated)d ändrade, "
                    "%(unchanged)d oförändrade och %(removed)d borttagna områden; "
                    "%(moved)d platser bytte område."
                )
                % {
                    "municipality": target.name,
                    "code": target.code,
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": len(result.unchanged),
                    "removed": len(result.removed),
                    "moved": result.places_moved,
                }
            )
        )
        if result.kept:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Dessa områden finns kvar men inte i filen: %(names)s. "
                        "Kör med --replace för att ta bort dem."
                    )
                    % {"names": ", ".join(result.kept)}
                )
            )

    def _crs_note(self, crs: str, guessed: bool) -> str:
        if guessed:
            return _(
                "Filen anger inget koordinatsystem och koordinaterna är inte grader: de lästes "
                "som SWEREF 99 TM (%(crs)s) och räknades om till WGS 84."
            ) % {"crs": crs}
        return _("Koordinaterna lästes som %(crs)s och räknades om till WGS 84.") % {"crs": crs}
