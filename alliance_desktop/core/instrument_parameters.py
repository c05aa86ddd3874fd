"""The clinical parameters of an instrument: cutoffs, bands, reliable change, item rules.

Each carries its source and a ``check`` flag (a configurable default the UI and
PDF footer must say so about; CLINICAL.md marks these "(check)"). The
comparisons themselves are the tolerant ones of core/change.py, so a cutoff
here and a clinical range there can never disagree about a boundary.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from alliance_desktop.core.change import ClinicalRange, ReliableChangeRule

Op = Literal["<", "<=", ">", ">="]
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True, slots=True)
class AgeBand:
    """Inclusive age range in whole years; an open end is ``None``."""

    min: int | None = None
    max: int | None = None

    def contains(self, age: int) -> bool:
        return (self.min is None or age >= self.min) and (self.max is None or age <= self.max)

    def __str__(self) -> str:
        if self.max is None:
            return f"ages {self.min}+"
        return f"ages {self.min or 0}-{self.max}"


@dataclass(frozen=True, slots=True)
class Cutoff:
    """The clinical (or alliance-flag) range as an explicit inequality: ``score op value``."""

    scale: str
    op: Op
    value: float
    label: str
    source: str
    age: AgeBand | None = None
    when_age_unknown: bool = False
    check: bool = False

    @property
    def clinical_range(self) -> ClinicalRange:
        return ClinicalRange(self.op, self.value)

    def is_clinical(self, score: float) -> bool:
        """Whether ``score`` lies in the range (tolerant comparison, see core/change.py)."""
        return self.clinical_range.is_clinical(score)

    @property
    def rule(self) -> str:
        return f"{self.scale} {self.op} {self.value:g}"


@dataclass(frozen=True, slots=True)
class Band:
    """A severity band: scores from ``min`` up to the next band's ``min`` (exclusive)."""

    scale: str
    min: float
    label: str


@dataclass(frozen=True, slots=True)
class ReliableChange:
    """Minimum reliable raw change of one scale: a published fixed value, or SD + reliability.

    The arithmetic and its boundaries (fixed: "at least"; formula: strictly more
    than 1.96 x S_diff) live in core/change.py's ReliableChangeRule; this adds
    which scale the value belongs to.
    """

    scale: str
    source: str
    fixed: float | None = None
    sd: float | None = None
    reliability: float | None = None
    check: bool = False

    @property
    def rule(self) -> ReliableChangeRule:
        return ReliableChangeRule(
            fixed=self.fixed, sd=self.sd, reliability=self.reliability, source=self.source, check=self.check
        )

    def threshold(self) -> float:
        return self.rule.threshold

    @property
    def s_diff(self) -> float | None:
        return self.rule.s_diff

    @property
    def method(self) -> str:
        return self.rule.method


@dataclass(frozen=True, slots=True)
class ItemRule:
    """An item answer that raises a flag on its own (``answer op value``), whatever the total.

    ``value`` is in raw answer units as stored: the option value, or millimetres
    for a visual analogue line.
    """

    item_id: str
    op: Op
    value: float
    explanation: str

    def fires(self, answer: float) -> bool:
        return OPS[self.op](answer, self.value)


#: Risk items (e.g. PHQ-9 item 9 > 0) are item rules; so are rupture self-report items.
RiskItem = ItemRule


@dataclass(frozen=True, slots=True)
class SourcedValue:
    value: float
    source: str
    check: bool = False


@dataclass(frozen=True, slots=True)
class Licence:
    id: str
    holder: str
    terms: str
    attribution: str
