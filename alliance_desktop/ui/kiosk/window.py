"""The kiosk window: full screen, locked down, one fresh ``ClientFlow`` per client.

The window outlives the clients; nothing a client sees or types lives in it.
Between clients it throws the whole flow (every page, the questionnaire, the
answers) away, clears the clipboard and builds a new flow in the default
language. It also owns what is not any client's: the lock-down filter, the
idle watch and its shade, the exit corner and the staff PIN page.
"""

from __future__ import annotations

import sys

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.ui.first_paint import after_first_paint
from alliance_desktop.ui.i18n import SOURCE_LANGUAGE, LanguageSwitcher
from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.kiosk.exit import ExitCorner, ExitPinPage
from alliance_desktop.ui.kiosk.flow import ClientFlow, warm_up_pages
from alliance_desktop.ui.kiosk.idle import KioskIdle, KioskTimings
from alliance_desktop.ui.kiosk.lockdown import Lockdown, cover_screen
from alliance_desktop.ui.kiosk.pointer import PointerHider
from alliance_desktop.ui.kiosk.pages_end import StillThere

if TYPE_CHECKING:
    from alliance_desktop.core.kiosk_model import KioskQuestionnaire
    from alliance_desktop.services.kiosk import KioskService


#: The lock-down engages after the welcome page's first paint, or after this long if no paint comes.
_LOCK_DOWN_LATEST_MS = 500


def build_kiosk_window(service: KioskService) -> KioskWindow:
    """The kiosk window as the app starts it: translations built, the clinic's idle times applied."""
    from alliance_desktop.ui.i18n import compile_translations

    try:
        compile_translations()
    except (RuntimeError, OSError) as problem:  # a kiosk in English beats no kiosk; say why on stderr
        print(f"kiosk: translations unavailable: {problem}", file=sys.stderr)
    window = KioskWindow(service)
    window.apply_clinic_idle_times()
    return window


def clear_clipboard() -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is None:
        return
    clipboard.clear(QClipboard.Mode.Clipboard)
    if clipboard.supportsSelection():
        clipboard.clear(QClipboard.Mode.Selection)


