"""Shows the window that matches the controller's screen, one top-level window at a time.

Switching shows the new window before hiding the old one, and the old one is
hidden rather than closed: closing is reserved for the person at the desk,
and a window they close (or a cancelled setup) means "quit", which goes
through the controller so the session is locked on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from alliance_desktop.ui.first_paint import after_first_paint
from alliance_desktop.ui.shell import Screen, ShellController

if TYPE_CHECKING:
    from alliance_desktop.ui.recovery_print import PrintKey

# Each screen's module is imported when that screen is first built: the login
# window must appear about as fast as a bare Qt window, so the wizard, the main
# window and their dialogs are not loaded before they are needed.


@dataclass(frozen=True, slots=True)
class ViewOptions:
    """What the composition root decides about the views (demo banner, how to print)."""

    banner: str = ""
    print_key: PrintKey | None = None
    #: PDF reports for the staff workspace (ui.therapist.report_port.ReportExporter); None hides nothing, refuses
    reports: object | None = None


class ShellWindows(QObject):
    """Emits ``windowShown(widget)`` after each new window is on screen."""

    windowShown = Signal(QWidget)

    def __init__(self, controller: ShellController, options: ViewOptions | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.options = options or ViewOptions()
        self._current: QWidget | None = None
        self.restore_dialog: QWidget | None = None  # "Restore from backup…" of the damaged screen, while open
        controller.screenChanged.connect(self._show_screen)
        # Back from sleep with the kiosk up: a half-filled questionnaire must not wait for
        # whoever passes by next (the kiosk's own idle clock does not count time asleep).
        controller.resume.resumed.connect(self._kiosk_after_sleep)
        controller.handedOver.connect(self._hand_over)
        controller.kioskReady.connect(self._kiosk_ready)

    @property
    def current(self) -> QWidget | None:
        return self._current

    def _build(self, screen: Screen) -> QWidget:
        c = self.controller
        if screen is Screen.SETUP:
            from alliance_desktop.ui.setup_wizard import SetupWizard

            wizard = SetupWizard(c.access, print_key=self.options.print_key)
            wizard.clinicCreated.connect(c.clinic_created)
            wizard.rejected.connect(c.quit)
            return wizard
        if screen is Screen.LOGIN:
            from alliance_desktop.ui.login import LoginWindow

            login = LoginWindow(c.access, username=c.login.username, notice=c.login.notice,
                                banner=self.options.banner, kiosk_first=c.kiosk_on_login)
            login.unlocked.connect(c.open_session)
            login.checkedForKiosk.connect(c.kiosk_before_open)
            login.damaged.connect(c.damaged)
            return login
        if screen is Screen.MAIN:
            session = c.session
            assert session is not None, "MAIN without a session"
            from alliance_desktop.ui.main_window import MainWindow

            main = MainWindow(session, banner=self.options.banner, idle_minutes=c.idle_minutes)
            main.workspace.reports = self.options.reports  # type: ignore[assignment]
            main.lockRequested.connect(lambda: c.lock())
            main.logoutRequested.connect(c.log_out)
            main.quitRequested.connect(main.close)
            main.kioskRequested.connect(c.start_kiosk)
            main.handOverRequested.connect(c.hand_over)
            main.autoLockChanged.connect(c.set_idle_minutes)
            main.clinicRestored.connect(c.lock)
            c.auditProblem.connect(main.show_audit_problem)
            return main
        if screen is Screen.KIOSK:
            kiosk = c.kiosk
            assert kiosk is not None, "KIOSK without a kiosk service"
            from alliance_desktop.ui.kiosk.window import build_kiosk_window

            window = build_kiosk_window(kiosk)
            window.exitRequested.connect(c.leave_kiosk)
            return window
        from alliance_desktop.ui.problem_window import ProblemWindow

        problem = ProblemWindow(c.problem_heading, c.problem, c.access.paths.root,
                                restore=self._open_restore if c.problem_restorable else None)
        return problem

    def _open_restore(self) -> None:
        """"Restore from backup…" on the damaged screen: backup file + recovery key, then log in."""
        from alliance_desktop.ui.restore_dialog import RestoreFromBackupDialog

        dialog = RestoreFromBackupDialog(self.controller.access.paths, parent=self._current)
        dialog.restoredWith.connect(self.controller.restored)
        self.restore_dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "restore_dialog", None))
        dialog.open()

    def _kiosk_after_sleep(self, _seconds_asleep: float) -> None:
        walked_away = getattr(self._current, "walked_away", None)
        if self.controller.screen is Screen.KIOSK and walked_away is not None:
            walked_away()

    def _show_screen(self, screen: Screen) -> None:
        c = self.controller
        new = self._build(screen)
        if screen is Screen.KIOSK:
            new.start()  # type: ignore[attr-defined]  # full screen, locked down: it never closes by itself
        else:
            _centre(new, keep_size=screen is Screen.MAIN)
            new.show()
            new.raise_()
            new.activateWindow()
        old, self._current = self._current, new
        if screen not in (Screen.SETUP, Screen.KIOSK):  # the wizard's Cancel already means quit
            new.installEventFilter(self)
        if old is not None:
            old.removeEventFilter(self)
            retire = getattr(old, "retire", None)  # the main window stops its idle timer
            if retire is not None:
                retire()
            old.hide()
            old.deleteLater()
        self.windowShown.emit(new)
        if screen is Screen.KIOSK:
            # What the welcome screen does not need waits until it is on screen: after the kiosk's
            # lock-down (registered by its start()), the later pages' code, and the database when
            # the kiosk was started before it opened.
            after_first_paint(new, new.warm_up)  # type: ignore[attr-defined]
            if not getattr(c.kiosk, "ready", True):
                after_first_paint(new, c.finish_opening_kiosk)

    def _kiosk_ready(self) -> None:
        ready = getattr(self._current, "service_ready", None)  # only the kiosk window has one
        if ready is not None:
            ready()

    def _hand_over(self, questionnaire: object) -> None:
        hand_over = getattr(self._current, "hand_over", None)  # only the kiosk window has one
        if hand_over is not None:
            hand_over(questionnaire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The person closed the current window (title bar, Alt+F4, Quit): that is "quit".
        if watched is self._current and event.type() == QEvent.Type.Close:
            self.controller.quit()
        return False

    def close_all(self) -> None:
        """Tear down without quitting (tests, shutdown)."""
        window, self._current = self._current, None
        if window is not None:
            window.removeEventFilter(self)
            retire = getattr(window, "retire", None)  # the kiosk releases its lock-down filter
            if retire is not None:
                retire()
            window.hide()
            window.deleteLater()


def _centre(window: QWidget, *, keep_size: bool = False) -> None:
    """Place a new window in the middle of the screen (Xvfb and some kiosks have no window manager)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    if not keep_size:  # the main window keeps its roomy default size
        window.adjustSize()
    size = window.size().boundedTo(area.size())
    window.resize(size)
    window.move(area.center().x() - size.width() // 2, area.center().y() - size.height() // 2)
