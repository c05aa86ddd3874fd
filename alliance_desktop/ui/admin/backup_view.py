"""Backup and restore for administrators.

Both jobs read or write the whole database (seconds on a large clinic), so
they run off the UI thread through ``ui.tasks``, with the buttons disabled
and a busy line saying what is happening. A restore verifies the backup
completely before asking anything, then names what it is about to put back
(the backup's date and how many clients, sessions and accounts it holds),
and only swaps after an explicit yes. After the swap the open session is
gone (the database changed under it), so the view asks the shell to lock:
everyone logs in again against the restored clinic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services import backup as backups
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.tasks import Task, run_task

if TYPE_CHECKING:
    from alliance_desktop.ui.therapist.workspace import Workspace

EXPLAIN = (
    "A backup is one encrypted file holding the whole clinic and its key file. It opens with the clinic's "
    "recovery key, or with the staff passwords as they were when it was made: keep it as safe as the recovery key. "
    "Every backup is read back and checked before it is reported done."
)
FILE_FILTER = f"Alliance Desktop backups (*{backups.BACKUP_SUFFIX});;All files (*)"
#: Tables named in the confirmation, with the words used for them.
COUNTED = (("clients", "clients"), ("therapy_sessions", "sessions"), ("responses", "questionnaires"),
           ("users", "staff accounts"))


def ask_save_path(parent: QWidget, suggested: Path) -> str:
    """The file to write (empty if cancelled); a function so tests can answer it."""
    path, _ = QFileDialog.getSaveFileName(parent, "Back up the clinic", str(suggested), FILE_FILTER)
    return path


def ask_open_path(parent: QWidget, folder: Path) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "Restore from backup", str(folder), FILE_FILTER)
    return path


def confirmation_text(summary: backups.BackupSummary) -> str:
    when = summary.created_at.astimezone().strftime("%d %b %Y, %H:%M")
    counts = ", ".join(f"{summary.rows.get(table, 0):,} {words}" for table, words in COUNTED)
    return (f"The backup of {when} was checked and is complete: {counts}.\n\n"
            "Restoring replaces everything entered since then. The current database is kept next to the "
            "restored one, and everyone has to log in again.\n\nRestore this backup now?")


class BackupView(QWidget):
    """Emits ``restored(notice)`` after a successful swap: the shell should lock with that notice."""

    restored = Signal(str)
    backedUp = Signal(object)  # BackupSummary

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._task: Task | None = None
        self.prepared: backups.PreparedRestore | None = None
        self.confirmation: QMessageBox | None = None
        heading = theme.set_role(QLabel("Backup and restore"), theme.HEADING)
        explain = theme.set_role(QLabel(EXPLAIN), theme.HINT)
        explain.setWordWrap(True)
        self.backup_button = theme.set_role(QPushButton("&Back up now…"), theme.PRIMARY)
        self.restore_button = QPushButton("&Restore from backup…")
        self.status = theme.set_role(QLabel(""), theme.NOTICE)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Backup status")
        self.status.hide()  # shown with the first message: an empty framed box says nothing
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.restore)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _start(self, text: str, fn, done) -> None:  # noqa: ANN001 - callables for run_task
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self._say(text, theme.NOTICE)
        self._task = run_task(self, fn, lambda result: self._end(done, result), self._failed)

    def _end(self, done, result: object) -> None:  # noqa: ANN001
        self._task = None
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        done(result)

    def _failed(self, problem: Exception) -> None:
        self._task = None
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        self._say(staff_message(problem), theme.ERROR)
        if not self.workspace.session.is_open:  # the swap failed after the session was closed
            self.restored.emit(staff_message(problem) + " Log in again.")

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        theme.set_role(self.status, role)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    # -- backup --------------------------------------------------------------------
    def back_up(self) -> None:
        if self.busy:
            return
        session = self.workspace.session
        folder = session.paths.backups
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        chosen = ask_save_path(self, folder / backups.backup_file_name(session.clock.now()))
        if not chosen:
            return
        target = Path(chosen)
        self._start("Backing up and checking the copy… (about a minute for a very large clinic)",
                    lambda: backups.create_backup(session, target), self._backed_up)

    def _backed_up(self, summary: backups.BackupSummary) -> None:
        self._say(f"✓ Backup written and verified: {summary.path.name} ({summary.total_rows:,} rows, "
                  f"{summary.size_bytes / 1e6:,.1f} MB).", theme.SUCCESS)
        self.backedUp.emit(summary)

    # -- restore -------------------------------------------------------------------
    def restore(self) -> None:
        if self.busy or self.confirmation is not None:
            return
        session = self.workspace.session
        chosen = ask_open_path(self, session.paths.backups)
        if not chosen:
            return
        backup_file = Path(chosen)
        self._start("Checking the backup completely before anything is changed…",
                    lambda: backups.prepare_restore(session.paths, backup_file, session=session), self._verified)

    def _verified(self, prepared: backups.PreparedRestore) -> None:
        self.prepared = prepared
        self._say("The backup is complete and intact. Confirm to restore it.", theme.NOTICE)
        box = QMessageBox(QMessageBox.Icon.Warning, "Restore from backup", confirmation_text(prepared.summary),
                          QMessageBox.StandardButton.Cancel, self)
        self.restore_confirm = box.addButton("Restore", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirmation = box
        box.finished.connect(lambda _: self._answered(box, box.clickedButton() is self.restore_confirm))
        box.open()

    def _answered(self, box: QMessageBox, restore: bool) -> None:
        self.confirmation = None
        box.deleteLater()
        prepared, self.prepared = self.prepared, None
        if prepared is None:
            return
        if not restore:
            prepared.discard()
            self._say("Nothing was restored.", theme.NOTICE)
            return
        self._start("Restoring…", prepared.commit, self._restored)

    def _restored(self, result: backups.RestoreResult) -> None:
        when = result.summary.created_at.astimezone().strftime("%d %b %Y, %H:%M")
        notice = f"The clinic was restored from the backup of {when}. Log in again to continue."
        self._say(notice, theme.SUCCESS)
        self.restored.emit(notice)

    def retire(self) -> None:
        """The window is going away: drop a staged restore nobody confirmed."""
        if self.confirmation is not None:
            self.confirmation.done(0)
        if self.prepared is not None:
            self.prepared.discard()
            self.prepared = None
