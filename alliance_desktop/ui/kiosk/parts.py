"""Building blocks every kiosk page uses: a centred column, plain-text labels, big buttons.

Why plain text everywhere: names and texts on the kiosk come from the clinic
(therapist display names, instrument wording, instruction text). A QLabel
guesses "rich text" from a leading tag, so a name like ``<a href=…>`` would
become a link that opens a browser — a way out of the kiosk. Every label here
is forced to plain text and never opens links.
"""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.lazy_qt import (
    ALIGN_H_CENTER,
    ALIGN_TOP,
    NO_TEXT_INTERACTION,
    PLAIN_TEXT,
    STRONG_FOCUS,
    Qt,
    set_enum_property,
)

#: The readable column: wide enough for a 10 cm line and its anchors, narrow enough to read.
COLUMN_WIDTH = 880
MARGIN = 40


# Labels and buttons are on the welcome page, which is painted before PySide's ``Qt`` namespace is
# built (``ui.lazy_qt``): their enum-typed settings go through Qt's properties.


def label(text: str, role: str, *, wrap: bool = True, centre: bool = False) -> QLabel:
    widget = QLabel()
    set_enum_property(widget, "textFormat", PLAIN_TEXT)  # before the text: never guessed as rich text
    widget.setOpenExternalLinks(False)
    set_enum_property(widget, "textInteractionFlags", NO_TEXT_INTERACTION)
    widget.setWordWrap(wrap)
    widget.setText(text)
    widget.setObjectName(role)
    if centre:
        set_enum_property(widget, "alignment", ALIGN_H_CENTER | ALIGN_TOP)
    return widget


def centred(widget: QWidget) -> QHBoxLayout:
    """A row holding ``widget`` at its own width, in the middle (what ``AlignHCenter`` in a column does)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


class Button(QPushButton):
    """A push button that Enter and Return press too, not only Space.

    Outside dialogs Qt's buttons ignore Enter; someone using the kiosk with a
    keyboard (or a switch device that sends Enter) expects it to work.
    """

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            event.accept()
            self.animateClick()
            return
        super().keyPressEvent(event)


def button(text: str, role: str = style.SECONDARY, *, accessible: str = "") -> QPushButton:
    widget = Button(text)
    widget.setObjectName(role)
    widget.setAutoDefault(False)
    set_enum_property(widget, "focusPolicy", STRONG_FOCUS)
    widget.setAccessibleName(accessible or text)
    return widget


class Page(QWidget):
    """A page: a centred column (``body``) and a footer row (``footer``) for Back / Next."""

    #: What ``abandon`` is told when the client walks away from this page (never an answer).
    name = "page"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN, 24, MARGIN, 24)
        outer.setSpacing(0)
        row = QHBoxLayout()
        row.addStretch(1)
        self.column = QWidget()
        self.column.setMaximumWidth(COLUMN_WIDTH)
        row.addWidget(self.column, 100)
        row.addStretch(1)
        outer.addLayout(row, 1)
        self.body: QBoxLayout = QVBoxLayout(self.column)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(18)
        self.footer = QHBoxLayout()
        self.footer.setSpacing(20)
        self.footer.setContentsMargins(0, 16, 0, 0)

    def finish(self, *, stretch_before_footer: bool = True) -> None:
        """Close the layout: the footer sits at the bottom of the column."""
        if stretch_before_footer:
            self.body.addStretch(1)
        self.body.addLayout(self.footer)

    def focus_target(self) -> QWidget | None:
        """Where keyboard focus goes when the page appears."""
        return None
