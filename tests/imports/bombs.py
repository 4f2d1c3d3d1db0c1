"""XLSX files built to hurt a reader: made here, byte by byte, so no such file is kept."""

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Datum</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Kategori</t></is></c></row>'
)


def _workbook(sheet_chunks) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode() if isinstance(chunk, str) else chunk)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 600) -> bytes:
    """A sheet of one header row and `megabytes` MB of blanks: a few hundred KB packed."""
    blank = b" " * (1024 * 1024)

    def chunks():
        yield _SHEET_HEAD + "<sheetData>" + HEADER_ROW
        for _ in range(megabytes):
            yield blank
        yield "</sheetData></worksheet>"

    return _workbook(chunks())


def dimension_bomb(ref: str = "A1:XFD1048576") -> bytes:
    """A sheet that declares `ref` (17 billion cells for the default) and has two."""
    return _workbook(
        [
            _SHEET_HEAD
            + f'<dimension ref="{ref}"/><sheetData>'
            + HEADER_ROW
            + "</sheetData></worksheet>"
        ]
    )


def many_cells(rows: int, columns: int = 10) -> bytes:
    """A sheet that declares nothing and has `rows` × `columns` cells."""

    def chunks():
        yield _SHEET_HEAD + "<sheetData>" + HEADER_ROW
        for r in range(2, rows + 2):
            yield (
                f'<row r="{r}">' + "".join(f"<c><v>{c}</v></c>" for c in range(columns)) + "</row>"
            )
        yield "</sheetData></worksheet>"

    return _workbook(chunks())
