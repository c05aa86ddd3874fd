"""Run every benchmark, print one table (median, p95, ratio to baseline) and optionally write JSON.

    python -m benchmarks.run [--json PATH] [--quick] [--size small|large]

It never fails a build: a metric that raises is reported as an error row and
the exit code stays 0 (``--quick`` is the smoke run in .ci/run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import traceback
from collections.abc import Callable
from pathlib import Path

from benchmarks.stats import Metric, PartlyMeasured

Collector = Callable[[bool, str], list[Metric]]


def _collectors() -> list[tuple[str, Collector]]:
    from benchmarks import foundation

    found: list[tuple[str, Collector]] = [("foundation", lambda quick, size: foundation.collect(quick))]
    try:
        from benchmarks import core_metrics
    except ImportError:
        pass
    else:
        found.append(("core", lambda quick, size: core_metrics.collect(quick)))
    try:
        from benchmarks import scale_metrics
    except ImportError:
        pass
    else:
        # The large demo build (~1.5 min, ~1.8 GB in a temporary folder) only with --size large and not --quick.
        found.append(("scale", lambda quick, size: scale_metrics.collect(quick or size != "large")))
    from benchmarks import kiosk_metrics

    found.append(("kiosk", lambda quick, size: kiosk_metrics.collect(quick, size)))
    try:
        from benchmarks import workspace_metrics
    except ImportError:
        pass
    else:
        found.append(("workspace", lambda quick, size: workspace_metrics.collect(quick, size)))
    try:
        from benchmarks import report_metrics
    except ImportError:
        pass
    else:
        found.append(("reports", lambda quick, size: report_metrics.collect(quick, size)))
    from benchmarks import backup_metrics, memory_metrics

    found.append(("backup", lambda quick, size: backup_metrics.collect(quick, size)))
    found.append(("memory", lambda quick, size: memory_metrics.collect(quick, size)))
    return found


def _quiet_disk() -> None:
    """Flush what earlier collectors wrote before the next one starts.

    The large demo build writes ~0.9 GB to a temporary folder and deletes it;
    the kernel goes on flushing it for a while. The kiosk's Send, measured
    next, ends in an fsync, which then queues behind that flush: samples of
    100-600 ms among 50 ms ones in two of three full runs. A real kiosk's
    commit does not compete with a benchmark's gigabyte.
    """
    sync = getattr(os, "sync", None)  # not on Windows
    if sync is not None:
        sync()


def _fmt(seconds: float, unit: str = "s") -> str:
    if unit != "s":  # a size (MB) or a count: shown as it is
        return f"{seconds:.1f} {unit}"
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def render(metrics: list[Metric], errors: list[str]) -> str:
    by_name = {m.name: m for m in metrics}
    rows = [("metric", "n", "median", "p95", "baseline", "ratio", "target")]
    for m in metrics:
        ratio = ""
        if m.baseline and m.baseline in by_name:
            ratio = f"{m.median / by_name[m.baseline].median:.2f}"
        rows.append((m.name, str(len(m.samples)), _fmt(m.median, m.unit), _fmt(m.p95, m.unit), m.baseline or "", ratio,
                     m.target))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"ERROR {e}" for e in errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the metrics as JSON to this file")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run that keeps the runner working")
    parser.add_argument("--size", choices=("small", "large"), default="small", help="demo database size for DB metrics")
    args = parser.parse_args(argv)
    metrics: list[Metric] = []
    errors: list[str] = []
    for name, collect in _collectors():
        _quiet_disk()
        try:
            metrics += collect(args.quick, args.size)
        except PartlyMeasured as part:
            metrics += part.metrics
            errors.append(f"{name}: {part.problem}")
        except Exception:  # a benchmark never fails the build; it reports
            errors.append(f"{name}: {traceback.format_exc(limit=3)}")
    print(f"machine: {platform.platform()}, python {platform.python_version()}, {platform.processor() or platform.machine()}")
    print(render(metrics, errors))
    if args.json:
        by_name = {m.name: m for m in metrics}
        payload = {
            "machine": platform.platform(),
            "python": platform.python_version(),
            "quick": args.quick,
            "metrics": {
                m.name: m.as_json(m.median / by_name[m.baseline].median if m.baseline in by_name else None)
                for m in metrics
            },
            "errors": errors,
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
