"""A generic long-format table (CSV or XLSX) with a column mapping, for every source without
an API: CAN's drug-habit survey, Region Norrbotten's Skolbarns hälsa, Lupp, Brå's NTU for
the police area, and figures a coordinator types into a spreadsheet.

One row of the file is one observation. The mapping says which column holds what (target
field → column header, case-insensitive); the default mapping is the documented Swedish
layout (docs/indicators.md, "Generic long format"):

    indikator | period | nivå | geografi | kön | årskurs | ålder | boendeform | värde | n | ki_nedre | ki_övre | status | anmärkning

A mapping (JSON file or a saved ColumnMapping of kind "indicators") may also fix a value for
the whole file ("indicator": "shl-ledsen", "geo_level": "kommun", "geo_code": "2580"), name
free breakdown columns, and define the indicators the file brings, created if missing:

    {"columns": {"value": "Andel (%)", "period": "Läsår", "breakdown": {"sex": "Kön",
                 "grade": "Årskurs"}},
     "fixed": {"indicator": "shl-ledsen", "geo_code": "2580"},
     "source": "skolbarns-halsa",
     "indicators": [{"code": "shl-ledsen", "name": "Ofta eller alltid ledsen",
                     "unit": "procent", "focus_area": "6.2", "direction": "ned"}]}
"""

import json
import re
from pathlib import Path

from django.utils.translation import gettext as _

from samverkan.imports.models import ColumnMapping
from samverkan.imports.tabular import FileError
from samverkan.indicators.importers.load import fail_run, load_rows, start_run
from samverkan.indicators.importers.sources import GENERIC, ensure_source
from samverkan.indicators.importers.tabular import cell_text, read_grid
from samverkan.indicators.models import Indicator, Source

MAPPING_KIND = "indicators"

DEFAULT_COLUMNS = {
    "indicator": "indikator",
    "period": "period",
    "geo_level": "nivå",
    "geo_code": "geografi",
    "municipality": "kommun",
    "value": "värde",
    "n": "n",
    "ci_low": "ki_nedre",
    "ci_high": "ki_övre",
    "status": "status",
    "note": "anmärkning",
    "breakdown": {"sex": "kön", "age": "ålder", "grade": "årskurs", "housing": "boendeform"},
}
REQUIRED = ["indicator", "period", "geo_code", "value"]
FIELD_LABELS = {
    "indicator": "indikator",
    "period": "period",
    "geo_code": "geografi",
    "value": "värde",
}

# Values of the well-known breakdowns as providers write them → stored codes.
SEX_VALUES = {
    "k": "K",
    "kvinna": "K",
    "kvinnor": "K",
    "flicka": "K",
    "flickor": "K",
    "tjejer": "K",
    "2": "K",
    "m": "M",
    "man": "M",
    "män": "M",
    "pojke": "M",
    "pojkar": "M",
    "killar": "M",
    "1": "M",
    "t": "T",
    "totalt": "T",
    "alla": "T",
    "samtliga": "T",
    "båda könen": "T",
}
HOUSING_VALUES = {
    "hyresrätt": "hyresratt",
    "hyresratt": "hyresratt",
    "hyresrätter": "hyresratt",
    "bostadsrätt": "bostadsratt",
    "bostadsratt": "bostadsratt",
    "bostadsrätter": "bostadsratt",
    "villa": "villa",
    "villa/radhus": "villa",
    "äganderätt": "villa",
    "egen villa": "villa",
    "totalt": "",
    "alla": "",
}
STATUS_VALUES = {
    "preliminär": "preliminar",
    "preliminar": "preliminar",
    "p": "preliminar",
    "slutlig": "slutlig",
    "definitiv": "slutlig",
    "": "slutlig",
}


def normalise_breakdown(key: str, raw) -> str:
    text = cell_text(raw)
    low = text.lower()
    if key == "sex":
        return SEX_VALUES.get(low, text)
    if key == "housing":
        return HOUSING_VALUES.get(low, text)
    if key == "age":
        return text.replace("–", "-").replace(" år", "").replace(" ", "")
    if key == "grade":
        if m := re.match(r"^gy\w*\s*(?:år|åk|ak)?\s*(\d)$", low):
            return f"gy{m[1]}"
        return low.replace("årskurs", "ak").replace("åk", "ak").replace(" ", "")
    return text


class MappingError(ValueError):
    pass


def load_mapping(ref: str | dict | None, *, organisation=None) -> dict:
    """A mapping from a dict, a JSON file path, or the name of a saved ColumnMapping."""
    if ref is None or ref == "":
        return {}
    if isinstance(ref, dict):
        return ref
    path = Path(ref)
    if path.suffix.lower() == ".json" or path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MappingError(_("Mappningsfilen ”%(path)s” finns inte.") % {"path": ref}) from None
        except json.JSONDecodeError as error:
            raise MappingError(
                _("Mappningsfilen ”%(path)s” är inte giltig JSON (rad %(line)d).")
                % {"path": ref, "line": error.lineno}
            ) from None
        except RecursionError:
            raise MappingError(
                _("Mappningsfilen ”%(path)s” är nästlad i tusentals nivåer; en mappning är "
                  "ett objekt med en nivå under sig.")
                % {"path": ref}
            ) from None
    saved = ColumnMapping.objects.filter(kind=MAPPING_KIND, name=ref)
    if organisation is not None:
        saved = saved.filter(organisation=organisation)
    found = saved.first()
    if found is None:
        raise MappingError(
            _("Det finns ingen sparad kolumnmappning ”%(name)s” för indikatorer.") % {"name": ref}
        )
    return {"columns": found.mapping, **(found.options or {})}


