"""Ordered answer options as large, exclusive buttons (one per option, top to bottom).

Why buttons rather than radio buttons: on a touch screen the whole row must be
the target (at least 44 px high, WCAG 2.5.5), and a selected option must be
obvious at a glance from arm's length. Keyboard use follows the radio-group
convention: arrow keys move between options, Enter or Space chooses.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QPushButton, QVBoxLayout, QWidget

from alliance_desktop.ui.lazy_qt import Qt

OPTION_ROLE = "kioskOption"
MIN_HEIGHT = 56



@cache
def _keys() -> tuple[frozenset[Qt.Key], frozenset[Qt.Key], frozenset[Qt.Key]]:
    """(previous, next, choose): built at the first key press, not when the kiosk's style loads this module."""
    return (frozenset({Qt.Key.Key_Up, Qt.Key.Key_Left}), frozenset({Qt.Key.Key_Down, Qt.Key.Key_Right}),
            frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Select}))


class OptionButtons(QWidget):
    """``valueChanged(int)`` when the client chooses an option; ``value()`` is None until then."""

    valueChanged = Signal(int)

    def __init__(self, options: Sequence[tuple[int, str]], *, accessible_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for value, label in options:
            button = QPushButton(label)
            button.setObjectName(OPTION_ROLE)
            button.setCheckable(True)
            button.setMinimumHeight(MIN_HEIGHT)
            button.setAccessibleName(label)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.installEventFilter(self)
            self._group.addButton(button, value)
            self._buttons.append(button)
            layout.addWidget(button)
        self._group.idClicked.connect(self.valueChanged)

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return tuple(self._buttons)

    def value(self) -> int | None:
        checked = self._group.checkedButton()
        return None if checked is None else self._group.id(checked)

    def checked_label(self) -> str | None:
        checked = self._group.checkedButton()
        return None if checked is None else checked.text()

    def set_value(self, value: int | None) -> None:
        if value is None:
            checked = self._group.checkedButton()
            if checked is not None:  # an exclusive group never unchecks its last button by itself
                self._group.setExclusive(False)
                checked.setChecked(False)
                self._group.setExclusive(True)
            return
        button = self._group.button(value)
        if button is not None:
            button.setChecked(True)

    def focus_first(self) -> None:
        """Focus the chosen option, else the first: where arrow keys should start."""
        target = self._group.checkedButton() or (self._buttons[0] if self._buttons else None)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or watched not in self._buttons:
            return False
        assert isinstance(event, QKeyEvent)
        index = self._buttons.index(watched)  # type: ignore[arg-type]
        key = event.key()
        previous, following, choose = _keys()
        if key in previous or key in following:
            step = -1 if key in previous else 1
            target = self._buttons[max(0, min(len(self._buttons) - 1, index + step))]
            target.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if key in choose and not event.isAutoRepeat():
            watched.click()  # type: ignore[attr-defined]
            return True
        return False
