""""Export PDF…" (one client) and "Caseload report…" (a caseload): file choice, progress, messages.

Why here and not in the views: the course and caseload screens only get a
button each; what the button does lives in this module, so those screens
stay small. The work runs on the UI thread, one client at a time, with
``processEvents`` between clients: QPdfWriter and the font database are
happiest on the GUI thread, a client takes tens of milliseconds, and the
progress dialog's Cancel is honoured after the client being written.
The file dialogs are Qt's own (not the platform's) so they behave the same
everywhere, including offscreen tests; ``ask_save_path``/``ask_folder`` are
module functions so tests can replace them.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui.messages import staff_message

if TYPE_CHECKING:
    from alliance_desktop.ui.therapist.report_port import CaseloadOutcome, ReportExporter
    from alliance_desktop.ui.therapist.workspace import Workspace

NOT_AVAILABLE = "PDF reports are not available in this window."
_last_folder: dict[str, Path] = {}


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    folder = _last_folder.get("dir", Path.home())
    path, _ = QFileDialog.getSaveFileName(parent, "Export PDF", str(folder / suggested), "PDF files (*.pdf)",
                                          options=QFileDialog.Option.DontUseNativeDialog)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")


def ask_folder(parent: QWidget) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "Folder for the caseload report",
                                              str(_last_folder.get("dir", Path.home())),
                                              QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly)
    return Path(folder) if folder else None


def tell(parent: QWidget, title: str, text: str, *, warning: bool = False) -> None:
    """A modal message (replaced in tests)."""
    (QMessageBox.warning if warning else QMessageBox.information)(parent, title, text)


def _exporter(parent: QWidget, workspace: Workspace) -> ReportExporter | None:
    exporter = getattr(workspace, "reports", None)
    if exporter is None:
        tell(parent, "Export PDF", NOT_AVAILABLE)
    return exporter


def _problem(parent: QWidget, title: str, problem: Exception) -> None:
    if isinstance(problem, (ServiceError, StorageError)):
        text = staff_message(problem)
    else:  # OSError: a full disk, a read-only folder
        text = f"The PDF could not be written: {getattr(problem, 'strerror', None) or problem}."
    tell(parent, title, text, warning=True)


def export_client_pdf(parent: QWidget, workspace: Workspace, episode_id: uuid.UUID, pseudonym: str) -> Path | None:
    """Ask where, write the client's summary, say where it went. Returns the path or None."""
    exporter = _exporter(parent, workspace)
    if exporter is None:
        return None
    path = ask_save_path(parent, exporter.suggested_client_name(pseudonym))
    if path is None:
        return None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        pages = exporter.client_pdf(workspace.session, episode_id, path)
    except (ServiceError, StorageError, OSError) as problem:
        QApplication.restoreOverrideCursor()
        _problem(parent, "Export PDF", problem)
        return None
    QApplication.restoreOverrideCursor()
    _last_folder["dir"] = path.parent
    tell(parent, "Export PDF", f"The summary ({pages} pages) was written to\n{path}\n\n"
                            "The file is not encrypted: store and share it as health information.")
    return path


def export_caseload_pdf(parent: QWidget, workspace: Workspace,
                        therapist_id: uuid.UUID | None) -> CaseloadOutcome | None:
    """Ask for a folder, write the caseload report with a cancellable progress dialog."""
    exporter = _exporter(parent, workspace)
    if exporter is None:
        return None
    folder = ask_folder(parent)
    if folder is None:
        return None
    dialog = QProgressDialog("Writing the caseload report…", "Cancel", 0, 1, parent)
    dialog.setWindowTitle("Caseload report")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def progress(done: int, total: int) -> bool:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"Writing the caseload report… ({min(done, total - 1)} of {total - 1} clients)")
        QApplication.processEvents()
        return not dialog.wasCanceled()

    try:
        result = exporter.caseload_pdf(workspace.session, therapist_id, folder, progress=progress,
                                       cancelled=dialog.wasCanceled)
    except (ServiceError, StorageError, OSError) as problem:
        dialog.close()
        _problem(parent, "Caseload report", problem)
        return None
    dialog.close()
    if result is None:
        tell(parent, "Caseload report", "Cancelled: no file was written.")
        return None
    _last_folder["dir"] = folder
    tell(parent, "Caseload report",
         f"The report on {result.clients} clients ({result.pages} pages) was written to\n"
         f"{result.path}\n\nThe file is not encrypted: store and share it as health information.")
    return result
