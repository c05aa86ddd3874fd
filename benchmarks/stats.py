"""Small statistics and the result record shared by every benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class Metric:
    name: str
    samples: list[float]
    unit: str = "s"
    baseline: str | None = None
    target: str = ""
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        if len(ordered) == 1:
            return ordered[0]
        # nearest-rank p95
        rank = max(1, int(round(0.95 * len(ordered) + 0.5)))
        return ordered[min(rank, len(ordered)) - 1]

    def as_json(self, ratio: float | None) -> dict[str, object]:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, n=len(self.samples), ratio_to_baseline=ratio)
        return data


class PartlyMeasured(Exception):  # noqa: N818 - it is an outcome, not only an error
    """A collector measured ``metrics`` before one part of it failed: keep those, report ``problem``."""

    def __init__(self, metrics: list[Metric], problem: str) -> None:
        super().__init__(problem)
        self.metrics = metrics
        self.problem = problem


def repeat(fn: Callable[[], object], n: int, warmup: int = 1) -> list[float]:
    """Time ``fn`` n times after ``warmup`` untimed calls (perf_counter, seconds)."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out
