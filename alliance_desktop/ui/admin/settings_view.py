"""Clinic settings: auto-lock, kiosk idle times, languages, report paper size, the feedback instruction, the exit PIN.

One writer per setting (services.settings for the staff side,
services.kiosk_admin for the kiosk's); this screen only collects the values
and shows the services' refusals. The exit PIN is hashed (Argon2id) by the
service, so setting it runs off the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.admin_model import AUTO_LOCK_RANGE_MIN, PAPER_SIZES
from alliance_desktop.core.kiosk_model import IDLE_RANGE_S, KIOSK_LANGUAGES
from alliance_desktop.services import kiosk_admin, settings
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.tasks import run_task

if TYPE_CHECKING:
    from alliance_desktop.ui.therapist.workspace import Workspace

LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "it": "Italiano"}
PAPER_NAMES = {"A4": "A4 (210 × 297 mm)", "Letter": "US Letter (8.5 × 11 in)"}


def _feedback(role: str) -> QLabel:
    label = theme.set_role(QLabel(), role)
    label.setWordWrap(True)
    label.hide()
    return label


def _left(button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    return row


class SettingsView(QWidget):
    autoLockChanged = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._pin_task = None
        heading = theme.set_role(QLabel("Clinic settings"), theme.HEADING)

        # -- staff and kiosk timing, languages ------------------------------------------------
        timing = QGroupBox("Locking and the kiosk")
        form = theme.form_layout()
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(*AUTO_LOCK_RANGE_MIN)
        self.auto_lock.setSuffix(" minutes")
        self.warning = QSpinBox()
        self.warning.setRange(*IDLE_RANGE_S)
        self.warning.setSuffix(" s")
        self.reset = QSpinBox()
        self.reset.setRange(*IDLE_RANGE_S)
        self.reset.setSuffix(" s")
        self.languages = {lang: QCheckBox(LANGUAGE_NAMES[lang]) for lang in KIOSK_LANGUAGES}
        for spin in (self.auto_lock, self.warning, self.reset):
            spin.setMaximumWidth(200)
        langs = QHBoxLayout()
        langs.setSpacing(24)
        for box in self.languages.values():
            langs.addWidget(box)
        langs.addStretch(1)
        form.addRow("Staff window &locks after:", self.auto_lock)
        form.addRow("Kiosk asks “still there?” after:", self.warning)
        form.addRow("…and &resets after a further:", self.reset)
        form.addRow("Kiosk languages:", langs)
        self.paper = QComboBox()
        self.paper.setMaximumWidth(260)
        for size in PAPER_SIZES:
            self.paper.addItem(PAPER_NAMES.get(size, size), size)
        form.addRow("Paper si&ze of PDF reports:", self.paper)
        self.save_button = theme.set_role(QPushButton("&Save settings"), theme.PRIMARY)
        self.settings_error = _feedback(theme.ERROR)
        self.settings_ok = _feedback(theme.SUCCESS)
        box = QVBoxLayout(timing)
        box.addLayout(form)
        box.addWidget(self.settings_error)
        box.addWidget(self.settings_ok)
        box.addLayout(_left(self.save_button))

        # -- the feedback instruction -------------------------------------------------------------
        instruction = QGroupBox("Feedback instruction (shown once on the kiosk, at one session)")
        form2 = theme.form_layout()
        self.instruction_on = QCheckBox("Show the instruction")
        self.instruction_session = QSpinBox()
        self.instruction_session.setRange(1, 100)
        self.instruction_session.setMaximumWidth(200)
        self.instruction_language = QComboBox()
        self.instruction_language.setMaximumWidth(260)
        for lang in KIOSK_LANGUAGES:
            self.instruction_language.addItem(LANGUAGE_NAMES[lang], lang)
        self.instruction_text = QPlainTextEdit()
        self.instruction_text.setTabChangesFocus(True)
        self.instruction_text.setMinimumHeight(90)
        self.instruction_default = QCheckBox("Use the shipped default text")
        self.instruction_label = theme.set_role(QLabel(), theme.HINT)
        self.instruction_label.setWordWrap(True)
        form2.addRow("", self.instruction_on)
        form2.addRow("At &session:", self.instruction_session)
        form2.addRow("", self.instruction_default)
        form2.addRow("Text in:", self.instruction_language)
        form2.addRow("&Text:", self.instruction_text)
        self.instruction_button = QPushButton("Save &instruction")
        self.instruction_error = _feedback(theme.ERROR)
        self.instruction_ok = _feedback(theme.SUCCESS)
        box2 = QVBoxLayout(instruction)
        box2.addWidget(self.instruction_label)
        box2.addLayout(form2)
        box2.addWidget(self.instruction_error)
        box2.addWidget(self.instruction_ok)
        box2.addLayout(_left(self.instruction_button))
        self._texts: dict[str, str] = {}

        # -- exit PIN -------------------------------------------------------------------------------
        pin_box = QGroupBox("Kiosk exit PIN")
        form3 = theme.form_layout()
        self.pin_state = theme.set_role(QLabel(), theme.HINT)
        self.pin_state.setWordWrap(True)
        self.pin = QLineEdit()
        self.pin.setMaximumWidth(260)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName("New exit PIN")
        self.pin_repeat = QLineEdit()
        self.pin_repeat.setMaximumWidth(260)
        self.pin_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_repeat.setAccessibleName("Repeat the exit PIN")
        form3.addRow("New &PIN (6+ digits):", self.pin)
        form3.addRow("Repeat P&IN:", self.pin_repeat)
        self.pin_button = QPushButton("Set e&xit PIN")
        self.pin_error = _feedback(theme.ERROR)
        self.pin_ok = _feedback(theme.SUCCESS)
        box3 = QVBoxLayout(pin_box)
        box3.addWidget(self.pin_state)
        box3.addLayout(form3)
        box3.addWidget(self.pin_error)
        box3.addWidget(self.pin_ok)
        box3.addLayout(_left(self.pin_button))

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(14)
        column.addWidget(heading)
        column.addWidget(timing)
        column.addWidget(instruction)
        column.addWidget(pin_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.save_button.clicked.connect(self.save_settings)
        self.instruction_button.clicked.connect(self.save_instruction)
        self.pin_button.clicked.connect(self.set_pin)
        self.instruction_language.currentIndexChanged.connect(lambda _: self._show_text())
        self.instruction_text.textChanged.connect(self._keep_text)
        self.instruction_default.toggled.connect(lambda on: self.instruction_text.setReadOnly(on))
        self.load()

    def load(self) -> None:
        session = self.workspace.session
        try:
            current = settings.clinic_settings(session)
            kiosk = kiosk_admin.kiosk_settings(session)
        except (ServiceError, StorageError) as problem:
            self._say(self.settings_error, staff_message(problem))
            return
        self.auto_lock.setValue(current.auto_lock_minutes)
        self.warning.setValue(current.kiosk_idle_warning_s)
        self.reset.setValue(current.kiosk_idle_reset_s)
        for lang, box in self.languages.items():
            box.setChecked(lang in current.languages)
        self.paper.setCurrentIndex(max(self.paper.findData(current.paper_size), 0))
        self.instruction_on.setChecked(kiosk.instruction_enabled)
        self.instruction_session.setValue(kiosk.instruction_session)
        self.instruction_default.setChecked(kiosk.instruction_is_default)
        self.instruction_label.setText(f"Current text: {kiosk.instruction_label} (version "
                                       f"{kiosk.instruction_text_version}).")
        self._texts = dict(kiosk.instruction_texts)
        self._show_text()
        self.pin_state.setText("An exit PIN is set. Setting a new one replaces it." if kiosk.exit_pin_set else
                               "No exit PIN is set: anyone can leave the kiosk to the staff login. Set one.")

    def _show_text(self) -> None:
        lang = self.instruction_language.currentData()
        self.instruction_text.blockSignals(True)
        self.instruction_text.setPlainText(self._texts.get(lang, ""))
        self.instruction_text.blockSignals(False)

    def _keep_text(self) -> None:
        self._texts[self.instruction_language.currentData()] = self.instruction_text.toPlainText()

    @staticmethod
    def _say(label: QLabel, message: str, other: QLabel | None = None) -> None:
        label.setText(message)
        label.setVisible(bool(message))
        if other is not None:
            other.hide()

    def save_settings(self) -> None:
        chosen = [lang for lang, box in self.languages.items() if box.isChecked()]
        try:
            saved = settings.set_clinic_settings(
                self.workspace.session, auto_lock_minutes=self.auto_lock.value(),
                kiosk_idle_warning_s=self.warning.value(), kiosk_idle_reset_s=self.reset.value(), languages=chosen,
                paper_size=self.paper.currentData())
        except (ServiceError, StorageError) as problem:
            self._say(self.settings_error, staff_message(problem), self.settings_ok)
            return
        self._say(self.settings_ok, "Settings saved.", self.settings_error)
        self.autoLockChanged.emit(saved.auto_lock_minutes)
        self.workspace.notify("settings")

    def save_instruction(self) -> None:
        texts = None if self.instruction_default.isChecked() else {
            lang: text for lang, text in self._texts.items() if text.strip()}
        try:
            kiosk_admin.set_instruction(self.workspace.session, self.instruction_on.isChecked(),
                                        self.instruction_session.value(), texts)
        except (ServiceError, StorageError) as problem:
            self._say(self.instruction_error, staff_message(problem), self.instruction_ok)
            return
        self._say(self.instruction_ok, "Instruction saved.", self.instruction_error)
        self.load()

    def set_pin(self) -> None:
        if self._pin_task is not None:
            return
        pin, repeat = self.pin.text(), self.pin_repeat.text()
        if pin != repeat:
            self._say(self.pin_error, "The two PINs differ.", self.pin_ok)
            return
        session = self.workspace.session
        self.pin_button.setEnabled(False)

        def done(_: object) -> None:
            self._pin_task = None
            self.pin_button.setEnabled(True)
            self.pin.clear()
            self.pin_repeat.clear()
            self._say(self.pin_ok, "Exit PIN set. The kiosk asks for it from now on.", self.pin_error)
            self.pin_state.setText("An exit PIN is set. Setting a new one replaces it.")

        def failed(problem: Exception) -> None:
            self._pin_task = None
            self.pin_button.setEnabled(True)
            self._say(self.pin_error, staff_message(problem), self.pin_ok)

        self._pin_task = run_task(self, lambda: kiosk_admin.set_exit_pin(session, pin), done, failed)
