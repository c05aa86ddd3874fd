"""The printed recovery key sheet (through a PDF "printer", no dialog on screen)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from PySide6.QtWidgets import QDialog

from alliance_desktop.ui.recovery_print import RecoveryKeyPrinter, recovery_key_html

KEY = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"


class _Accept:
    def exec(self) -> int:
        return QDialog.DialogCode.Accepted.value


class _Cancel:
    def exec(self) -> int:
        return QDialog.DialogCode.Rejected.value


def test_the_sheet_names_the_clinic_and_shows_the_key_in_two_lines():
    html = recovery_key_html("Praxis <am> See", KEY, date(2026, 1, 5))
    assert "ABCD-EFGH-IJKL-MNOP<br>QRST-UVWX-YZ23-4567" in html
    assert "Praxis &lt;am&gt; See" in html
    assert "2026-01-05" in html


def test_cancelled_dialog_prints_nothing(qtbot, tmp_path):
    assert RecoveryKeyPrinter(lambda printer, parent: _Cancel())(None, "Praxis", KEY) is False


def test_accepted_dialog_prints_the_key(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "key.pdf"

    def to_pdf(printer: QPrinter, parent):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return _Accept()

    assert RecoveryKeyPrinter(to_pdf, today=lambda: date(2026, 1, 5))(None, "Praxis am See", KEY) is True
    assert out.stat().st_size > 1000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed: the PDF exists, its text is not checked")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "ABCD-EFGH-IJKL-MNOP" in text and "QRST-UVWX-YZ23-4567" in text
    assert "Praxis am See" in text
