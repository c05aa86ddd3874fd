"""The walk of the whole audit chain that follows a login, on the task pool (RELIABILITY row 36).

The unlock walks only the newest entries (services.audit_integrity explains
why); when the log is longer, this walks all of it right after the login, for
a staff window and a kiosk alike. What it finds is written into the log by the
service; ``problem`` carries the staff-facing sentence to whichever window
shows it (the kiosk shows clients nothing). A walk that cannot finish says so
too: silence would look like "all is well".

Locking must not wait ~10 s for a million entries: ``stop`` asks the walk to
end (it looks every 2,000 entries), then waits a moment for it to give its
database connection back, so the session closes every connection it opened.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from alliance_desktop.ui.tasks import Task, run_task

if TYPE_CHECKING:
    from alliance_desktop.services.audit_integrity import AuditIntegrity
    from alliance_desktop.services.clinic_session import ClinicSession

#: How long ``stop`` waits for a walk to end (it looks at its stop flag every ~20 ms of work).
STOP_WAIT_S = 2.0

UNFINISHED = ("The audit log could not be checked in full after this log-in ({problem}). An administrator can "
              "check it in Audit log → Verify chain; if that fails too, tell the clinic's administrator.")


class AuditHistoryWalk(QObject):
    """One walk for one session: ``start`` it after the login, ``stop`` it before the session locks."""

    problem = Signal(str)

    def __init__(self, session: ClinicSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._task: Task | None = None

    def start(self) -> bool:
        """Start the walk if the unlock left older entries unwalked; whether it started."""
        from alliance_desktop.services.audit_integrity import needs_history_walk

        if not needs_history_walk(self._session):
            return False
        self._task = run_task(self, self._walk, self._walked, self._failed)
        return True

    def stop(self) -> None:
        """Ask a running walk to end and wait (briefly) until it has."""
        if self._task is None:
            return
        self._stop.set()
        self._ended.wait(STOP_WAIT_S)

    def _walk(self) -> AuditIntegrity | None:
        from alliance_desktop.services.audit_integrity import verify_history

        try:
            return verify_history(self._session, stop=self._stop.is_set)
        finally:
            self._ended.set()

    def _walked(self, found: AuditIntegrity | None) -> None:
        if found is not None and not self._stop.is_set():
            self.problem.emit(found.message())

    def _failed(self, problem: Exception) -> None:
        from alliance_desktop.services.audit_integrity import WalkStopped
        from alliance_desktop.services.errors import SessionClosed

        if self._stop.is_set() or isinstance(problem, (WalkStopped, SessionClosed)):
            return  # locked meanwhile: the next login walks again
        print(f"audit: the walk after the login failed: {type(problem).__name__}", file=sys.stderr)
        self.problem.emit(UNFINISHED.format(problem=type(problem).__name__))
