"""The first three pages: welcome (clinic, language, "Enter your code"), the code pad, "is this yours?".

The confirmation page shows exactly two facts — the therapist's display name
and the session number — so clients know the questionnaire is theirs, and
nothing about anybody else (issue 4, step 4).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QWidget

from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.ui.i18n import NATIVE_NAMES
from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.kiosk.parts import Page, button, centred, label
from alliance_desktop.ui.lazy_qt import Qt
from alliance_desktop.ui.widgets.keypad import Keypad

CODE_DIGITS = 6
KEYPAD_WIDTH = 380


class WelcomePage(Page):
    """``languageChosen(str)`` when another language is tapped; ``codeRequested()``."""

    name = "welcome"
    languageChosen = Signal(str)
    codeRequested = Signal()

    def __init__(self, clinic_name: str, language: str, languages: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addStretch(2)
        self.clinic = label(clinic_name, style.CLINIC, centre=True)
        self.body.addWidget(self.clinic)
        self.body.addWidget(label(self.tr("Welcome. Please tell us how today's session went for you."),
                                  style.LEAD, centre=True))
        self.body.addSpacing(24)
        self.body.addWidget(label(self.tr("Language"), style.QUIET, centre=True))
        row = QHBoxLayout()
        row.setSpacing(14)
        row.addStretch(1)
        self.languages = QButtonGroup(self)
        self.language_buttons: dict[str, QWidget] = {}
        for code in languages:
            choice = button(NATIVE_NAMES.get(code, code), style.LANGUAGE)
            choice.setCheckable(True)
            choice.setChecked(code == language)
            choice.clicked.connect(lambda _=False, c=code, cur=language: c != cur and self.languageChosen.emit(c))
            self.languages.addButton(choice)
            self.language_buttons[code] = choice
            row.addWidget(choice)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addSpacing(36)
        self.start_button = button(self.tr("Enter your code"), style.BIG)
        self.start_button.clicked.connect(self.codeRequested)
        self.body.addLayout(centred(self.start_button))
        self.body.addStretch(3)
        self.body.addWidget(label(self.tr("Your answers are stored securely and go to your therapist."),
                                  style.QUIET, centre=True))

    def focus_target(self) -> QWidget | None:
        return self.start_button


class CodePage(Page):
    """The code pad; ``codeEntered(str)`` with six digits, ``back()``. The flow resolves the code."""

    name = "code"
    codeEntered = Signal(str)
    back = Signal()

    def __init__(self, clock: Clock | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock or SystemClock()
        self._until: float | None = None
        self.body.addStretch(1)
        self.body.addWidget(label(self.tr("Enter your code"), style.TITLE, centre=True))
        self.body.addWidget(label(self.tr("Your therapist gave you a code with 6 digits."), style.BODY, centre=True))
        self.message = label("", style.PROBLEM, centre=True)
        self.message.hide()
        self.body.addWidget(self.message)
        self.keypad = Keypad(max_digits=CODE_DIGITS, accessible_name=self.tr("Your code"))
        self.keypad.setFixedWidth(KEYPAD_WIDTH)
        self.keypad.submitted.connect(self.codeEntered)
        self.body.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.footer.addWidget(self.back_button)
        self.footer.addStretch(1)
        self.finish()
        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self.tick)

    def focus_target(self) -> QWidget | None:
        return self.keypad

    def show_problem(self, text: str) -> None:
        self.keypad.clear()
        self.message.setText(text)
        self.message.show()
        self.keypad.setFocus()

    def pause(self, seconds: float) -> None:
        """Too many wrong codes: the keypad rests, with a countdown in words."""
        self.keypad.clear()
        self._until = self._clock.monotonic() + max(1.0, seconds)
        self.keypad.setEnabled(False)
        self._countdown.start()
        self.tick()

    @property
    def paused(self) -> bool:
        return self._until is not None

    def tick(self) -> None:
        if self._until is None:
            return
        left = self._until - self._clock.monotonic()
        if left <= 0:
            self._until = None
            self._countdown.stop()
            self.keypad.setEnabled(True)
            self.message.hide()
            self.keypad.setFocus()
            return
        self.message.setText(self.tr("Please wait a moment. You can try again in %n seconds.", "",
                                     int(left + 0.999)))
        self.message.show()


class ConfirmPage(Page):
    """"This is for: <therapist>, session N" — ``confirmed()`` or ``declined()``."""

    name = "confirm"
    confirmed = Signal()
    declined = Signal()

    def __init__(self, therapist: str, session_number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addStretch(1)
        self.body.addWidget(label(self.tr("Is this your questionnaire?"), style.TITLE, centre=True))
        self.body.addWidget(label(self.tr("It is for your session with"), style.BODY, centre=True))
        self.therapist = label(therapist, style.CLINIC, centre=True)
        self.body.addWidget(self.therapist)
        self.session = label(self.tr("Session %1").replace("%1", str(session_number)), style.LEAD, centre=True)
        self.body.addWidget(self.session)
        self.body.addStretch(1)
        self.no_button = button(self.tr("No, this is not mine"))
        self.yes_button = button(self.tr("Yes, start"), style.PRIMARY)
        self.no_button.clicked.connect(self.declined)
        self.yes_button.clicked.connect(self.confirmed)
        self.footer.addWidget(self.no_button)
        self.footer.addStretch(1)
        self.footer.addWidget(self.yes_button)
        self.finish(stretch_before_footer=False)

    def focus_target(self) -> QWidget | None:
        return self.yes_button
