"""One client's way through the kiosk, from the welcome page to "Thank you".

A ``ClientFlow`` is built for one client and thrown away after them: it owns
every page widget, the questionnaire and the answers, so discarding it
discards all of them at once (RELIABILITY.md row 26). The window above it
only decides when to start a new flow.

Sending: the submission id is chosen once, when the client starts answering,
and reused on every retry, and the Send button is disabled before the
service is called — a double tap, or a retry after a failure, never stores
twice. "Thank you" is shown only after ``submit`` returned. When it fails,
the answers stay on the review page with a message, and Send works again.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.services.kiosk_errors import CodeExpired, CodePaused, CodeUsed, InvalidCode, QuestionnaireClosed
from alliance_desktop.ui.kiosk.pages_start import CodePage, ConfirmPage, WelcomePage
from alliance_desktop.ui.kiosk.parts import Page

if TYPE_CHECKING:
    import uuid

    from alliance_desktop.core.kiosk_model import KioskAnswers, KioskQuestionnaire
    from alliance_desktop.services.kiosk import KioskService
    from alliance_desktop.ui.kiosk.comment import CommentPage
    from alliance_desktop.ui.kiosk.review import ReviewEntry, ReviewPage

# Pages where nobody can walk away from a draft: the idle watch rests there.
_RESTING = ("welcome", "thanks")

# The question, comment, review and thank-you pages, and the kiosk's value objects
# (core.kiosk_model), are imported where they are first used, not at the top: the kiosk's start
# (process start to the welcome page painted) then pays only for the pages it shows first.
# KioskWindow warms them up once the welcome page is on screen (``warm_up_pages``), so the first
# client does not wait for the imports either.


def warm_up_pages() -> None:
    """Import the pages a client sees after the welcome page (and what they import)."""
    from alliance_desktop.core import kiosk_model  # noqa: F401
    from alliance_desktop.ui.kiosk import comment, pages_end, pages_items, review  # noqa: F401


class ClientFlow(QStackedWidget):
    """``languageChosen(str)``: rebuild me in that language; ``finished()``: start over."""

    languageChosen = Signal(str)
    finished = Signal()
    activityChanged = Signal(bool)

    def __init__(self, service: KioskService, language: str, *, clock: Clock | None = None,
                 dpi: float | None = None, thank_you_ms: int = 5000,
                 questionnaire: KioskQuestionnaire | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.language = language
        self._clock = clock or SystemClock()
        self._dpi = dpi
        self.q: KioskQuestionnaire | None = None
        self._submission_id: uuid.UUID | None = None
        self._started_at: datetime | None = None
        self._steps: list[Page] = []
        self._returning = False
        self._instruction: Page | None = None
        self._instruction_logged = False
        self.sent = False
        self.code_page: CodePage | None = None
        self.review: ReviewPage | None = None
        self.comment_page: CommentPage | None = None
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(thank_you_ms)
        self.thanks_timer.timeout.connect(self.finished)

        self.welcome = WelcomePage(service.clinic_name, language, service.languages())
        self.welcome.languageChosen.connect(self.languageChosen)
        self.welcome.codeRequested.connect(self.open_code)
        self.addWidget(self.welcome)
        if questionnaire is None:
            self.show_page(self.welcome)
        else:
            self.opened(questionnaire)

    # -- where we are -----------------------------------------------------------------
    def page(self) -> Page:
        current = self.currentWidget()
        assert isinstance(current, Page)
        return current

    def page_name(self) -> str:
        return self.page().name

    def show_page(self, page: Page) -> None:
        if self.indexOf(page) < 0:
            self.addWidget(page)
        self.setCurrentWidget(page)
        target = page.focus_target()
        if target is not None:
            target.setFocus()
        self.activityChanged.emit(page.name not in _RESTING)
        if page is self._instruction and not self._instruction_logged and self.q is not None:
            self._instruction_logged = True
            self._quietly(self.service.instruction_shown, self.q)

    # -- code ---------------------------------------------------------------------------
    def open_code(self) -> None:
        if self.code_page is None:
            self.code_page = CodePage(self._clock)
            self.code_page.codeEntered.connect(self.resolve)
            self.code_page.back.connect(lambda: self.show_page(self.welcome))
        self.show_page(self.code_page)

    def resolve(self, code: str) -> None:
        page = self.code_page
        assert page is not None
        try:
            questionnaire = self.service.resolve_code(code, self.language)
        except CodePaused as paused:
            page.pause(float(paused.seconds))
            return
        except CodeExpired:
            page.show_problem(self.tr("This code has expired. Please ask at reception for a new one."))
            return
        except CodeUsed:
            page.show_problem(self.tr("This code has already been used. Please ask at reception for a new one."))
            return
        except InvalidCode:
            page.show_problem(self.tr("That code did not work. Please check the 6 digits and try again."))
            return
        except QuestionnaireClosed:
            page.show_problem(self.tr("This questionnaire cannot be shown right now. Please ask at reception."))
            return
        except Exception as problem:  # noqa: BLE001 - the client gets a calm word, staff the type
            print(f"kiosk: resolving a code failed: {type(problem).__name__}", file=sys.stderr)
            page.show_problem(self.tr("Something went wrong. Please ask at reception for help."))
            return
        page.keypad.clear()
        self.opened(questionnaire)

    def opened(self, questionnaire: KioskQuestionnaire) -> None:
        """A questionnaire is open (by code or handed over by staff): ask "is this yours?"."""
        self.q = questionnaire
        confirm = ConfirmPage(questionnaire.therapist_display_name, questionnaire.session_number)
        confirm.confirmed.connect(self.begin)
        confirm.declined.connect(self.decline)
        self.show_page(confirm)

    def decline(self) -> None:
        self.abandon()
        self.finished.emit()

    # -- the questions -------------------------------------------------------------------
    def begin(self) -> None:
        import uuid  # here: the welcome page is painted without it (with ``platform``, ~1 ms)

        from alliance_desktop.ui.kiosk.comment import CommentPage
        from alliance_desktop.ui.kiosk.pages_items import InstructionPage, ItemPage

        q = self.q
        assert q is not None
        self._submission_id = uuid.uuid4()
        self._started_at = self._clock.now()
        if q.instruction is not None:
            instruction = InstructionPage(q.instruction.text)
            instruction.done.connect(self.forward)
            self._steps.append(instruction)
            self._instruction = instruction
        items = [(instrument, item) for instrument in q.instruments for item in instrument.items]
        for number, (instrument, item) in enumerate(items, start=1):
            language = q.instrument_languages.get(instrument.id, q.language)
            page = ItemPage(instrument, item, language, number, len(items), dpi=self._dpi)
            page.forward.connect(self.forward)
            page.backward.connect(self.backward)
            self._steps.append(page)
        if q.comment_max_chars > 0:
            self.comment_page = CommentPage(q.comment_max_chars, self.language)
            self.comment_page.forward.connect(self.forward)
            self.comment_page.backward.connect(self.backward)
            self._steps.append(self.comment_page)
        first_question = next((p for p in self._steps if isinstance(p, ItemPage)), None)
        if first_question is not None and first_question is self._steps[0]:
            first_question.back_button.hide()  # nothing to go back to before the first question
        for page in self._steps:
            self.addWidget(page)
        if self._steps:
            self.show_page(self._steps[0])
        else:
            self.open_review()

    def forward(self) -> None:
        current = self.page()
        if self._returning or current not in self._steps or current is self._steps[-1]:
            self.open_review()
            return
        self.show_page(self._steps[self._steps.index(current) + 1])

    def backward(self) -> None:
        current = self.page()
        if current in self._steps and self._steps.index(current) > 0:
            self.show_page(self._steps[self._steps.index(current) - 1])

    def step(self, key: str) -> Page:
        return next(p for p in self._steps if self._key(p) == key)

    @staticmethod
    def _key(page: Page) -> str:
        return page.name

    # -- review and send -------------------------------------------------------------------
    def entries(self) -> list[ReviewEntry]:
        from alliance_desktop.ui.kiosk.comment import CommentPage
        from alliance_desktop.ui.kiosk.pages_items import ItemPage
        from alliance_desktop.ui.kiosk.review import ReviewEntry

        rows: list[ReviewEntry] = []
        for page in self._steps:
            if isinstance(page, ItemPage):
                value = page.value()
                text = page.options.checked_label() if page.options is not None else None
                rows.append(ReviewEntry(self._key(page), page.text.text(), line_mm=value if page.line else None,
                                        is_line=page.line is not None, answer_text=text))
            elif isinstance(page, CommentPage):
                rows.append(ReviewEntry(self._key(page), self.tr("Your comment"), answer_text=page.comment()))
        return rows

    def open_review(self) -> None:
        from alliance_desktop.ui.kiosk.comment import CommentPage
        from alliance_desktop.ui.kiosk.pages_items import ItemPage
        from alliance_desktop.ui.kiosk.review import ReviewPage

        self._returning = False
        for page in self._steps:
            if isinstance(page, (ItemPage, CommentPage)):
                page.returning_to_review(False)
        old, self.review = self.review, ReviewPage(self.entries())
        self.review.changeRequested.connect(self.change)
        self.review.sendRequested.connect(self.send)
        self.show_page(self.review)
        if old is not None:
            self.removeWidget(old)
            old.deleteLater()

    def change(self, key: str) -> None:
        from alliance_desktop.ui.kiosk.comment import CommentPage
        from alliance_desktop.ui.kiosk.pages_items import ItemPage

        page = self.step(key)
        self._returning = True
        if isinstance(page, (ItemPage, CommentPage)):
            page.returning_to_review(True)
        self.show_page(page)

    def answers(self) -> KioskAnswers:
        from alliance_desktop.core.kiosk_model import KioskAnswers, line_key
        from alliance_desktop.ui.kiosk.pages_items import ItemPage

        q = self.q
        assert q is not None and self._submission_id is not None and self._started_at is not None
        answers: dict[str, dict[str, int | None]] = {i.id: {} for i in q.instruments}
        lengths: dict[str, float] = {}
        for page in self._steps:
            if isinstance(page, ItemPage):
                answers[page.instrument_id][page.item_id] = page.value()
                length = page.length_px()
                if length is not None:
                    lengths[line_key(page.instrument_id, page.item_id)] = length
        comment = self.comment_page.comment() if self.comment_page is not None else None
        return KioskAnswers(self._submission_id, self._started_at, answers, lengths, comment)

    def send(self) -> None:
        review = self.review
        if self.sent or review is None or self.q is None:
            return
        try:
            self.service.submit(self.q, self.answers())
        except Exception as problem:  # noqa: BLE001 - whatever failed, the answers stay on screen
            print(f"kiosk: sending failed: {type(problem).__name__}", file=sys.stderr)
            review.show_problem(self.tr(
                "Not saved — your answers are kept on screen. Please tell the reception."))
            review.sending(False)
            return
        from alliance_desktop.ui.kiosk.pages_end import ThankYouPage

        self.sent = True
        self.show_page(ThankYouPage())
        self.thanks_timer.start()

    # -- leaving -------------------------------------------------------------------------
    def abandon(self) -> None:
        """Tell the service the client left (which page, never what they answered)."""
        if not self.sent:
            self._quietly(self.service.abandon, self.q, self.page_name())

    @staticmethod
    def _quietly(call, *args) -> None:  # type: ignore[no-untyped-def]
        """Logging calls must never stand between the client and the next page."""
        try:
            call(*args)
        except Exception as problem:  # noqa: BLE001
            print(f"kiosk: {getattr(call, '__name__', 'call')} failed: {type(problem).__name__}", file=sys.stderr)

