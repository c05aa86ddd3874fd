"""Notice that the computer woke from sleep, so the staff view can lock (RELIABILITY.md row 17).

A laptop closed on an open client file and opened again the next morning must
not show that file: the auto-lock cannot help, because Qt's timers and
``time.monotonic`` do not count the time asleep (on Linux and macOS the
monotonic clock stops during suspend), so the idle timer simply carries on
from where it stopped.

How it is detected: a 1 s ``QTimer`` compares two clocks on every tick. One of
them stops during suspend (monotonic), the other runs on; when the second
advanced more than ``threshold_s`` (30 s) beyond the first since the previous
tick, the machine was asleep in between, and ``resumed(seconds_asleep)`` is
emitted on the first tick after waking — within a second of the resume.

- Preferred pair (Linux): ``CLOCK_BOOTTIME`` vs ``CLOCK_MONOTONIC``. Both are
  immune to clock changes; they differ only by time spent suspended, so there
  are no false alarms from NTP, DST or a user setting the date.
- Fallback pair (elsewhere): wall clock vs monotonic. A user or NTP moving the
  wall clock *forward* by more than the threshold looks exactly like a resume
  and locks the staff view too. That is harmless and on the safe side (the
  therapist types the password again); backward jumps are ignored. Where the
  monotonic clock itself counts sleep (some Windows timers), this pair sees
  nothing, and the auto-lock remains the safeguard.

Not used: ``QGuiApplication.applicationStateChanged`` says whether a window is
active, not whether the machine slept; nor any D-Bus/logind ``PrepareForSleep``
signal (not available everywhere, and would need a system bus).

Tests inject the clocks and call ``poll()`` instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal

from alliance_desktop.core.clock import Clock, SystemClock

POLL_MS = 1000
DEFAULT_THRESHOLD_S = 30.0


def system_boottime() -> Callable[[], float] | None:
    """A clock that keeps counting while the machine sleeps (Linux ``CLOCK_BOOTTIME``), or None."""
    clock_id = getattr(time, "CLOCK_BOOTTIME", None)
    if clock_id is None:
        return None
    try:
        time.clock_gettime(clock_id)
    except OSError:  # an old kernel without it
        return None
    return lambda: time.clock_gettime(clock_id)


class ResumeWatcher(QObject):
    """Emits ``resumed(seconds_asleep)`` on the first tick after the machine slept, while started."""

    resumed = Signal(float)

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        boottime: Callable[[], float] | None | Literal["auto"] = "auto",
        threshold_s: float = DEFAULT_THRESHOLD_S,
        poll_ms: int = POLL_MS,
        parent: QObject | None = None,
    ) -> None:
        """``clock`` gives monotonic and wall time; ``boottime`` a clock that counts sleep.

        ``boottime="auto"`` means the system's ``CLOCK_BOOTTIME`` with the system
        clock, and no boot-time clock (the wall-clock fallback) with an injected
        clock, so a fake monotonic clock is never compared with a real one.
        """
        super().__init__(parent)
        if boottime == "auto":
            boottime = system_boottime() if clock is None else None
        self._clock = clock or SystemClock()
        self._boottime = boottime
        self.threshold_s = threshold_s
        self._last: tuple[float, float] = self._read()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def uses_boottime(self) -> bool:
        """True for the boot-time pair (clock changes cannot fool it), False for the wall-clock fallback."""
        return self._boottime is not None

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._last = self._read()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        """One tick: compare how far each clock moved since the last one."""
        previous_sleepless, previous_running = self._last
        self._last = now_sleepless, now_running = self._read()
        asleep = (now_running - previous_running) - (now_sleepless - previous_sleepless)
        if asleep > self.threshold_s:
            self.resumed.emit(asleep)

    def _read(self) -> tuple[float, float]:
        """(a clock that stops during sleep, one that does not), in seconds."""
        monotonic = self._clock.monotonic()
        if self._boottime is not None:
            return monotonic, self._boottime()
        return monotonic, self._clock.now().timestamp()
