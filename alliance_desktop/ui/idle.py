"""Auto-lock: notice when nobody has touched the staff window for a while.

A therapist called away from the desk leaves client data on screen; DESIGN.md
§3 asks for a lock after 5 idle minutes. The watcher filters the whole
application's input events (keys, clicks, wheel, touch, mouse movement) and
notes the time of the last one on an injected *monotonic* clock; a poll (a
1 s ``QTimer``, or a direct ``poll()`` call in tests) locks once the idle time
has passed. So the lock comes within a second of its time, and changing the
system date (NTP, DST, a user) neither fires nor postpones it (RELIABILITY.md
rows 16 and 30). Time spent asleep is not counted by the monotonic clock:
``ui.resume.ResumeWatcher`` locks on waking instead.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from alliance_desktop.core.clock import Clock, SystemClock

DEFAULT_IDLE_MS = 5 * 60 * 1000
POLL_MS = 1000

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_ms`` without input, while started."""

    idle = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None, *,
                 clock: Clock | None = None, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self._clock = clock or SystemClock()
        self._last = self._clock.monotonic()
        self._timer = QTimer(self)
        # Short test timeouts poll more often, so they still fire within one timeout of their time.
        self._timer.setInterval(max(1, min(poll_ms, timeout_ms)) if timeout_ms > 0 else poll_ms)
        self._timer.timeout.connect(self.poll)
        self._watching = False

    def start(self) -> None:
        """Watch from now."""
        if self.timeout_ms <= 0:
            return
        app = QCoreApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True
        self._last = self._clock.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def idle_seconds(self) -> float:
        """Monotonic seconds since the last input (or the start)."""
        return self._clock.monotonic() - self._last

    def poll(self) -> None:
        if self._timer.isActive() and self.idle_seconds * 1000 >= self.timeout_ms:
            self._fire()

    def _fire(self) -> None:
        self.stop()
        self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._last = self._clock.monotonic()
        return False
