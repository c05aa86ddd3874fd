"""A window for "we cannot go on": damaged clinic files, a second instance, an unusable folder.

It replaces the wizard and the login rather than sitting in front of them:
offering a fresh setup over a damaged clinic would invite someone to create a
second, empty clinic and lose sight of the real one (DESIGN.md §4). It names
the data folder so staff or IT know which files to restore, and for a
damaged or missing database or key file it offers "Restore from backup…"
(ui/restore_dialog.py: the backup file plus the recovery key, since nobody
can log in to a clinic that does not open).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from alliance_desktop.ui import theme


class ProblemWindow(QWidget):
    def __init__(self, heading: str, message: str, folder: Path, parent: QWidget | None = None, *,
                 restore: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alliance Desktop")
        self.setMinimumWidth(640)
        title = theme.set_role(QLabel(heading), theme.HEADING)
        title.setWordWrap(True)
        self.message = theme.set_role(QLabel(message), theme.ERROR)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder = theme.set_role(QLabel(f"Data folder: {folder}"), theme.HINT)
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._folder_path = folder
        open_button = QPushButton("Open data folder")
        open_button.clicked.connect(self._open_folder)
        open_button.setEnabled(folder.is_dir())
        close_button = theme.set_role(QPushButton("Close"), theme.PRIMARY)
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(open_button)
        self.restore_button: QPushButton | None = None
        if restore is not None:
            self.restore_button = QPushButton("Restore from backup…")
            self.restore_button.clicked.connect(restore)
            buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 22)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(self.folder)
        layout.addStretch(1)
        layout.addLayout(buttons)
        close_button.setFocus()

    def text(self) -> str:
        """Everything the window says, for logs and tests."""
        return f"{self.message.text()}\n{self.folder.text()}"

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder_path)))
