"""Helpers for driving the staff screens the way a person would."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

from alliance_desktop.ui.shell import ShellController
from alliance_desktop.ui.windows import ShellWindows
from tests.support import ADMIN_PASSWORD, ADMIN_USER


@dataclass
class FakePrinter:
    """Stands in for the print dialog + printer: remembers what it was asked to print."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, parent: QWidget | None, clinic_name: str, key: str) -> bool:
        self.calls.append((clinic_name, key))
        return True


@dataclass
class Shell:
    controller: ShellController
    windows: ShellWindows
    printer: FakePrinter

    @property
    def current(self) -> QWidget | None:
        return self.windows.current


def type_text(qtbot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text by typing, as a person would."""
    edit.setFocus()
    edit.selectAll()
    if edit.text():
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def click(qtbot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tick(qtbot, checkbox: QAbstractButton) -> None:
    """Click a check box on its indicator (the centre of a long label can be empty space)."""
    qtbot.mouseClick(checkbox, Qt.MouseButton.LeftButton, pos=QPoint(9, checkbox.height() // 2))


def log_in(qtbot, shell: Shell, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> QWidget:
    login = shell.current
    type_text(qtbot, login.username, user)
    type_text(qtbot, login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    return shell.current


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
