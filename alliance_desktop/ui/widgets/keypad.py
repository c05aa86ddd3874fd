"""A large digit keypad for one-time codes and the staff exit PIN.

Why not a QLineEdit: a line edit brings an undo stack, a context menu, copy
and paste and selection — all ways for one client's input to outlive them on
a shared tablet. The keypad keeps its digits in one plain string that
``clear()`` empties, shows them in a label (or as dots for a PIN), and its
buttons never take focus, so a physical keyboard typing into the keypad keeps
working after a tap.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from alliance_desktop.ui.lazy_qt import Qt

KEY_ROLE = "keypadKey"
OK_ROLE = "keypadOk"
DISPLAY_ROLE = "keypadDisplay"
KEY_SIZE = 76
MASK = "●"


class Keypad(QWidget):
    """``submitted(str)`` on OK / Enter with at least ``min_digits`` digits."""

    submitted = Signal(str)
    changed = Signal(str)

    def __init__(self, *, max_digits: int = 6, min_digits: int | None = None, masked: bool = False,
                 accessible_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_digits = max_digits
        self.min_digits = max_digits if min_digits is None else min_digits
        self.masked = masked
        self._digits = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(accessible_name)

        self.display = QLabel()
        self.display.setObjectName(DISPLAY_ROLE)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setTextFormat(Qt.TextFormat.PlainText)
        self.display.setMinimumHeight(64)
        self.display.setAccessibleName(accessible_name)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.digit_buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            self.digit_buttons[digit] = self._key(digit, lambda _=False, d=digit: self.press(d))
            grid.addWidget(self.digit_buttons[digit], index // 3, index % 3)
        self.delete_button = self._key("⌫", self.delete)
        self.delete_button.setAccessibleName(self.tr("Delete"))
        self.delete_button.setAutoRepeat(True)
        self.digit_buttons["0"] = self._key("0", lambda _=False: self.press("0"))
        self.ok_button = self._key(self.tr("OK"), self.submit)
        self.ok_button.setObjectName(OK_ROLE)
        grid.addWidget(self.delete_button, 3, 0)
        grid.addWidget(self.digit_buttons["0"], 3, 1)
        grid.addWidget(self.ok_button, 3, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.display)
        layout.addLayout(grid)
        self._refresh()

    def _key(self, text: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(text)
        button.setObjectName(KEY_ROLE)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumSize(KEY_SIZE, KEY_SIZE)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(slot)
        return button

    # -- state ------------------------------------------------------------------------
    def digits(self) -> str:
        return self._digits

    def clear(self) -> None:
        self._digits = ""
        self._refresh()

    def press(self, digit: str) -> None:
        if self.isEnabled() and len(self._digits) < self.max_digits and digit.isdigit():
            self._digits += digit
            self._refresh()

    def delete(self) -> None:
        if self._digits:
            self._digits = self._digits[:-1]
            self._refresh()

    def submit(self) -> None:
        if self.isEnabled() and len(self._digits) >= self.min_digits:
            self.submitted.emit(self._digits)

    def _refresh(self) -> None:
        shown = MASK * len(self._digits) if self.masked else self._digits
        # Empty places as light dashes: the client sees how many digits are still to come.
        rest = max(0, self.min_digits - len(self._digits))
        self.display.setText(" ".join(list(shown) + ["–"] * rest))
        self.ok_button.setEnabled(len(self._digits) >= self.min_digits)
        self.delete_button.setEnabled(bool(self._digits))
        count = self.tr("%n digit(s) entered", "", len(self._digits))
        self.display.setAccessibleDescription(count)
        self.changed.emit(self._digits if not self.masked else MASK * len(self._digits))

    # -- physical keyboard --------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        key = event.key()
        if text and text.isdigit() and len(text) == 1 and text.isascii():
            self.press(text)
        elif key == Qt.Key.Key_Backspace:
            self.delete()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
