"""The renderers on a small content of every block: the same description makes PDF, DOCX
and XLSX, with figures carrying their alt text and source, period and n."""

import io

from docx import Document as WordDocument
from docx.oxml.ns import qn
from openpyxl import load_workbook

from samverkan.reports.charts import bar_spec, render_figures
from samverkan.reports.content import (
    BulletList,
    Content,
    Figure,
    Heading,
    Note,
    Paragraph,
    Sheet,
    Table,
)
from samverkan.reports.render_docx import render_docx
from samverkan.reports.render_typst import render_pdf
from samverkan.reports.render_xlsx import render_xlsx, sheet_title
from tests.reports.conftest import pdf_text

ALT = "Stapeldiagram: Centrum 7, Hertsön 3."


def content() -> Content:
    c = Content(
        title="Provdokument",
        subtitle="Prov",
        classification="oppen",
        cover=[("Beslutad av", "Styrgrupp"), ("Beslutsdatum", "2020-02-20")],
    )
    c.add(
        Heading("Första rubriken"),
        Paragraph("Ett stycke med *stjärnor*, #brädgård och $dollar$ som inte är Typst."),
        BulletList(["ett", "två"]),
        Table(["A", "B"], [["1", "2"], ["3", None]], caption="Tabellen"),
        Figure(
            alt=ALT,
            caption="Rapporter per område",
            source="Händelserapporter",
            period="2020-01-01 – 2020-12-31",
            n="10",
            spec=bar_spec(
                [{"d": "Centrum", "n": 7}, {"d": "Hertsön", "n": 3}],
                x="d",
                y="n",
                x_title="Område",
                y_title="Antal",
            ),
        ),  # fmt: skip
        Note("En förklaring."),
    )
    c.sheets.append(Sheet("Blad/med:tecken", ["A"], [["1"]]))
    render_figures(c)
    return c


def test_the_pdf_reads_every_block_as_text_not_markup():
    text = pdf_text(render_pdf(content()))
    assert "*stjärnor*, #brädgård och $dollar$" in text
    assert "Källa: Händelserapporter" in text and "n = 10" in text
    assert "Klassning: ÖPPEN" in text


def test_the_docx_has_the_figure_with_its_alt_text_and_source():
    document = WordDocument(io.BytesIO(render_docx(content())))
    [picture] = list(document.element.body.iter(qn("wp:docPr")))
    assert picture.get("descr") == ALT
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any("Källa: Händelserapporter" in t and "n = 10" in t for t in captions)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Första rubriken"
    ]


def test_the_xlsx_names_sheets_validly_and_uniquely():
    book = load_workbook(io.BytesIO(render_xlsx(content())))
    assert book.sheetnames == ["Dokument", "Blad-med-tecken"]
    taken = set()
    assert sheet_title("x" * 40, taken) == "x" * 31
    assert sheet_title("x" * 40, taken) == "x" * 27 + " (2)"
