"""Reading Excel (.xlsx) and CSV files into a plain grid of cells, for the file importers.

- Merged cells (common in published header rows) are filled: every cell of a merged range
  gets the value of its top-left cell, so a header "Misshandel" merged over "Antal" and
  "Per 100 000 inv." names both columns.
- CSV: encoding UTF-8 (with or without BOM), falling back to cp1252 (Excel's Swedish
  default); the delimiter is ";" when the file has one, else tab, else ",".
- Cells are kept as they are (str, int, float, date, None); parsing of numbers is left to
  `values.parse_number`, so "1 234" and "10,6 %" read the same from both formats.
"""

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _


class FileFormatError(ValueError):
    """The file cannot be read as a table at all (message in Swedish)."""


def read_grid(data: bytes, filename: str, *, sheet: str | None = None) -> list[list]:
    name = str(filename).lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, sheet)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _read_csv(data)
    raise FileFormatError(
        _("Filen ”%(name)s” är varken .xlsx eller .csv.") % {"name": Path(filename).name}
    )


def _read_xlsx(data: bytes, sheet: str | None) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileFormatError(
            _("Excelfilen går inte att läsa: %(error)s") % {"error": error.__class__.__name__}
        ) from None
    if sheet:
        if sheet not in workbook.sheetnames:
            raise FileFormatError(
                _("Bladet ”%(sheet)s” finns inte (bladen heter %(names)s).")
                % {"sheet": sheet, "names": ", ".join(workbook.sheetnames)}
            )
        ws = workbook[sheet]
    else:
        ws = workbook.worksheets[0]
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid):
                    row = grid[r - 1]
                    while len(row) < c:
                        row.append(None)
                    row[c - 1] = top
    return grid


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise FileFormatError(_("CSV-filen har en okänd teckenkodning."))
    # Swedish CSV uses ";" (the comma is the decimal sign); fall back to tab, then ",".
    sample = text[:5000]
    delimiter = ";" if ";" in sample else "\t" if "\t" in sample else ","
    return [
        [cell if cell.strip() != "" else None for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())
