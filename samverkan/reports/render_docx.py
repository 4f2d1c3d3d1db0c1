"""Content → Word (DOCX) through python-docx, from the same structure as the PDF.

Real heading styles (Rubrik 1–4 in Word's navigation pane), tables whose first row is a
header row repeated on every page, figures as PNG with their alt text, Swedish as the
document language, the classification in header and footer and page numbers in the footer.
A long document opens with a table of contents field that Word fills in.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from samverkan.reports.content import (
    BulletList,
    Content,
    Figure,
    Heading,
    Note,
    Paragraph,
    Table,
)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC) in a paragraph."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    run._r.append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    end_run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._r.append(end)


def _language(document, tag: str = "sv-SE") -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)
    settings = document.settings.element
    hyphenation = OxmlElement("w:autoHyphenation")
    hyphenation.set(qn("w:val"), "true")
    settings.append(hyphenation)


def _header_row(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _header_footer(document, content: Content) -> None:
    label = _("Klassning") + ": " + content.classification_label.upper()
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = f"{content.title}\t\t{label}"
    header.style = document.styles["Header"]
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.add_run(label + "\t\t" + _("Sida") + " ")
    _field(footer, "PAGE", "1")
    footer.add_run(" " + _("av") + " ")
    _field(footer, "NUMPAGES", "1")


def _table(document, block: Table) -> None:
    if block.caption:
        caption = document.add_paragraph(block.caption, style="Caption")
        caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    _header_row(table.rows[0])
    for values in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = "" if value is None else str(value)
    if block.widths and len(block.widths) == len(block.header):
        total = sum(block.widths)
        for row in table.rows:
            for cell, width in zip(row.cells, block.widths, strict=True):
                cell.width = Cm(16.5 * width / total)
    document.add_paragraph()


def _figure(document, block: Figure) -> None:
    from samverkan.reports.charts import svg_to_png

    document.add_picture(io.BytesIO(svg_to_png(block.svg)), width=Cm(16))
    picture = document.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for doc_pr in picture._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", block.alt)
        doc_pr.set("title", block.caption)
    meta = [_("Källa") + ": " + block.source, _("Period") + ": " + block.period]
    if block.n:
        meta.append(f"n = {block.n}")
    document.add_paragraph(f"{block.caption}. " + " · ".join(meta), style="Caption")


def render_docx(content: Content) -> bytes:
    document = WordDocument()
    document.core_properties.title = content.title
    document.core_properties.author = content.author
    document.core_properties.language = "sv-SE"
    document.core_properties.subject = content.subtitle
    document.core_properties.category = content.classification_label
    _language(document)
    normal = document.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    _header_footer(document, content)

    subtitle = document.add_paragraph()
    run = subtitle.add_run(content.subtitle.upper())
    run.bold = True
    run.font.color.rgb = RGBColor(0x1D, 0x35, 0x57)
    document.add_heading(content.title, level=0)
    for label, value in content.cover:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(str(value))
    document.add_page_break()
    if content.toc:
        document.add_heading(_("Innehåll"), level=1)
        _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', _("Uppdatera fältet."))
        document.add_page_break()

    for block in content.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(block.level, 4))
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            if block.label:
                paragraph.add_run(block.label + " ").bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, BulletList):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Figure):
            _figure(document, block)
        elif isinstance(block, Note):
            paragraph = document.add_paragraph(style="Intense Quote")
            paragraph.add_run(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
