"""The 24-session course chart of one client (CLINICAL.md section 5), drawn with pyqtgraph.

Importing this module loads pyqtgraph (~150 ms), so only the therapist's course
view imports it, lazily, on the first chart; the login and kiosk paths never do
(tests/ui/widgets/test_course_chart.py checks this). ``ChartData`` and its
builders live in ``course_chart_data`` (no Qt) so services and the report can
build the input without pulling in the widget toolkit.

What a therapist sees, top to bottom, all panels sharing one x axis (session
number 1..24, further when the course is longer; dates in the tooltip):

* Alliance panel: totals (gaps for missed sessions: NaN + ``connect='finite'``,
  never interpolated), the flag cutoff (dashed), the client's earlier mean ± 1 SD
  (expanding: no look-ahead), the early-alliance (sessions 1–4) reference
  (dotted), the instruction event (vertical line), rupture markers: ▽ possible /
  ▼ probable at the total, with ✓ repaired / ✗ unrepaired / ◷ pending below it
  and ◆ above it when the client reported the rupture (R4).
* Item strip: one heat row per alliance item, lightness = value (dark = low),
  the value written in each cell; a missed answer stays blank.
* Risk row: ▲ at every session with a positive risk item, with a sentence —
  its own row, never averaged into anything.
* Outcome panel: native scale (lower-is-better scales are drawn inverted so
  "up = better" on both panels; the axis says so), clinical cutoff (dashed),
  intake ± reliable change (shaded: inside = no reliable change), each session's
  not-on-track colour as tone *and* shape, the change class in the title.

Hover (or ←/→ with the keyboard) shows a session's date, totals, items, rupture,
colour, risk and comment; a click (or Enter) emits ``sessionClicked(int)``.

Everything is drawn in device-independent units (cosmetic pens, point-size
fonts, pixel-mode symbols; cosmetic line widths follow the device pixel ratio),
so it reads the same at 100 % and 200 % scaling. ``export_svg`` / ``render_into``
record the chart as vectors for the PDF (STACK.md section 5: QSvgGenerator, items
in export mode, 1x line widths).

Build the widget once and call ``set_data`` per client: constructing one costs
~100-150 ms, a redraw ~10 ms plus the paint (``packaging/chart_screenshots.py``
prints both next to a bare PlotWidget).
"""

from __future__ import annotations

import os


os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import numpy as np  # noqa: E402
import PySide6.QtWidgets  # noqa: E402,F401  - PySide6 first, so pyqtgraph binds to it
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal  # noqa: E402
from PySide6.QtGui import QColor, QCursor, QKeyEvent, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QGraphicsView, QToolTip, QVBoxLayout, QWidget  # noqa: E402

from alliance_desktop.core.ruptures import RuptureEvent  # noqa: E402
from alliance_desktop.ui.widgets import course_chart_text as words  # noqa: E402
from alliance_desktop.core import chart_palette as palette  # noqa: E402
from alliance_desktop.ui.widgets.course_chart_data import (  # noqa: E402
    ChartData,
    chart_data_from_course,
    chart_data_from_view,
)
from alliance_desktop.ui.widgets.course_chart_items import font, pen  # noqa: E402
from alliance_desktop.ui.widgets.course_chart_panels import (  # noqa: E402
    DASH,
    HALF,
    AlliancePanel,
    OutcomePanel,
    RiskPanel,
    RuptureMark,
    StripPanel,
)

__all__ = ["ChartData", "CourseChart", "RuptureMark", "chart_data_from_course", "chart_data_from_view"]

LEFT_AXIS_WIDTH = 104  # device-independent px; the same on every panel so the x axes line up
RIGHT_AXIS_WIDTH = 112
RISK_ROW_HEIGHT = 26
TICK_PT = 9.0


def _delegate(panel: str, name: str, doc: str) -> property:
    return property(lambda self: getattr(getattr(self, panel), name), doc=doc)


