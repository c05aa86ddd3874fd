"""Show that something slow is happening, and keep people from clicking twice.

Unlocking and setting up run Argon2id on purpose (it is what makes a stolen
key file expensive to attack), so they take a noticeable fraction of a second.
They run on the UI thread behind a wait cursor: short enough not to need a
worker thread, and it keeps the session and its SQLite connections on one
thread. The disabled widgets keep a second click from queuing a second unlock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from alliance_desktop.ui.lazy_qt import Qt


@contextlib.contextmanager
def busy(*disable: QWidget) -> Iterator[None]:
    """Wait cursor and disabled ``disable`` widgets for the duration of the block."""
    was_enabled = [(w, w.isEnabled()) for w in disable]
    for widget in disable:
        widget.setEnabled(False)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    # Paint the disabled state and any "Unlocking…" text before the slow part starts.
    QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        for widget, enabled in was_enabled:
            widget.setEnabled(enabled)
