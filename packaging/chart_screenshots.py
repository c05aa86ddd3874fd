#!/usr/bin/env python3
"""Screenshots of the course chart for a seeded course, for looking at them and for the README.

Run under a real X server so fonts are what people see, once at 100 % and once at 200 %:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/chart_screenshots.py OUTDIR
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 2560x1600x24" .venv/bin/python packaging/chart_screenshots.py OUTDIR

The course (made up, nothing clinical) has what the chart must show: a probable
rupture that was repaired, a possible one left unrepaired that the client also
reported (R4), a missed session, a positive PHQ-9 item 9, the instruction event
at session 5 and a course still running (session 16 of 24). Saves
``course-chart.png`` (window at 1280x800 logical px), ``course-chart-hover.png``
(with the tooltip of the unrepaired rupture), ``course-chart-long.png``
(a 30-session course) and ``course-chart.svg`` (the vector recording the PDF
will use); file names get ``@2x`` under QT_SCALE_FACTOR=2. Also prints how long
``set_data`` + paint take next to a bare PlotWidget with the same points.
Not a test: it asserts nothing, it is for eyes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip  # noqa: E402

from alliance_desktop.core.instruments import load_bundled  # noqa: E402
from alliance_desktop.ui import theme  # noqa: E402
from alliance_desktop.ui.widgets.course_chart_data import ChartData, chart_data_from_course  # noqa: E402

ALLIANCE = {1: 36.5, 2: 37.0, 3: 37.5, 4: 37.2, 5: 37.8, 6: 38.0, 7: 31.0, 8: None, 9: 36.4, 10: 37.6,
            11: 38.0, 12: 37.9, 13: 33.5, 14: 36.2, 15: 36.0, 16: 36.5}
#: which item carries each session's dip (connection at the repaired rupture, focus at the unrepaired one)
ITEM_DIPS = {7: {"connection": -3.2, "approach": -1.0}, 13: {"focus": -2.6, "overall": -0.6},
             14: {"focus": -1.2}, 15: {"focus": -1.4}, 16: {"focus": -1.0}}
OUTCOME = {1: 18, 2: 17, 3: 17, 4: 15, 5: 14, 6: 13, 7: 15, 8: None, 9: 12, 10: 11, 11: 10, 12: 9,
           13: 11, 14: 11, 15: 10, 16: 9}
ITEM9 = {7: 1}
COMMENTS = {
    7: "I felt you weren't really listening when I talked about my mother.",
    10: "Better today, we talked it through.",
    13: "We keep going over the same things.",
}
START = date(2025, 1, 7)


def items_for(totals: dict[int, float | None], dips: dict[int, dict[str, float]]) -> dict[str, list]:
    names = ("connection", "focus", "approach", "overall")
    out: dict[str, list] = {n.capitalize(): [] for n in names}
    for s, total in totals.items():
        dip = dips.get(s, {})
        base = None if total is None else total / 4 - sum(dip.values()) / 4
        for n in names:
            value = None if base is None else round(min(10.0, base + dip.get(n, 0.0)), 1)
            out[n.capitalize()].append((s, value))
    return out


def seeded_course(alliance=ALLIANCE, outcome=OUTCOME, *, planned: int = 24, title: str | None = None) -> ChartData:
    instruments = load_bundled()
    phq9 = instruments.get("phq9")
    risk_rule = phq9.risk_items[0]
    risk = {s: "PHQ-9 item 9 > 0" for s, answer in ITEM9.items() if risk_rule.fires(answer)}
    last = max(alliance)
    return chart_data_from_course(
        alliance_instrument=instruments.get("example-alliance"),
        outcome_instrument=phq9,
        alliance=alliance.items(),
        alliance_items=items_for(alliance, ITEM_DIPS),
        outcome=outcome.items(),
        risk_sessions=risk,
        self_reported_ruptures=[13],
        title=title or f"KLM-0412 (A. B.) · episode since 7 Jan 2025 · session {last} of {planned} planned",
        instruction_sessions=[5],
        dates={s: START + timedelta(days=7 * (s - 1)) for s in alliance},
        comments=COMMENTS,
        planned_sessions=planned,
    )


def long_course() -> ChartData:
    alliance = dict(ALLIANCE)
    outcome = dict(OUTCOME)
    for s in range(17, 31):
        alliance[s] = round(36.6 + 0.08 * s + (0.4 if s % 3 else -0.3), 1)
        outcome[s] = max(4, 9 - (s - 16) // 3)
    alliance[22] = None
    outcome[22] = None
    return seeded_course(alliance, outcome, title="KLM-0412 (A. B.) · a longer course: session 30 of 24 planned")


def settle(app: QApplication, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()


def timings(app: QApplication, data: ChartData, runs: int = 30) -> None:
    """set_data + repaint of the chart vs. a bare PlotWidget with the same points (median, p95)."""
    import numpy as np
    import pyqtgraph as pg

    from alliance_desktop.ui.widgets.course_chart import CourseChart

    chart = CourseChart()
    chart.resize(1240, 760)
    chart.show()
    settle(app)
    chart_s = []
    for _ in range(runs):
        t0 = time.perf_counter()
        chart.set_data(data)
        chart.repaint()
        chart.view.viewport().repaint()
        chart_s.append(time.perf_counter() - t0)
    chart.close()
    fresh_s = []
    for _ in range(max(5, runs // 3)):
        t0 = time.perf_counter()
        fresh = CourseChart()
        fresh.resize(1240, 760)
        fresh.set_data(data)
        fresh.show()
        fresh.repaint()
        fresh.view.viewport().repaint()
        fresh_s.append(time.perf_counter() - t0)
        fresh.close()
        fresh.deleteLater()
        settle(app, 2)

    plot = pg.PlotWidget()
    plot.resize(1240, 760)
    plot.show()
    settle(app)
    ax, ay = zip(*[(s, np.nan if v is None else v) for s, v in data.alliance])
    ox, oy = zip(*[(s, np.nan if v is None else v) for s, v in data.outcome])
    base_s = []
    for _ in range(runs):
        t0 = time.perf_counter()
        plot.clear()
        plot.plot(ax, ay, connect="finite", symbol="o")
        plot.plot(ox, oy, connect="finite", symbol="o")
        plot.repaint()
        plot.viewport().repaint()
        base_s.append(time.perf_counter() - t0)
    plot.close()

    def fmt(xs: list[float]) -> str:
        xs = sorted(xs)
        p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
        return f"median {statistics.median(xs) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"

    print(f"course chart set_data+paint ({len(data.sessions)} sessions): {fmt(chart_s)}")
    print(f"new CourseChart + set_data + show + paint:     {fmt(fresh_s)}")
    print(f"baseline bare PlotWidget, same points:         {fmt(base_s)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--no-timings", action="store_true")
    args = parser.parse_args(argv)
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.apply_theme(app)
    suffix = "@2x" if os.environ.get("QT_SCALE_FACTOR", "1") not in ("", "1") else ""

    t0 = time.perf_counter()
    from alliance_desktop.ui.widgets.course_chart import CourseChart

    print(f"import course_chart (pyqtgraph): {(time.perf_counter() - t0) * 1000:.0f} ms")

    window = QMainWindow()
    window.setWindowTitle("Course chart")
    chart = CourseChart()
    window.setCentralWidget(chart)
    window.resize(1280, 800)
    data = seeded_course()
    t0 = time.perf_counter()
    chart.set_data(data)
    window.show()
    settle(app)
    print(f"first chart shown: {(time.perf_counter() - t0) * 1000:.0f} ms")

    def save(name: str) -> None:
        settle(app)
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        print(f"{path}  ({window.width()}x{window.height()} logical px, dpr {window.devicePixelRatioF():g})")

    save("course-chart")
    chart.export_svg(str(out / f"course-chart{suffix}.svg"))
    print(out / f"course-chart{suffix}.svg")

    # Hover over the unrepaired rupture: the tooltip is a separate window, so grab the screen.
    pos = chart.view.mapFromScene(chart.scene_pos_of(13))
    chart._on_mouse_moved(chart.scene_pos_of(13))  # what a mouse move there does
    QToolTip.showText(chart.view.mapToGlobal(pos) + QPoint(12, 12), chart.tooltip_text(13), chart.view)
    settle(app, 10)
    screen = app.primaryScreen()
    shot = screen.grabWindow(0, window.x(), window.y(), window.width(), window.height())
    shot.save(str(out / f"course-chart-hover{suffix}.png"))
    print(out / f"course-chart-hover{suffix}.png")
    QToolTip.hideText()

    chart.set_data(long_course())
    save("course-chart-long")
    if not args.no_timings:
        timings(app, data)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
