"""Brå's published table of reported crimes per municipality ("Anmälda brott i kommunerna",
docs/indicators.md) as Excel or CSV. Brå has no open API: the coordinator downloads the yearly
table and uploads it here.

The layout read (docs/indicators.md, "Brå table"):

    row   Anmälda brott i kommunerna 2022 …        ← title; the year is taken from it
    row   Kommun | Kommunkod | Samtliga brott ───┐ | Misshandel inkl. grov ──┐ …   (merged)
    row          |           | Antal | Per 100 000 inv. | Antal | Per 100 000 inv. | Förändring …
    row   Luleå  | 2580      | 8 123 | 10 572           | 412   | ..               | 10,6 %
    …     Norrbottens län | 25 …,  Riket | (empty) …,  footnotes (ignored)

- Headers over two rows; merged cells in Excel (and blank cells in CSV) carry the crime
  category over its columns. A single header row is also accepted ("Misshandel, antal").
- Numbers as Brå writes them: "8 123" (thousands separator), "10,6 %", ".." (missing,
  skipped with its reason), "x" (secrecy).
- An "År" column, if there is one, gives each row's year; else the title; else --years.
- Geography: the code column (4 digits kommun, 2 digits län, empty/Riket for the country);
  without a code the municipality's name is looked up.
- Each (crime category, measure) is an indicator of its own, created on first import with
  external id "<category>|<measure>" and a unit from the measure: antal, per 100 000,
  förändring (%).
"""

import re

from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverkan.imports.runs import add_problem
from samverkan.imports.tabular import FileError
from samverkan.indicators.importers.load import fail_run, load_rows, start_run
from samverkan.indicators.importers.sources import BRA, ensure_source
from samverkan.indicators.importers.tabular import cell_text, read_grid
from samverkan.indicators.importers.values import Missing, parse_number
from samverkan.indicators.models import Indicator

MEASURE_COUNT = "antal"
MEASURE_RATE = "per_100k"
MEASURE_CHANGE = "forandring"

_NAME_HEADERS = {"kommun", "region", "område", "kommunnamn", "län/kommun"}
_CODE_HEADERS = {"kommunkod", "kod", "regionkod", "länskod"}
_YEAR_HEADERS = {"år", "ar", "period"}


def measure_of(text: str) -> str | None:
    t = text.lower()
    if "100 000" in t or "100000" in t:
        return MEASURE_RATE
    if "förändr" in t or "%" in t or "procent" in t:
        return MEASURE_CHANGE
    if "antal" in t:
        return MEASURE_COUNT
    return None


def _forward_fill(row: list) -> list[str]:
    filled, last = [], ""
    for cell in row:
        text = cell_text(cell)
        if text:
            last = text
        filled.append(text or last)
    return filled


class BraLayoutError(ValueError):
    pass


def parse_bra_grid(
    grid: list[list], *, default_year: int | None = None
) -> tuple[list[dict], list[dict]]:
    """Pure: the grid of a Brå table → (records, problems).

    A record: {"row", "year", "name", "code", "category", "measure", "value" (raw cell)}.
    A problem: {"row", "field", "value", "message"} for rows that cannot be placed.
    """
    header_index = None
    for i, row in enumerate(grid[:30]):
        texts = {cell_text(c).lower() for c in row}
        if texts & (_NAME_HEADERS | _CODE_HEADERS):
            header_index = i
            break
    if header_index is None:
        raise BraLayoutError(
            _("Hittar ingen rubrikrad med ”Kommun” eller ”Kommunkod” bland de 30 första raderna.")
        )
    title_year = None
    for row in grid[:header_index]:
        m = re.search(r"\b(19|20)(\d{2})\b", " ".join(cell_text(c) for c in row))
        if m:
            title_year = int(m[0])
            break
    top = _forward_fill(grid[header_index])
    width = len(top)
    sub = [cell_text(c) for c in grid[header_index + 1]] if header_index + 1 < len(grid) else []
    two_rows = any(measure_of(t) for t in sub)
    columns: dict[int, tuple[str, str]] = {}
    name_col = code_col = year_col = None
    raw_top = [cell_text(c).lower() for c in grid[header_index]]
    for c in range(width):
        label = raw_top[c] if c < len(raw_top) else ""
        if label in _NAME_HEADERS and name_col is None:
            name_col = c
            continue
        if label in _CODE_HEADERS and code_col is None:
            code_col = c
            continue
        if label in _YEAR_HEADERS and year_col is None:
            year_col = c
            continue
        if two_rows:
            measure_text = sub[c] if c < len(sub) else ""
            category = top[c]
        else:
            parts = top[c].rsplit(",", 1)
            category, measure_text = (parts[0], parts[1]) if len(parts) == 2 else (top[c], "")
        measure = measure_of(measure_text)
        if category and measure:
            columns[c] = (category.strip(), measure)
    if not columns:
        raise BraLayoutError(
            _(
                "Inga värdekolumner hittades: rubrikerna ska ange brottstyp och mått (”Antal”, "
                "”Per 100 000 inv.”, ”Förändring …”)."
            )
        )
    if name_col is None and code_col is None:
        raise BraLayoutError(_("Tabellen saknar kolumn för kommun eller kommunkod."))
    first = header_index + (2 if two_rows else 1)
    records, problems = [], []
    for i in range(first, len(grid)):
        row = grid[i]
        number = i + 1  # the row number as the spreadsheet shows it

        def cell(c, row=row):
            return row[c] if c is not None and c < len(row) else None

        name = cell_text(cell(name_col))
        code = cell_text(cell(code_col))
        values = {c: cell(c) for c in columns}
        if not name and not code:
            continue
        if all(cell_text(v) == "" for v in values.values()):
            continue  # a footnote or a heading row inside the table
        year = default_year or title_year
        if year_col is not None:
            raw_year = cell_text(cell(year_col))
            if not re.fullmatch(r"\d{4}", raw_year):
                problems.append(
                    {
                        "row": number,
                        "field": "år",
                        "value": raw_year,
                        "message": _("Året ”%(value)s” är inget årtal.") % {"value": raw_year},
                    }
                )
                continue
            year = int(raw_year)
        if year is None:
            raise BraLayoutError(
                _("Året framgår varken av rubriken eller av en kolumn ”År”: ange år vid importen.")
            )
        for c, (category, measure) in columns.items():
            records.append(
                {
                    "row": number,
                    "year": year,
                    "name": name,
                    "code": code,
                    "category": category,
                    "measure": measure,
                    "value": values[c],
                    "column": c,
                }
            )
    return records, problems


