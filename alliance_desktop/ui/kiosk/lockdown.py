"""What the kiosk itself can lock down (RELIABILITY.md row 27).

Installed on the whole application while the kiosk runs (from just after its
first frame: ``KioskWindow.start`` says why), so it sees every event before
any widget does: closing, quitting and context menus do nothing, and the
shortcuts that would close, print, open, copy or paste are eaten.
What the app cannot stop (Alt+Tab, Ctrl+Alt+Del, edge swipes, the OS
switcher) is for the operating system's kiosk mode — see packaging/KIOSK.md.

Why an application-wide filter rather than overriding a few widgets: a
shortcut or a context menu can come from any child (a text field has its own
menu with Paste and Select All); one filter covers the widgets we build
later too.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QWidget

from alliance_desktop.ui.lazy_qt import Qt


@cache
def _ctrl_keys() -> frozenset[Qt.Key]:
    """Keys that close, quit, print, open, save or use the clipboard with Ctrl or Meta (built at first use)."""
    return frozenset({
        Qt.Key.Key_Q, Qt.Key.Key_W, Qt.Key.Key_P, Qt.Key.Key_O, Qt.Key.Key_S, Qt.Key.Key_N, Qt.Key.Key_F4,
        Qt.Key.Key_C, Qt.Key.Key_X, Qt.Key.Key_V, Qt.Key.Key_A, Qt.Key.Key_Z, Qt.Key.Key_Y, Qt.Key.Key_Insert,
    })


_SWALLOWED_TYPES = frozenset({
    QEvent.Type.ContextMenu,
    QEvent.Type.WhatsThis,
    QEvent.Type.QueryWhatsThis,
    QEvent.Type.DragEnter,
    QEvent.Type.Drop,
})


def is_blocked_key(event: QKeyEvent) -> bool:
    """Esc, Alt+F4, and Ctrl/Meta with a close, quit, print, open or clipboard key."""
    key = event.key()
    mods = event.modifiers()
    if key in (Qt.Key.Key_Escape, Qt.Key.Key_Close, Qt.Key.Key_Help, Qt.Key.Key_Print, Qt.Key.Key_Copy,
               Qt.Key.Key_Paste, Qt.Key.Key_Cut, Qt.Key.Key_Undo, Qt.Key.Key_Redo):
        return True
    if key == Qt.Key.Key_F4 and mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier):
        return True
    if key == Qt.Key.Key_Insert and mods & Qt.KeyboardModifier.ShiftModifier:  # Shift+Insert pastes
        return True
    command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
    return bool(mods & command) and key in _ctrl_keys()


class Lockdown(QObject):
    """While installed, the ``window`` cannot be closed except through :meth:`release`."""

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._installed = False
        self.blocked = 0  # how many events were eaten: tests and the audit of a long day

    def install(self) -> None:
        app = QGuiApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True

    def release(self) -> None:
        app = QGuiApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
        self._installed = False

    @property
    def installed(self) -> bool:
        return self._installed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            if is_blocked_key(event):  # type: ignore[arg-type]
                self.blocked += 1
                return True
            return False
        if kind == QEvent.Type.Close and watched is self._window:
            event.ignore()
            self.blocked += 1
            return True
        if kind in _SWALLOWED_TYPES:
            # Accepted, not ignored: an ignored context-menu event travels on to the parent widgets.
            event.accept()
            self.blocked += 1
            return True
        return False


def cover_screen(window: QWidget) -> None:
    """Full screen, and the screen's geometry too: without a window manager full screen alone does nothing.

    (STACK.md section 3: under bare Xvfb or a WM-less kiosk session the window
    would stay at its size hint while ``isFullScreen()`` claims otherwise.)
    No frameless or stay-on-top flags: with a kiosk WM such as matchbox those
    keep the window from being maximised.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.showFullScreen()
        return
    geometry = screen.geometry()
    window.setGeometry(geometry)
    window.showFullScreen()
    window.setGeometry(geometry)
