""""Restore from backup…" on the damaged-clinic screen (RELIABILITY.md row 7).

When the clinic database cannot be opened nobody can log in, so there is no
administrator session: the restore is authorised by the clinic's recovery
key instead (services.backup.restore_backup with ``recovery_key``). The
backup is verified completely before anything is replaced, and the damaged
database is kept next to the restored one under a ``.before-restore-…`` name
(never deleted), so a restore can be looked at again by IT. The job runs
off the UI thread (a large clinic takes up to a minute).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.config import DataPaths
from alliance_desktop.services import backup as backups
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.tasks import Task, run_task

FILE_FILTER = f"Alliance Desktop backups (*{backups.BACKUP_SUFFIX});;All files (*)"


def ask_backup_file(parent: QWidget, folder: Path) -> str:
    """The backup file to restore (empty if cancelled); a function so tests can answer it."""
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a backup", str(folder), FILE_FILTER)
    return path


class RestoreFromBackupDialog(QDialog):
    """Backup file + recovery key -> verified restore. ``restoredWith(notice)`` after the swap."""

    restoredWith = Signal(str)

    def __init__(self, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.setMinimumWidth(560)
        self.paths = paths
        self.result_value: backups.RestoreResult | None = None
        intro = QLabel("Choose a backup file and enter the clinic's recovery key. The backup is checked "
                       "completely before anything is replaced; the damaged database is kept next to it, "
                       "not deleted.")
        intro.setWordWrap(True)
        self.form = theme.form_layout()
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = theme.set_role(QPushButton("Restore"), theme.PRIMARY)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._task: Task | None = None
        self.backup_file = QLineEdit()
        self.backup_file.setAccessibleName("Backup file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose)
        row = QHBoxLayout()
        row.addWidget(self.backup_file, 1)
        row.addWidget(choose)
        self.recovery_key = QLineEdit()
        self.recovery_key.setAccessibleName("Recovery key")
        self.recovery_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow("&Backup file:", row)
        self.form.addRow("&Recovery key:", self.recovery_key)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    @property
    def busy(self) -> bool:
        return self._task is not None

    def choose(self) -> None:
        chosen = ask_backup_file(self, self.paths.backups if self.paths.backups.is_dir() else self.paths.root)
        if chosen:
            self.backup_file.setText(chosen)

    def submit(self) -> None:
        if self.busy:
            return
        backup_file = self.backup_file.text().strip()
        key = self.recovery_key.text()
        if not backup_file:
            self.show_error("Choose the backup file to restore.")
            return
        if not key.strip():
            self.show_error("Enter the clinic's recovery key.")
            return
        self.show_error("")
        self.ok_button.setEnabled(False)
        self.ok_button.setText("Checking and restoring…")
        paths = self.paths
        self._task = run_task(self, lambda: backups.restore_backup(paths, Path(backup_file), recovery_key=key),
                              self._done, self._failed)

    def _done(self, result: backups.RestoreResult) -> None:
        self._task = None
        self.recovery_key.clear()
        when = result.summary.created_at.astimezone().strftime("%d %b %Y, %H:%M")
        self.result_value = result
        self.restoredWith.emit(f"The clinic was restored from the backup of {when}. "
                               "The damaged database was kept next to it. Log in to continue.")
        self.accept()

    def _failed(self, problem: Exception) -> None:
        self._task = None
        self.ok_button.setEnabled(True)
        self.ok_button.setText("Restore")
        self.show_error(staff_message(problem))
