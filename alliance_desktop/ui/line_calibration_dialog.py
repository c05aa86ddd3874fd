"""Staff measure the kiosk's 10 cm line with a ruler and correct it for this screen.

Opened from the staff window on the device that will run the kiosk (Clinic →
Calibrate rating lines…). It draws a line meant to be 100 mm at the DPI the
kiosk would use now; staff type what their ruler shows; the corrected DPI is
stored for this screen (``screen_calibration``) and the line is redrawn at
once, so the result can be checked with the ruler before closing.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.ui import theme
from alliance_desktop.ui.widgets.rating_line import LINE_CM, MM_PER_INCH, screen_dpi
from alliance_desktop.ui.widgets.screen_calibration import CalibrationStore, corrected_dpi

_TICK = 18.0
_MARGIN = 24.0


class RulerLine(QWidget):
    """A bare line with end ticks, ``LINE_CM`` long at ``dpi``."""

    def __init__(self, dpi: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dpi = dpi

    def set_dpi(self, dpi: float) -> None:
        self.dpi = dpi
        self.updateGeometry()
        self.update()

    def length_px(self) -> float:
        return LINE_CM * 10 / MM_PER_INCH * self.dpi

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(int(self.length_px() + 2 * _MARGIN + 1), int(2 * _TICK + 2 * _MARGIN))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(Qt.GlobalColor.black, 2)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        y = self.height() / 2
        x0, x1 = _MARGIN, _MARGIN + self.length_px()
        painter.drawLine(QPointF(x0, y), QPointF(x1, y))
        for x in (x0, x1):
            painter.drawLine(QPointF(x, y - _TICK), QPointF(x, y + _TICK))
        painter.end()


class LineCalibrationDialog(QDialog):
    """Measure, type the length, save: the kiosk's lines on this screen follow."""

    def __init__(self, parent: QWidget | None = None, *, store: CalibrationStore | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calibrate rating lines on this screen")
        self.store = store or CalibrationStore()
        dpi, measured = screen_dpi(parent)
        self.ruler = RulerLine(dpi)
        intro = QLabel(
            "The rating lines in the kiosk must be exactly 10 cm long. Hold a ruler against the line below "
            "and measure it from the left tick to the right tick. If it is not 100 mm, type what you measured "
            "and press Save; the line is redrawn so you can check it again.")
        intro.setWordWrap(True)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.measured = QDoubleSpinBox()
        self.measured.setRange(20.0, 400.0)
        self.measured.setDecimals(1)
        self.measured.setSuffix(" mm")
        self.measured.setValue(100.0)
        self.measured.setAccessibleName("Measured length of the line in millimetres")
        self.problem = theme.set_role(QLabel(), theme.FIELD_ERROR)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Measured length:", self.measured)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton("Save")
        self.reset_button = QPushButton("Use the screen's own size")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.ruler, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.source)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._describe(measured)

    def _screen(self):  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QGuiApplication

        return self.screen() or QGuiApplication.primaryScreen()

    def _describe(self, measured: bool) -> None:
        calibrated = self.store.dpi_for(self._screen()) is not None
        if calibrated:
            text = "This screen has been calibrated with a ruler."
        elif measured:
            text = "The line uses the size this screen reports about itself; check it with a ruler once."
        else:
            text = ("This screen does not report its size, so the line is only approximately 10 cm: "
                    "please measure it.")
        self.source.setText(f"{text} ({self.ruler.dpi:.1f} dots per inch)")

    def save(self) -> None:
        try:
            dpi = corrected_dpi(self.ruler.dpi, self.measured.value())
            self.store.save(self._screen(), dpi)
        except ValueError as problem:
            self.problem.setText(str(problem))
            return
        self.problem.clear()
        self.ruler.set_dpi(dpi)
        self.measured.setValue(100.0)
        self._describe(True)
        self.adjustSize()

    def reset(self) -> None:
        self.store.clear(self._screen())
        dpi, measured = screen_dpi(self)
        self.problem.clear()
        self.ruler.set_dpi(dpi)
        self._describe(measured)
        self.adjustSize()
