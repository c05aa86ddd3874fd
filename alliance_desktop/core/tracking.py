"""Not-on-track colours for one episode (CLINICAL.md section 3, "Not on track").

Why a fixed, ordered, transparent rule instead of a fitted model: feedback only
helps when therapists trust and act on the alert (Lambert et al.'s OQ-45
signal system and its colour scheme are the model here), and a therapist trusts
an alert they can check by hand. So every session gets exactly one colour, the
id of the rule that produced it, and one sentence with the numbers.

The order is CLINICAL.md's, first match wins:

1. red    (T1) any risk item positive at t (e.g. PHQ-9 item 9 > 0; never averaged
               away), or the oriented change since intake is a reliable deterioration;
2. white  (T2) x_t is outside the clinical range;
3. green  (T3) the change since intake is a reliable improvement;
4. yellow (T4) session number t >= k (default 6) and none of the above;
5. grey   (T5) too early to tell.

"Reliable" uses ``ReliableChangeRule.is_reliable`` (|delta| >= fixed, or
|delta| > 1.96 * S_diff), and every comparison is tolerant to binary rounding
(see ``core/change.py``). Sessions with neither a score nor a risk flag (missed,
or too many items missing to score) produce no status: the chart shows a gap and
nothing is interpolated. A risk flag without a score still produces red, because
a risk item must never be lost for want of a total.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from alliance_desktop.core.change import (
    ClinicalRange,
    ReliableChangeRule,
    change_phrase,
    format_number,
    points,
)
from alliance_desktop.core.direction import Direction


class OutcomeObservation(NamedTuple):
    """One session of the outcome series. A plain ``(session, score, risk)`` tuple works too."""

    session: int
    score: float | None
    risk: bool = False
    #: what raised the risk flag, for the explanation (e.g. "PHQ-9 item 9 > 0")
    risk_note: str = ""


@dataclass(frozen=True, slots=True)
class TrackingRule:
    """Clinic-configurable part of the not-on-track rule: from which session yellow applies (k)."""

    yellow_from_session: int = 6

    def __post_init__(self) -> None:
        if self.yellow_from_session < 1:
            raise ValueError("yellow_from_session must be a session number >= 1")


class Colour(enum.StrEnum):
    RED = "red"
    WHITE = "white"
    GREEN = "green"
    YELLOW = "yellow"
    GREY = "grey"


class TrackingRuleId(enum.StrEnum):
    """Which rule produced a colour; stored with every alert (CLINICAL.md section 6)."""

    RISK = "T1-risk"
    DETERIORATION = "T1-reliable-deterioration"
    NONCLINICAL = "T2-outside-clinical-range"
    IMPROVEMENT = "T3-reliable-improvement"
    NOT_ON_TRACK = "T4-not-on-track"
    TOO_EARLY = "T5-too-early"


@dataclass(frozen=True, slots=True)
class TrackingStatus:
    """The colour of one session, the rule that produced it, and why, in one sentence."""

    session: int
    colour: Colour
    rule_id: TrackingRuleId
    explanation: str
    score: float | None
    intake: float | None
    #: x_t - intake, signed so that positive means better (None without a score)
    delta_oriented: float | None


def evaluate_session(
    session: int,
    score: float | None,
    risk: bool,
    intake: float | None,
    *,
    rule: TrackingRule,
    reliable_change: ReliableChangeRule,
    clinical_range: ClinicalRange,
    direction: Direction,
    label: str = "Score",
    risk_note: str = "",
    is_intake: bool = False,
) -> TrackingStatus:
    """Colour one session. ``intake`` is the episode's first observed score (None only without a score).

    ``is_intake`` marks the session that supplied the intake score, only to word
    the explanation; the rules themselves treat it like any other session (its
    change is 0, so it is white, yellow or grey).
    """
    return _evaluate(
        session, score, risk, intake, rule.yellow_from_session, reliable_change, clinical_range, direction,
        label, risk_note, is_intake, reliable_change.requirement(), clinical_range.describe(),
    )


def _evaluate(
    session: int,
    score: float | None,
    risk: bool,
    intake: float | None,
    k: int,
    reliable_change: ReliableChangeRule,
    clinical_range: ClinicalRange,
    direction: Direction,
    label: str,
    risk_note: str,
    is_intake: bool,
    need: str,
    rng: str,
) -> TrackingStatus:
    # The rule and range phrases are formatted once per course by the caller, not per session.
    if score is None:
        if not risk:
            raise ValueError(f"session {session} has neither a score nor a risk flag: nothing to evaluate")
        note = f" ({risk_note})" if risk_note else ""
        return TrackingStatus(
            session, Colour.RED, TrackingRuleId.RISK,
            f"Risk item positive at session {session}{note}, with no {label} this session: "
            "a risk flag is shown whatever the total and is never averaged away.",
            None, intake, None,
        )
    if intake is None:
        raise ValueError(f"session {session} has a score but no intake score")
    delta = direction.orient(score - intake)
    x = format_number(score)
    x1 = format_number(intake)
    if risk:
        note = f" ({risk_note})" if risk_note else ""
        return TrackingStatus(
            session, Colour.RED, TrackingRuleId.RISK,
            f"Risk item positive at session {session}{note}: a risk flag is shown whatever the total"
            f" ({label} {x}) and is never averaged away.",
            score, intake, delta,
        )
    reliable = reliable_change.is_reliable(delta)
    if reliable and delta < 0:
        return TrackingStatus(
            session, Colour.RED, TrackingRuleId.DETERIORATION,
            f"{label} {x} is {points(-delta)} worse than intake ({x1}); a change of {need} is reliable.",
            score, intake, delta,
        )
    if not clinical_range.is_clinical(score):
        return TrackingStatus(
            session, Colour.WHITE, TrackingRuleId.NONCLINICAL,
            f"{label} {x} is outside the clinical range ({rng}).",
            score, intake, delta,
        )
    if reliable:
        return TrackingStatus(
            session, Colour.GREEN, TrackingRuleId.IMPROVEMENT,
            f"{label} {x} is {points(delta)} better than intake ({x1}); a change of {need} is reliable.",
            score, intake, delta,
        )
    if is_intake:
        where = f"{label} {x} is the intake score (the episode's first) and in the clinical range ({rng})"
    else:
        where = (
            f"{label} {x} is {change_phrase(delta)} intake ({x1}), short of a reliable change ({need}),"
            f" and in the clinical range ({rng})"
        )
    if session >= k:
        return TrackingStatus(
            session, Colour.YELLOW, TrackingRuleId.NOT_ON_TRACK,
            f"{where}; from session {k} on this means not on track.",
            score, intake, delta,
        )
    return TrackingStatus(
        session, Colour.GREY, TrackingRuleId.TOO_EARLY,
        f"{where}; too early to tell before session {k}.",
        score, intake, delta,
    )


def track_outcome(
    observations: Iterable[OutcomeObservation | tuple],
    *,
    rule: TrackingRule,
    reliable_change: ReliableChangeRule,
    clinical_range: ClinicalRange,
    direction: Direction,
    label: str = "Score",
) -> tuple[TrackingStatus, ...]:
    """Colour every session of one episode that has a score or a risk flag, in session order.

    The intake is the first *observed* score, so a missed first session moves the
    intake to the next scored one. Each status depends only on that session and
    the intake, never on later sessions: adding a session cannot recolour an
    earlier one. Session numbers must be strictly increasing (ValueError otherwise).
    """
    out: list[TrackingStatus] = []
    intake: float | None = None
    last = 0
    k = rule.yellow_from_session
    need = reliable_change.requirement()
    rng = clinical_range.describe()
    for obs in observations:
        if type(obs) is not OutcomeObservation:
            obs = OutcomeObservation(*obs)
        t, x, risk, note = obs
        if t <= last:
            raise ValueError(f"sessions must be strictly increasing and >= 1; got {t} after {last}")
        last = t
        first = False
        if x is not None:
            if not math.isfinite(x):
                raise ValueError(f"session {t}: score must be a finite number; got {x!r}")
            if intake is None:
                intake = x
                first = True
        elif not risk:
            continue
        out.append(
            _evaluate(
                t, x, bool(risk), intake, k, reliable_change, clinical_range, direction,
                label, note, first, need, rng,
            )
        )
    return tuple(out)
