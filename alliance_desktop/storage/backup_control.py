"""Running a backup's stages on threads, and calling all of them off at once.

A backup runs its copy, ``quick_check`` and digests at the same time on
separate sqlcipher3 connections (the GIL is released inside ``sqlite3_step``
and ``backup_step``). When one stage fails, or Ctrl-C arrives, the others
must stop promptly and every thread must be joined before the scratch file
is removed, or a late thread could use a closed connection or recreate the
file. ``Stop`` is that shared off switch: it keeps the first failure as the
cause and interrupts the statements on the connections it watches;
``backup_step`` ignores interrupts, so the copy looks at it between steps.
``Workers`` runs tasks on a fixed set of connections; ``shielded`` runs the
clean-up steps to their end through a second Ctrl-C.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage.cipher_layout import CipherLayout
from alliance_desktop.storage.engine import BUSY_TIMEOUT_MS, _connect, _key

_log = logging.getLogger("alliance_desktop.storage.backup")

#: How often a clean-up step is retried when Ctrl-C interrupts it (each try waits for threads that are stopping).
SHIELD_TRIES = 5


class Stopped(Exception):
    """The backup was called off (another stage failed, or Ctrl-C): a stage that sees it leaves at once."""


class Workers:
    """A thread per connection; each task borrows a free connection for as long as it runs.

    sqlcipher3 releases the GIL inside ``sqlite3_step`` and ``backup_step``,
    so statements on different connections really run on different cores.
    """

    def __init__(self, cons: list[Any]) -> None:
        self._cons = cons
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for con in cons:
            self._free.put(con)
        self._pool = ThreadPoolExecutor(max_workers=len(cons), thread_name_prefix="backup-check")
        self._futures: list[Future[Any]] = []

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        con = self._free.get()
        try:
            return fn(con, *args)
        finally:
            self._free.put(con)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self._pool.submit(self._run, fn, *args)
        self._futures.append(future)
        return future

    def stop(self) -> None:
        """Cancel what has not started, then interrupt what has; returns when every thread is idle."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        interrupt_until_done(self._cons, self._futures)
        self._pool.shutdown(wait=True)


def interrupt_until_done(cons: list[Any], futures: list[Future[Any]]) -> None:
    """Interrupt ``cons`` until every one of ``futures`` is done.

    Again and again: ``sqlite3_interrupt`` only stops the statements running at
    that moment, so a task that starts its next statement just after it would
    otherwise run to its end. (``cipher_integrity_check`` ignores interrupts.)
    """
    pending = [f for f in futures if not f.done()]
    while pending:
        for con in cons:
            with contextlib.suppress(sqlcipher.Error):
                con.interrupt()
        _done, not_done = wait(pending, timeout=0.05)
        pending = list(not_done)


def open_existing(path: Path, data_key: bytes, layout: CipherLayout) -> Any:
    """``_raw_connect`` for a file that must already exist (``mode=rw``): a missing file is an error, never created.

    The backup's scratch file is opened this way, so a stage that opens it
    after it was removed cannot leave an empty file in the target folder.
    Its ``layout`` is the live database's: the backup API copies pages as they are.
    """
    con = _connect(path, must_exist=True)
    try:
        _key(con, data_key, layout)  # driver errors as they come: the caller says what they mean for the copy
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        con.close()
        raise
    return con


def close_all(cons: list[Any]) -> None:
    for con in cons:
        with contextlib.suppress(sqlcipher.Error):
            con.close()


class Stopwatch:
    """Stage timings for the log (DEBUG): what the module docstring's numbers come from."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.start = time.perf_counter()

    def __call__(self, stage: str) -> None:
        _log.debug("%s: %s at %.2f s", self.what, stage, time.perf_counter() - self.start)


class Stop:
    """Calls a backup off, once, for every thread of it; the first failure is kept as the cause.

    The copy looks at it between two backup-API steps (``backup_step``
    ignores ``sqlite3_interrupt``) and before it opens a connection; the
    statements running on the watched connections are interrupted at once.
    """

    def __init__(self, classify: Callable[[BaseException], BaseException] = lambda exc: exc) -> None:
        self._classify = classify  # what a stage's failure means for the person (see backup._source_failure)
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._cons: list[Any] = []
        self.cause: BaseException | None = None

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self, *_progress: int) -> None:
        """Raise ``Stopped`` once the backup was called off (also the backup API's progress callback)."""
        if self._event.is_set():
            raise Stopped()

    def set(self, cause: BaseException) -> None:
        with self._lock:
            if self.cause is None:
                self.cause = cause
            self._event.set()
            for con in self._cons:
                with contextlib.suppress(sqlcipher.Error):
                    con.interrupt()

    def watch(self, *cons: Any) -> None:
        with self._lock:
            self._cons.extend(cons)

    def forget(self, *cons: Any) -> None:
        """Stop watching ``cons`` (all of them if none are named): they are about to be closed."""
        with self._lock:
            self._cons = [c for c in self._cons if cons and c not in cons]

    def open(self, path: Path, data_key: bytes, layout: CipherLayout) -> Any:
        """A watched connection to the existing ``path``; ``Stopped`` instead once the backup was called off."""
        with self._lock:
            self.check()
            con = open_existing(path, data_key, layout)
            self._cons.append(con)
        return con

    def close(self, cons: list[Any]) -> None:
        self.forget(*cons)
        close_all(cons)

    def on_failure(self, future: Future[Any]) -> None:
        """Done callback of every stage: the first one that fails calls the whole backup off."""
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None and not isinstance(exc, Stopped):
            failure = self._classify(exc)
            if failure is not exc:
                failure.__cause__ = exc
            self.set(failure)



def shielded(*steps: Callable[[], object], stop: Stop | None = None) -> None:
    """Run every step to its end through Ctrl-C (``SHIELD_TRIES`` at most); a KeyboardInterrupt is raised after.

    The steps join the backup's threads (which end within one backup step or
    interrupted statement once ``stop`` is set) and remove its scratch file.
    Leaving a thread running would let it use connections that are being
    closed and a scratch file that is being removed.
    """
    pending: BaseException | None = None
    for step in steps:
        for _attempt in range(SHIELD_TRIES):
            try:
                step()
                break
            except KeyboardInterrupt as exc:  # a second Ctrl-C: keep waiting, the threads are stopping
                pending = pending or exc
                if stop is not None:
                    stop.set(exc)
            except BaseException as exc:  # noqa: BLE001 - the other steps still run; raised after them
                pending = pending or exc
                break
    if pending is not None:
        raise pending
