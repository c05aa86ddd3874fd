"""Reliable and clinically significant change (CLINICAL.md section 3).

Why this module exists: a therapist is told "this client got reliably worse" or
"recovered" only if the statement would survive a methods reviewer. So the
numbers follow Jacobson & Truax (1991, J Consult Clin Psychol 59(1), 12-19)
exactly, and every threshold is *handed in* by the instrument definition or the
clinic's settings (``ReliableChangeRule``, ``ClinicalRange``) instead of living
here as a constant. The one number that does live here is 1.96, because it *is*
the Jacobson & Truax criterion (two-sided 5 %), not an instrument parameter.

Boundaries and floating point
-----------------------------
CLINICAL.md states every boundary explicitly and they differ on purpose:

* a fixed published reliable-change value is "at least": ``|delta| >= fixed``;
* the formula criterion is strict: ``|RC| > 1.96``, i.e. ``|delta| > 1.96 * S_diff``;
* a clinical range is an inequality that includes or excludes its boundary
  (PHQ-9 ``>= 10``, SRS ``< 36``).

Scores are sums of decimal answers (SRS items are millimetres / 10), and binary
floating point cannot hold most decimals: ``35.3 - 29.3 == 6.000000000000002``
and four SRS items of 9.1, 9.0, 9.0, 8.9 can sum to 35.99999999999999. A naive
comparison would then call a drop of exactly 6 "not 6 or more", or flag a total
of 36 as "< 36". All comparisons in the clinical rules therefore go through the
four helpers below, which treat two numbers within ``EPSILON`` (1e-9) of each
other as equal. 1e-9 is far above the rounding error of adding a few dozen
scores of magnitude <= 1000 (about 1e-13) and far below any instrument's
resolution (0.1 at the finest), so it never merges two values a clinician could
tell apart. Inclusive bounds gain the tolerance, strict bounds lose it.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Literal

from alliance_desktop.core.direction import Direction

#: Two scores within this distance are the same score (see the module docstring).
EPSILON = 1e-9

#: Jacobson & Truax (1991): a change is reliable when |RC| exceeds 1.96 (p < .05, two-sided).
RELIABLE_Z = 1.96

Op = Literal["<", "<=", ">", ">="]
_OP_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


# -- tolerant comparisons --------------------------------------------------------------


def at_least(value: float, bound: float) -> bool:
    """``value >= bound``, counting a value within EPSILON below the bound as reaching it."""
    return value >= bound - EPSILON


def at_most(value: float, bound: float) -> bool:
    """``value <= bound``, counting a value within EPSILON above the bound as reaching it."""
    return value <= bound + EPSILON


def greater(value: float, bound: float) -> bool:
    """``value > bound`` by more than EPSILON (a value equal to the bound does not pass)."""
    return value > bound + EPSILON


def less(value: float, bound: float) -> bool:
    """``value < bound`` by more than EPSILON (a value equal to the bound does not pass)."""
    return value < bound - EPSILON


# -- formatting shared by every explanation --------------------------------------------


def format_number(x: float) -> str:
    """A score as a therapist reads it: at most two decimals, no trailing zeros, no "-0"."""
    # Formatting once and trimming is several times faster than round() + checks, and the
    # caseload formats a few hundred numbers per client (see benchmarks, core.course_analysis_s).
    text = f"{x:.2f}"
    if text.endswith(".00"):
        text = text[:-3]
        return "0" if text == "-0" else text
    return text[:-1] if text.endswith("0") else text


def points(amount: float) -> str:
    """``"7 points"``, ``"1 point"``, ``"2.5 points"`` (amount taken as given, usually positive)."""
    text = format_number(amount)
    return f"{text} point" if text == "1" else f"{text} points"


def change_phrase(delta_oriented: float) -> str:
    """``"7 points better than"`` / ``"2 points worse than"`` / ``"the same as"``."""
    if not greater(abs(delta_oriented), 0.0):
        return "the same as"
    word = "better" if delta_oriented > 0 else "worse"
    return f"{points(abs(delta_oriented))} {word} than"


# -- parameters the definition layer fills ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ClinicalRange:
    """The clinical (or alliance-flag) range as an explicit inequality ``score op value``.

    CLINICAL.md: "each definition gives its clinical range as an inequality that
    includes or excludes the boundary explicitly" (PHQ-9 ``>= 10``, GAD-7 ``>= 8``,
    ORS ``< 25``, SRS flag ``< 36``). The comparison is tolerant (see module docstring).
    """

    op: Op
    value: float

    def __post_init__(self) -> None:
        if self.op not in _OP_SYMBOL:
            raise ValueError(f"clinical range operator must be one of <, <=, >, >=; got {self.op!r}")
        if not math.isfinite(self.value):
            raise ValueError(f"clinical range boundary must be a finite number; got {self.value!r}")

    def is_clinical(self, x: float) -> bool:
        op = self.op
        if op == ">=":
            return x >= self.value - EPSILON
        if op == "<":
            return x < self.value - EPSILON
        if op == ">":
            return x > self.value + EPSILON
        return x <= self.value + EPSILON

    def describe(self) -> str:
        """``"≥ 10"``, ``"< 36"``: the inequality as shown to a therapist."""
        return f"{_OP_SYMBOL[self.op]} {format_number(self.value)}"

    def mirrored(self) -> ClinicalRange:
        """The same range on the scale ``x -> -x`` (``>= 10`` becomes ``<= -10``)."""
        flipped: dict[str, Op] = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
        return ClinicalRange(flipped[self.op], -self.value)


@dataclass(frozen=True, slots=True)
class ReliableChangeRule:
    """Minimum reliable raw change: a published fixed value, or Jacobson & Truax from SD and r.

    ``fixed`` wins when given (CLINICAL.md: "Definitions may give a fixed published
    value instead"); otherwise ``sd`` (of the normative/clinical sample) and
    ``reliability`` r give SE = SD * sqrt(1 - r), S_diff = sqrt(2) * SE and the
    minimum reliable raw change 1.96 * S_diff. ``source`` and ``method`` are what
    reports print, so a reader can see which criterion was used. ``check`` marks
    values CLINICAL.md flags "(check)": configurable defaults the UI must say so about.
    """

    fixed: float | None = None
    sd: float | None = None
    reliability: float | None = None
    source: str = ""
    check: bool = False
    _threshold: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.fixed is not None:
            if not (math.isfinite(self.fixed) and self.fixed > 0):
                raise ValueError(f"fixed reliable change must be a positive number; got {self.fixed!r}")
            threshold = float(self.fixed)
        else:
            if self.sd is None or self.reliability is None:
                raise ValueError("reliable change needs either a fixed value or both SD and reliability")
            if not (math.isfinite(self.sd) and self.sd > 0):
                raise ValueError(f"SD must be a positive number; got {self.sd!r}")
            if not (0 <= self.reliability < 1):
                raise ValueError(f"reliability must be in [0, 1); got {self.reliability!r}")
            threshold = RELIABLE_Z * math.sqrt(2.0) * self.sd * math.sqrt(1.0 - self.reliability)
        object.__setattr__(self, "_threshold", threshold)

    @property
    def kind(self) -> Literal["fixed", "jacobson_truax"]:
        return "fixed" if self.fixed is not None else "jacobson_truax"

    @property
    def s_diff(self) -> float | None:
        """sqrt(2) * SD * sqrt(1 - r) when SD and r are given, else None (a fixed value has none)."""
        if self.sd is None or self.reliability is None:
            return None
        return math.sqrt(2.0) * self.sd * math.sqrt(1.0 - self.reliability)

    @property
    def threshold(self) -> float:
        """The minimum reliable raw change (the fixed value, or 1.96 * S_diff)."""
        return self._threshold

    @property
    def inclusive(self) -> bool:
        """True when a change equal to the threshold counts (fixed: "at least"); False for |RC| > 1.96."""
        return self.fixed is not None

    def is_reliable(self, delta: float) -> bool:
        """Whether a raw change of ``delta`` (either sign) is reliable, with the boundary CLINICAL.md states."""
        size = abs(delta)
        if self.fixed is not None:
            return size >= self._threshold - EPSILON
        return size > self._threshold + EPSILON

    def requirement(self) -> str:
        """``"6 or more"`` (fixed) / ``"more than 5.43"`` (formula): the size a change needs."""
        value = format_number(self._threshold)
        return f"{value} or more" if self.fixed is not None else f"more than {value}"

    @property
    def method(self) -> str:
        """One line for reports: which criterion, its inputs and its source."""
        src = f" ({self.source})" if self.source else ""
        chk = ", configurable default (check)" if self.check else ""
        if self.fixed is not None:
            return f"fixed published value {format_number(self._threshold)}{src}{chk}"
        return (
            f"Jacobson & Truax 1991: 1.96 × √2 × SD {self.sd:g} × √(1 − r {self.reliability:g})"
            f" = {format_number(self._threshold)}{src}{chk}"
        )


def rci(x_intake: float, x_now: float, rule: ReliableChangeRule, direction: Direction) -> float | None:
    """Jacobson & Truax reliable change index RC = (x_now - x_intake) / S_diff, oriented so + is better.

    None when the rule is a fixed published value: without SD and r there is no
    S_diff, and inventing one (fixed / 1.96) would pass off a convention as data.
    """
    s_diff = rule.s_diff
    if s_diff is None:
        return None
    return direction.orient(x_now - x_intake) / s_diff


# -- clinical significance -------------------------------------------------------------


def jacobson_truax_cutoff(m_clin: float, sd_clin: float, m_norm: float, sd_norm: float) -> float:
    """Cutoff c = (SD_clin * M_norm + SD_norm * M_clin) / (SD_clin + SD_norm) (Jacobson & Truax 1991).

    The point between the two distributions weighted by their spreads: a score
    past c is more likely to come from the functional than the clinical population.
    """
    if sd_clin <= 0 or sd_norm <= 0:
        raise ValueError("both SDs must be positive")
    return (sd_clin * m_norm + sd_norm * m_clin) / (sd_clin + sd_norm)


@dataclass(frozen=True, slots=True)
class JacobsonTruaxCutoffs:
    """The three Jacobson & Truax cutoffs on the instrument's raw scale.

    a: 2 SD beyond the clinical mean, toward functioning; b: within 2 SD of the
    normal mean (its far edge on the clinical side); c: the weighted midpoint.
    """

    a: float
    b: float
    c: float


def jacobson_truax_cutoffs(
    m_clin: float, sd_clin: float, m_norm: float, sd_norm: float, direction: Direction
) -> JacobsonTruaxCutoffs:
    """a, b and c for a scale of the given direction (a and b move toward "better")."""
    c = jacobson_truax_cutoff(m_clin, sd_clin, m_norm, sd_norm)
    sign = direction.sign
    return JacobsonTruaxCutoffs(a=m_clin + sign * 2 * sd_clin, b=m_norm - sign * 2 * sd_norm, c=c)


class ChangeClass(enum.StrEnum):
    """Jacobson & Truax outcome classes, as CLINICAL.md section 3 names them."""

    RECOVERED = "recovered"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """Change from intake to now, its class and a sentence a therapist can check by hand."""

    intake: float
    now: float
    delta_oriented: float
    rc: float | None
    reliable: bool
    change_class: ChangeClass
    intake_clinical: bool
    now_clinical: bool
    intake_nonclinical_warning: bool
    threshold: float
    reliable_change_method: str
    explanation: str


def classify_change(
    intake: float,
    now: float,
    rule: ReliableChangeRule,
    clinical_range: ClinicalRange,
    direction: Direction,
    *,
    label: str = "Score",
) -> ChangeResult:
    """Classify intake -> now as recovered / improved / unchanged / deteriorated.

    Recovered needs both Jacobson & Truax criteria: a reliable improvement *and*
    moving from inside to outside the clinical range ("crossed the cutoff"). A
    client whose intake was already outside the clinical range cannot recover in
    this sense; they are at most "improved" and the result carries a warning
    (CLINICAL.md: "Warn when the intake score is already on the healthy side").
    """
    delta = direction.orient(now - intake)
    reliable = rule.is_reliable(delta)
    intake_clinical = clinical_range.is_clinical(intake)
    now_clinical = clinical_range.is_clinical(now)
    head = f"{label} went from {format_number(intake)} at intake to {format_number(now)}"
    if greater(delta, 0.0):
        moved = f"{points(delta)} better"
    elif less(delta, 0.0):
        moved = f"{points(-delta)} worse"
    else:
        moved = "no change"
    need = f"a change of {rule.requirement()} is reliable"
    rng = clinical_range.describe()
    if not reliable:
        cls = ChangeClass.UNCHANGED
        body = f"{head}, {moved}, less than a reliable change ({rule.requirement()}): unchanged"
    elif delta < 0:
        cls = ChangeClass.DETERIORATED
        body = f"{head}, {moved}; {need}: deteriorated"
    elif intake_clinical and not now_clinical:
        cls = ChangeClass.RECOVERED
        body = f"{head}, {moved}; {need} and {format_number(now)} is outside the clinical range ({rng}): recovered"
    else:
        cls = ChangeClass.IMPROVED
        if intake_clinical:
            body = f"{head}, {moved}; {need}, but {format_number(now)} is still in the clinical range ({rng}): improved"
        else:
            body = f"{head}, {moved}; {need}: improved"
    if not intake_clinical:
        body += f" (note: intake {format_number(intake)} was already outside the clinical range {rng})"
    return ChangeResult(
        intake=intake,
        now=now,
        delta_oriented=delta,
        rc=rci(intake, now, rule, direction),
        reliable=reliable,
        change_class=cls,
        intake_clinical=intake_clinical,
        now_clinical=now_clinical,
        intake_nonclinical_warning=not intake_clinical,
        threshold=rule.threshold,
        reliable_change_method=rule.method,
        explanation=body + ".",
    )
