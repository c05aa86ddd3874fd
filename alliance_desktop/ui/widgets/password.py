"""Choosing a new password: the field, the repeat, and honest live feedback.

Used wherever a password is set (setup, recovery, change password) so the
rules and their wording are the same everywhere. The rules themselves live in
``core.accounts.assess_password``; this widget only shows them while people
type, so they learn the minimum length *before* pressing a button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from alliance_desktop.core.accounts import MIN_PASSWORD_LENGTH, PasswordAssessment, assess_password
from alliance_desktop.ui import theme

MISMATCH = "The two passwords do not match."


class NewPasswordFields(QWidget):
    """Password + repeat + strength bar + hints; ``acceptable()`` gates the caller's button.

    ``context`` returns (user name, clinic name) at the moment of typing, so a
    password that contains either is flagged even if those fields change later.
    """

    changed = Signal()

    def __init__(
        self,
        context: Callable[[], tuple[str, str]] = lambda: ("", ""),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"At least {MIN_PASSWORD_LENGTH} characters")
        self.password.setAccessibleName("New password")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat the new password")

        self.bar = QProgressBar()
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        theme.set_role(self.bar, theme.STRENGTH_BAR)
        self.strength = QLabel()
        self.strength.setMinimumWidth(120)
        self.hints = theme.set_role(QLabel(), theme.HINT)
        self.hints.setWordWrap(True)
        self.mismatch = theme.set_role(QLabel(MISMATCH), theme.FIELD_ERROR)
        self.mismatch.hide()

        # The feedback block sits under the password field, inside the caller's form.
        self.feedback = QWidget()
        self.meter = QWidget()
        meter = QHBoxLayout(self.meter)
        meter.setContentsMargins(0, 0, 0, 0)
        meter.addWidget(self.bar, 1)
        meter.addWidget(self.strength)
        block = QVBoxLayout(self.feedback)
        block.setContentsMargins(0, 0, 0, 0)
        block.setSpacing(4)
        block.addWidget(self.meter)
        block.addWidget(self.hints)

        self.password.textChanged.connect(self.refresh)
        self.repeat.textChanged.connect(self.refresh)
        self.refresh()

    def add_rows(self, form: QFormLayout, label: str = "Password:", repeat_label: str = "Repeat password:") -> None:
        """Put the fields into the caller's form so they line up with its other rows."""
        form.addRow(label, self.password)
        form.addRow("", self.feedback)
        form.addRow(repeat_label, self.repeat)
        form.addRow("", self.mismatch)

    def assessment(self) -> PasswordAssessment:
        username, clinic_name = self._context()
        return assess_password(self.password.text(), username=username, clinic_name=clinic_name)

    def text(self) -> str:
        return self.password.text()

    def matches(self) -> bool:
        return self.password.text() == self.repeat.text()

    def acceptable(self) -> bool:
        """Long enough, not the user name, and typed the same twice."""
        return self.assessment().acceptable and self.matches()

    def clear(self) -> None:
        self.password.clear()
        self.repeat.clear()

    def refresh(self) -> None:
        """Recompute the feedback (also called by the host when user or clinic name change)."""
        verdict = self.assessment()
        typed = bool(self.password.text())
        self.meter.setVisible(typed)
        self.bar.setValue(verdict.strength if typed else 0)
        theme.set_level(self.bar, verdict.strength)
        self.strength.setText(f"Strength: {verdict.label}" if typed else "")
        if typed:
            hints = list(verdict.hints)
        else:
            hints = [f"Use at least {MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to "
                     "remember and hard to guess."]
        self.hints.setText("\n".join(hints))
        self.hints.setVisible(bool(hints))
        self.mismatch.setVisible(bool(self.repeat.text()) and not self.matches())
        theme.grow_to_fit(self)
        self.changed.emit()
