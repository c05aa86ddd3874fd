"""Scale metrics: scoring one response, and building the clinic-scale demo database.

``scale.score_response_s`` (cheap, also in ``--quick``): one ``score_response``
of the demo's two instruments (example-alliance, PHQ-9), averaged over a few
thousand made-up answer sets. Before the compiled fast path of core/scoring.py
this was ~20-35 µs (exact Fractions per call); it is now ~4-5 µs.

``scale.demo_db_large_build_s`` (heavy: only without ``--quick``, and only with
``--size large``, see benchmarks/run.py): the wall time of one
``alliance-desktop demo-db --size large`` in a fresh process, i.e. 50
therapists, 25,000 clients, ~570,000 sessions, ~1.1 million responses and
scores and ~7 million item answers in a new encrypted clinic (about 1.8 GB,
written to a temporary folder and deleted afterwards). Target < 120 s on the
2-core reference machine; it was 250-450 s before storage/demo_writer.py's bulk
load (see its module docstring for what each part bought).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.stats import Metric

PASSWORD = "benchmark-password-2026"


def _answer_sets(n: int) -> list[tuple[object, dict[str, int]]]:
    from alliance_desktop.core.instruments import OptionsResponse, VasResponse, load_bundled

    bundled = load_bundled()
    rng = random.Random(11)
    out = []
    for i in range(n):
        instrument = bundled["example-alliance" if i % 2 else "phq9"]
        answers = {}
        for item in instrument.items:
            if isinstance(item.response, VasResponse):
                answers[item.id] = rng.randint(item.response.min_mm, item.response.max_mm)
            elif isinstance(item.response, OptionsResponse) and item.scored:
                answers[item.id] = rng.choice(item.response.values)
        out.append((instrument, answers))
    return out


def score_response_per_call(repeats: int, n: int = 2000) -> list[float]:
    """Seconds per ``score_response`` call, one sample per pass over ``n`` answer sets."""
    from alliance_desktop.core.scoring import score_response

    cases = _answer_sets(n)
    for instrument, answers in cases[:50]:  # warm up: compile each instrument's plan
        score_response(instrument, answers)  # type: ignore[arg-type]
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for instrument, answers in cases:
            score_response(instrument, answers)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - t0) / n)
    return samples


def large_build(workdir: Path) -> tuple[float, dict[str, float]]:
    """Wall time of one large demo build in a fresh process, plus what it wrote."""
    out = workdir / "large-demo"
    env = dict(os.environ, ALLIANCE_PASSWORD=PASSWORD)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "alliance_desktop", "demo-db", "--out", str(out), "--size", "large"],
                          check=True, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    extra: dict[str, float] = {"db_mb": (out / "clinic.db").stat().st_size / 1e6}
    found = re.search(r"([\d,]+) clients, ([\d,]+) sessions", done.stdout)
    if found:
        extra["clients"] = float(found.group(1).replace(",", ""))
        extra["sessions"] = float(found.group(2).replace(",", ""))
    return elapsed, extra


def collect(quick: bool) -> list[Metric]:
    metrics = [
        Metric("scale.score_response_s", score_response_per_call(3 if quick else 15), target="median < 10 µs",
               note="core.scoring.score_response, example-alliance and PHQ-9 answer sets"),
    ]
    if quick:  # nothing heavy in the smoke run
        return metrics
    workdir = Path(tempfile.mkdtemp(prefix="alliance-scale-"))
    try:
        elapsed, extra = large_build(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    metrics.append(Metric("scale.demo_db_large_build_s", [elapsed], target="< 120 s", extra=extra,
                          note="demo-db --size large in a fresh process: 25,000 clients, ~570,000 sessions"))
    return metrics
