"""Staff workspace metrics on a demo clinic: caseload, course chart, supervisor overview.

All in this process, offscreen (``QT_QPA_PLATFORM=offscreen``), on a real demo
clinic: the small one (a temporary folder), or with ``--size large`` the
clinic-scale one (50 therapists with 40 active clients each, ~575,000
sessions). The large build takes minutes; set ``ALLIANCE_BENCH_LARGE_DIR`` to
an existing large demo folder (its password in ``ALLIANCE_BENCH_PASSWORD``) to
reuse it: unlocking migrates it if needed.

``therapist.caseload_open_s``
    A therapist's ``CaseloadView.refresh()`` (the caseload service call: one
    query set and its audit entry, then the table model reset) and the view
    painted once (``processEvents()`` for the deferred layout, then a
    synchronous ``repaint()``).
``baseline.pyqtgraph_plot_s``
    An existing bare pyqtgraph ``PlotWidget`` gets ``setData`` of one course's
    points (alliance + outcome, 24 each, one missed session) and is painted
    the same way. pyqtgraph is already imported.
``therapist.course_open_s``
    Click to chart painted, pyqtgraph already imported: the ``course_view``
    service call (as ``Workspace.course``), ``set_data(chart_data_from_view(view))``
    on an existing ``CourseChart``, painted the same way. Cycles through the
    therapist's caseload, so the first round includes first viewings (stamped).
``db.raw_aggregate_s``
    A raw SQL aggregate on the same database through the storage engine's
    connection: held sessions and responses per therapist over the courses in
    treatment (the overview's scope).
``supervisor.overview_first_s`` / ``supervisor.overview_s``
    ``services.supervision.clinic_overview`` as the demo supervisor: the first
    call in this process (on a new database it fills ``course_summaries``; on
    a reused one only what changed since the last overview is recomputed:
    ``extra.recomputed``), then the steady state after one more warm-up call.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.foundation import PASSWORD
from benchmarks.stats import Metric, repeat

#: Cheap Argon2id for a demo clinic built here: no unlock is timed in this module.
_DEMO_KDF = {"time_cost": 1, "memory_kib": 8192, "parallelism": 1}
_POINTS = 24

_RAW_AGGREGATE = """
SELECT e.therapist_id,
       COUNT(DISTINCT ts.id) AS held_sessions,
       COUNT(r.id) AS responses
