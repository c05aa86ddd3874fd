"""Printing the recovery key on paper, the one place it should live.

The print dialog is created through an injectable factory: tests hand in one
that prints to a PDF without showing anything, the app uses ``QPrintDialog``.
QtPrintSupport is imported only when someone actually prints, so it costs
nothing at start-up.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


class _Dialog(Protocol):
    def exec(self) -> int: ...


#: (printer, parent) -> a dialog whose ``exec()`` returns ``QDialog.Accepted`` to go ahead.
PrintDialogFactory = Callable[["QPrinter", QWidget | None], _Dialog]

#: What the wizard calls: (parent, clinic name, recovery key) -> True if it went to a printer.
PrintKey = Callable[[QWidget | None, str, str], bool]


def _qt_print_dialog(printer: QPrinter, parent: QWidget | None) -> _Dialog:
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the recovery key")
    return dialog


def recovery_key_html(clinic_name: str, key: str, today: date) -> str:
    """The printed sheet: what the key is, what to do with it, and the key itself."""
    groups = key.split("-")
    lines = ["-".join(groups[:4]), "-".join(groups[4:])]
    shown = "<br>".join(html.escape(line) for line in lines if line)
    return f"""
<h2>Alliance Desktop &mdash; recovery key</h2>
<p><b>Clinic:</b> {html.escape(clinic_name)}<br><b>Printed:</b> {today.isoformat()}</p>
<p style="font-family: monospace; font-size: 20pt; margin: 18pt 0;">{shown}</p>
<p>This key opens the clinic's encrypted data when every administrator password is lost.
It is shown only once, at setup, and it cannot be recovered.</p>
<ul>
<li>Keep this sheet locked away from the computer, for example in the clinic's safe.</li>
<li>Anyone holding this key and a copy of the clinic's data folder can read all of it.</li>
<li>To use it: on the login screen choose <i>Forgot password?</i> and type the key
(upper or lower case, with or without the dashes).</li>
</ul>
"""


class RecoveryKeyPrinter:
    """Asks where to print, then prints one sheet; returns False if the dialog was cancelled."""

    def __init__(
        self,
        dialog_factory: PrintDialogFactory = _qt_print_dialog,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._dialog_factory = dialog_factory
        self._today = today

    def __call__(self, parent: QWidget | None, clinic_name: str, key: str) -> bool:
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Alliance Desktop recovery key")
        dialog = self._dialog_factory(printer, parent)
        if int(dialog.exec()) != QDialog.DialogCode.Accepted.value:
            return False
        document = QTextDocument()
        document.setHtml(recovery_key_html(clinic_name, key, self._today()))
        document.print_(printer)
        return True
