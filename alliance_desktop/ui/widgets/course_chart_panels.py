"""The four panels of the course chart: alliance, item strip, risk row, outcome.

Each panel owns one pyqtgraph PlotItem and the items drawn in it. Items that
every course has (curves, cutoff lines, scatter layers, the reliable-change band)
are created once and updated with ``setData`` on every ``update``, which keeps a
redraw cheap (``therapist.course_open_s``); the few per-event items (rupture
glyphs, "missed" labels, band segments) are rebuilt. Imported only by
``course_chart``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from alliance_desktop.core.change import format_number
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.ruptures import RepairStatus, Severity
from alliance_desktop.ui.widgets import course_chart_text as words
from alliance_desktop.core import chart_palette as palette
from alliance_desktop.ui.widgets.course_chart_data import ChartData
from alliance_desktop.ui.widgets.course_chart_items import HeatStripItem, font, heat_cells, pen, text_item, with_alpha

DASH = Qt.PenStyle.DashLine
DOT = Qt.PenStyle.DotLine
SOLID = Qt.PenStyle.SolidLine
LABEL_PT = 9.5
ROW_HEIGHT = 19  # one heat row, device-independent px
HALF = 0.5  # session n occupies n ± 0.5

#: (colour, width, style) -> QPen, with the width scaled to the device pixel ratio
PenMaker = Callable[..., QPen]


@dataclass(frozen=True, slots=True)
class RuptureMark:
    """One drawn rupture: where, which kind, and the graphics items that show it."""

    session: int
    #: y of the marker (the alliance total; near the panel top when the session has no total)
    y: float
    severity: Severity
    repair: RepairStatus
    self_reported: bool
    rule_ids: tuple[str, ...]
    #: the glyph under the marker ("✓", "✗", "◷") as drawn
    repair_item: pg.TextItem
    self_report_item: pg.TextItem | None


def dense(series, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """x = first..last, y = value or NaN: a session missing from the series is a gap too."""
    xs = np.arange(first, last + 1, dtype=float)
    ys = np.full(xs.shape, np.nan)
    for s, v in series:
        if v is not None and first <= s <= last:
            ys[s - first] = v
    return xs, ys


def segments(*ys: np.ndarray) -> Iterator[slice]:
    """Slices of consecutive indices where every ``ys`` array is finite."""
    ok = np.all([np.isfinite(y) for y in ys], axis=0)
    start = None
    for i, good in enumerate(ok):
        if good and start is None:
            start = i
        elif not good and start is not None:
            yield slice(start, i)
            start = None
    if start is not None:
        yield slice(start, len(ok))


def axis_label(plot: pg.PlotItem, side: str, text: str, colour: str = palette.INK) -> None:
    plot.setLabel(side, text, **{"font-size": f"{LABEL_PT}pt", "color": colour})


class Panel:
    """A PlotItem plus the per-course items drawn into it."""

    def __init__(self, plot: pg.PlotItem, pens: PenMaker) -> None:
        self.plot = plot
        self.pens = pens
        self._dynamic: list[object] = []

    def add(self, item, *, z: float | None = None, bounds: bool = False):
        self.plot.addItem(item, ignoreBounds=not bounds)
        if z is not None:
            item.setZValue(z)
        return item

    def add_dynamic(self, item, *, z: float | None = None):
        self._dynamic.append(self.add(item, z=z))
        return item

    def clear_dynamic(self) -> None:
        for item in self._dynamic:
            self.plot.removeItem(item)
        self._dynamic.clear()


class AlliancePanel(Panel):
    def __init__(self, plot: pg.PlotItem, pens: PenMaker) -> None:
        super().__init__(plot, pens)
        self.curve = self.add(pg.PlotDataItem(
            [], [], connect="finite", symbol="o", symbolSize=8, symbolBrush=palette.ALLIANCE,
            symbolPen=pg.mkPen("#ffffff", width=1.2)), z=10, bounds=True)
        self.mean_curve = self.add(pg.PlotDataItem([], [], connect="finite"), z=-7)
        self.cutoff_line = self.add(pg.InfiniteLine(angle=0), z=-4)
        self.early_line = self.add(pg.PlotDataItem([], []), z=-6)
        self.rupture_scatter = self.add(pg.ScatterPlotItem(pxMode=True), z=5)
        self.sd_band: list[pg.FillBetweenItem] = []
        self.rupture_items: list[RuptureMark] = []
        self.missed_items: list[pg.TextItem] = []

    def update(self, data: ChartData) -> None:
        self.clear_dynamic()
        self.sd_band, self.rupture_items, self.missed_items = [], [], []
        p, mk = self.plot, self.pens
        lo_s, hi_s = data.alliance_scale
        cutoff = data.alliance_cutoff
        early = data.analysis.early_alliance_mean
        last = max((s for s, _ in data.alliance), default=0)
        xs, ys = dense(data.alliance, 1, last)
        self.curve.setData(xs, ys)
        self.curve.setPen(mk(palette.ALLIANCE, 2.2))

        # The client's earlier mean ± 1 SD: what each session is compared with (no look-ahead).
        stats = data.analysis.alliance_stats
        sx = np.array([s.session for s in stats], float)
        mean = np.array([np.nan if s.prior_mean is None else s.prior_mean for s in stats])
        sd = np.array([np.nan if s.prior_sd is None else s.prior_sd for s in stats])
        brush = with_alpha(palette.ALLIANCE_BAND, 60)
        for seg in segments(mean, sd):
            if seg.stop - seg.start >= 2:
                upper = pg.PlotCurveItem(sx[seg], mean[seg] + sd[seg], pen=pg.mkPen(None))
                lower = pg.PlotCurveItem(sx[seg], mean[seg] - sd[seg], pen=pg.mkPen(None))
                self.sd_band.append(self.add_dynamic(pg.FillBetweenItem(upper, lower, brush=brush), z=-8))
        self.mean_curve.setData(sx, mean)
        self.mean_curve.setPen(mk(palette.ALLIANCE_MEAN, 1.2, DASH))

        # Flag cutoff and early-alliance reference: lines, named on the right axis.
        right: list[tuple[float, str]] = []
        self.cutoff_line.setVisible(cutoff is not None)
        if cutoff is not None:
            self.cutoff_line.setValue(cutoff.value)
            self.cutoff_line.setPen(mk(palette.CUTOFF, 1.3, DASH))
            right.append((cutoff.value, f"flag {cutoff.describe()}"))
        self.early_line.setVisible(early is not None)
        if early is not None:
            self.early_line.setData([1 - HALF, data.x_max + HALF], [early, early])
            self.early_line.setPen(mk(palette.EARLY_ALLIANCE, 1.8, DOT))
            right.append((early, f"early {format_number(round(early, 1))}"))
        p.getAxis("right").setTicks([right])

        # y range: the top of the scale down to a little below the lowest thing drawn.
        observed = ys[np.isfinite(ys)].tolist()
        low = min([*observed, *([cutoff.value] if cutoff else []), *([early] if early is not None else []),
                   hi_s - 10])
        lower = float(max(lo_s, 5 * np.floor((low - 3) / 5)))
        top = hi_s + (hi_s - lower) * 0.08
        p.setLimits(yMin=None, yMax=None)
        p.setYRange(lower, top, padding=0)
        step = 5 if top - lower > 12 else 2
        p.getAxis("left").setTicks([[(v, format_number(v)) for v in np.arange(lower, hi_s + 0.01, step)]])
        axis_label(p, "left", f"{data.alliance_label} ({format_number(lo_s)}–{format_number(hi_s)}) ↑ better")

        self._ruptures(data, lower, top)
        for s in range(1, last + 1):
            if data.alliance_at(s) is None:
                label = self.add_dynamic(text_item("missed", palette.MISSED, (0.5, 1.0), 8.0))
                label.setPos(s, lower)
                self.missed_items.append(label)

    def _ruptures(self, data: ChartData, lower: float, top: float) -> None:
        spots = []
        for e in data.analysis.ruptures:
            y = e.total if e.total is not None else top - (top - lower) * 0.06
            probable = e.severity is Severity.PROBABLE
            spots.append({
                "pos": (e.session, y), "size": 19, "symbol": "t", "data": e.session,
                "pen": pen(palette.RUPTURE, 2.0),  # symbol outlines: the symbol atlas scales them itself
                "brush": pg.mkBrush(palette.RUPTURE if probable else with_alpha(palette.BACKGROUND, 0)),
            })
            colour = {RepairStatus.REPAIRED: palette.REPAIRED, RepairStatus.UNREPAIRED: palette.UNREPAIRED}.get(
                e.repair, palette.PENDING)
            glyph = self.add_dynamic(text_item(words.REPAIR_GLYPH[e.repair], colour, (0.5, -0.35), 11.0, bold=True))
            glyph.setPos(e.session, y)
            said = "R4" in e.rule_ids
            bubble = None
            if said:
                bubble = self.add_dynamic(text_item(words.SELF_REPORT_GLYPH, palette.SELF_REPORT, (0.5, 1.25), 11.0))
                bubble.setPos(e.session, y)
            self.rupture_items.append(
                RuptureMark(e.session, float(y), e.severity, e.repair, said, e.rule_ids, glyph, bubble))
        self.rupture_scatter.setData(spots=spots)


class StripPanel(Panel):
    def __init__(self, plot: pg.PlotItem, pens: PenMaker) -> None:
        super().__init__(plot, pens)
        plot.getViewBox().invertY(True)  # first item on top
        plot.showAxis("bottom")  # session numbers between the alliance and the outcome panel
        self.item_strip = self.add(HeatStripItem(font(8.0)), bounds=True)

    def update(self, data: ChartData) -> None:
        p = self.plot
        rows = len(data.alliance_items)
        self.item_strip.set_cells(heat_cells(data.alliance_items, data.item_scale), rows, data.x_max)
        p.setYRange(-0.5, max(rows, 1) - 0.5, padding=0)
        p.getAxis("left").setTicks([[(float(i), label) for i, (label, _) in enumerate(data.alliance_items)]])
        lo, hi = data.item_scale
        right = [(0.0, f"items {format_number(lo)}–{format_number(hi)}")]
        if rows > 1:
            right.append((1.0, "darker = lower"))
        p.getAxis("right").setTicks([right] if rows else [[]])
        p.setFixedHeight(max(rows, 1) * ROW_HEIGHT + 22)  # + the session numbers under the strip
        p.setVisible(rows > 0)


class RiskPanel(Panel):
    def __init__(self, plot: pg.PlotItem, pens: PenMaker, label: pg.LabelItem) -> None:
        super().__init__(plot, pens)
        self.label = label
        plot.setYRange(0, 1, padding=0)
        left = plot.getAxis("left")
        left.setTicks([[(0.5, "Risk")]])
        left.setTextPen(pg.mkPen(palette.RISK))
        left.setStyle(tickFont=font(LABEL_PT, bold=True))
        self.risk_scatter = self.add(pg.ScatterPlotItem(pxMode=True), z=5)

    def update(self, data: ChartData) -> None:
        risks = data.risk_sessions
        self.risk_scatter.setData(spots=[
            {"pos": (s, 0.5), "size": 16, "symbol": "t1", "data": s,
             "pen": pen("#8f3e00", 1.2), "brush": pg.mkBrush(palette.RISK)} for s in risks])
        self.plot.getViewBox().setBackgroundColor(QColor(palette.RISK_SOFT) if risks else None)
        if risks:
            many = "s" if len(risks) > 1 else ""
            text = (f"{words.RISK_GLYPH} Risk item positive at session{many} {', '.join(map(str, risks))}"
                    " — follow the clinic's risk procedure (hover for details)")
            self.label.setText(words.span(palette.RISK, text, bold=True))
        else:
            self.label.setText(words.span(palette.MUTED, "Risk items: none positive"))


class OutcomePanel(Panel):
    def __init__(self, plot: pg.PlotItem, pens: PenMaker, *, better_up: bool) -> None:
        super().__init__(plot, pens)
        self.better_up = better_up
        plot.showAxis("bottom")
        axis_label(plot, "bottom", "Session", palette.MUTED)
        self.curve = self.add(pg.PlotDataItem([], [], connect="finite"), z=8, bounds=True)
        self.points = self.add(pg.ScatterPlotItem(pxMode=True), z=9)
        self.cutoff_line = self.add(pg.InfiniteLine(angle=0), z=-4)
        self.rc_band = self.add(pg.LinearRegionItem(orientation="horizontal", movable=False), z=-10)

    def update(self, data: ChartData) -> None:
        p, mk = self.plot, self.pens
        lo_s, hi_s = data.outcome_scale
        inverted = self.better_up and data.outcome_direction is Direction.LOWER_IS_BETTER
        p.getViewBox().invertY(inverted)
        last = max((s for s, _ in data.outcome), default=0)
        xs, ys = dense(data.outcome, 1, last)
        self.curve.setData(xs, ys)
        self.curve.setPen(mk(palette.OUTCOME_LINE, 1.6))
        spots = []
        for s, v in data.outcome:
            status = data.tracking_at(s)
            if v is None or status is None:
                continue
            style = palette.TRACKING[status.colour]
            spots.append({"pos": (s, v), "size": 15 if style.symbol == "d" else 12, "symbol": style.symbol,
                          "brush": pg.mkBrush(style.fill), "pen": pen(style.outline, 1.4), "data": s})
        self.points.setData(spots=spots)

        right: list[tuple[float, str]] = []
        cutoff = data.outcome_cutoff
        self.cutoff_line.setVisible(cutoff is not None)
        if cutoff is not None:
            self.cutoff_line.setValue(cutoff.value)
            self.cutoff_line.setPen(mk(palette.CUTOFF, 1.3, DASH))
            right.append((cutoff.value, f"clinical {cutoff.describe()}"))
        intake, rc = data.intake, data.reliable_change
        self.rc_band.setVisible(intake is not None and rc is not None)
        if intake is not None and rc is not None:
            self.rc_band.setRegion((intake[1] - rc, intake[1] + rc))
            self.rc_band.setBrush(with_alpha(palette.RELIABLE_BAND, 60))
            for line in self.rc_band.lines:
                line.setPen(mk(palette.RELIABLE_BAND, 1.0))
            right.append((intake[1], f"intake {format_number(intake[1])} ± {format_number(rc)}"))
        p.getAxis("right").setTicks([right])
        p.setYRange(lo_s - 0.5, hi_s + 0.5, padding=0)
        step = 5 if hi_s - lo_s > 12 else 1
        p.getAxis("left").setTicks([[(v, format_number(v)) for v in np.arange(lo_s, hi_s + 0.01, step)]])
        axis_label(p, "left", f"{data.outcome_label} {words.better_phrase(data.outcome_direction, inverted)}")
