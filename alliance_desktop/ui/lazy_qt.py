"""PySide's ``Qt`` namespace, built at its first use instead of at import.

Why: the first time anything reads ``PySide6.QtCore.Qt``, PySide builds all
of its 93 enum types in Python (about 1,200 members): 15 ms on the project's
2-core VM, 13 % of a bare Qt window's whole start. A module that writes
``from PySide6.QtCore import Qt`` pays it when it is imported. The login
window and the kiosk's welcome page are built without it:

- modules on those paths write ``from alliance_desktop.ui.lazy_qt import Qt``
  and use ``Qt`` exactly as PySide's; the real namespace is built at the first
  attribute read, which on those paths comes after the first frame;
- the few values the first frame itself needs are set through Qt's property
  system, which takes plain integers (PySide's typed setters refuse them):
  ``set_enum_property`` with the values below, each checked against PySide's
  own enum in ``tests/ui/test_lazy_qt.py``.

``tests/ui/test_entry_point.py`` checks that both first frames are painted
with the namespace still unbuilt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush, QColor, QPalette

__all__ = [
    "ALIGN_H_CENTER",
    "ALIGN_TOP",
    "NO_FOCUS",
    "NO_TEXT_INTERACTION",
    "PLAIN_TEXT",
    "STRONG_FOCUS",
    "TEXT_SELECTABLE_BY_MOUSE",
    "Qt",
    "set_enum_property",
    "solid_brush",
]

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:

    class _LazyQt:
        """Stands in for ``PySide6.QtCore.Qt``: the first attribute read builds the real one."""

        def __getattr__(self, name: str) -> Any:
            from PySide6.QtCore import Qt as real

            value = getattr(real, name)
            setattr(self, name, value)  # later reads are plain attribute reads
            return value

    Qt = _LazyQt()

#: Qt::AlignHCenter and Qt::AlignTop (flags: combine with ``|``).
ALIGN_H_CENTER = 0x0004
ALIGN_TOP = 0x0020
#: Qt::PlainText (a QLabel's ``textFormat``).
PLAIN_TEXT = 0
#: Qt::NoTextInteraction and Qt::TextSelectableByMouse (a QLabel's ``textInteractionFlags``).
NO_TEXT_INTERACTION = 0x0
TEXT_SELECTABLE_BY_MOUSE = 0x1
#: Qt::NoFocus and Qt::StrongFocus (a widget's ``focusPolicy``).
NO_FOCUS = 0x0
STRONG_FOCUS = 0xB


def set_enum_property(target: QObject, name: str, value: int) -> None:
    """Set Qt property ``name`` (enum- or flag-typed) of ``target`` to ``value`` without PySide's enum types.

    Raises ``ValueError`` when ``target`` has no such property: Qt would
    otherwise quietly add a dynamic property of that name and change nothing.
    """
    if target.metaObject().indexOfProperty(name) < 0 or not target.setProperty(name, value):
        raise ValueError(f"{type(target).__name__} has no settable Qt property {name!r}")


def solid_brush(color: str) -> QBrush:
    """A solid brush of ``color``, made without the namespace.

    ``QBrush(QColor(...))`` builds it: PySide reads the constructor's default
    style argument (``Qt.SolidPattern``). A palette hands out a ready brush.
    """
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(color))
    return palette.window()  # PySide returns a copy: it outlives the palette
