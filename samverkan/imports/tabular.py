"""Reading CSV and XLSX files into rows of cells: the one reader every file importer uses.

- A file is XLSX when it is a zip (openpyxl, the first sheet or a named one); any other file
  is read as CSV text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
  text"), else Windows-1252 (Excel's Swedish default). A file with NUL bytes that is none of
  these is refused, as is Excel's old binary format (.xls).
- The delimiter is ; , or tab: a table that starts with its header takes it from the header
  line (Excel's "sep=;" line names it), a published table with title lines above the header
  (`delimiter_of_sample`) from its first 5 000 characters: ";" when there is one (the comma
  is the Swedish decimal sign), else tab, else ",".
- Cells are kept as they are (str, int, float, datetime, None); reading a value (numbers,
  dates) is `imports.values`.
- Rows are numbered as the user sees them: the header is row 1, the first data row row 2.
  Empty rows are skipped but keep their number. A large CSV file is never held as lists of
  cells (`CsvRows` parses it again on each pass).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _

from samverkan.imports.values import text_of

PREVIEW_ROWS = 5
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class FileError(ValueError):
    """The file as a whole cannot be imported; the message (Swedish) says why."""


class WorkbookError(FileError):
    """The zip is no workbook openpyxl can read; ``error`` is openpyxl's exception."""

    def __init__(self, error: Exception):
        super().__init__(_("Filen kan inte läsas som XLSX (Excel): %(error)s") % {"error": error})
        self.error = error


class SheetMissing(FileError):
    """The workbook has no sheet of the name asked for."""

    def __init__(self, sheet: str, names: list[str]):
        super().__init__(
            _("Bladet %(sheet)s finns inte i filen. Filens blad: %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(names)}
        )
        self.sheet, self.names = sheet, names


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number as the user sees it, cell values) of the rows with data: a list for XLSX,
    # CsvRows (read again on each pass, never held) for CSV.
    rows: Sequence[tuple[int, list[Any]]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Text -------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with, or FileError."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise FileError(_("Filen är varken en CSV-fil (text) eller en XLSX-fil."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise FileError(
            _(
                "Filens teckenkodning känns inte igen (byte %(byte)s på position %(pos)s är "
                "varken UTF-8 eller Windows-1252). Spara filen som CSV UTF-8."
            )
            % {"byte": f"0x{data[error.start]:02X}", "pos": error.start}
        ) from None


def delimiter_of_header(first_line: str) -> str:
    """The delimiter of a header line: the most frequent of ; tab , outside quotes."""
    outside, quoted = [], False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {delimiter: outside.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def delimiter_of_sample(text: str) -> str:
    """The delimiter of a table with title lines above its header."""
    sample = text[:5000]
    return ";" if ";" in sample else "\t" if "\t" in sample else ","


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def csv_lines(text: str) -> Iterator[str]:
    """The text's lines with their line ends (\\r\\n, \\r or \\n, as with newline="") for
    csv.reader, which joins the lines of a quoted field: without a copy of the whole text,
    unlike io.StringIO (four bytes a character)."""
    return (match.group() for match in _LINE.finditer(text))


class CsvRows(Sequence):
    """The data rows of a CSV text (empty rows skipped, numbered as the user sees them),
    parsed again on each pass instead of held: a file of 100 000 rows as lists of cells
    would take several times the file's size. Built with one pass that counts the rows and
    finds a broken file (csv.Error) before anything is imported."""

    def __init__(self, text: str, delimiter: str):
        self.text, self.delimiter = text, delimiter
        self._count = sum(1 for _row in self)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(csv_lines(self.text), delimiter=self.delimiter)
        next(reader, None)  # the header
        for number, record in enumerate(reader, start=2):
            if not all(is_empty(value) for value in record):
                yield number, record

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(islice(self, index.start, index.stop, index.step))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(islice(self, index, None))

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    __hash__ = None


# --- Workbooks --------------------------------------------------------------------------------


def open_workbook(data: bytes, *, read_only: bool = True):
    """An openpyxl workbook of the file's values (not formulas), or WorkbookError. Read-only
    streams the rows; a full workbook knows its merged cells (`fill_merged`)."""
    import openpyxl  # only needed for XLSX files

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise WorkbookError(error) from None


def worksheet_of(workbook, sheet: str | None):
    """The named sheet (SheetMissing when the workbook has none of that name), or the first."""
    if sheet:
        if sheet not in workbook.sheetnames:
            raise SheetMissing(sheet, list(workbook.sheetnames))
        return workbook[sheet]
    return workbook.worksheets[0]


def fill_merged(grid: list[list], worksheet) -> list[list]:
    """Every cell of a merged range gets the value of its top-left cell (published header
    rows merge "Misshandel" over "Antal" and "Per 100 000 inv.": both columns get the name)."""
    for merged in worksheet.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid):
                    row = grid[r - 1]
                    while len(row) < c:
                        row.append(None)
                    row[c - 1] = top
    return grid


# --- Tables that start with their header ------------------------------------------------------


def read_table(data: bytes, *, sheet: str = "") -> Table:
    """Header and rows of a CSV or XLSX file, or FileError with a Swedish reason."""
    if not data or not data.strip():
        raise FileError(_("Filen är tom."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, sheet=sheet)
    if data.startswith(XLS_MAGIC):
        raise FileError(
            _(
                "Filen är i Excels gamla format (.xls). Spara den som .xlsx eller CSV och försök igen."
            )
        )
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    first_line, _newline, rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    hint = re.fullmatch(r"sep=(.)", first_line.strip())
    if hint:
        # Excel's "sep=;" line names the delimiter; Excel does not show it as a row.
        delimiter, text = hint.group(1), rest
    else:
        delimiter = delimiter_of_header(first_line)
    try:
        header = next(csv.reader(csv_lines(text), delimiter=delimiter), [])
        rows = CsvRows(text, delimiter)
    except csv.Error as error:
        raise FileError(_("Filen kan inte läsas som CSV: %(error)s") % {"error": error}) from None
    return _table([header], kind="csv", encoding=encoding, delimiter=delimiter, rows=rows)


def _read_xlsx(data: bytes, *, sheet: str) -> Table:
    workbook = open_workbook(data, read_only=True)
    try:
        worksheet = worksheet_of(workbook, sheet)
        records = [list(row) for row in worksheet.iter_rows(values_only=True)]
        return _table(records, kind="xlsx", sheet=worksheet.title)
    finally:
        workbook.close()


def _table(records: list[list[Any]], rows: Sequence | None = None, **meta) -> Table:
    """The table of `records` (the header first); `rows` when the data rows come apart."""
    if not records or all(is_empty(value) for value in records[0]):
        raise FileError(_("Filen saknar rubrikrad: rad 1 ska innehålla kolumnernas namn."))
    headers = [("" if value is None else str(value)).strip() for value in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    if rows is None:
        rows = [
            (number, record)
            for number, record in enumerate(records[1:], start=2)
            if not all(is_empty(value) for value in record)
        ]
    return Table(headers=headers, rows=rows, **meta)


def preview(table: Table, rows: int = PREVIEW_ROWS) -> list[tuple[int, list[str]]]:
    """The first rows as (row number, text of each cell under a header), for a mapping page."""
    width = len(table.headers)
    return [
        (number, [text_of(value) for value in (record + [None] * width)[:width]])
        for number, record in islice(table.rows, rows)
    ]
