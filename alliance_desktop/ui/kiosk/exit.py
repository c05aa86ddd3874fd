"""Leaving the kiosk: hold a marked corner for 3 seconds, then the staff exit PIN.

Why a long press on a corner: a client must not leave the kiosk by accident
or curiosity, and staff need no keyboard. The corner is marked (a quiet
quarter circle) so staff find it, but it is not a button clients are invited
to press: it has no text and takes no keyboard focus. The PIN itself is
checked by the service, which also imposes the doubling pause after repeated
wrong PINs (RELIABILITY.md row 28); this page only shows the pause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.services.kiosk_errors import ExitPinNotSet, PinPaused
from alliance_desktop.ui import theme
from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.lazy_qt import NO_FOCUS, Qt, set_enum_property, solid_brush
from alliance_desktop.ui.widgets.keypad import Keypad

if TYPE_CHECKING:
    from alliance_desktop.services.kiosk import KioskService

CORNER_SIZE = 72
PIN_MIN, PIN_MAX = 6, 12


class ExitCorner(QWidget):
    """Emits ``held()`` after the corner was pressed for ``hold_ms`` without letting go."""

    held = Signal()

    def __init__(self, hold_ms: int = 3000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(CORNER_SIZE, CORNER_SIZE)
        set_enum_property(self, "focusPolicy", NO_FOCUS)  # built before the first frame: see ui.lazy_qt
        self.setAccessibleName(self.tr("Staff exit: hold for 3 seconds"))
        self._pressed = False
        self._quiet_brush = solid_brush("#e4e9ed")
        self._pressed_brush = solid_brush(theme.ACCENT_SOFT)
        self._dot_brush = solid_brush(theme.LINE)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self._fire)

    @property
    def pressing(self) -> bool:
        return self._timer.isActive()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = True
            self._timer.start()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._cancel()

    def leaveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._cancel()

    def _cancel(self) -> None:
        self._timer.stop()
        self._pressed = False
        self.update()

    def _fire(self) -> None:
        self._pressed = False
        self.update()
        self.held.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Filled paths with ready brushes, not drawPie/drawEllipse with no pen: this is painted in the
        # kiosk's first frame, before PySide's ``Qt`` namespace (Qt.PenStyle) is built (ui.lazy_qt).
        r = float(CORNER_SIZE - 16)
        quarter = QPainterPath()
        quarter.moveTo(self.width(), 0.0)
        quarter.arcTo(QRectF(self.width() - r, -r, 2 * r, 2 * r), 180, 90)
        quarter.closeSubpath()
        dot = QPainterPath()
        dot.addEllipse(QPointF(self.width() - 16, 16), 4, 4)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(quarter, self._pressed_brush if self._pressed else self._quiet_brush)
        painter.fillPath(dot, self._dot_brush)
        painter.end()


def pause_text(seconds: int) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("ExitPinPage", "Too many wrong PINs. Try again in %n seconds.", "",
                                      max(1, seconds))


class ExitPinPage(QWidget):
    """The staff PIN pad: ``accepted()`` on the right PIN, ``cancelled()`` on Cancel."""

    accepted = Signal()
    cancelled = Signal()

    def __init__(self, service: KioskService, clock: Clock | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._clock = clock or SystemClock()
        self._until: float | None = None
        title = style.role(QLabel(self.tr("Staff only: leave the kiosk")), style.TITLE)
        hint = style.role(QLabel(self.tr("Enter the kiosk exit PIN.")), style.BODY)
        self.keypad = Keypad(max_digits=PIN_MAX, min_digits=PIN_MIN, masked=True,
                             accessible_name=self.tr("Exit PIN"))
        self.keypad.setFixedWidth(380)
        self.keypad.submitted.connect(self.check)
        self.message = style.role(QLabel(), style.PROBLEM)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.cancel_button = style.role(QPushButton(self.tr("Cancel")), style.SECONDARY)
        self.cancel_button.clicked.connect(self.cancelled)

        column = QVBoxLayout(self)
        column.setContentsMargins(40, 40, 40, 40)
        column.setSpacing(18)
        column.addStretch(1)
        for widget in (title, hint, self.message, self.keypad):
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)

        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self.tick)
        self.keypad.setFocus()

    def check(self, pin: str) -> None:
        self.keypad.clear()
        try:
            right = self._service.verify_exit_pin(pin)
        except PinPaused as paused:
            self._pause(float(paused.seconds))
            return
        except ExitPinNotSet:
            right = True  # the PIN was removed meanwhile: as without a PIN, the staff login guards the way
        if right:
            self.accepted.emit()
            return
        self._show(self.tr("That PIN is not right. Please try again."))

    def _pause(self, seconds: float) -> None:
        self._until = self._clock.monotonic() + max(1.0, seconds)
        self.keypad.setEnabled(False)
        self._countdown.start()
        self.tick()

    def tick(self) -> None:
        """Count the pause down; give the keypad back when it is over."""
        if self._until is None:
            return
        left = self._until - self._clock.monotonic()
        if left <= 0:
            self._until = None
            self._countdown.stop()
            self.keypad.setEnabled(True)
            self.message.hide()
            self.keypad.setFocus()
            return
        self._show(pause_text(int(left + 0.999)))

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
