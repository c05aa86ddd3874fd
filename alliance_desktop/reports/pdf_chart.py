"""The course chart on paper: alliance panel, outcome panel and item heat strip, drawn as vectors with QPainter.

Why not the screen chart: the screen chart is pyqtgraph, which takes about
half a second to import and whose export path has known faults (STACK.md
section 5: broken SVG export, fonts scaled by device dpi, scatter symbols as
pixmap fragments). The report draws the same content straight onto the PDF
painter: lines, polygons and text stay vector and selectable, and the colours
are the same Okabe–Ito roles (``core.chart_palette``).

What CLINICAL.md section 5 asks for, and where it is drawn:
- x: session 1..planned (or further); a missed or unanswered session is a gap,
  lines never bridge it, and a missed session gets a small cross on the axis;
- alliance: the flag cutoff line, the client's running mean ± 1 SD (the band
  before each session, from its earlier sessions), rupture markers (open
  circle possible, filled probable, a tick when repaired), instruction events;
- outcome: native scale, clinical cutoff, shaded reliable-change band around
  the intake score, points in the not-on-track colour *and shape*, risk
  flags as separate labelled triangles along the top;
- item strip: one row per alliance item, dark = low (single-hue ramp).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from alliance_desktop.core import chart_palette as palette
from alliance_desktop.core.change import format_number
from alliance_desktop.core.course_view import CourseView, InstrumentMeta
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.ruptures import RepairStatus, Severity
from alliance_desktop.reports.pdf_document import font

PANEL_H = 150.0
STRIP_ROW_H = 9.0
#: The heat strip is left out above this many items (it would not fit a page with its panels).
STRIP_MAX_ITEMS = 14
LEFT_AXIS = 34.0
RIGHT_PAD = 8.0
TITLE_H = 24.0
AXIS_H = 14.0
#: Height of the risk-flag row above the outcome plot (drawn only when a risk item fired).
RISK_ROW = 11.0


def chart_height(course: CourseView) -> float:
    """Height of the whole chart block (panels present plus the strip when it fits)."""
    h = 0.0
    if course.alliance is not None:
        h += PANEL_H + 8
    if course.outcome is not None:
        h += PANEL_H + 8
    items = strip_items(course)
    if items:
        h += TITLE_H - 8 + len(items) * STRIP_ROW_H + AXIS_H + 4
    return h or 30.0


def strip_items(course: CourseView) -> tuple:
    meta = course.alliance
    if meta is None or not meta.items or len(meta.items) > STRIP_MAX_ITEMS:
        return ()
    return tuple(i for i in meta.items if i.scored)


class Axis:
    """Session number and score to page coordinates inside one panel's plot area."""

    def __init__(self, plot: QRectF, x_max: int, low: float, high: float) -> None:
        self.plot, self.x_max, self.low, self.high = plot, max(x_max, 2), low, high

    def x(self, session: float) -> float:
        step = self.plot.width() / self.x_max
        return self.plot.left() + (session - 0.5) * step

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.plot.bottom() - (value - self.low) / span * self.plot.height()

    def at(self, session: float, value: float) -> QPointF:
        return QPointF(self.x(session), self.y(value))


