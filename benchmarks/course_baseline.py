"""Baseline for the course chart: plain pyqtgraph drawing the same picture, without our code.

``therapist.course_open_s`` draws four stacked panels (alliance with its
running-mean band, flag line and rupture marks; the item heat strip; the risk
row; the outcome with its cutoff and reliable-change band) with axis labels
and text marks. A single PlotWidget with two curves (``baseline.pyqtgraph_plot_s``)
is a tenth of that work, so a ratio against it says little about our code.
This baseline redraws, per call, what pyqtgraph itself needs for the same
content — the same number of panels, points, filled bands, lines, scatter
marks, text items and heat-strip cells, taken from the same ``ChartData`` —
with pyqtgraph's own API and none of ours: no service call, no analysis, no
tooltips or accessibility text. The ratio of the real chart to it is what
our layers (database read, analysis, chart building) add to pyqtgraph's own
drawing cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt


class RawCoursePlot:
    """Four stacked PlotItems in one GraphicsLayoutWidget, redrawn from a ChartData with plain pyqtgraph.

    Drawn the way a careful pyqtgraph user would: curves, scatter marks, the
    band, the lines and the heat image are made once and updated with
    ``setData``/``setValue``/``setImage``; only the text marks, whose number
    changes from course to course, are made anew (as the real chart does).
    """

    def __init__(self) -> None:
        import pyqtgraph as pg

        self.pg = pg
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.alliance = self.view.addPlot(row=0, col=0)
        self.items = self.view.addPlot(row=1, col=0)
        self.risk = self.view.addPlot(row=2, col=0)
        self.outcome = self.view.addPlot(row=3, col=0)
        for plot, height in ((self.items, 90), (self.risk, 40)):
            plot.setMaximumHeight(height)
        for plot in (self.alliance, self.items, self.risk, self.outcome):
            plot.showAxis("right")
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setXRange(0.5, 24.5, padding=0)
        self.a_curve = self.alliance.plot([], [], connect="finite", symbol="o", symbolSize=8,
                                          pen=pg.mkPen("#0072B2", width=2.2))
        self.upper = pg.PlotCurveItem([], [])
        self.lower = pg.PlotCurveItem([], [])
        self.band = pg.FillBetweenItem(self.upper, self.lower, brush=(86, 180, 233, 60))
        self.alliance.addItem(self.band)
        self.mean = self.alliance.plot([], [], connect="finite", pen=pg.mkPen("#555", style=Qt.PenStyle.DashLine))
        self.a_cut = pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#D55E00"))
        self.alliance.addItem(self.a_cut)
        self.ruptures = pg.ScatterPlotItem(symbol="t", size=19)
        self.alliance.addItem(self.ruptures)
        self.heat = pg.ImageItem()
        self.items.addItem(self.heat)
        self.risk_marks = pg.ScatterPlotItem(symbol="s", size=14)
        self.risk.addItem(self.risk_marks)
        self.o_curve = self.outcome.plot([], [], connect="finite", symbol="o", symbolSize=8,
                                         pen=pg.mkPen("#E69F00", width=2.2))
        self.rc_band = pg.LinearRegionItem((0, 1), orientation="horizontal", movable=False)
        self.outcome.addItem(self.rc_band)
        self.o_cut = pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#CC79A7"))
        self.outcome.addItem(self.o_cut)
        self._texts: list[Any] = []

    def draw(self, data: Any) -> None:
        """Everything the real chart shows for ``data``, with plain pyqtgraph items."""
        pg = self.pg
        for item in self._texts:
            self.alliance.removeItem(item)
        self._texts = []
        x = np.arange(1, 25, dtype=float)

        def dense(series: Any) -> np.ndarray:
            ys = np.full(24, np.nan)
            for s, v in series:
                if v is not None and 1 <= s <= 24:
                    ys[s - 1] = v
            return ys

        a = dense(data.alliance)
        self.a_curve.setData(x, a, connect="finite")
        stats = data.analysis.alliance_stats
        sx = np.array([s.session for s in stats], float)
        mean = np.array([np.nan if s.prior_mean is None else s.prior_mean for s in stats])
        sd = np.array([np.nan if s.prior_sd is None else s.prior_sd for s in stats])
        ok = np.isfinite(mean) & np.isfinite(sd)
        self.upper.setData(sx[ok], (mean + sd)[ok])
        self.lower.setData(sx[ok], (mean - sd)[ok])
        self.mean.setData(sx, mean, connect="finite")
        self.a_cut.setVisible(data.alliance_cutoff is not None)
        if data.alliance_cutoff is not None:
            self.a_cut.setValue(data.alliance_cutoff.value)
        ruptures = data.analysis.ruptures
        self.ruptures.setData([e.session for e in ruptures], [e.total or 0 for e in ruptures])
        for e in ruptures:
            mark = pg.TextItem("✓", color="#009E73", anchor=(0.5, -0.35))
            mark.setPos(e.session, e.total or 0)
            self.alliance.addItem(mark)
            self._texts.append(mark)
        last = max((n for n, _ in data.alliance), default=0)
        for s in range(1, last + 1):
            if np.isnan(a[s - 1]):
                missed = pg.TextItem("missed", color="#777", anchor=(0.5, 1.0))
                missed.setPos(s, 0)
                self.alliance.addItem(missed)
                self._texts.append(missed)
        self.alliance.getAxis("right").setTicks([[(data.alliance_cutoff.value, "flag")]]
                                                if data.alliance_cutoff is not None else [[]])

        rows = [dense(values) for _, values in data.alliance_items] or [np.full(24, np.nan)]
        self.heat.setImage(np.nan_to_num(np.array(rows).T, nan=-1.0))
        self.heat.setRect(0.5, 0, 24, len(rows))
        self.items.getAxis("left").setTicks([[(i + 0.5, label) for i, (label, _) in
                                              enumerate(data.alliance_items)]])
        self.risk_marks.setData([s for s, _ in data.risk], [0.5] * len(data.risk))

        o = dense(data.outcome)
        self.o_curve.setData(x, o, connect="finite")
        first = next((v for v in o if np.isfinite(v)), None)
        self.rc_band.setVisible(first is not None and bool(data.reliable_change))
        if first is not None and data.reliable_change:
            self.rc_band.setRegion((first - data.reliable_change, first + data.reliable_change))
        self.o_cut.setVisible(data.outcome_cutoff is not None)
        if data.outcome_cutoff is not None:
            self.o_cut.setValue(data.outcome_cutoff.value)
        self.outcome.setYRange(*data.outcome_scale, padding=0.05)
        self.alliance.setYRange(*data.alliance_scale, padding=0.05)
