"""The flow between staff screens: setup → login → main window → lock → login.

``ShellController`` is the one object that holds the open ``ClinicSession``.
Views never keep it beyond their own lifetime and never close it: they ask
the controller to lock or log out, and it closes the session (dropping the
key and every database connection) *before* the login screen appears. It
knows nothing about widgets; ``ui.windows.ShellWindows`` listens to
``screenChanged`` and shows the matching window, which keeps this flow
testable without a window in sight.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from alliance_desktop.services.access import ClinicState
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import heap
from alliance_desktop.ui.idle import DEFAULT_IDLE_MS, IdleWatcher
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.resume import ResumeWatcher

if TYPE_CHECKING:
    import uuid

    from alliance_desktop.ui.audit_walk import AuditHistoryWalk
    from alliance_desktop.core.clock import Clock
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.clinic_session import ClinicSession
    from alliance_desktop.services.access import CheckedLogin
    from alliance_desktop.services.kiosk import KioskService
    from alliance_desktop.services.kiosk_pending import PendingKiosk

LOCKED = "Locked. Log in again to continue."
LOGGED_OUT = "You have logged out."
SET_UP = "The clinic is set up. Log in with the password you just chose."
CANNOT_OPEN = "Alliance Desktop cannot open this clinic"
KIOSK_CLOSED = "The kiosk was closed. Log in to continue."
KIOSK_FAILED = "The kiosk could not start"
DAMAGED = "The clinic database is damaged"
ASLEEP = "Locked after the computer was asleep. Log in again to continue."


class Screen(enum.Enum):
    SETUP = "setup"
    LOGIN = "login"
    MAIN = "main"
    KIOSK = "kiosk"
    PROBLEM = "problem"


def kiosk_device_id() -> str:
    """This computer's name, in the characters a kiosk device id may have (audit entries name it)."""
    import re

    from PySide6.QtCore import QSysInfo

    name = re.sub(r"[^A-Za-z0-9._:@-]", "-", QSysInfo.machineHostName() or "")[:64].strip("-")
    return name or "kiosk"


@dataclass(frozen=True, slots=True)
class LoginPrefill:
    """What the next login screen starts with."""

    username: str = ""
    notice: str = ""


