"""Reading published Excel (.xlsx) and CSV tables into a plain grid of cells, for the
indicator file importers, through the one reader of `imports.tabular`.

- Merged cells (common in published header rows) are filled: every cell of a merged range
  gets the value of its top-left cell, so a header "Misshandel" merged over "Antal" and
  "Per 100 000 inv." names both columns.
- CSV: the encodings of `imports.tabular.decode`; title lines may stand above the header,
  so the delimiter is taken from the start of the file (`delimiter_of_sample`).
- Cells are kept as they are (str, int, float, date, None); parsing of numbers is left to
  `values.parse_number`, so "1 234" and "10,6 %" read the same from both formats.
"""

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from samverkan.imports.tabular import (
    FileError,
    SheetMissing,
    WorkbookError,
    csv_lines,
    decode,
    delimiter_of_sample,
    fill_merged,
    open_workbook,
    worksheet_of,
)


def read_grid(data: bytes, filename: str, *, sheet: str | None = None) -> list[list]:
    name = str(filename).lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, sheet)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _read_csv(data)
    raise FileError(
        _("Filen ”%(name)s” är varken .xlsx eller .csv.") % {"name": Path(filename).name}
    )


def _read_xlsx(data: bytes, sheet: str | None) -> list[list]:
    try:
        workbook = open_workbook(data, read_only=False)
    except WorkbookError as error:
        broken = error.error
    except Exception as error:  # openpyxl raises many kinds for a broken file
        broken = error
    else:
        broken = None
    if broken is not None:
        raise FileError(
            _("Excelfilen går inte att läsa: %(error)s") % {"error": broken.__class__.__name__}
        ) from None
    try:
        ws = worksheet_of(workbook, sheet)
    except SheetMissing as missing:
        raise FileError(
            _("Bladet ”%(sheet)s” finns inte (bladen heter %(names)s).")
            % {"sheet": missing.sheet, "names": ", ".join(missing.names)}
        ) from None
    return fill_merged([list(row) for row in ws.iter_rows(values_only=True)], ws)


def _read_csv(data: bytes) -> list[list]:
    text, _encoding = decode(data)
    # Swedish CSV uses ";" (the comma is the decimal sign); fall back to tab, then ",".
    delimiter = delimiter_of_sample(text)
    return [
        [cell if cell.strip() != "" else None for cell in row]
        for row in csv.reader(csv_lines(text), delimiter=delimiter)
    ]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())
