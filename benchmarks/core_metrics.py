"""Core metrics: loading every bundled instrument definition, and one course's clinical analysis."""

from __future__ import annotations

import random
import subprocess
import sys
import time

from benchmarks.stats import Metric, repeat

_LOAD = "from alliance_desktop.core.instruments import load_bundled; load_bundled()"


def _fresh_process(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t0


def course_24() -> tuple[list[tuple[int, float | None, bool | None]], list[tuple[int, float | None, bool]]]:
    """A realistic 24-session course: slow alliance rise, one rupture, one missed session."""
    rng = random.Random(4)
    alliance, outcome = [], []
    for t in range(1, 25):
        missed = t == 13
        a = None if missed else round(min(40.0, 31 + 0.15 * t + rng.gauss(0, 1.2) - (7 if t in (9, 10) else 0)), 1)
        o = None if missed else max(0, round(16 - 0.4 * t + rng.gauss(0, 1.5)))
        alliance.append((t, a, None))
        outcome.append((t, o, False))
    return alliance, outcome


def collect(quick: bool) -> list[Metric]:
    from alliance_desktop.core.course_analysis import analyse_course
    from alliance_desktop.core.course_rules import outcome_rules_for, rupture_rule_for
    from alliance_desktop.core.instruments import load_bundled

    n = 3 if quick else 15
    baseline = [_fresh_process("pass") for _ in range(n)]
    load = [_fresh_process(_LOAD) for _ in range(n)]
    bundled = load_bundled()
    rupture = rupture_rule_for(bundled["example-alliance"])
    rules = outcome_rules_for(bundled["phq9"])
    alliance, outcome = course_24()

    def analyse() -> None:
        analyse_course(alliance, outcome, rupture_rule=rupture, outcome_direction=rules.direction,
                       outcome_range=rules.clinical_range, outcome_reliable_change=rules.reliable_change,
                       tracking_rule=rules.tracking)

    return [
        Metric("startup.python_s", baseline, note="fresh interpreter: python -c pass"),
        Metric("instruments.load_all_s", load, baseline="startup.python_s", target="< 0.2 s",
               note=f"fresh process: import + load/validate all {len(list(bundled))} bundled definitions"),
        Metric("core.course_analysis_s", repeat(analyse, 50 if quick else 1000, warmup=5),
               target="median < 1 ms", note="ruptures + change + tracking, one 24-session course"),
    ]
