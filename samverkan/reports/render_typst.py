"""Content → PDF through Typst: a tagged PDF/UA-1 document in Swedish, with the
classification in header and footer, page numbers, a table of contents for a long
document, real headings, table header rows and alt text on every figure.

The layout is one template, `templates/reports/document.typ`; the content arrives as JSON
through `sys.inputs`, never as markup.
"""

from __future__ import annotations

import json
from importlib import resources

import typst
from django.utils.translation import gettext as _

from samverkan.reports.content import Content

TEMPLATE = resources.files("samverkan.reports").joinpath("templates/reports/document.typ")


class RenderError(Exception):
    """The PDF could not be made; the message is Swedish."""


def render_pdf(content: Content) -> bytes:
    strings = {
        "classification": _("Klassning"),
        "page": _("Sida"),
        "of": _("av"),
        "source": _("Källa"),
        "period": _("Period"),
        "contents": _("Innehåll"),
    }
    inputs = {
        "content": json.dumps(content.as_dict(), ensure_ascii=False, default=str),
        "strings": json.dumps(strings, ensure_ascii=False),
    }
    try:
        pdf = typst.compile(
            TEMPLATE.read_bytes(), format="pdf", sys_inputs=inputs, pdf_standards="ua-1"
        )
    except typst.TypstError as error:
        raise RenderError(
            _("PDF-filen kunde inte skapas: %(reason)s") % {"reason": error.message}
        ) from error
    return pdf
