"""The column mapping of an incident file: the target fields a column can fill, the guess
from the headers, the check that a mapping fits the file, and the file's options.

A mapping sends a target field (`TARGET_FIELDS`) to a column header; `Lookups` holds the
names a file may use for categories, districts and places (read by `file_import`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.imports.tabular import FileError
from samverkan.imports.values import DATE_FORMATS, key

TARGET_FIELDS = {
    "external_id": gettext_lazy("Externt id"),
    "occurred_from": gettext_lazy("Datum (ev. med klockslag)"),
    "time": gettext_lazy("Klockslag"),
    "occurred_to": gettext_lazy("Slut (datum, ev. med klockslag)"),
    "category": gettext_lazy("Kategori"),
    "description": gettext_lazy("Beskrivning"),
    "district": gettext_lazy("Område"),
    "place": gettext_lazy("Plats"),
    "lat": gettext_lazy("Latitud eller N (norrkoordinat)"),
    "lon": gettext_lazy("Longitud eller E (östkoordinat)"),
    "severity": gettext_lazy("Allvarlighet (1–3 eller låg/medel/hög)"),
    "creates_insecurity": gettext_lazy("Skapar otrygghet (ja/nej)"),
    "place_type": gettext_lazy("Typ av plats (offentlig/halvoffentlig)"),
    "classification": gettext_lazy("Klassning (öppen/intern/begränsad)"),
    "cost_sek": gettext_lazy("Kostnad (kr)"),
}
REQUIRED_FIELDS = ("occurred_from", "category")

CRS_CHOICES = {
    "wgs84": gettext_lazy("WGS 84 (latitud/longitud i grader)"),
    "sweref99tm": gettext_lazy("SWEREF 99 TM (N/E i meter)"),
}

# Header names (casefolded, spaces collapsed) that are taken as a target field when nobody
# chose. X/Y are ambiguous in Sweden (surveyors write X for north): the swap check of the
# coordinates catches the other reading.
HEADER_GUESSES = {
    "external_id": ["id", "externt id", "ärendenummer", "ärende", "löpnummer", "nr", "rapport-id"],
    "occurred_from": ["datum", "date", "tidpunkt", "datum och tid", "när", "inträffade", "start"],
    "time": ["tid", "klockslag", "klockan", "kl", "time"],
    "occurred_to": ["slut", "till", "slutdatum", "sluttid"],
    "category": ["kategori", "typ", "händelsetyp", "händelse", "category"],
    "description": ["beskrivning", "text", "kommentar", "fritext", "description"],
    "district": ["område", "omrade", "stadsdel", "district"],
    "place": ["plats", "platsnamn", "adress", "place"],
    "lat": ["lat", "latitud", "latitude", "n", "nord", "norr", "northing", "y"],
    "lon": ["lon", "lng", "long", "longitud", "longitude", "e", "öst", "ost", "easting", "x"],
    "severity": ["allvarlighet", "allvarlighetsgrad", "grad"],
    "creates_insecurity": ["skapar otrygghet", "otrygghet", "otryggt"],
    "place_type": ["typ av plats", "platstyp"],
    "classification": ["klassning", "klassificering", "informationsklass"],
    "cost_sek": ["kostnad", "kostnad (kr)", "kostnad kr", "belopp", "saneringskostnad"],
}


@dataclass
class Lookups:
    """Casefolded names → keys. Categories by name or slug → slug; `type_mappings` is the
    SourceTypeMapping table of source "file" (source type → slug); districts and places by
    name → every key that carries the name (more than one is ambiguous)."""

    categories: dict[str, str] = field(default_factory=dict)
    type_mappings: dict[str, str] = field(default_factory=dict)
    districts: dict[str, list[Any]] = field(default_factory=dict)
    places: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    date_format: str = "auto"
    crs: str = "wgs84"
    sheet: str = ""

    @classmethod
    def from_dict(cls, options: dict | None) -> Options:
        options = options or {}
        date_format = options.get("date_format") or "auto"
        crs = options.get("crs") or "wgs84"
        if date_format not in DATE_FORMATS:
            raise FileError(
                _("Okänt datumformat %(value)s; välj ett av %(choices)s.")
                % {"value": date_format, "choices": ", ".join(DATE_FORMATS)}
            )
        if crs not in CRS_CHOICES:
            raise FileError(
                _("Okänt koordinatsystem %(value)s; välj ett av %(choices)s.")
                % {"value": crs, "choices": ", ".join(CRS_CHOICES)}
            )
        return cls(date_format=date_format, crs=crs, sheet=options.get("sheet") or "")


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Target field → header, for the headers whose name says what they hold."""
    by_key = {}
    for header in headers:
        by_key.setdefault(key(header), header)
    mapping = {}
    for target, names in HEADER_GUESSES.items():
        for name in names:
            if name in by_key and by_key[name] not in mapping.values():
                mapping[target] = by_key[name]
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Target field → column index, or FileError when the mapping does not fit the file."""
    mapping = {target: header for target, header in mapping.items() if header}
    unknown = sorted(set(mapping) - set(TARGET_FIELDS))
    if unknown:
        raise FileError(
            _("Okända målfält i kolumnmappningen: %(fields)s. Möjliga fält: %(choices)s.")
            % {"fields": ", ".join(unknown), "choices": ", ".join(TARGET_FIELDS)}
        )
    missing = [target for target in REQUIRED_FIELDS if target not in mapping]
    if missing:
        raise FileError(
            _("Kolumnmappningen saknar %(fields)s, som varje rapport behöver.")
            % {"fields": ", ".join(str(TARGET_FIELDS[target]) for target in missing)}
        )
    if ("lat" in mapping) != ("lon" in mapping):
        raise FileError(_("Mappa både latitud/N och longitud/E, eller ingen av dem."))
    index = {}
    for target, header in mapping.items():
        positions = [i for i, name in enumerate(headers) if key(name) == key(header)]
        if not positions:
            raise FileError(
                _(
                    "Kolumnen %(header)s (för %(field)s) finns inte i filen. "
                    "Filens kolumner: %(headers)s."
                )
                % {
                    "header": header,
                    "field": TARGET_FIELDS[target],
                    "headers": ", ".join(h for h in headers if h),
                }
            )
        if len(positions) > 1:
            raise FileError(
                _("Kolumnen %(header)s finns %(n)s gånger i filen; ge kolumnerna olika namn.")
                % {"header": header, "n": len(positions)}
            )
        index[target] = positions[0]
    return index