class CourseChart(QWidget):
    """Alliance, item strip, risk row and outcome of one course; ``set_data`` redraws.

    ``sessionClicked(int)`` is emitted with the session number when a session's
    column is clicked in any panel (only for sessions that exist in the course).
    The plot items are public (read-only properties below) for tests and the report;
    an item the course has no value for (no cutoff, no intake) is hidden, not removed.
    """

    sessionClicked = Signal(int)

    alliance_curve = _delegate("alliance", "curve", "PlotDataItem: totals per session, NaN = missed")
    mean_curve = _delegate("alliance", "mean_curve", "PlotDataItem: the client's earlier (expanding) mean")
    sd_band = _delegate("alliance", "sd_band", "FillBetweenItems: earlier mean ± 1 SD, one per run of sessions")
    cutoff_line = _delegate("alliance", "cutoff_line", "InfiniteLine at the alliance flag boundary")
    early_line = _delegate("alliance", "early_line", "PlotDataItem: the early-alliance (sessions 1–4) mean")
    rupture_scatter = _delegate("alliance", "rupture_scatter", "ScatterPlotItem: ▽ possible / ▼ probable")
    rupture_items = _delegate("alliance", "rupture_items", "RuptureMarks: kind, repair and glyphs per rupture")
    missed_items = _delegate("alliance", "missed_items", "TextItems saying 'missed' under the gaps")
    item_strip = _delegate("strip", "item_strip", "HeatStripItem: one heat row per alliance item")
    risk_scatter = _delegate("risk", "risk_scatter", "ScatterPlotItem: ▲ per session with a positive risk item")
    outcome_curve = _delegate("outcome", "curve", "PlotDataItem: outcome totals, NaN = missed")
    outcome_points = _delegate("outcome", "points", "ScatterPlotItem: one not-on-track colour + shape per session")
    outcome_cutoff_line = _delegate("outcome", "cutoff_line", "InfiniteLine at the clinical boundary")
    rc_band = _delegate("outcome", "rc_band", "LinearRegionItem: intake ± reliable change")

    def __init__(self, parent: QWidget | None = None, *, better_up: bool = True) -> None:
        super().__init__(parent)
        self.data: ChartData | None = None
        self.instruction_lines: list[pg.InfiniteLine] = []
        self._ruptures_by: dict[int, RuptureEvent] = {}
        self._sessions: frozenset[int] = frozenset()
        self._hover_session: int | None = None
        #: cosmetic pens are in device pixels: line widths are multiplied by the device pixel ratio
        self._line_scale = 1.0
        self._exporting = False

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(palette.BACKGROUND)
        # pyqtgraph caches the view's background as a viewport-sized pixmap (about 4 MB at
        # 1280x800) in every chart; ours is one flat colour, so the cache saves nothing and,
        # with a chart per open course, cost 80 MB for 20 courses (benchmarks/memory_metrics.py).
        self.view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.view.setAntialiasing(True)
        self.view.setMouseTracking(True)
        self.view.viewport().installEventFilter(self)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # ←/→ and Enter work without a mouse
        self.setAccessibleName("Course chart")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        gl = self.view.ci
        gl.setContentsMargins(8, 6, 10, 6)
        gl.setSpacing(2)
        self.title_label = self._label(0, size="12pt", bold=True)
        self.alliance_heading = self._label(1)
        self.alliance_legend = self._label(2, size="8.5pt")
        self.alliance_plot = self._plot(3)
        self.strip_plot = self._plot(4)
        self.outcome_heading = self._label(5)
        self.outcome_legend = self._label(6, size="8.5pt")
        self.risk_label = self._label(7, size="9.5pt")
        self.risk_plot = self._plot(8)
        self.outcome_plot = self._plot(9)
        self.plots = (self.alliance_plot, self.strip_plot, self.risk_plot, self.outcome_plot)
        for p in self.plots[1:]:
            p.setXLink(self.alliance_plot)
        gl.layout.setRowStretchFactor(3, 5)
        gl.layout.setRowStretchFactor(9, 4)
        gl.layout.setRowSpacing(5, 10)
        self.risk_plot.setFixedHeight(RISK_ROW_HEIGHT)

        self.alliance = AlliancePanel(self.alliance_plot, self._pen)
        self.strip = StripPanel(self.strip_plot, self._pen)
        self.risk = RiskPanel(self.risk_plot, self._pen, self.risk_label)
        self.outcome = OutcomePanel(self.outcome_plot, self._pen, better_up=better_up)

        self._hover_lines = []
        for p in self.plots:
            line = pg.InfiniteLine(angle=90, pen=pen(palette.FAINT, 1.0))
            line.setZValue(-5)
            line.hide()
            p.addItem(line, ignoreBounds=True)
            self._hover_lines.append(line)

        scene = self.view.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    # -- construction helpers --------------------------------------------------------------

    def _label(self, row: int, *, size: str = "10pt", bold: bool = False) -> pg.LabelItem:
        label = pg.LabelItem("", justify="left", size=size, color=palette.INK, bold=bold)
        self.view.ci.addItem(label, row=row, col=0)
        return label

    def _plot(self, row: int) -> pg.PlotItem:
        p = self.view.ci.addPlot(row=row, col=0)
        p.setMenuEnabled(False)
        p.hideButtons()
        p.setMouseEnabled(x=False, y=False)
        p.getViewBox().setDefaultPadding(0)
        p.showGrid(x=True, y=False, alpha=0.10)
        p.showAxis("right")
        p.hideAxis("bottom")
        tick_font = font(TICK_PT)
        for name in ("left", "right", "bottom"):
            axis = p.getAxis(name)
            axis.setStyle(tickFont=tick_font, tickLength=-4, autoExpandTextSpace=False)
            axis.setTextPen(pg.mkPen(palette.MUTED))
            axis.setPen(pg.mkPen(palette.FAINT))
        p.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        p.getAxis("right").setWidth(RIGHT_AXIS_WIDTH)
        p.getAxis("right").setTicks([[]])
        return p

    def _pen(self, colour: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        return pen(colour, width * self._line_scale, style)

    # -- public API ------------------------------------------------------------------------

    def set_data(self, data: ChartData) -> None:
        """Draw ``data`` (replacing what was drawn before)."""
        self.data = data
        self._line_scale = 1.0 if self._exporting else max(1.0, self.devicePixelRatioF())
        self._ruptures_by = {e.session: e for e in data.analysis.ruptures}
        self._sessions = frozenset(data.sessions)
        self.highlight(None)
        self.setAccessibleDescription(words.accessible_summary(data))
        ticks = [[(float(s), str(s)) for s in range(1, data.x_max + 1, 1 if data.x_max <= 40 else 2)]]
        for p in self.plots:
            p.getAxis("bottom").setTicks(ticks)
        self.alliance_plot.setXRange(1 - HALF, data.x_max + HALF, padding=0)
        self.title_label.setText(words.escape(data.title))
        self.alliance_heading.setText(words.alliance_heading(data))
        self.alliance_legend.setText(words.alliance_legend(data), color=palette.MUTED)
        self.outcome_heading.setText(words.outcome_heading(data))
        self.outcome_legend.setText(words.outcome_legend(data), color=palette.MUTED)
        self.alliance.update(data)
        self.strip.update(data)
        self.risk.update(data)
        self.outcome.update(data)
        self._draw_instruction(data)

    def _draw_instruction(self, data: ChartData) -> None:
        for plot, line in zip(self.plots * len(self.instruction_lines), self.instruction_lines, strict=False):
            plot.removeItem(line)
        self.instruction_lines = []
        for s in data.instruction_sessions:
            for p in self.plots:  # one line through every panel, in the order of self.plots
                label = "instruction" if p is self.alliance_plot else None
                line = pg.InfiniteLine(
                    pos=s, angle=90, pen=self._pen(palette.INSTRUCTION, 1.6, DASH), label=label,
                    labelOpts={"position": 0.97, "color": palette.INSTRUCTION, "anchors": [(0, 0), (0, 0)]},
                )
                if label:
                    line.label.setFont(font(8.5))
                line.setZValue(-3)
                p.addItem(line, ignoreBounds=True)
                self.instruction_lines.append(line)

    def session_at_scene_pos(self, pos: QPointF) -> int | None:
        """The session whose column is under ``pos`` (scene coordinates), if it exists in the course."""
        if self.data is None:
            return None
        if not any(p.isVisible() and p.getViewBox().sceneBoundingRect().contains(pos) for p in self.plots):
            return None
        x = self.alliance_plot.getViewBox().mapSceneToView(pos).x()
        session = int(np.floor(x + 0.5))
        return session if session in self._sessions else None

    def scene_pos_of(self, session: int, plot: pg.PlotItem | None = None) -> QPointF:
        """Scene position of the middle of ``session``'s column in ``plot`` (default: alliance)."""
        vb = (plot or self.alliance_plot).getViewBox()
        y_range = vb.viewRange()[1]
        return vb.mapViewToScene(QPointF(session, sum(y_range) / 2))

    def tooltip_text(self, session: int) -> str:
        """The hover text of ``session`` (rich text): date, totals, items, rupture, colour, risk, comment."""
        if self.data is None:
            return ""
        return words.session_tooltip(self.data, session, self._ruptures_by)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(1100, 720)

    # -- interaction -----------------------------------------------------------------------

    def highlight(self, session: int | None, *, tooltip_at: QPoint | None = None) -> None:
        """Show the hover line (and the tooltip at ``tooltip_at``, global coordinates) for ``session``."""
        self._hover_session = session
        for line in self._hover_lines:
            line.setVisible(session is not None)
            if session is not None:
                line.setValue(session)
        if session is None:
            QToolTip.hideText()
        elif tooltip_at is not None:
            QToolTip.showText(tooltip_at, self.tooltip_text(session), self.view)

    @property
    def highlighted_session(self) -> int | None:
        return self._hover_session

    def _on_mouse_moved(self, pos: QPointF) -> None:
        session = self.session_at_scene_pos(pos)
        if session != self._hover_session:
            self.highlight(session, tooltip_at=QCursor.pos())

    def eventFilter(self, watched, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.view.viewport() and event.type() == QEvent.Type.Leave:
            self.highlight(None)
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Keyboard use: ←/→ (Home/End) move between sessions with their tooltip, Enter/Space opens one."""
        sessions = sorted(self._sessions)
        if not sessions:
            super().keyPressEvent(event)
            return
        key = event.key()
        current = self._hover_session
        target: int | None = None
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            if current is None:
                target = sessions[-1] if key == Qt.Key.Key_Left else sessions[0]
            else:
                i = sessions.index(current) if current in sessions else 0
                step = 1 if key == Qt.Key.Key_Right else -1
                target = sessions[max(0, min(len(sessions) - 1, i + step))]
        elif key == Qt.Key.Key_Home:
            target = sessions[0]
        elif key == Qt.Key.Key_End:
            target = sessions[-1]
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and current is not None:
            self.sessionClicked.emit(current)
            return
        else:
            super().keyPressEvent(event)
            return
        where = self.view.mapToGlobal(self.view.mapFromScene(self.scene_pos_of(target)))
        self.highlight(target, tooltip_at=where)

    def _on_mouse_clicked(self, event) -> None:  # noqa: ANN001 - pyqtgraph MouseClickEvent
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)  # so ←/→ continue from here
        session = self.session_at_scene_pos(event.scenePos())
        if session is not None:
            event.accept()
            self.highlight(session)
            self.sessionClicked.emit(session)

    # -- export ----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Moved to a screen with another scale: cosmetic line widths must follow.
        if event.type() == QEvent.Type.DevicePixelRatioChange and self.data is not None:
            self.set_data(self.data)
        return super().event(event)

    @contextmanager
    def export_mode(self) -> Iterator[None]:
        """Items draw for a vector device (scatter symbols as paths, not cached pixmaps; 1x line widths)."""
        redraw = self.data is not None and self._line_scale != 1.0
        self._exporting = True
        if redraw:
            self.set_data(self.data)  # type: ignore[arg-type]
        items = self.view.scene().items()
        for it in items:
            if hasattr(it, "setExportMode"):
                it.setExportMode(True, {"antialias": True, "background": QColor(palette.BACKGROUND)})
        try:
            yield
        finally:
            for it in items:
                if hasattr(it, "setExportMode"):
                    it.setExportMode(False)
            self._exporting = False
            if redraw:
                self.set_data(self.data)  # type: ignore[arg-type]

    def render_into(self, painter: QPainter, target: QRectF) -> None:
        """Draw the chart into ``painter`` (PDF, SVG, printer) at ``target``, as vectors."""
        with self.export_mode():
            self.view.scene().render(painter, target, self.view.sceneRect())

    def export_svg(self, path: str, title: str = "Course chart") -> None:
        """Record the chart into an SVG file with Qt's QSvgGenerator (pyqtgraph's SVGExporter is broken)."""
        from PySide6.QtSvg import QSvgGenerator

        size = self.view.size()
        gen = QSvgGenerator()
        gen.setFileName(path)
        gen.setSize(size)
        gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
        gen.setResolution(96)
        gen.setTitle(title)
        painter = QPainter(gen)
        try:
            self.render_into(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
