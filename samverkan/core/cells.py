"""Text written to spreadsheet files and kept from free text, so that every file opens and no
cell of data ever runs as a formula.

A spreadsheet program reads a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``): such a cell is
written with a leading apostrophe, which Excel and LibreOffice show as text (OWASP's rule for
CSV injection). In XLSX a cell of data is always stored as a string, never as a formula, and one
that begins like a formula is marked "quote prefix" so that editing it keeps it text. Control
characters (NUL and the C0 set but tab, line feed and carriage return, and DEL) are what an
XLSX file cannot hold and what no report text needs: `without_control_characters` removes them,
on entry and again on export.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_text(text: str) -> str:
    """A text cell for a CSV file: no control characters, and never read as a formula."""
    text = without_control_characters(text)
    return "'" + text if looks_like_formula(text) else text


def xlsx_cell(sheet, value):
    """`value` for a write-only openpyxl sheet: a text is always a string cell."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    text = without_control_characters(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would store a text beginning with "=" as a formula
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell
