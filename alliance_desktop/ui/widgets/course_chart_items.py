"""Graphics pieces of the course chart that pyqtgraph has no ready item for.

Imported only by ``course_chart`` (which decides when pyqtgraph is loaded).
Everything paints with plain QPainter calls, so the chart records into a
QSvgGenerator as vectors (STACK.md section 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from alliance_desktop.core import chart_palette as palette

#: the smallest cell width (device-independent px) that still gets its number written in
MIN_CELL_WIDTH_FOR_TEXT = 24.0


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One drawn cell of the item strip (tests read these; missed answers have no cell)."""

    row: int
    label: str
    session: int
    value: float
    colour: str


class HeatStripItem(pg.GraphicsObject):
    """One row per alliance item, one cell per session: lightness = value (dark = low).

    Data coordinates: x = session (cell spans session ± 0.45), y = row index
    (row 0 at the top when the view's y axis is inverted). A missed answer
    leaves its cell blank, it is never filled in. The value is written in the
    cell when the cell is wide enough, so the strip is readable without colour.
    """

    def __init__(self, font: QFont) -> None:
        super().__init__()
        self.cells: tuple[HeatCell, ...] = ()
        self._rows = 0
        self._x_max = 1
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)

    def set_cells(self, cells: tuple[HeatCell, ...], rows: int, x_max: int) -> None:
        self.prepareGeometryChange()
        self.cells = cells
        self._rows = rows
        self._x_max = x_max
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return QRectF(0.5, -0.5, self._x_max, max(self._rows, 1))

    def paint(self, p: QPainter, *_args) -> None:
        if not self.cells:
            return
        p.setPen(Qt.PenStyle.NoPen)
        for c in self.cells:
            p.setBrush(QColor(c.colour))
            p.drawRect(QRectF(c.session - 0.46, c.row - 0.42, 0.92, 0.84))
        # Numbers in device coordinates: text drawn in data coordinates would be stretched.
        tr = p.transform()
        width = abs(tr.map(QPointF(1, 0)).x() - tr.map(QPointF(0, 0)).x()) * 0.92
        if width < MIN_CELL_WIDTH_FOR_TEXT:
            return
        p.save()
        p.resetTransform()
        p.setFont(self._font)
        fm = self._metrics
        for c in self.cells:
            centre = tr.map(QPointF(c.session, c.row))
            text = f"{c.value:.1f}"  # always one decimal, so the cells line up
            w = fm.horizontalAdvance(text)
            p.setPen(QPen(QColor(palette.text_on(c.colour))))
            p.drawText(QPointF(centre.x() - w / 2, centre.y() + (fm.ascent() - fm.descent()) / 2), text)
        p.restore()


def heat_cells(item_series, item_scale: tuple[float, float]) -> tuple[HeatCell, ...]:
    """Cells for ``ChartData.alliance_items`` (row = item order)."""
    lo, hi = item_scale
    out = []
    for row, (label, series) in enumerate(item_series):
        for session, value in series:
            if value is None or not math.isfinite(value):
                continue
            out.append(HeatCell(row, label, session, value, palette.item_colour(value, lo, hi)))
    return tuple(out)


def font(point_size: float, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


def text_item(text: str, colour: str, anchor: tuple[float, float], point_size: float = 9.0,
              *, bold: bool = False, html: str | None = None) -> pg.TextItem:
    """A TextItem that keeps its size on screen (pixel anchored) whatever the zoom."""
    item = pg.TextItem(text=text if html is None else "", color=colour, anchor=anchor, html=html)
    item.setFont(font(point_size, bold=bold))
    return item


def pen(colour: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    """A cosmetic pen: its width is in device-independent pixels, not data units."""
    qp = QPen(QColor(colour))
    qp.setWidthF(width)
    qp.setStyle(style)
    qp.setCosmetic(True)
    return qp


def with_alpha(colour: str, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c
