"""A small on-screen keyboard made of plain Qt buttons, for the kiosk comment.

Why our own instead of Qt Virtual Keyboard: that module needs PySide6-Addons,
Qt Quick and an input-method plug-in (plus libpulse on Linux) — hundreds of
megabytes and a second rendering stack for one optional comment field. A grid
of buttons in the layout of the client's language (QWERTY, QWERTZ, AZERTY,
with the accented letters each language needs) is enough, is tested like
every other widget, and keeps no dictionary, prediction or history.

The keys never take focus, so the text field keeps its cursor while the
client types, and a physical keyboard keeps working beside it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from alliance_desktop.ui.lazy_qt import Qt

KEY_ROLE = "keyboardKey"
WIDE_KEY_ROLE = "keyboardWideKey"
KEY_HEIGHT = 52
KEY_MIN_WIDTH = 44

# Letter rows per language; the digits row and the bottom row are shared.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "en": ("qwertyuiop", "asdfghjkl'", "zxcvbnm,.?"),
    "de": ("qwertzuiopü", "asdfghjklöä", "yxcvbnmß,.?"),
    "fr": ("azertyuiop", "qsdfghjklm", "wxcvbn',.?", "éèêàçùôî"),
    "it": ("qwertyuiop", "asdfghjkl'", "zxcvbnm,.?", "àèéìòù"),
}
DIGITS = "1234567890"
EXTRA = "-!"


def _upper(char: str) -> str:
    """Upper case where one character maps to one (ß stays ß rather than becoming SS)."""
    upper = char.upper()
    return upper if len(upper) == 1 else char


class OnScreenKeyboard(QWidget):
    """Emits ``typed(str)`` for each character and ``backspace()``; the page decides what they do."""

    typed = Signal(str)
    backspace = Signal()

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shift = False
        self._letter_keys: list[tuple[QPushButton, str]] = []
        rows = (DIGITS, *LAYOUTS.get(language, LAYOUTS["en"]))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(6)
            for char in row:
                button = self._key(char, KEY_ROLE)
                button.clicked.connect(lambda _=False, c=char: self._type(c))
                self._letter_keys.append((button, char))
                line.addWidget(button)
            layout.addLayout(line)

        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        self.shift_key = self._key("⇧", WIDE_KEY_ROLE)
        self.shift_key.setCheckable(True)
        self.shift_key.setAccessibleName(self.tr("Capital letter"))
        self.shift_key.toggled.connect(self._set_shift)
        self.space_key = self._key(self.tr("Space"), WIDE_KEY_ROLE)
        self.space_key.clicked.connect(lambda: self._type(" "))
        self.delete_key = self._key("⌫", WIDE_KEY_ROLE)
        self.delete_key.setAccessibleName(self.tr("Delete"))
        self.delete_key.setAutoRepeat(True)
        self.delete_key.clicked.connect(self.backspace)
        bottom.addWidget(self.shift_key, 2)
        for char in EXTRA:
            button = self._key(char, KEY_ROLE)
            button.clicked.connect(lambda _=False, c=char: self._type(c))
            bottom.addWidget(button, 1)
        bottom.addWidget(self.space_key, 6)
        bottom.addWidget(self.delete_key, 2)
        layout.addLayout(bottom)

    def _key(self, text: str, role: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(role)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAccessibleName(text)
        button.setMinimumSize(KEY_MIN_WIDTH, KEY_HEIGHT)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return button

    def key_for(self, char: str) -> QPushButton | None:
        """The button that types ``char`` (lower case), for tests and screenshots."""
        if char == " ":
            return self.space_key
        return next((b for b, c in self._letter_keys if c == char), None)

    @property
    def shifted(self) -> bool:
        return self._shift

    def set_shift(self, on: bool) -> None:
        self.shift_key.setChecked(on)

    def _set_shift(self, on: bool) -> None:
        self._shift = on
        for button, char in self._letter_keys:
            button.setText(_upper(char) if on else char)
            button.setAccessibleName(button.text())

    def _type(self, char: str) -> None:
        out = _upper(char) if self._shift else char
        if self._shift and char.isalpha():
            self.set_shift(False)  # one capital, like a phone keyboard
        self.typed.emit(out)
