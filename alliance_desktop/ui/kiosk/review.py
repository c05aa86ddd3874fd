"""The review page: every answer once more, "Change" beside each, then "Send".

A line answer is shown as a small line with its mark, never as a number (the
client answered by position, and a number would invite second-guessing).
When sending fails, the message stands above the answers and everything stays
as it is, so the client can tell the reception and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QScroller, QScrollerProperties, QWidget

from alliance_desktop.ui import theme
from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.kiosk.parts import Page, button, label


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One row: which page "Change" opens, the question, and how to show the answer."""

    page_key: str
    question: str
    line_mm: int | None = None  # for a line answer
    is_line: bool = False
    answer_text: str | None = None  # an option's label, or the comment


def touch_scrolling(area: QScrollArea) -> None:
    """Drag the answers with a finger, while a tap on "Change" still lands at once.

    QScroller's default holds every press back for a moment to see whether it
    becomes a drag; on a kiosk that makes buttons feel broken, so presses go
    through immediately (a drag that follows still scrolls).
    """
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(area.viewport())
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootDragResistanceFactor, 0.2)
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootScrollDistanceFactor, 0.05)
    scroller.setScrollerProperties(properties)


class MiniLine(QWidget):
    """A small picture of a line answer: where the mark is, no numbers."""

    def __init__(self, mm: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mm = mm
        self.setFixedSize(QSize(200, 36))
        self.setAccessibleName(self.tr("Your mark on the line"))
        if mm is not None:
            self.setAccessibleDescription(self.tr("Marked at %1 of 100.").replace("%1", str(mm)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x0, x1, y = 10.0, self.width() - 10.0, self.height() / 2 + 4
        painter.setPen(QPen(QColor(theme.INK), 2))
        painter.drawLine(QPointF(x0, y), QPointF(x1, y))
        for x in (x0, x1):
            painter.drawLine(QPointF(x, y - 7), QPointF(x, y + 7))
        if self._mm is not None:
            x = x0 + (x1 - x0) * self._mm / 100
            painter.setPen(QPen(QColor("#ffffff"), 2))
            painter.setBrush(QColor(theme.ACCENT))
            painter.drawEllipse(QPointF(x, y - 8), 8, 8)
        painter.end()


class ReviewPage(Page):
    """``changeRequested(page_key)`` per row; ``sendRequested()`` once per press of Send."""

    name = "review"
    changeRequested = Signal(str)
    sendRequested = Signal()

    def __init__(self, entries: Sequence[ReviewEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.setSpacing(12)
        self.body.addWidget(label(self.tr("Please check your answers"), style.TITLE))
        self.body.addWidget(label(self.tr("Tap “Change” to correct an answer. When everything is right, tap “Send”."),
                                  style.QUIET))
        self.problem = label("", style.PROBLEM)
        self.problem.hide()
        self.body.addWidget(self.problem)

        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setContentsMargins(0, 0, 16, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 1)
        self.change_buttons: dict[str, QWidget] = {}
        for row, entry in enumerate(entries):
            grid.addWidget(self._separator(), 2 * row, 0, 1, 3)
            grid.addWidget(label(entry.question, style.BODY), 2 * row + 1, 0)
            grid.addWidget(self._answer(entry), 2 * row + 1, 1, Qt.AlignmentFlag.AlignVCenter)
            change = button(self.tr("Change"), style.CHANGE, accessible=self.tr("Change: %1").replace("%1", entry.question))
            change.clicked.connect(lambda _=False, key=entry.page_key: self.changeRequested.emit(key))
            self.change_buttons[entry.page_key] = change
            grid.addWidget(change, 2 * row + 1, 2, Qt.AlignmentFlag.AlignVCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(rows)
        touch_scrolling(self.scroll)
        self.body.addWidget(self.scroll, 1)

        self.send_button = button(self.tr("Send"), style.PRIMARY)
        self.send_button.setMinimumWidth(280)
        self.send_button.clicked.connect(self._send_clicked)
        self.footer.addStretch(1)
        self.footer.addWidget(self.send_button)
        self.finish(stretch_before_footer=False)

    def _separator(self) -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet(f"color: {theme.LINE};")
        return line

    def _answer(self, entry: ReviewEntry) -> QWidget:
        if entry.is_line and entry.line_mm is not None:
            return MiniLine(entry.line_mm)
        if entry.answer_text:
            answer = label(entry.answer_text, style.ANSWER)
            answer.setMaximumWidth(320)
            return answer
        return label(self.tr("Not answered"), style.QUIET)

    def _send_clicked(self) -> None:
        # Disabled before anything else happens: a second tap lands on a disabled button.
        if not self.send_button.isEnabled():
            return
        self.sending(True)
        self.sendRequested.emit()

    def sending(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.send_button.setText(self.tr("Sending…") if busy else self.tr("Send"))
        self.send_button.repaint()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def focus_target(self) -> QWidget | None:
        return self.send_button