MEASURE_UNITS = {
    MEASURE_COUNT: (Indicator.Unit.COUNT, "antal"),
    MEASURE_RATE: (Indicator.Unit.PER_100K, "per 100 000 invånare"),
    MEASURE_CHANGE: (Indicator.Unit.OTHER, "förändring från föregående år, procent"),
}


def indicator_for(category: str, measure: str) -> Indicator:
    external_id = f"{category}|{measure}"[:60]
    found = Indicator.objects.filter(source__slug=BRA, external_id=external_id).first()
    if found:
        return found
    unit, label = MEASURE_UNITS[measure]
    return Indicator.objects.create(
        code=slugify(f"bra-{category}-{measure}")[:60],
        name=f"Anmälda brott: {category}, {label}"[:300],
        unit=unit,
        unit_label="% förändring" if measure == MEASURE_CHANGE else "",
        value_min=-100 if measure == MEASURE_CHANGE else None,
        direction=Indicator.Direction.DOWN,
        source=ensure_source(BRA),
        cadence=Indicator.Cadence.YEARLY,
        release_month=3,
        external_id=external_id,
    )


def bra_rows(records: list[dict], source_url: str = "") -> list[dict]:
    indicators: dict[tuple, Indicator] = {}
    rows = []
    for r in records:
        key = (r["category"], r["measure"])
        if key not in indicators:
            indicators[key] = indicator_for(*key)
        code, name = r["code"], r["name"]
        if not code and name.lower() in {"riket", "hela riket", "sverige"}:
            level, geo = "land", "SE"
        elif re.fullmatch(r"\d{2}", code):
            level, geo = "lan", code
        elif code:
            level, geo = "kommun", code
        else:
            level, geo = "kommun", name
        rows.append(
            {
                "row": r["row"],
                "indicator": indicators[key],
                "period": str(r["year"]),
                "geo_level": level,
                "geo_code": geo,
                "value": r["value"],
                "source_url": source_url,
            }
        )
    return rows


def import_bra(data: bytes, filename: str, *, year: int | None = None, user=None, sheet=None):
    """Import a Brå table file. Returns the ImportRun."""
    run = start_run(BRA, filename=filename, user=user, details={"year": year, "sheet": sheet})
    try:
        grid = read_grid(data, filename, sheet=sheet)
        records, problems = parse_bra_grid(grid, default_year=year)
    except (FileError, BraLayoutError) as error:
        return fail_run(run, str(error))
    for p in problems:
        run.failed += 1
        run.rows_total += 1
        add_problem(run, p["message"], row=p["row"], field=p["field"], value=p["value"])
    rows = bra_rows(records)
    # Missing values (".." / "x") are skipped with their reason instead of failing the row.
    for row in rows:
        try:
            parsed = parse_number(row["value"])
        except ValueError:
            continue  # the loader reports it
        if isinstance(parsed, Missing):
            row["skip"] = _("%(reason)s för %(indicator)s, %(geo)s; raden hoppades över.") % {
                "reason": parsed.reason[:1].upper() + parsed.reason[1:],
                "indicator": row["indicator"].name,
                "geo": row["geo_code"],
            }
            row["skip_value"] = cell_text(row["value"])
    return load_rows(run, rows, reason=_("Reviderad tabell från Brå"))