class KioskWindow(QWidget):
    """``exitRequested()`` after the right staff PIN (or the corner, when no PIN is set)."""

    exitRequested = Signal()

    def __init__(self, service: KioskService, *, timings: KioskTimings | None = None, clock: Clock | None = None,
                 dpi: float | None = None, languages: LanguageSwitcher | None = None,
                 default_language: str = SOURCE_LANGUAGE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.timings = (timings or KioskTimings()).clamped()
        self._clock = clock or SystemClock()
        self._dpi = dpi
        self.languages = languages or LanguageSwitcher()
        self.default_language = default_language
        self._closing = False
        self.flow: ClientFlow | None = None
        self.pin_page: ExitPinPage | None = None
        self.still_there: StillThere | None = None
        self.clients = 0  # flows built so far (tests and the canary count them)
        style.apply(self)
        self.setWindowTitle(service.clinic_name)

        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.lockdown = Lockdown(self, self)
        self.pointer = PointerHider(self)
        self.idle = KioskIdle(self.timings, self._clock, parent=self)
        self.idle.warning.connect(self._warn)
        self.idle.countdown.connect(self._count)
        self.idle.resumed.connect(self._resume)
        self.idle.expired.connect(self.walked_away)
        self.corner = ExitCorner(self.timings.exit_hold_ms, self)
        self.corner.held.connect(self.open_exit)
        self.new_client()

    # -- showing and leaving ---------------------------------------------------------------
    def start(self) -> None:
        """Cover the screen, and lock down once the welcome page is painted (the shell calls this, not ``show``).

        Why not before: the lock-down and the pointer watch are application-wide
        event filters written in Python, and the first events they see make
        PySide build the Python types of everything that receives events (the
        style, the window, the input devices: about 600 enum members, ~10 ms
        on the project's VM) in front of the first frame. Nothing is open in
        that frame's time: the first page (the welcome page, or "is this
        yours?" when staff hand a questionnaire over) has no text field,
        shortcut, context menu or drop target, and ``closeEvent`` refuses to
        close the window by itself.
        The filters are engaged first of all the after-paint work (before the
        database opens), and at the latest after ``_LOCK_DOWN_LATEST_MS`` if no
        paint comes (a window that is never exposed).
        """
        self._closing = False
        cover_screen(self)
        self.raise_()
        self.activateWindow()
        after_first_paint(self, self.lock_down)
        QTimer.singleShot(_LOCK_DOWN_LATEST_MS, self, self.lock_down)

    def lock_down(self) -> None:
        """Engage the lock-down filter and hide the pointer (idempotent; not once leaving has begun)."""
        if self._closing:
            return
        self.lockdown.install()
        self.pointer.install()

    def warm_up(self) -> None:
        """Once the welcome page is on screen: load the code of the later pages, so no client waits for it."""
        warm_up_pages()

    def retire(self) -> None:
        """Leaving the kiosk: release the lock-down, stop watching, back to the staff language."""
        self._closing = True
        self.idle.stop()
        self.lockdown.release()
        self.pointer.release()
        if self.flow is not None:
            self.flow.thanks_timer.stop()
        self.languages.reset()
        clear_clipboard()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            super().closeEvent(event)
        else:
            event.ignore()  # Alt+F4 or a window manager's close: only the PIN leaves

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.corner.move(self.width() - self.corner.width(), 0)
        self.corner.raise_()
        if self.still_there is not None:
            self.still_there.setGeometry(self.rect())

    # -- clients ---------------------------------------------------------------------------
    def new_client(self, language: str | None = None, questionnaire: KioskQuestionnaire | None = None) -> None:
        """Discard everything of the previous client and build a fresh flow."""
        self._close_pin_page()
        self._close_shade()
        self.idle.stop()
        old, self.flow = self.flow, None
        if old is not None:
            old.thanks_timer.stop()
            old.blockSignals(True)
            self.stack.removeWidget(old)
            old.hide()
            old.deleteLater()
        clear_clipboard()
        self.languages.switch(language or self.default_language)
        flow = ClientFlow(self.service, self.languages.language, clock=self._clock, dpi=self._dpi,
                          thank_you_ms=self.timings.thank_you_ms, questionnaire=questionnaire)
        flow.languageChosen.connect(lambda code: QTimer.singleShot(0, lambda: self.new_client(code)))
        flow.finished.connect(lambda: QTimer.singleShot(0, self.new_client))
        flow.activityChanged.connect(self._activity)
        self.flow = flow
        self.clients += 1
        self.stack.addWidget(flow)
        self.stack.setCurrentWidget(flow)
        self._activity(flow.page_name() not in ("welcome", "thanks"))
        target = flow.page().focus_target()
        if target is not None:
            target.setFocus()
        self.corner.raise_()

    def apply_clinic_idle_times(self) -> None:
        """The clinic's own "Are you still there?" times; the defaults stay if they cannot be read."""
        try:
            warn_s, grace_s = self.service.idle_timeouts()
        except Exception as problem:  # noqa: BLE001 - the defaults are safe; say why on stderr
            print(f"kiosk: idle settings unreadable ({type(problem).__name__}); using the defaults", file=sys.stderr)
            return
        self.timings = KioskTimings(warn_after_s=warn_s, grace_s=grace_s, exit_hold_ms=self.timings.exit_hold_ms,
                                    thank_you_ms=self.timings.thank_you_ms).clamped()
        self.idle.timings = self.timings

    def service_ready(self) -> None:
        """The database opened after the welcome screen was painted: the clinic's own settings apply now.

        The idle times were the defaults until now (the welcome page never
        times out, so no client was affected). The clinic name came from a
        sealed copy; if the database says otherwise (renamed since the copy was
        made), an untouched welcome page is built again with the right one.
        """
        self.apply_clinic_idle_times()
        self.setWindowTitle(self.service.clinic_name)
        if self.flow is not None and self.flow.page_name() == "welcome" \
                and self.flow.welcome.clinic.text() != self.service.clinic_name:
            self.new_client(self.languages.language)

    def hand_over(self, questionnaire: KioskQuestionnaire) -> None:
        """Staff opened a questionnaire on this device: start a client flow at "is this yours?"."""
        if self.flow is not None and self.flow.q is not None and not self.flow.sent:
            self.flow.abandon()
        self.new_client(questionnaire.language, questionnaire)

    def walked_away(self) -> None:
        """The idle time ran out: log "abandoned" (which page, no answers) and start over."""
        if self.flow is not None and self.flow.q is not None:
            self.flow.abandon()
        self.new_client()

    # -- idle ------------------------------------------------------------------------------
    def _activity(self, active: bool) -> None:
        if active or self.pin_page is not None:
            if not self.idle.running:
                self.idle.start()
        else:
            self.idle.stop()
            self._close_shade()

    def _warn(self, seconds: int) -> None:
        self._close_shade()
        self.still_there = StillThere(seconds, self)
        self.still_there.stay.connect(self.idle.still_here)
        self.still_there.cover()
        self.corner.raise_()

    def _count(self, seconds: int) -> None:
        if self.still_there is not None:
            self.still_there.set_seconds(seconds)

    def _resume(self) -> None:
        # Later, not now: the touch that resumed may still be on its way to the shade's button.
        QTimer.singleShot(0, self._close_shade)

    def _close_shade(self) -> None:
        shade, self.still_there = self.still_there, None
        if shade is not None:
            shade.hide()
            shade.deleteLater()
            if self.flow is not None:
                target = self.flow.page().focus_target()
                if target is not None:
                    target.setFocus()

    # -- exit ------------------------------------------------------------------------------
    def open_exit(self) -> None:
        if self.pin_page is not None:
            return
        try:
            pin_set = self.service.exit_pin_is_set()
        except Exception:  # noqa: BLE001 - a broken setting must not trap staff in the kiosk
            pin_set = True
        if not pin_set:
            self.exitRequested.emit()  # no PIN yet: straight to the staff login, which needs a password
            return
        self.pin_page = ExitPinPage(self.service, self._clock)
        self.pin_page.accepted.connect(self.exitRequested)
        self.pin_page.cancelled.connect(self._close_pin_page)
        self.stack.addWidget(self.pin_page)
        self.stack.setCurrentWidget(self.pin_page)
        self.pin_page.keypad.setFocus()
        if not self.idle.running:
            self.idle.start()  # staff who walk away from the PIN pad leave a fresh welcome behind
        self.corner.raise_()

    def _close_pin_page(self) -> None:
        page, self.pin_page = self.pin_page, None
        if page is None:
            return
        self.stack.removeWidget(page)
        page.hide()
        page.deleteLater()
        if self.flow is not None:
            self.stack.setCurrentWidget(self.flow)
            self._activity(self.flow.page_name() not in ("welcome", "thanks"))
