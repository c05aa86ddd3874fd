"""Timings of the workspace services on the large demo clinic: measured and printed, never asserted.

Runs only when ``ALLIANCE_LARGE_DB`` names a data folder made by
``alliance-desktop demo-db --size large`` (all accounts with the password in
``ALLIANCE_PASSWORD``), e.g.::

    ALLIANCE_LARGE_DB=/tmp/large ALLIANCE_PASSWORD=... .venv/bin/pytest -q -s tests/services/test_workspace_timings.py

Budgets (issue 5): caseload p95 < 100 ms, course p95 < 100 ms (click to chart,
of which this is the data part), overview < 500 ms. DESIGN.md section 6: tests
never assert wall-clock times, so this prints them.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest

from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.caseload import caseload, therapists
from alliance_desktop.services.client_course import course_view, session_answers
from alliance_desktop.services.supervision import clinic_overview

LARGE = os.environ.get("ALLIANCE_LARGE_DB")
pytestmark = pytest.mark.skipif(not LARGE, reason="set ALLIANCE_LARGE_DB to a large demo clinic folder")


def p95(xs: list[float]) -> float:
    ordered = sorted(xs)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def line(name: str, wall: list[float], cpu: list[float]) -> str:
    return (f"{name:<28} n={len(wall):<4} median {statistics.median(wall) * 1e3:7.1f} ms   "
            f"p95 {p95(wall) * 1e3:7.1f} ms   max {max(wall) * 1e3:7.1f} ms   cpu median "
            f"{statistics.median(cpu) * 1e3:6.1f} ms")


def timed(fn, *args):  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - w, time.process_time() - c


def test_print_workspace_timings():
    password = os.environ["ALLIANCE_PASSWORD"]
    access = ClinicAccess(DataPaths(Path(LARGE)))  # type: ignore[arg-type]
    sup = access.unlock("supervisor", password)
    names = [t.username for t in therapists(sup)]
    out = []
    ov_wall, ov_cpu = [], []
    for _ in range(10):
        _, w, c = timed(clinic_overview, sup)
        ov_wall.append(w)
        ov_cpu.append(c)
    sup.lock()
    cl_wall, cl_cpu, co_wall, co_cpu, an_wall, an_cpu = [], [], [], [], [], []
    for name in names[:10]:
        t = access.unlock(name, password)
        try:
            for _ in range(5):
                rows, w, c = timed(caseload, t)
                cl_wall.append(w)
                cl_cpu.append(c)
            for row in rows[:10]:
                view, w, c = timed(course_view, t, row.episode_id)
                co_wall.append(w)
                co_cpu.append(c)
                rid = next(r for p in reversed(view.sessions) for r in p.response_ids)
                _, w, c = timed(session_answers, t, rid)
                an_wall.append(w)
                an_cpu.append(c)
        finally:
            t.lock()
    out.append(line("supervisor.overview (1st)", ov_wall[:1], ov_cpu[:1]))
    out.append(line("supervisor.overview (rest)", ov_wall[1:], ov_cpu[1:]))
    out.append(line("therapist.caseload", cl_wall, cl_cpu))
    out.append(line("therapist.course_view", co_wall, co_cpu))
    out.append(line("therapist.session_answers", an_wall, an_cpu))
    print("\n" + "\n".join(out))
