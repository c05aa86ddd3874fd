"""Small dialogs of the course view: record a session, a kiosk code, paper entry / amendment, a reason.

All are opened with ``open()`` (no nested event loop: an auto-lock closes
them cleanly) and call the workspace, which calls the services; a refused
input stays in the dialog with the service's own sentence.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.instrument_model import Instrument, OptionsResponse, VasResponse
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message

NOT_ANSWERED = "(not answered)"


class FormDialog(QDialog):
    """Intro, a form, an error line and a primary button that runs ``action``."""

    def __init__(self, title: str, intro: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.result_value: Any = None
        self.form = theme.form_layout()
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = theme.set_role(QPushButton(action), theme.PRIMARY)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(self.submit)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(24, 20, 24, 18)
        self.body.setSpacing(12)
        self.body.addWidget(self.intro)
        self.body.addLayout(self.form)
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def attempt(self, call: Callable[[], Any]) -> bool:
        """Run a service call; on success keep its result and close, else show why."""
        try:
            self.result_value = call()
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return False
        self.accept()
        return True

    def submit(self) -> None:
        raise NotImplementedError


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class RecordSessionDialog(FormDialog):
    def __init__(self, record: Callable[[date, int | None], Any], today: date, next_number: int,
                 parent: QWidget | None = None) -> None:
        super().__init__("Record a session", "Record a session that took place. Its number is the next one "
                         "unless you change it; a number already used is refused.", "Record session", parent)
        self._record = record
        self.held_on = QDateEdit(to_qdate(today))
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("dd MMM yyyy")
        self.number = QSpinBox()
        self.number.setRange(1, 200)
        self.number.setValue(next_number)
        self.form.addRow("&Date:", self.held_on)
        self.form.addRow("Session &number:", self.number)

    def submit(self) -> None:
        self.attempt(lambda: self._record(from_qdate(self.held_on.date()), self.number.value()))


class KioskCodeDialog(QDialog):
    """The code, large, with its expiry. Not selectable and no copy button: it is read out or typed."""

    def __init__(self, session_number: int, code: str, expires_at: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Kiosk code for session {session_number}")
        intro = QLabel(f"The client types this code on the waiting-room kiosk to rate session {session_number}. "
                       "It works once.")
        intro.setWordWrap(True)
        spaced = f"{code[:3]} {code[3:]}" if len(code) == 6 else code
        self.code = QLabel(spaced)
        self.code.setAccessibleName("Kiosk code")
        self.code.setAccessibleDescription(" ".join(code))
        font = theme.fixed_font(40)
        font.setWeight(QFont.Weight.Bold)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.code.setObjectName(theme.RECOVERY_KEY)
        local = expires_at.astimezone()
        self.expiry = theme.set_role(QLabel(f"Valid until {local:%H:%M} on {local:%d %b %Y}."), theme.SUBHEADING)
        self.expiry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(14)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(self.expiry)
        layout.addWidget(close)
        self.setMinimumWidth(460)


class AnswersDialog(FormDialog):
    """Paper entry (``reason_required`` False) or amendment (True): one field per item.

    Lines are entered in millimetres (0-100) as measured on the paper; options
    by their label. "(not answered)" leaves an item empty; the scoring rules
    decide whether the total can still be scored.
    """

    def __init__(self, title: str, intro: str, action: str, instruments: Mapping[str, Instrument],
                 save: Callable[[str, dict[str, int | None], str | None], Any], *,
                 fixed_instrument: str | None = None, initial: Mapping[str, float | None] | None = None,
                 reason_required: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(title, intro, action, parent)
        self._instruments = dict(instruments)
        self._save = save
        self._reason_required = reason_required
        self.instrument = QComboBox()
        for instrument in self._instruments.values():
            self.instrument.addItem(f"{instrument.abbreviation} — {instrument.title('en')}", instrument.id)
        if fixed_instrument is not None:
            self.instrument.setCurrentIndex(max(0, self.instrument.findData(fixed_instrument)))
            self.instrument.setEnabled(False)
        self.form.addRow("&Questionnaire:", self.instrument)
        self.items_form = QFormLayout()
        holder = QWidget()
        holder.setLayout(self.items_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMinimumHeight(280)
        self.body.insertWidget(2, scroll, 1)
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(70)
        self.reason = QLineEdit()
        if reason_required:
            self.form.addRow("&Reason:", self.reason)
        else:
            self.form.addRow("Client's &comment:", self.comment)
        self.fields: dict[str, QWidget] = {}
        self._initial = dict(initial or {})
        self.instrument.currentIndexChanged.connect(lambda _: self._build_items())
        self._build_items()
        self.resize(640, 620)

    def _current(self) -> Instrument:
        return self._instruments[self.instrument.currentData()]

    def _build_items(self) -> None:
        while self.items_form.rowCount():
            self.items_form.removeRow(0)
        self.fields = {}
        for item in self._current().items:
            text = item.text.get("en") or next(iter(item.text.values()), item.id)
            start = self._initial.get(item.id)
            if isinstance(item.response, VasResponse):
                field: QWidget = QSpinBox()
                field.setRange(item.response.min_mm - 1, item.response.max_mm)
                field.setSpecialValueText(NOT_ANSWERED)
                field.setSuffix(" mm")
                field.setValue(int(start) if start is not None else item.response.min_mm - 1)
            else:
                field = QComboBox()
                field.addItem(NOT_ANSWERED, None)
                if isinstance(item.response, OptionsResponse):
                    for option in item.response.options:
                        label = option.label.get("en") or next(iter(option.label.values()), str(option.value))
                        field.addItem(f"{option.value} — {label}", option.value)
                if start is not None:
                    field.setCurrentIndex(max(0, field.findData(int(start))))
            field.setAccessibleName(f"Item {item.id}")
            label = QLabel(f"{item.id}. {text}")
            label.setWordWrap(True)
            label.setBuddy(field)
            self.items_form.addRow(label, field)
            self.fields[item.id] = field

    def answers(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for item_id, field in self.fields.items():
            if isinstance(field, QSpinBox):
                out[item_id] = None if field.value() < field.minimum() + 1 else field.value()
            else:
                out[item_id] = field.currentData()  # type: ignore[attr-defined]
        return out

    def set_answer(self, item_id: str, value: int | None) -> None:
        field = self.fields[item_id]
        if isinstance(field, QSpinBox):
            field.setValue(field.minimum() if value is None else value)
        else:
            field.setCurrentIndex(max(0, field.findData(value)))  # type: ignore[attr-defined]

    def submit(self) -> None:
        extra = self.reason.text() if self._reason_required else (self.comment.toPlainText() or None)
        self.attempt(lambda: self._save(self._current().id, self.answers(), extra))


class ReasonDialog(FormDialog):
    """Entered in error: the response stops counting, stays visible, with this reason."""

    def __init__(self, title: str, intro: str, action: str, save: Callable[[str], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, intro, action, parent)
        self._save = save
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.form.addRow("&Reason:", self.reason)

    def submit(self) -> None:
        self.attempt(lambda: self._save(self.reason.text()))


def short_id(value: uuid.UUID | None) -> str:
    return str(value)[:8] if value else ""