FROM episodes e
JOIN therapy_sessions ts ON ts.episode_id = e.id AND ts.status = 'held'
LEFT JOIN responses r ON r.session_id = ts.id
WHERE e.closed_on IS NULL
GROUP BY e.therapist_id
"""


def _clinic(size: str, workdir: Path) -> tuple[Path, str]:
    """(demo folder, password): reused from ALLIANCE_BENCH_LARGE_DIR for the large size, else built."""
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.demo import build_demo_clinic
    from alliance_desktop.storage.keys import KdfParams

    reuse = os.environ.get("ALLIANCE_BENCH_LARGE_DIR")
    if size == "large" and reuse:
        return Path(reuse), os.environ.get("ALLIANCE_BENCH_PASSWORD", PASSWORD)
    if size == "large":
        print("workspace benchmark: building the large demo clinic (a few minutes)…", file=sys.stderr, flush=True)
    paths = DataPaths(workdir / f"demo-{size}")
    build_demo_clinic(paths, size=size, seed=1, password=PASSWORD, kdf=KdfParams(**_DEMO_KDF))
    return paths.root, PASSWORD


def _painted(app: object, widget: object) -> None:
    """The deferred work (layout requests, scene updates) run, then one synchronous paint."""
    app.processEvents()  # type: ignore[attr-defined]
    widget.repaint()  # type: ignore[attr-defined]


def _pick_therapist(access: object, password: str) -> tuple[str, int]:
    """The demo therapist with the most courses in treatment (≈40 on the large demo)."""
    import sqlalchemy as sa

    from alliance_desktop.services.caseload import therapists
    from alliance_desktop.services.demo import DEMO_ADMIN_USER
    from alliance_desktop.storage.tables import Episode

    admin = access.unlock(DEMO_ADMIN_USER, password)  # type: ignore[attr-defined]
    try:
        staff = therapists(admin)
        with admin.read() as s:  # counts only, no client data
            open_by = dict(s.execute(sa.select(Episode.therapist_id, sa.func.count())
                                     .where(Episode.closed_on.is_(None)).group_by(Episode.therapist_id)).all())
    finally:
        admin.lock()
    if not staff:
        raise RuntimeError("the demo clinic has no therapist")
    best = max(staff, key=lambda u: (open_by.get(u.id, 0), u.display_name))
    return best.username, int(open_by.get(best.id, 0))


def _baseline_points() -> tuple[list[float], list[float], list[float]]:
    import math

    from benchmarks.core_metrics import course_24

    alliance, outcome = course_24()
    xs = [float(t) for t, _, _ in alliance]
    ay = [math.nan if v is None else float(v) for _, v, _ in alliance]
    oy = [math.nan if v is None else float(v) for _, v, _ in outcome]
    return xs, ay, oy


def therapist_metrics(app: object, access: object, password: str, repeats: int, size: str) -> list[Metric]:
    from alliance_desktop.ui import heap
    from alliance_desktop.ui.therapist.caseload_view import CaseloadView
    from alliance_desktop.ui.therapist.workspace import Workspace

    username, active = _pick_therapist(access, password)
    session = access.unlock(username, password)  # type: ignore[attr-defined]
    views: list[object] = []
    try:
        workspace = Workspace(session)
        caseload = CaseloadView(workspace)  # its constructor loads the caseload once (untimed)
        views.append(caseload)
        caseload.resize(1280, 800)
        caseload.show()
        _painted(app, caseload)
        rows = caseload.model.rowCount()
        heap.settle()  # as the shell does 0.2 s after every login (ui/heap.py)

        def open_caseload() -> None:
            caseload.refresh()
            _painted(app, caseload)

        caseload_s = repeat(open_caseload, repeats, warmup=1)
        episodes = [r.episode_id for r in caseload.visible_rows()]
        caseload.hide()

        # pyqtgraph imported and a chart built before anything is timed ("already imported").
        import pyqtgraph as pg

        from alliance_desktop.ui.widgets.course_chart import CourseChart
        from alliance_desktop.ui.widgets.course_chart_data import chart_data_from_view

        xs, ay, oy = _baseline_points()
        plot = pg.PlotWidget()
        views.append(plot)
        plot.resize(1240, 760)
        alliance_curve = plot.plot(connect="finite", symbol="o")
        outcome_curve = plot.plot(connect="finite", symbol="o")
        plot.show()
        _painted(app, plot)

        def bare_plot() -> None:
            alliance_curve.setData(xs, ay, connect="finite")
            outcome_curve.setData(xs, oy, connect="finite")
            _painted(app, plot)

        baseline_s = repeat(bare_plot, repeats * 2, warmup=3)
        plot.hide()

        # The same picture drawn with plain pyqtgraph (benchmarks/course_baseline.py), from the
        # charts of the courses the timed loop opens: pyqtgraph's own cost for this content.
        from benchmarks.course_baseline import RawCoursePlot

        if not episodes:
            raise RuntimeError(f"therapist {username!r} has no active client")
        raw = RawCoursePlot()
        views.append(raw.view)
        raw.view.resize(1240, 760)
        raw.view.show()
        course_data = [chart_data_from_view(workspace.course(e)) for e in episodes[:10]]
        raw_turn = iter(range(10**9))

        def raw_course_plot() -> None:
            raw.draw(course_data[next(raw_turn) % len(course_data)])
            _painted(app, raw.view)

        raw_course_s = repeat(raw_course_plot, repeats, warmup=3)
        raw.view.hide()

        chart = CourseChart()
        views.append(chart)
        chart.resize(1240, 760)
        chart.show()
        _painted(app, chart)
        sessions_seen: list[int] = []
        turn = iter(range(10**9))

        def open_course() -> None:
            view = workspace.course(episodes[next(turn) % len(episodes)])
            chart.set_data(chart_data_from_view(view))
            _painted(app, chart)
            sessions_seen.append(len(view.sessions))

        course_s = repeat(open_course, repeats, warmup=1)
        chart.hide()
    finally:
        for w in views:
            w.close()  # type: ignore[attr-defined]
            w.deleteLater()  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        session.lock()
    sessions_seen = sorted(sessions_seen[1:])
    return [
        Metric("therapist.caseload_open_s", caseload_s, target="p95 < 100 ms",
               note=f"in-process, offscreen: CaseloadView.refresh() (service + model reset) + paint; {size} demo, "
                    f"{rows} active clients",
               extra={"active_clients": float(rows), "open_episodes_of_therapist": float(active)}),
        Metric("baseline.pyqtgraph_plot_s", baseline_s,
               note=f"existing bare PlotWidget: setData of 2 x {_POINTS} points (one missed) + paint"),
        Metric("baseline.pyqtgraph_course_plot_s", raw_course_s,
               note="the same four panels, bands, marks and heat strip drawn with plain pyqtgraph from the same "
                    "courses' chart data (benchmarks/course_baseline.py) + paint"),
        Metric("therapist.course_open_s", course_s, baseline="baseline.pyqtgraph_course_plot_s",
               target="p95 < 100 ms, ratio <= 2",
               note=f"click to chart painted, pyqtgraph imported: course_view service + set_data on an existing "
                    f"CourseChart + paint; cycles the caseload ({len(episodes)} courses), {size} demo",
               extra={"median_sessions_per_course": float(sessions_seen[len(sessions_seen) // 2])
                      if sessions_seen else 0.0,
                      # the earlier, much smaller baseline (one plot, two curves), kept for comparison
                      "ratio_to_bare_plot": statistics.median(course_s) / statistics.median(baseline_s)}),
    ]


def supervisor_metrics(access: object, password: str, repeats: int, size: str) -> list[Metric]:
    import sqlalchemy as sa

    from alliance_desktop.services.demo import DEMO_SUPERVISOR_USER
    from alliance_desktop.services.supervision import clinic_overview
    from alliance_desktop.storage.tables import AuditEvent

    session = access.unlock(DEMO_SUPERVISOR_USER, password)  # type: ignore[attr-defined]
    try:
        engine = session.database().engine
        query = sa.text(_RAW_AGGREGATE)

        def raw() -> None:
            with engine.connect() as conn:
                conn.execute(query).all()

        raw_s = repeat(raw, repeats, warmup=1)

        def recomputed() -> float:
            with session.read() as s:
                details = s.scalar(sa.select(AuditEvent.details).where(AuditEvent.action == "overview.viewed")
                                   .order_by(AuditEvent.seq.desc()).limit(1))
            return float((details or {}).get("recomputed", -1))

        t0 = time.perf_counter()
        overview = clinic_overview(session)
        first_s = time.perf_counter() - t0
        first_recomputed = recomputed()
        overview_s = repeat(lambda: clinic_overview(session), repeats, warmup=1)
        steady_recomputed = recomputed()
    finally:
        session.lock()
    in_treatment = float(overview.clinic.clients_in_treatment)
    return [
        Metric("db.raw_aggregate_s", raw_s,
               note="raw SQL on the storage engine's connection: held sessions + responses per therapist, "
                    f"courses in treatment; {size} demo"),
        Metric("supervisor.overview_first_s", [first_s], baseline="db.raw_aggregate_s",
               note="clinic_overview, first call in this process (fills course_summaries on a new database; "
                    "on a reused one recomputes only what changed)",
               extra={"recomputed": first_recomputed, "clients_in_treatment": in_treatment}),
        Metric("supervisor.overview_s", overview_s, baseline="db.raw_aggregate_s", target="p95 < 500 ms",
               note=f"clinic_overview as the demo supervisor, after a warm-up call; {size} demo",
               extra={"recomputed": steady_recomputed}),
    ]


def collect(quick: bool, size: str = "small") -> list[Metric]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from alliance_desktop.app import create_application
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess

    size = "small" if quick else size
    repeats = 5 if quick else 40
    app = create_application()
    with tempfile.TemporaryDirectory(prefix="alliance-bench-workspace-") as tmp:
        root, password = _clinic(size, Path(tmp))
        access = ClinicAccess(DataPaths(root))
        metrics = therapist_metrics(app, access, password, repeats, size)
        metrics += supervisor_metrics(access, password, repeats, size)
    return metrics


if __name__ == "__main__":  # python -m benchmarks.workspace_metrics [large] [quick]
    from benchmarks.run import render

    print(render(collect("quick" in sys.argv[1:], "large" if "large" in sys.argv[1:] else "small"), []))
