"""Work that waits until a window's first frame is on screen.

A window shows what it must and does the rest afterwards: the kiosk engages
its application-wide filters, loads its later pages' code and opens the
database only once its welcome page is painted. Callbacks given for one
widget run in the order they were given, from one turn of the event loop
right after that widget's first paint, so a caller that must come first
(the kiosk's lock-down) simply registers first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

__all__ = ["after_first_paint"]


class _FirstPaint(QObject):
    """Watches one widget for its first paint, then runs its queue of callbacks once."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.callbacks: list[Callable[[], None]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)  # after this paint has reached the screen
        return False

    def _run(self) -> None:
        callbacks, self.callbacks = self.callbacks, []
        self.deleteLater()
        for callback in callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - one failure must not skip the others (the lock-down, the database)
                sys.excepthook(*sys.exc_info())


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` once, from the event loop, after ``widget``'s next paint (in order with others).

    A callback given after that paint but before its queue ran joins the queue and runs with it.
    """
    waiting = next((c for c in widget.children() if isinstance(c, _FirstPaint) and c.callbacks), None)
    (waiting or _FirstPaint(widget)).callbacks.append(callback)
