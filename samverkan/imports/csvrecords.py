"""The records of a CSV text, so that a broken row never takes other rows with it.

`records` yields every record (the header first) with its row number (the header is row 1,
as the user counts them; a quoted field over several lines is one row, as in Excel), the
line of the file it starts on, its cells and, for a broken row, why it is broken:

- **An unclosed quote.** A quote that opens a field and is never closed (or closed in the
  wrong place) would read every following line into that one field, up to the next quote
  or the end of the file. Python's csv module in strict mode stops there; a record that
  runs over several lines and then breaks, or has the wrong number of fields, is such a
  case. That row ends at the end of the line where the quote opened and is marked broken
  (`UNCLOSED`); reading starts again on the next line, so every following row is read (and
  checked) as its own row. A file with such a row is refused as a whole by the importers
  (what the quote was meant to enclose is ambiguous), with every row's problems listed.
- **A stray quote within one line** (``"Klotter" på väggen``) is read as Excel reads it
  (``Klotter på väggen``); it swallows nothing.
- **The wrong number of fields** (`RAGGED`): fewer fields than the header names, or a
  filled field beyond the header's last. Extra empty fields at the end are harmless.

Line ends may be \\r\\n, \\n or \\r, mixed in one file; a line end inside quotes belongs to
the field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import NamedTuple

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

UNCLOSED = "unclosed"
RAGGED = "ragged"


class Record(NamedTuple):
    number: int  # the row number (header = 1)
    line: int  # the line of the file it starts on (line 1 = the first line of the text)
    cells: list[str]
    broken: str = ""  # "", UNCLOSED or RAGGED
    quote_line: int = 0  # UNCLOSED: the line where the quote opened


class _Lines:
    """The text's lines from a position, counting them and where the last one ended."""

    def __init__(self, text: str, pos: int, line: int):
        self._matches = _LINE.finditer(text, pos)
        self.line = line - 1  # the number of the last line read
        self.end = pos

    def __iter__(self):
        return self

    def __next__(self) -> str:
        match = next(self._matches)
        self.line += 1
        self.end = match.end()
        return match.group()


def csv_lines(text: str) -> Iterator[str]:
    """The text's lines with their line ends (\\r\\n, \\r or \\n, as with newline="")."""
    return (match.group() for match in _LINE.finditer(text))


def is_ragged(cells: list[str], named: int, width: int) -> bool:
    """Fewer fields than the header names, or a filled field beyond the header's width."""
    if len(cells) < named:
        return True
    return any(cell.strip() for cell in cells[width:])


def _loose(text: str, delimiter: str) -> list[str]:
    """The cells of `text` as Excel reads a stray quote (csv's non-strict mode)."""
    return next(csv.reader(csv_lines(text), delimiter=delimiter), [])


def _named(cells: list[str]) -> int:
    """How many columns the header names: its cells up to the last one with a name."""
    named = len(cells)
    while named and not cells[named - 1].strip():
        named -= 1
    return named


def quote_line(text: str, pos: int, line: int, delimiter: str) -> int:
    """The line of the first quoted field from `pos` (line `line`) that runs over a line
    end: where the quote that swallows the following lines opened."""
    at_start, quoted, opened = True, False, line
    index, end = pos, len(text)
    while index < end:
        char = text[index]
        if quoted:
            if char == '"':
                if text.startswith('"', index + 1):
                    index += 2
                    continue
                quoted = False
            elif char in "\r\n":
                return opened
        else:
            if char == '"' and at_start:
                quoted, opened = True, line
            elif char in "\r\n":
                if char == "\r" and text.startswith("\n", index + 1):
                    index += 1
                line += 1
            at_start = char in (delimiter, "\r", "\n")
        index += 1
    return opened


def _end_of_line(text: str, pos: int, lines: int) -> int:
    """The offset after the `lines`-th line from `pos`."""
    end = pos
    for match in _LINE.finditer(text, pos):
        end = match.end()
        lines -= 1
        if lines <= 0:
            break
    return end


def records(text: str, delimiter: str) -> Iterator[Record]:
    """Every record of the text, the header first (see the module docstring); the header
    sets how many fields a row has."""
    pos, line, number = 0, 1, 0
    width = named = None
    while True:
        lines = _Lines(text, pos, line)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        while True:
            start, first = lines.end, lines.line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if lines.line <= first:
                    if "field larger" in str(error):
                        raise
                    # A stray quote within one line: read as Excel does, nothing swallowed.
                    number += 1
                    cells = _loose(text[start : lines.end], delimiter)
                    if width is None:
                        width, named = len(cells), _named(cells)
                    broken = RAGGED if is_ragged(cells, named, width) else ""
                    yield Record(number, first, cells, broken)
                    pos, line = lines.end, lines.line + 1
                    break
                cells = None
            number += 1
            multiline = lines.line > first
            if width is None:
                width, named = (len(cells), _named(cells)) if cells is not None else (0, 0)
            if cells is not None and not (multiline and is_ragged(cells, named, width)):
                broken = RAGGED if is_ragged(cells, named, width) else ""
                yield Record(number, first, cells, broken)
                continue
            # An unclosed quote: the row ends with the line where the quote opened, and
            # reading starts again on the line after it.
            opened = quote_line(text, start, first, delimiter)
            end = _end_of_line(text, start, opened - first + 1)
            cells = _loose(text[start:end], delimiter)
            if cells:
                cells[-1] = cells[-1].rstrip("\r\n")
            yield Record(number, first, cells, UNCLOSED, opened)
            pos, line = end, opened + 1
            break
