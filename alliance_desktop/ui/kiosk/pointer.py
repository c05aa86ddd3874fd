"""The mouse pointer in the kiosk: hidden while people use the touch screen.

On a waiting-room tablet an arrow parked in the middle of the screen is noise,
and where the last tap landed it even hints at what the previous client
touched. So the kiosk starts with the pointer hidden and keeps it hidden while
input comes from touch. A real mouse (a staff member with a USB mouse, a
desktop used as a kiosk) brings it back on its first move, and the next touch
hides it again.

How touch is told apart from a mouse: Qt delivers a tap both as touch events
and as mouse events it synthesises from them. The synthesised ones say so in
``QMouseEvent.source()`` (or come from a device of type TouchScreen), so they
never count as "a mouse was used". The cursor is changed application-wide
with an override cursor, which Qt keeps on a stack: the watcher pushes at most
one entry and pops exactly what it pushed, so it never disturbs a busy cursor
set by someone else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QCursor, QGuiApplication, QInputDevice, QMouseEvent

from alliance_desktop.ui.lazy_qt import Qt

_TOUCH_TYPES = frozenset({QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd})
_MOUSE_TYPES = frozenset({QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress})


def came_from_touch(event: QMouseEvent) -> bool:
    """True for mouse events Qt or the OS made up from a touch."""
    if event.source() != Qt.MouseEventSource.MouseEventNotSynthesized:
        return True
    device = event.device()
    return device is not None and device.type() == QInputDevice.DeviceType.TouchScreen


class PointerHider(QObject):
    """Hides the pointer from ``install()`` until a real mouse moves; touch hides it again."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._installed = False
        self._hidden = False

    @property
    def hidden(self) -> bool:
        return self._hidden

    def install(self) -> None:
        app = QGuiApplication.instance()
        if app is None or self._installed:
            return
        app.installEventFilter(self)
        self._installed = True
        self._hide()

    def release(self) -> None:
        """Leaving the kiosk: the pointer comes back for the staff screens."""
        app = QGuiApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
        self._installed = False
        self._show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in _TOUCH_TYPES:
            self._hide()
        elif kind in _MOUSE_TYPES and isinstance(event, QMouseEvent):
            if came_from_touch(event):
                self._hide()
            else:
                self._show()
        return False  # only watches; every event goes on to its widget

    def _hide(self) -> None:
        if not self._hidden:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self._hidden = True

    def _show(self) -> None:
        if self._hidden:
            QGuiApplication.restoreOverrideCursor()
            self._hidden = False
