"""Auto-lock: notice when nobody has touched the staff window for a while.

A therapist called away from the desk leaves client data on screen; DESIGN.md
§3 asks for a lock after 5 idle minutes. The watcher filters the whole
application's input events (keys, clicks, wheel, touch, mouse movement) and
restarts one single-shot timer on each. ``QTimer`` runs on a monotonic clock,
so changing the system date neither fires nor postpones the lock.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

DEFAULT_IDLE_MS = 5 * 60 * 1000

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

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._fire)
        self._watching = False

    def start(self) -> None:
        if self.timeout_ms <= 0:
            return
        app = QCoreApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True
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

    def _fire(self) -> None:
        self.stop()
        self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False