class ShellController(QObject):
    """Owns the session and decides which screen comes next."""

    screenChanged = Signal(object)  # Screen
    handedOver = Signal(object)  # KioskQuestionnaire: "hand over now", for the kiosk window to show
    sessionOpened = Signal()
    sessionClosed = Signal()
    quitRequested = Signal()
    #: a kiosk started before its database opened (``kiosk_before_open``) has its real service now
    kioskReady = Signal()
    #: the walk of the whole audit log after the login found a problem (the staff-facing sentence)
    auditProblem = Signal(str)

    def __init__(
        self,
        access: ClinicAccess,
        *,
        initial_user: str = "",
        idle_timeout_ms: int = DEFAULT_IDLE_MS,
        kiosk_on_login: bool = False,
        device_id: str | None = None,
        clock: Clock | None = None,
        resume: ResumeWatcher | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.access = access
        self.kiosk_on_login = kiosk_on_login  # ``--kiosk``: the next staff login starts the kiosk
        self.device_id = device_id or kiosk_device_id()
        self.kiosk: KioskService | PendingKiosk | None = None
        self._checked: CheckedLogin | None = None  # a kiosk login whose database is not open yet
        self._initial_user = initial_user
        self._session: ClinicSession | None = None
        self._audit_walk: AuditHistoryWalk | None = None
        self.screen: Screen | None = None
        self.login = LoginPrefill(initial_user)
        self.problem = ""
        self.problem_heading = CANNOT_OPEN
        self.problem_restorable = False  # the problem screen offers "Restore from backup…"
        self._clock = clock  # None: the system clock (tests pass a fake one for the auto-lock)
        self.idle = IdleWatcher(idle_timeout_ms, self, clock=clock)
        self.idle.idle.connect(self.auto_lock)
        # Waking from sleep locks the staff view too (RELIABILITY.md row 17); it runs while a session is open.
        self.resume = resume or ResumeWatcher()
        self.resume.setParent(self)
        self.resume.resumed.connect(self.lock_after_sleep)
        # The clinic's own auto-lock setting (2-30 min) applies unless the caller chose a time (tests: 0 = off).
        self._idle_from_clinic = idle_timeout_ms == DEFAULT_IDLE_MS

    @property
    def session(self) -> ClinicSession | None:
        return self._session

    @property
    def idle_minutes(self) -> float:
        return self.idle.timeout_ms / 60000 if self.idle.timeout_ms > 0 else 0

    # -- transitions -----------------------------------------------------------------
    def start(self) -> Screen:
        """Setup for an empty folder, login for a clinic, a problem screen for anything damaged."""
        try:
            state = self.access.state()
        except StorageError as damaged:  # a key file or database missing or damaged: a restore can help
            return self.show_problem(staff_message(damaged), restorable=True)
        except OSError as unreadable:
            return self.show_problem(
                f"The data folder cannot be read ({unreadable.strerror or unreadable}). Nothing was changed.")
        if state is ClinicState.NEW:
            return self._go(Screen.SETUP)
        self.login = LoginPrefill(self._initial_user)
        return self._go(Screen.LOGIN)

    def show_problem(self, message: str, heading: str = CANNOT_OPEN, *, restorable: bool = False) -> Screen:
        """Replace whatever is shown with a problem that stops us (never a fresh setup)."""
        self._close_session()
        self.problem = message
        self.problem_heading = heading
        self.problem_restorable = restorable
        return self._go(Screen.PROBLEM)

    def damaged(self, message: str) -> None:
        """The login found the database damaged (RELIABILITY row 7): the damaged screen, with restore."""
        self.show_problem(message, DAMAGED, restorable=True)

    def restored(self, notice: str) -> None:
        """A backup was restored from the problem screen: log in to the restored clinic."""
        self.login = LoginPrefill(self._initial_user, notice)
        self._go(Screen.LOGIN)

    def clinic_created(self, username: str) -> None:
        self.login = LoginPrefill(username, SET_UP)
        self._go(Screen.LOGIN)

    def open_session(self, session: ClinicSession) -> None:
        self._adopt(session)
        if self.kiosk_on_login:
            self.start_kiosk()
            return
        if self._idle_from_clinic:
            self._apply_clinic_idle(session)
        self.idle.start()
        self._go(Screen.MAIN)

    def _adopt(self, session: ClinicSession) -> None:
        if self._session is not None and self._session is not session:
            self._session.lock()
        self._session = session
        self.sessionOpened.emit()
        self.resume.start()
        QTimer.singleShot(heap.SETTLE_DELAY_MS, self, self._settle_heap)
        # A long audit log: the unlock walked its newest entries; walk the rest now, off the UI thread.
        from alliance_desktop.ui.audit_walk import AuditHistoryWalk  # with the first session, not at start

        walk = AuditHistoryWalk(session, self)
        walk.problem.connect(self.auditProblem)
        if walk.start():
            self._audit_walk = walk
        else:
            walk.deleteLater()

    def kiosk_before_open(self, login: CheckedLogin, clinic_name: str) -> None:
        """``--kiosk``: the password was right; show the kiosk now, open the database after its first paint.

        The welcome screen needs only the clinic's name, which the login read
        from its sealed copy; ``finish_opening_kiosk`` (called by the window
        layer once the welcome screen is painted) opens the database and hands
        the real service to the kiosk. A client quicker than that waits for it
        inside their first call instead.
        """
        from alliance_desktop.services.kiosk_pending import PendingKiosk

        self._close_session()
        self._checked = login
        self.kiosk = PendingKiosk(clinic_name, self._open_pending_kiosk)
        self._go(Screen.KIOSK)

    def finish_opening_kiosk(self) -> None:
        from alliance_desktop.services.kiosk_pending import PendingKiosk

        if isinstance(self.kiosk, PendingKiosk) and not self.kiosk.ready:
            self._open_pending_kiosk()

    def _open_pending_kiosk(self) -> KioskService | None:
        from alliance_desktop.services.kiosk import KioskService
        from alliance_desktop.services.kiosk_pending import PendingKiosk

        pending, login, self._checked = self.kiosk, self._checked, None
        if not isinstance(pending, PendingKiosk) or login is None:
            return None
        try:
            session = self.access.open_checked(login)
        except (StorageError, ServiceError) as problem:
            self.show_problem(staff_message(problem), KIOSK_FAILED)
            return None
        try:
            service = KioskService.start(session, device_id=self.device_id)
        except (StorageError, ServiceError) as problem:
            session.lock()
            self.show_problem(staff_message(problem), KIOSK_FAILED)
            return None
        self._adopt(session)
        self.idle.stop()  # the kiosk has its own idle handling
        pending.attach(service)
        self.kioskReady.emit()
        return service

    def _apply_clinic_idle(self, session: ClinicSession) -> None:
        from alliance_desktop.services.settings import auto_lock_minutes

        try:
            minutes = auto_lock_minutes(session)
        except (StorageError, ServiceError):
            return  # keep the default; the main window reports a broken database itself
        self._replace_idle(int(minutes * 60000))

    def set_idle_minutes(self, minutes: int) -> None:
        """An administrator changed the auto-lock: restart the watch with the new time."""
        if not self._idle_from_clinic or minutes <= 0:
            return
        running = self.idle.active
        self._replace_idle(int(minutes * 60000))
        if running:
            self.idle.start()

    def _replace_idle(self, timeout_ms: int) -> None:
        if timeout_ms == self.idle.timeout_ms:
            return
        self.idle.stop()
        self.idle.idle.disconnect(self.auto_lock)
        self.idle.deleteLater()
        self.idle = IdleWatcher(timeout_ms, self, clock=self._clock)
        self.idle.idle.connect(self.auto_lock)

    def start_kiosk(self) -> None:
        """Turn this device into the client kiosk, on the logged-in staff member's session.

        The staff auto-lock stops: the kiosk has its own idle handling, and
        locking would close the database under a client's questionnaire.
        """
        session = self._session
        if session is None:
            return
        from alliance_desktop.services.kiosk import KioskService

        try:
            self.kiosk = KioskService.start(session, device_id=self.device_id)
        except (StorageError, ServiceError) as problem:
            self.show_problem(staff_message(problem), KIOSK_FAILED)
            return
        self.idle.stop()
        self._go(Screen.KIOSK)

    def hand_over(self, therapy_session_id: uuid.UUID, language: str = "en") -> None:
        """"Hand over now": open a session's questionnaire on this device without a code.

        Starts the kiosk first when it is not running. The service checks that
        the logged-in staff member may serve this session.
        """
        if self.screen is not Screen.KIOSK:
            self.start_kiosk()
        if self.kiosk is None or self.screen is not Screen.KIOSK:
            return
        from alliance_desktop.services.kiosk import open_for_session

        self.handedOver.emit(open_for_session(self.kiosk, therapy_session_id, language))

    def leave_kiosk(self) -> None:
        """The exit PIN was right: close the clinic and ask for a staff login (no user name shown).

        After leaving, a login opens the staff window even with ``--kiosk``:
        staff left the kiosk to do something else; "Start kiosk" brings it back.
        """
        self.kiosk_on_login = False
        self._close_session()
        self.login = LoginPrefill("", KIOSK_CLOSED)
        self._go(Screen.LOGIN)

    def lock(self, notice: str = LOCKED) -> None:
        """Close the session; the login keeps the user name so only the password is needed."""
        username = self._session.user.username if self._session is not None else self.login.username
        self._close_session()
        self.login = LoginPrefill(username, notice)
        self._go(Screen.LOGIN)

    def auto_lock(self) -> None:
        if self._session is not None:
            self.lock(f"Locked after {self.idle_minutes:g} minutes without activity. Log in again to continue.")

    def lock_after_sleep(self, _seconds_asleep: float = 0.0) -> None:
        """The computer woke from sleep: lock the staff view as the auto-lock would.

        The kiosk is left alone: it has its own walk-away reset, and locking would
        close the database under a client's questionnaire.
        """
        if self._session is not None and self.screen is Screen.MAIN:
            self.lock(ASLEEP)

    def log_out(self) -> None:
        self._close_session()
        self.login = LoginPrefill("", LOGGED_OUT)
        self._go(Screen.LOGIN)

    def quit(self) -> None:
        self.shutdown()
        self.quitRequested.emit()

    def shutdown(self) -> None:
        """On every way out: close the database and forget the key."""
        self._close_session()

    # -- plumbing ------------------------------------------------------------------
    def _close_session(self) -> None:
        self.idle.stop()
        self.resume.stop()
        self.kiosk = None
        self._checked = None
        session, self._session = self._session, None
        walk, self._audit_walk = self._audit_walk, None
        if walk is not None:
            walk.stop()  # before the lock: the walk gives its database connection back first
        if session is not None:
            session.lock()
            heap.release()
            self.sessionClosed.emit()

    def _settle_heap(self) -> None:
        if self._session is not None:  # not if the session closed again within the delay
            heap.settle()

    def _go(self, screen: Screen) -> Screen:
        self.screen = screen
        self.screenChanged.emit(screen)
        return screen
