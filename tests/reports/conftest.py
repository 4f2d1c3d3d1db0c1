import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document as WordDocument
from pypdf import PdfReader


@pytest.fixture(autouse=True)
def _documents_dir(settings, tmp_path):
    settings.SAMVERKAN_DOCUMENTS_DIR = tmp_path / "documents"


def make(kind: str, user: str, output: Path, **options) -> str:
    """Run `samverkan document KIND …` and return what it printed."""
    out = io.StringIO()
    args = [kind, "--user", user, "--output", str(output)]
    for name, value in options.items():
        args += [f"--{name}", str(value)]
    call_command("document", *args, stdout=out)
    return out.getvalue()


def pdf_text(data: bytes | Path) -> str:
    if isinstance(data, Path):
        data = data.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(data: bytes | Path) -> str:
    if isinstance(data, Path):
        data = data.read_bytes()
    document = WordDocument(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def flat(text: str) -> str:
    """Text extraction breaks lines and hyphenates, and a table cell that runs over a page
    break has the page's footer and header in the middle: compare on letters and digits
    only, without the header and footer lines (they carry the classification)."""
    body = "\n".join(line for line in text.splitlines() if "Klassning: " not in line)
    return "".join(ch for ch in body.lower() if ch.isalnum())


def pages_to_png(pdf: Path, directory: Path) -> list[Path]:
    """The pages at 50 dpi (pdftoppm), for looking at while developing."""
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(directory / pdf.stem)], check=True
    )
    return sorted(directory.glob(f"{pdf.stem}*.png"))
