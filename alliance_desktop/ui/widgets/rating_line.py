"""A visual analogue line drawn exactly 10 cm long (CLINICAL.md section 2).

Why physical units: the scores of SRS/ORS-style lines are millimetres on a
10 cm paper line; a line stretched to the window's width would change what a
given touch means from one screen to the next. The length comes from the
screen's physical DPI; where the platform reports none that makes sense we
fall back to the logical DPI and say so (``uses_physical_dpi``), so settings
can tell the clinic the line may not be exactly 10 cm there.

Why no handle until touched: a handle drawn in the middle (or anywhere)
before the client answers suggests an answer. The value is shown only as the
handle's position, never as a number, for the same reason. Screen readers get
the position in words through the accessible description instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from alliance_desktop.ui import theme

LINE_CM = 10.0
MM_PER_INCH = 25.4
# Reported physical DPIs outside this range are treated as "unknown" (offscreen, broken EDID).
PLAUSIBLE_DPI = (50.0, 600.0)
MARGIN_X = 28.0  # room for the handle at either end and for the focus frame
LINE_Y = 44.0  # the line sits below a touch zone tall enough for a finger
TOUCH_HALF_HEIGHT = 40.0
HANDLE_RADIUS = 13.0
ANCHOR_GAP = 22.0


def screen_dpi(widget: QWidget | None = None) -> tuple[float, bool]:
    """(dots per inch horizontally, True when it is a real measure of the screen).

    A correction measured with a ruler on this screen (``screen_calibration``)
    wins over the physical DPI the screen reports, which wins over the logical DPI.
    """
    from PySide6.QtGui import QGuiApplication

    from alliance_desktop.ui.widgets.screen_calibration import CalibrationStore

    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        return 96.0, False
    calibrated = CalibrationStore().dpi_for(screen)
    if calibrated is not None:
        return calibrated, True
    physical = float(screen.physicalDotsPerInchX())
    if PLAUSIBLE_DPI[0] <= physical <= PLAUSIBLE_DPI[1]:
        return physical, True
    return float(screen.logicalDotsPerInchX()) or 96.0, False


def mm_at(x: float, x0: float, length: float, low: int = 0, high: int = 100) -> int:
    """Millimetres for a touch at ``x``: round((x - x0) / length * 100), clamped to low..high."""
    mm = round((x - x0) / length * 100) if length > 0 else low
    return max(low, min(high, int(mm)))


class RatingLine(QWidget):
    """One 10 cm line; ``valueChanged(int)`` after every tap, drag step or key."""

    valueChanged = Signal(int)

    def __init__(self, *, text: str, low: str, high: str, dpi: float | None = None,
                 min_mm: int = 0, max_mm: int = 100, anchor_point_size: float | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if dpi is None:
            dpi, self.uses_physical_dpi = screen_dpi(parent)
        else:
            self.uses_physical_dpi = True  # an injected DPI is taken as the truth (tests, calibration)
        self._dpi = float(dpi)
        self._low_text, self._high_text, self._text = low, high, text
        self._min, self._max = min_mm, max_mm
        self._anchor_points = anchor_point_size
        self._value: int | None = None
        self._dragging = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(text)
        self._describe()
        self.setFixedSize(self.sizeHint())

    # -- the answer -------------------------------------------------------------------
    def value_mm(self) -> int | None:
        return self._value

    def length_px(self) -> float:
        """The drawn length in device-independent pixels: 10 cm at this widget's DPI."""
        return LINE_CM * 10 / MM_PER_INCH * self._dpi

    @property
    def x0(self) -> float:
        return MARGIN_X

    def set_value_mm(self, mm: int | None) -> None:
        value = None if mm is None else max(self._min, min(self._max, int(mm)))
        if value == self._value:
            return
        self._value = value
        self._describe()
        self.update()
        if value is not None:
            self.valueChanged.emit(value)

    # -- geometry ---------------------------------------------------------------------
    def _anchor_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(self._anchor_points or max(font.pointSizeF(), 1.0))
        return font

    def _anchor_width(self) -> float:
        return max(120.0, min(260.0, self.length_px() / 2 - 12))

    def _anchor_rect(self, high: bool) -> QRectF:
        width = self._anchor_width()
        left = self.x0 + self.length_px() - width + MARGIN_X / 2 if high else self.x0 - MARGIN_X / 2
        return QRectF(left, LINE_Y + ANCHOR_GAP, width, 400)

    def sizeHint(self) -> QSize:
        from PySide6.QtGui import QFontMetricsF

        metrics = QFontMetricsF(self._anchor_font())
        flags = int(Qt.TextFlag.TextWordWrap)
        box = QRectF(0, 0, self._anchor_width(), 400)
        tallest = max(metrics.boundingRect(box, flags, t).height() for t in (self._low_text, self._high_text))
        width = self.length_px() + 2 * MARGIN_X
        return QSize(int(width + 0.999), int(LINE_Y + ANCHOR_GAP + tallest + 12))

    # -- input ------------------------------------------------------------------------
    def _in_touch_zone(self, y: float) -> bool:
        return LINE_Y - TOUCH_HALF_HEIGHT <= y <= LINE_Y + ANCHOR_GAP + 4

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if not self._in_touch_zone(event.position().y()):
            return  # a tap on the anchor words below is not an answer
        self._dragging = True
        self._set_from_x(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._set_from_x(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._set_from_x(event.position().x())
            self._dragging = False

    def _set_from_x(self, x: float) -> None:
        self.set_value_mm(mm_at(x, self.x0, self.length_px(), self._min, self._max))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_Up: 1,
                 Qt.Key.Key_PageDown: -10, Qt.Key.Key_PageUp: 10}
        if key in steps:
            # Without an answer yet the first step starts from the middle, the least suggestive place.
            start = self._value if self._value is not None else (self._min + self._max) // 2
            self.set_value_mm(start + steps[key] if self._value is not None else start)
        elif key == Qt.Key.Key_Home:
            self.set_value_mm(self._min)
        elif key == Qt.Key.Key_End:
            self.set_value_mm(self._max)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.setFixedSize(self.sizeHint())  # anchor text height follows the font

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # -- accessibility ----------------------------------------------------------------
    def _describe(self) -> None:
        """The anchors and, for screen readers only, where the answer sits on the line."""
        ends = self.tr("Line from “%1” (left) to “%2” (right).").replace("%1", self._low_text).replace(
            "%2", self._high_text)
        if self._value is None:
            state = self.tr("Not answered yet. Tap the line, or use the arrow keys.")
        else:
            state = self.tr("Marked at %1 of 100.").replace("%1", str(self._value))
        self.setAccessibleDescription(f"{ends} {state}")

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x0, x1 = self.x0, self.x0 + self.length_px()
        if self.hasFocus():
            painter.setPen(QPen(QColor(theme.ACCENT), 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(2, 2, self.width() - 4, LINE_Y + ANCHOR_GAP - 6), 8, 8)
        painter.setPen(QPen(QColor(theme.INK), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawLine(QPointF(x0, LINE_Y), QPointF(x1, LINE_Y))
        for x in (x0, x1):  # end marks, like the ticks of the paper form
            painter.drawLine(QPointF(x, LINE_Y - 12), QPointF(x, LINE_Y + 12))
        painter.setFont(self._anchor_font())
        painter.setPen(QColor(theme.INK))
        wrap = int(Qt.TextFlag.TextWordWrap)
        painter.drawText(self._anchor_rect(False), int(Qt.AlignmentFlag.AlignLeft) | wrap, self._low_text)
        painter.drawText(self._anchor_rect(True), int(Qt.AlignmentFlag.AlignRight) | wrap, self._high_text)
        if self._value is not None:
            x = x0 + (self._value / 100) * self.length_px()
            painter.setPen(QPen(QColor(theme.ACCENT_DARK), 3))
            painter.drawLine(QPointF(x, LINE_Y - 24), QPointF(x, LINE_Y + 16))
            painter.setBrush(QColor(theme.ACCENT))
            painter.setPen(QPen(QColor("#ffffff"), 2))
            painter.drawEllipse(QPointF(x, LINE_Y - 24), HANDLE_RADIUS, HANDLE_RADIUS)
        painter.end()