def _pen(colour: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(colour), width, style)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _alpha(colour: str, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _text(p: QPainter, qfont: QFont, colour: str, rect: QRectF, flags: Qt.AlignmentFlag, text: str) -> None:
    p.setFont(qfont)
    p.setPen(QColor(colour))
    p.drawText(rect, int(flags), text)


def _runs(points: Sequence[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Consecutive observed sessions; a missing session number or a None value breaks the line."""
    runs: list[list[tuple[int, float]]] = []
    last = None
    for n, v in sorted(points):
        if v is None:
            last = None
            continue
        if last is None or n != last + 1:
            runs.append([])
        runs[-1].append((n, v))
        last = n
    return runs


def _frame(p: QPainter, area: QRectF, meta: InstrumentMeta, title: str, x_max: int,
           legend: str, *, flag_row: float = 0.0) -> Axis:
    """Title, legend line, grid, y ticks and x ticks of one panel; returns its axis."""
    bold, small = font(8, bold=True), font(6)
    _text(p, bold, palette.INK, QRectF(area.left(), area.top(), area.width(), 11), Qt.AlignmentFlag.AlignLeft, title)
    _text(p, small, palette.MUTED, QRectF(area.left(), area.top() + 11, area.width(), 10),
          Qt.AlignmentFlag.AlignLeft, legend)
    top = TITLE_H + flag_row  # a row above the plot for flags that must not hide a data point
    plot = QRectF(area.left() + LEFT_AXIS, area.top() + top, area.width() - LEFT_AXIS - RIGHT_PAD,
                  area.height() - top - AXIS_H)
    axis = Axis(plot, x_max, meta.min_total, meta.max_total)
    for t in _ticks(meta.min_total, meta.max_total):
        y = axis.y(t)
        p.setPen(_pen(palette.GRID, 0.5))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        _text(p, small, palette.MUTED, QRectF(area.left(), y - 5, LEFT_AXIS - 4, 10),
              Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, format_number(t))
    every = 1 if x_max <= 26 else 2
    for n in range(1, x_max + 1, every):
        _text(p, small, palette.MUTED, QRectF(axis.x(n) - 8, plot.bottom() + 2, 16, 10),
              Qt.AlignmentFlag.AlignHCenter, str(n))
    p.setPen(_pen(palette.FAINT, 0.6))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(plot)
    return axis


def _cutoff(p: QPainter, axis: Axis, value: float | None, label: str) -> None:
    if value is None or not axis.low <= value <= axis.high:
        return
    y = axis.y(value)
    p.setPen(_pen(palette.CUTOFF, 0.9, Qt.PenStyle.DashLine))
    p.drawLine(QPointF(axis.plot.left(), y), QPointF(axis.plot.right(), y))
    _text(p, font(6), palette.CUTOFF, QRectF(axis.plot.right() - 160, y - 10, 157, 9),
          Qt.AlignmentFlag.AlignRight, label)


def _missed(p: QPainter, axis: Axis, course: CourseView) -> None:
    p.setPen(_pen(palette.MISSED, 0.9))
    for s in course.sessions:
        if s.status != "held":
            x, y = axis.x(s.number), axis.plot.bottom() - 4
            p.drawLine(QPointF(x - 2.5, y - 2.5), QPointF(x + 2.5, y + 2.5))
            p.drawLine(QPointF(x - 2.5, y + 2.5), QPointF(x + 2.5, y - 2.5))
    p.setPen(_pen(palette.INSTRUCTION, 0.9, Qt.PenStyle.DotLine))
    for n in course.instruction_sessions:
        p.drawLine(QPointF(axis.x(n), axis.plot.top()), QPointF(axis.x(n), axis.plot.bottom()))


def _marker(p: QPainter, centre: QPointF, symbol: str, size: float, fill: QColor | None, outline: str) -> None:
    p.setPen(_pen(outline, 0.9))
    p.setBrush(QBrush(fill) if fill is not None else Qt.BrushStyle.NoBrush)
    r = size / 2
    if symbol == "s":
        p.drawRect(QRectF(centre.x() - r, centre.y() - r, size, size))
    elif symbol == "d":
        p.drawPolygon(QPolygonF([QPointF(centre.x(), centre.y() - r * 1.25), QPointF(centre.x() + r * 1.25, centre.y()),
                                 QPointF(centre.x(), centre.y() + r * 1.25), QPointF(centre.x() - r * 1.25, centre.y())]))
    elif symbol == "t":
        p.drawPolygon(QPolygonF([QPointF(centre.x(), centre.y() - r * 1.2), QPointF(centre.x() + r * 1.1, centre.y() + r),
                                 QPointF(centre.x() - r * 1.1, centre.y() + r)]))
    else:
        p.drawEllipse(centre, r, r)


def _alliance(p: QPainter, area: QRectF, course: CourseView) -> None:
    meta = course.alliance
    assert meta is not None
    legend = ("● total  ▬ running mean ± 1 SD of earlier sessions  - - flag  ○ possible / ● probable rupture  "
              "✓ repaired  × missed")
    axis = _frame(p, area, meta, f"Alliance — {meta.title}", course.x_max, legend)
    stats = course.analysis.alliance_stats
    band = [(s.session, s.prior_mean, s.prior_sd) for s in stats if s.prior_mean is not None and s.prior_sd is not None]
    for run in _runs([(n, 0.0) for n, _, _ in band]):
        pts = [b for b in band if run[0][0] <= b[0] <= run[-1][0]]
        upper = [axis.at(n, min(m + sd, axis.high)) for n, m, sd in pts]
        lower = [axis.at(n, max(m - sd, axis.low)) for n, m, sd in reversed(pts)]
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_alpha(palette.ALLIANCE_BAND, 60))
        if len(pts) > 1:
            p.drawPolygon(QPolygonF(upper + lower))
        p.setPen(_pen(palette.ALLIANCE_MEAN, 0.8, Qt.PenStyle.DashLine))
        p.drawPolyline(QPolygonF([axis.at(n, m) for n, m, _ in pts]))
    flag = meta.flag_range
    _cutoff(p, axis, meta.flag_value, f"flag {flag.describe()}" if flag else "")
    _missed(p, axis, course)
    totals = [(s.number, s.alliance_total) for s in course.sessions]
    _series(p, axis, totals, palette.ALLIANCE, 1.4)
    for n, v in totals:
        if v is not None:
            _marker(p, axis.at(n, v), "o", 3.6, QColor(palette.ALLIANCE), palette.ALLIANCE)
    for event in course.analysis.ruptures:
        if event.total is None:
            continue
        centre = axis.at(event.session, event.total) + QPointF(0, 9)
        probable = event.severity is Severity.PROBABLE
        _marker(p, centre, "o", 6.5, QColor(palette.RUPTURE) if probable else None, palette.RUPTURE)
        if event.repair is RepairStatus.REPAIRED:
            tick = QPainterPath(QPointF(centre.x() + 5, centre.y() - 1))
            tick.lineTo(centre.x() + 7, centre.y() + 1.5)
            tick.lineTo(centre.x() + 11, centre.y() - 4)
            p.setPen(_pen(palette.REPAIRED, 1.3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(tick)


def _series(p: QPainter, axis: Axis, totals: list[tuple[int, float | None]], colour: str, width: float) -> None:
    """Totals joined session to session; a missed or unanswered session leaves a gap (never bridged)."""
    p.setPen(_pen(colour, width))
    p.setBrush(Qt.BrushStyle.NoBrush)
    for run in _runs(totals):
        p.drawPolyline(QPolygonF([axis.at(n, v) for n, v in run]))


def _outcome(p: QPainter, area: QRectF, course: CourseView) -> None:
    meta = course.outcome
    assert meta is not None
    better = "higher is better" if meta.direction is Direction.HIGHER_IS_BETTER else "lower is better"
    legend = (f"native scale, {better}  - - clinical cutoff  ░ reliable-change band around intake  "
              "point colour and shape = on-track status  ▲ risk")
    risky = [s for s in course.sessions if s.risk]
    axis = _frame(p, area, meta, f"Outcome — {meta.title}", course.x_max, legend, flag_row=RISK_ROW if risky else 0)
    scored = [t for t in course.analysis.tracking if t.score is not None]
    rc = meta.reliable_change
    if scored and rc is not None:
        intake = scored[0]
        top, bottom = min(intake.score + rc, axis.high), max(intake.score - rc, axis.low)  # type: ignore[operator]
        left = axis.x(intake.session) - 4
        p.fillRect(QRectF(QPointF(left, axis.y(top)), QPointF(axis.plot.right(), axis.y(bottom))),
                   _alpha(palette.RELIABLE_BAND, 55))
        _text(p, font(6), palette.MUTED, QRectF(left + 2, axis.y(top) + 1, 200, 8), Qt.AlignmentFlag.AlignLeft,
              f"intake {format_number(intake.score)} ± {format_number(rc)} (reliable change)")  # type: ignore[arg-type]
    flag = meta.flag_range
    _cutoff(p, axis, meta.flag_value, f"clinical {flag.describe()}" if flag else "")
    _missed(p, axis, course)
    totals = [(s.number, s.outcome_total) for s in course.sessions]
    _series(p, axis, totals, palette.OUTCOME_LINE, 1.2)
    for t in scored:
        style = palette.TRACKING[t.colour]
        _marker(p, axis.at(t.session, t.score), style.symbol, 5.5, QColor(style.fill), style.outline)  # type: ignore[arg-type]
    if risky:
        _text(p, font(6, bold=True), palette.RISK, QRectF(area.left(), axis.plot.top() - RISK_ROW, LEFT_AXIS - 4,
                                                          RISK_ROW), Qt.AlignmentFlag.AlignRight |
              Qt.AlignmentFlag.AlignVCenter, "risk")
    for s in risky:
        centre = QPointF(axis.x(s.number), axis.plot.top() - RISK_ROW / 2)
        _marker(p, centre, "t", 7.0, QColor(palette.RISK), "#8f3e00")


def _strip(p: QPainter, area: QRectF, course: CourseView) -> None:
    items = strip_items(course)
    meta = course.alliance
    assert meta is not None
    small = font(6)
    _text(p, font(8, bold=True), palette.INK, QRectF(area.left(), area.top(), area.width(), 11),
          Qt.AlignmentFlag.AlignLeft, "Alliance items (darker = lower score; blank = no answer)")
    top = area.top() + 14
    plot = QRectF(area.left() + LEFT_AXIS + 40, top, area.width() - LEFT_AXIS - 40 - RIGHT_PAD,
                  len(items) * STRIP_ROW_H)
    axis = Axis(plot, course.x_max, 0, 1)
    width = plot.width() / axis.x_max
    for row, item in enumerate(items):
        y = top + row * STRIP_ROW_H
        label = QFontMetricsF(small, p.device()).elidedText(item.text.strip() or item.id, Qt.TextElideMode.ElideRight,
                                                LEFT_AXIS + 34)
        _text(p, small, palette.MUTED, QRectF(area.left(), y, LEFT_AXIS + 36, STRIP_ROW_H),
              Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        for s in course.sessions:
            value = s.alliance_items.get(item.id) if s.alliance_items else None
            if value is None:
                continue
            cell = QRectF(axis.x(s.number) - width / 2 + 0.4, y + 0.4, width - 0.8, STRIP_ROW_H - 0.8)
            p.fillRect(cell, QColor(palette.item_colour(value, item.min, item.max)))
    p.setPen(_pen(palette.FAINT, 0.6))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(plot)
    for n in range(1, axis.x_max + 1, 1 if axis.x_max <= 26 else 2):
        _text(p, small, palette.MUTED, QRectF(axis.x(n) - 8, plot.bottom() + 2, 16, 9),
              Qt.AlignmentFlag.AlignHCenter, str(n))


def draw_course(p: QPainter, rect: QRectF, course: CourseView) -> None:
    """Paint the chart block of ``course`` into ``rect`` (height from ``chart_height``)."""
    y = rect.top()
    parts: list[tuple[float, Callable[[QPainter, QRectF, CourseView], None]]] = []
    if course.alliance is not None:
        parts.append((PANEL_H, _alliance))
    if course.outcome is not None:
        parts.append((PANEL_H, _outcome))
    items = strip_items(course)
    if items:
        parts.append((TITLE_H - 8 + len(items) * STRIP_ROW_H + AXIS_H, _strip))
    if not parts:
        _text(p, font(9), palette.MUTED, QRectF(rect.left(), y, rect.width(), 20), Qt.AlignmentFlag.AlignLeft,
              "No questionnaire answers yet: nothing to chart.")
        return
    for height, paint in parts:
        p.save()
        paint(p, QRectF(rect.left(), y, rect.width(), height), course)
        p.restore()
        y += height + 8
