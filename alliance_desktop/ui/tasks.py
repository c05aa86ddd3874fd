"""The one way to run slow work off the UI thread: a function on QThreadPool, its result back by signal.

Why: Argon2id (adding a user, resetting a password), verifying the whole
audit chain and the first clinic overview of a large database take from half
a second to a few seconds; on the UI thread the window would freeze and
miss repaints. Fast reads (a caseload, one course: well under 100 ms) stay
on the UI thread, where they are simpler and as quick.

The service call runs on a pool thread; its own unit of work opens and
closes a pooled connection there (the SQLCipher connections are made with
``check_same_thread=False``). The result or the exception comes back through
a queued signal to the UI thread. A task whose receiver is gone (the window
was locked and deleted) is dropped quietly: ``Task`` is parented to the
receiver, so Qt disconnects it with the receiver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    """Lives on the UI thread; the worker emits through it (queued across threads).

    Not parented to the task: if the task's receiver is deleted while the job
    runs, the worker still emits into a live object, and nobody listens.
    Kept alive in ``_LIVE`` until its result has been delivered.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        _LIVE.add(self)

    def release_after_delivery(self) -> None:
        """Connect last, so the receivers' slots run before the relay may be collected."""
        self.succeeded.connect(self._release)
        self.failed.connect(self._release)

    def _release(self, _: object = None) -> None:
        _LIVE.discard(self)


_LIVE: set[_Relay] = set()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as problem:  # noqa: BLE001 - handed to the UI thread, shown there
            self._relay.failed.emit(problem)
        else:
            self._relay.succeeded.emit(result)


class Task(QObject):
    """One background call. ``finished`` fires (on the UI thread) after ``done`` or ``failed`` ran."""

    finished = Signal()

    def __init__(self, parent: QObject, fn: Callable[[], Any], done: Callable[[Any], None],
                 failed: Callable[[Exception], None]) -> None:
        super().__init__(parent)
        self._done, self._failed = done, failed
        self.running = True
        relay = _Relay()
        relay.succeeded.connect(self._on_success)
        relay.failed.connect(self._on_failure)
        relay.release_after_delivery()
        self._job = _Job(fn, relay)

    def _finish(self) -> None:
        self.running = False
        self.finished.emit()
        self.deleteLater()

    def _on_success(self, result: object) -> None:
        try:
            self._done(result)
        finally:
            self._finish()

    def _on_failure(self, problem: object) -> None:
        try:
            self._failed(problem)  # type: ignore[arg-type]
        finally:
            self._finish()


def run_task(parent: QObject, fn: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[Exception], None]) -> Task:
    """Run ``fn()`` on the global thread pool; ``done(result)`` or ``failed(exception)`` on the UI thread."""
    task = Task(parent, fn, done, failed)
    QThreadPool.globalInstance().start(task._job)
    return task
