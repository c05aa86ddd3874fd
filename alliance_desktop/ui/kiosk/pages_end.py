"""The thank-you page and the "Are you still there?" shade.

"Thank you" appears only after the service has committed the answers; it
stays 5 seconds and then the window starts over with a fresh widget tree.
The idle shade covers the whole window so nothing of the questionnaire is
readable from a distance while it counts down.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.kiosk.parts import Page, button, label
from alliance_desktop.ui.lazy_qt import Qt


class ThankYouPage(Page):
    name = "thanks"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addStretch(1)
        self.title = label(self.tr("Thank you"), style.CLINIC, centre=True)
        self.body.addWidget(self.title)
        self.body.addWidget(label(self.tr("Your answers have been sent to your therapist."), style.LEAD, centre=True))
        self.body.addSpacing(20)
        self.body.addWidget(label(self.tr("This screen returns to the start in a few seconds."), style.QUIET,
                                  centre=True))
        self.body.addStretch(2)
        self.finish(stretch_before_footer=False)


class StillThere(QWidget):
    """The idle warning over the whole window: a large Continue and the seconds left."""

    stay = Signal()

    def __init__(self, seconds: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(style.SHADE)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        card = QFrame()
        card.setObjectName(style.CARD)
        card.setMaximumWidth(720)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(48, 40, 48, 40)
        inner.setSpacing(20)
        inner.addWidget(label(self.tr("Are you still there?"), style.TITLE, centre=True))
        self.countdown = label("", style.BODY, centre=True)
        inner.addWidget(self.countdown)
        self.continue_button = button(self.tr("Continue"), style.BIG)
        self.continue_button.clicked.connect(self.stay)
        inner.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 10)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.set_seconds(seconds)

    def set_seconds(self, seconds: int) -> None:
        self.countdown.setText(self.tr(
            "For your privacy, this questionnaire will close in %n seconds and your answers will be deleted.",
            "", max(1, seconds)))

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.continue_button.setFocus()
