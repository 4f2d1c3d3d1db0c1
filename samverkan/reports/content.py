"""The one description of a document that every renderer reads.

A kind (``reports/kinds/``) builds a `Content` once: a title, a cover (who decided and when,
the period, the classification), then a flat list of blocks: headings with their level,
paragraphs, bullet lists, tables with a header row and figures with alt text and their
source, period and n. `render_typst` (PDF), `render_docx` (Word) and `render_xlsx` (Excel)
turn the same structure into a file, so each kind gets every format from one description.
Plain data only: the structure is JSON (it is handed to Typst as JSON as well).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Heading:
    text: str
    level: int = 1
    outlined: bool = True  # in the table of contents
    type: str = "heading"


@dataclass
class Paragraph:
    text: str
    label: str = ""  # a bold lead-in, "Ansvar:"
    type: str = "paragraph"


@dataclass
class BulletList:
    items: list[str]
    type: str = "list"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[int] = field(default_factory=list)  # relative column widths, optional
    type: str = "table"


@dataclass
class Figure:
    """A chart: the Vega-Lite spec, rendered to SVG when the document is built."""

    alt: str  # what the chart shows, in words, for a screen reader
    caption: str
    source: str
    period: str
    n: str = ""
    svg: str = ""  # filled by `charts.render_figures`
    spec: dict[str, Any] | None = None
    type: str = "figure"


@dataclass
class Note:
    """An explanation in the document itself: no data for a part, a chart that failed."""

    text: str
    type: str = "note"


Block = Heading | Paragraph | BulletList | Table | Figure | Note


@dataclass
class Sheet:
    """One sheet of the Excel form: a table of its own."""

    name: str
    header: list[str]
    rows: list[list[Any]]


@dataclass
class Content:
    title: str
    subtitle: str
    classification: str  # core.models.Classification value: "oppen", "intern", "begransad"
    cover: list[tuple[str, str]]  # (label, value): Beslutad av, Beslutsdatum, Period …
    blocks: list[Block] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    toc: bool = False  # a table of contents after the cover (long documents)
    author: str = "Samverkan"

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    @property
    def classification_label(self) -> str:
        from samverkan.core.models import Classification

        return str(Classification(self.classification).label)

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["classification_label"] = self.classification_label
        for block in data["blocks"]:
            block.pop("spec", None)
        return data

    def clean(self) -> None:
        """Remove the control characters no PDF, Word or Excel file can hold from every text
        (stored free text may still carry them), before any renderer reads the content."""
        from samverkan.core.cells import without_control_characters as strip

        def walk(value):
            if isinstance(value, str):
                return strip(value)
            if isinstance(value, list):
                return [walk(v) for v in value]
            if isinstance(value, tuple):
                return tuple(walk(v) for v in value)
            return value

        self.title, self.subtitle = strip(self.title), strip(self.subtitle)
        self.cover = walk(self.cover)
        for item in [*self.blocks, *self.sheets]:
            for f in dataclasses.fields(item):
                if f.name not in ("spec", "svg", "type"):
                    setattr(item, f.name, walk(getattr(item, f.name)))

    def fingerprint(self) -> str:
        """The data version: a hash of what the document says (not of when it was made)."""
        data = self.as_dict()
        for block in data["blocks"]:
            block.pop("svg", None)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