def ensure_indicators(mapping: dict, source: Source) -> None:
    for spec in mapping.get("indicators") or []:
        code = spec.get("code")
        if not code:
            raise MappingError(_("En indikator i mappningen saknar ”code”."))
        unit = spec.get("unit", Indicator.Unit.OTHER)
        if unit not in Indicator.Unit.values:
            raise MappingError(
                _("Indikatorn ”%(code)s” har okänd enhet ”%(unit)s” (%(units)s).")
                % {"code": code, "unit": unit, "units": ", ".join(Indicator.Unit.values)}
            )
        defaults = {
            "name": spec.get("name", code),
            "unit": unit,
            "source": source,
        }
        for key in (
            "direction",
            "focus_area",
            "description",
            "cadence",
            "unit_label",
            "external_id",
            "release_month",
        ):
            if key in spec:
                defaults[key] = spec[key]
        Indicator.objects.get_or_create(code=code, defaults=defaults)


def _header_map(header_row: list) -> dict[str, int]:
    return {cell_text(c).lower(): i for i, c in enumerate(header_row) if cell_text(c)}


def rows_from_grid(grid: list[list], mapping: dict, *, header_row: int | None = None) -> list[dict]:
    """Pure: the grid and mapping → load rows. Raises MappingError for missing columns."""
    columns = {**DEFAULT_COLUMNS, **(mapping.get("columns") or {})}
    breakdown_columns = {
        **DEFAULT_COLUMNS["breakdown"],
        **((mapping.get("columns") or {}).get("breakdown") or {}),
    }
    fixed = mapping.get("fixed") or {}
    if header_row is None:
        header_row = int(mapping.get("header_row", 1)) - 1
    if len(grid) <= header_row:
        raise MappingError(_("Filen är tom."))
    headers = _header_map(grid[header_row])

    def column(target):
        name = columns.get(target)
        if not name:
            return None
        return headers.get(str(name).strip().lower())

    index = {t: column(t) for t in DEFAULT_COLUMNS if t != "breakdown"}
    missing = [
        f"{FIELD_LABELS[t]} (”{columns.get(t)}”)"
        for t in REQUIRED
        if index[t] is None and t not in fixed
    ]
    if missing:
        raise MappingError(
            _("Kolumner saknas: %(missing)s. Filens rubriker: %(found)s.")
            % {
                "missing": ", ".join(missing),
                "found": ", ".join(cell_text(c) for c in grid[header_row] if cell_text(c)),
            }
        )
    breakdown_index = {
        key: headers.get(str(name).strip().lower())
        for key, name in breakdown_columns.items()
        if headers.get(str(name).strip().lower()) is not None
    }
    rows = []
    for i in range(header_row + 1, len(grid)):
        raw = grid[i]
        if all(cell_text(c) == "" for c in raw):
            continue

        def get(target, raw=raw):
            if index.get(target) is not None and index[target] < len(raw):
                value = raw[index[target]]
                if cell_text(value) != "":
                    return value
            return fixed.get(target)

        status = cell_text(get("status")).lower()
        row = {
            "row": i + 1,
            "indicator": cell_text(get("indicator")),
            "period": cell_text(get("period")),
            "geo_level": cell_text(get("geo_level")).lower(),
            "geo_code": cell_text(get("geo_code")),
            "municipality": cell_text(get("municipality")) or fixed.get("municipality"),
            "value": get("value"),
            "n": get("n"),
            "ci_low": get("ci_low"),
            "ci_high": get("ci_high"),
            "status": STATUS_VALUES.get(status, status),
            "note": cell_text(get("note")),
            "breakdown": {
                key: normalise_breakdown(key, raw[c])
                for key, c in breakdown_index.items()
                if c < len(raw)
            },
        }
        for key, value in (fixed.get("breakdown") or {}).items():
            row["breakdown"].setdefault(key, value)
        rows.append(row)
    return rows


def import_generic(
    data: bytes,
    filename: str,
    *,
    mapping: str | dict | None = None,
    user=None,
    source_slug: str | None = None,
    all_or_nothing: bool = False,
    kind: str = GENERIC,
):
    """Import a long-format file. Returns the ImportRun (source = the mapping's source)."""
    try:
        spec = load_mapping(mapping, organisation=getattr(user, "organisation", None))
    except MappingError as error:
        return fail_run(start_run(kind, filename=filename, user=user), str(error))
    slug = source_slug or spec.get("source") or GENERIC
    run = start_run(slug[:40], filename=filename, user=user, details={"mapping": spec})
    try:
        source = ensure_source(slug)
        ensure_indicators(spec, source)
        grid = read_grid(data, filename, sheet=spec.get("sheet"))
        rows = rows_from_grid(grid, spec)
    except (FileError, MappingError) as error:
        return fail_run(run, str(error))
    return load_rows(
        run, rows, all_or_nothing=all_or_nothing, reason=_("Ny fil: %(name)s") % {"name": filename}
    )
