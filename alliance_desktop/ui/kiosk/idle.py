"""Walk-away handling: "Are you still there?", then discard the draft (RELIABILITY.md row 25).

Why a clock and a poll instead of two single-shot timers: the warning shows a
countdown, and tests must be able to move time by 60 and 90 seconds without
waiting. ``KioskIdle`` reads an injected monotonic clock on every poll (a 1 s
Qt timer in the app; a direct ``poll()`` call in tests), so both the warning
and the reset happen within a second of their time, and a wall-clock jump
changes nothing.

Both times are configurable between 30 and 300 s (WCAG 2.2.1 "Timing
Adjustable"); values outside that range are clamped rather than refused, so a
bad setting can never make the kiosk unusable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from alliance_desktop.core.clock import Clock, SystemClock

MIN_S, MAX_S = 30, 300
POLL_MS = 1000

#: Input that means "someone is here". Mouse moves only count before the warning: a
#: jittery mouse must not dismiss "Are you still there?" for a client who left.
_PRESENCE = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress,
})


def clamp_seconds(value: float) -> int:
    return int(max(MIN_S, min(MAX_S, round(value))))


@dataclass(frozen=True, slots=True)
class KioskTimings:
    """How long things take; the defaults are those of DESIGN.md section 3."""

    warn_after_s: int = 60
    grace_s: int = 30
    thank_you_ms: int = 5000
    exit_hold_ms: int = 3000

    def clamped(self) -> KioskTimings:
        return KioskTimings(clamp_seconds(self.warn_after_s), clamp_seconds(self.grace_s), self.thank_you_ms,
                            self.exit_hold_ms)


class KioskIdle(QObject):
    """``warning(seconds_left)`` once, ``countdown(seconds_left)`` each poll, then ``expired()``."""

    warning = Signal(int)
    countdown = Signal(int)
    resumed = Signal()
    expired = Signal()

    def __init__(self, timings: KioskTimings, clock: Clock | None = None, *, poll_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timings = timings.clamped()
        self._clock = clock or SystemClock()
        self._last = self._clock.monotonic()
        self._running = False
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def warned(self) -> bool:
        return self._warned

    def start(self) -> None:
        """Watch from now (a new client began, or a page that can be walked away from)."""
        self._last = self._clock.monotonic()
        self._warned = False
        if not self._running:
            app = QCoreApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self._running = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._running:
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
        self._running = False
        self._warned = False

    def still_here(self) -> None:
        """The client answered the warning (Continue) or touched the screen."""
        self._last = self._clock.monotonic()
        if self._warned:
            self._warned = False
            self.resumed.emit()

    def poll(self) -> None:
        if not self._running:
            return
        idle = self._clock.monotonic() - self._last
        limit = self.timings.warn_after_s + self.timings.grace_s
        if idle >= limit:
            self.stop()
            self.expired.emit()
            return
        if idle >= self.timings.warn_after_s:
            left = max(1, int(limit - idle + 0.999))
            if not self._warned:
                self._warned = True
                self.warning.emit(left)
            self.countdown.emit(left)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _PRESENCE or (kind == QEvent.Type.MouseMove and not self._warned):
            # Any touch or key during the warning means someone is here, on Continue or beside it.
            self.still_here()
        return False
