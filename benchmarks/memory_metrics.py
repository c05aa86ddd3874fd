"""Peak memory of the staff view: ``memory.peak_rss_mb`` beside a bare Qt window's.

Both are measured in fresh processes, as the peak resident set size of the
process's own memory (``VmHWM`` in /proc/self/status). Not ``ru_maxrss``:
Linux carries that across ``execve``, so a child started by a large
benchmark runner would report the runner's size.

``memory.bare_qt_window_rss_mb``
    ``benchmarks/bare_window.py`` (a QMainWindow shown, painted and closed).
``memory.peak_rss_mb``
    The real staff window (``MainWindow``) of the demo therapist with the
    largest caseload, on the demo clinic (small, or with ``--size large`` the
    clinic-scale one; ``ALLIANCE_BENCH_LARGE_DIR`` reuses a built one), after
    opening 20 courses one after another through the window's own
    ``open_course`` (each a tab with its chart), every one painted.

Memory is a single figure per process, so each row has one sample per run
(three runs; one with ``--quick``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.stats import Metric

ROOT = Path(__file__).resolve().parent.parent
COURSES = 20

_STAFF_VIEW = """\
import os, sys
from pathlib import Path
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from alliance_desktop.app import create_application
from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.ui.main_window import MainWindow
from benchmarks.workspace_metrics import _pick_therapist

app = create_application()
access = ClinicAccess(DataPaths(Path(sys.argv[1])))
username, _ = _pick_therapist(access, sys.argv[2])
session = access.unlock(username, sys.argv[2])
window = MainWindow(session)
window.resize(1280, 800)
window.show()
app.processEvents()
rows = window.caseload.visible_rows() if hasattr(window, "caseload") else []
opened = 0
from PySide6.QtCore import QEvent
for row in rows[:int(sys.argv[3])]:
    view = window.open_course(row.episode_id)
    app.processEvents()
    view.repaint()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # what the event loop does between clicks
    opened += 1
print("opened", opened)
print("live_charts", sum(1 for w in app.allWidgets() if type(w).__name__ == "CourseChart"))
print("rss_kib", [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0])
window.close()
session.lock()
"""

_BARE = """\
import runpy, sys
sys.argv = [sys.argv[1]]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    pass
print("rss_kib", [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0])
"""


def _run(code: str, *args: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory child failed (exit {done.returncode}): {done.stderr.strip()[-400:]}")
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def collect(quick: bool, size: str = "small") -> list[Metric]:
    from benchmarks.workspace_metrics import _clinic

    runs = 1 if quick else 3
    bare = [int(_run(_BARE, str(ROOT / "benchmarks" / "bare_window.py"))["rss_kib"]) / 1024 for _ in range(runs)]
    with tempfile.TemporaryDirectory(prefix="alliance-bench-memory-") as tmp:
        folder, password = _clinic(size, Path(tmp))
        staff, opened = [], 0
        for _ in range(runs):
            found = _run(_STAFF_VIEW, str(folder), password, str(COURSES))
            staff.append(int(found["rss_kib"]) / 1024)
            opened = int(found["opened"])
    return [
        Metric("memory.bare_qt_window_rss_mb", bare, unit="MB", note="peak RSS of benchmarks/bare_window.py"),
        Metric("memory.peak_rss_mb", staff, unit="MB", baseline="memory.bare_qt_window_rss_mb", target="< 300 MB",
               note=f"peak RSS: the staff window of the demo therapist with the largest caseload, {opened} courses "
                    f"opened (tabs with charts), {size} demo", extra={"courses_opened": float(opened)}),
    ]


if __name__ == "__main__":  # python -m benchmarks.memory_metrics [large] [quick]
    from benchmarks.run import render

    print(render(collect("quick" in sys.argv[1:], "large" if "large" in sys.argv[1:] else "small"), []))
