"""Helpers of the PDF report tests: text as a reader extracts it, ink as poppler renders it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.services.workspace_fixtures import login

__all__ = ["login", "page_texts", "pdf_text", "poppler", "rendered_ink"]


def page_texts(path: Path) -> list[str]:
    """Each page's text as pypdf extracts it, whitespace runs folded to one space (Qt places glyph by glyph)."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    return " ".join(page_texts(path))


def rendered_ink(pdf: Path, out_dir: Path, page: int = 1) -> float:
    """Share of non-white pixels of ``page`` rendered by poppler's pdftoppm (an independent reader)."""
    from PySide6.QtGui import QImage

    prefix = out_dir / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(prefix)], check=True, capture_output=True, timeout=60)
    image = QImage(str(prefix) + ".png")
    assert not image.isNull()
    ink = total = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            total += 1
            if image.pixelColor(x, y).lightness() < 235:
                ink += 1
    return ink / total


@pytest.fixture
def poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils (pdftoppm, pdffonts) not installed")
