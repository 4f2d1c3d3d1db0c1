"""Content → Excel (XLSX) through openpyxl: a first sheet with the title, the cover facts and
the classification, then each of the content's sheets as a table with a bold, frozen header
row and a filter. Every sheet prints with the classification in header and footer."""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from samverkan.core.cells import looks_like_formula
from samverkan.reports.content import Content

HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
MAX_WIDTH = 60


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'") or _("Blad")
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _as_text(cell) -> None:
    """A text of data is a string cell, never a formula (see core.cells)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True


def _print_marks(sheet, content: Content) -> None:
    label = _("Klassning") + ": " + content.classification_label.upper()
    sheet.oddHeader.left.text = content.title[:200]
    sheet.oddHeader.right.text = label
    sheet.oddFooter.left.text = label
    sheet.oddFooter.right.text = _("Sida") + " &P " + _("av") + " &N"


def render_xlsx(content: Content) -> bytes:
    book = Workbook()
    first = book.active
    taken: set[str] = set()
    first.title = sheet_title(_("Dokument"), taken)
    first.append([content.title])
    first.append([content.subtitle])
    first.append([_("Klassning"), content.classification_label])
    for label, value in content.cover:
        first.append([label, value])
    for row in first.iter_rows(min_row=1):
        row[0].font = Font(bold=row[0].row != 2, size=14 if row[0].row == 1 else 11)
        for cell in row:
            _as_text(cell)
    first.column_dimensions["A"].width = 24
    first.column_dimensions["B"].width = 70
    _print_marks(first, content)

    for spec in content.sheets:
        sheet = book.create_sheet(sheet_title(spec.name, taken))
        sheet.append(spec.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in spec.rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        if spec.rows:
            sheet.auto_filter.ref = sheet.dimensions
        for index, heading in enumerate(spec.header, start=1):
            values = [heading, *(row[index - 1] for row in spec.rows if len(row) >= index)]
            width = max(len(str(v)) for v in values if v is not None) + 2
            sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                _as_text(cell)
        _print_marks(sheet, content)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
