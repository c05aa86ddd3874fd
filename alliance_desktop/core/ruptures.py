"""Alliance ruptures R1-R4 and their repair (CLINICAL.md section 4).

Why these rules: ruptures that are noticed and repaired go with better outcome
(Eubanks, Muran & Safran 2018, meta-analysis, r ~ .29) and unrepaired ones with
worse (McLaughlin et al. 2014), but the research definitions differ. We show all
of them side by side, each tagged with its rule id, instead of one opaque score:

* R1 below cutoff: the total is in the instrument's flag range (SRS < 36).
* R2 sharp drop against the client's own history: expanding mean m_t of the
  earlier observed totals, spread s = max(sample SD of those totals, reference
  SD) -- the stricter of within- and between-client variability (Gumz et al.
  2012). a_t <= m_t - 2s is a *probable* rupture (strict, Stiles-type),
  otherwise a_t <= m_t - 1s a *possible* one (lenient, Strauss-type). Only with
  at least 4 earlier totals (a mean of fewer is noise) and only when a_t is
  below the ceiling (a client who always rates 40/40 and then 39 has not
  ruptured; ceiling effects would otherwise turn noise into alerts).
* R3 reliable drop: the most recent earlier observed total minus a_t is at
  least the instrument's reliable-change value.
* R4 self-report: the client said yes to the direct rupture question.

No look-ahead: everything at session t uses sessions before t only (an
expanding mean, never a centred or whole-course one), so a flag once shown never
changes when later data arrive. Only the *repair status* of an event changes
over time (pending -> repaired / unrepaired), which is its purpose.

Thresholds compare tolerantly (``core/change.py``): a drop exactly at the
reliable-change value or exactly at m_t - 2s counts, despite binary rounding.
Alliance is higher-is-better on every instrument we know, so a drop is
``earlier - a_t``; scale ranges come from ``RuptureRule``, never from here.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from alliance_desktop.core.change import EPSILON, ClinicalRange, format_number, points


class AllianceObservation(NamedTuple):
    """One session of the alliance series. A plain ``(session, total, self_report)`` tuple works too."""

    session: int
    #: the alliance total, None for a missed session (or one too incomplete to score)
    total: float | None
    #: answer to the rupture question: True = yes, False = no, None = not asked / not answered
    self_reported_rupture: bool | None = None


@dataclass(frozen=True, slots=True)
class RuptureRule:
    """Instrument/clinic parameters of the rupture rules; the definition layer fills them.

    ``ceiling``: R2 is only evaluated when a_t is strictly below it (default in
    the definitions: 95 % of the maximum, see ``ceiling_from_range``).
    ``reference_sd``: the instrument's or clinic's typical session-to-session SD.
    ``reliable_change``: minimum drop that counts for R3 ("at least").
    """

    flag_range: ClinicalRange
    ceiling: float
    reference_sd: float
    reliable_change: float
    min_prior_for_sharp_drop: int = 4
    repair_window: int = 3
    strict_k: float = 2.0
    lenient_k: float = 1.0

    def __post_init__(self) -> None:
        # A zero spread would make "a_t <= m_t - 0" fire on every non-rise: refuse it.
        if not (math.isfinite(self.reference_sd) and self.reference_sd > 0):
            raise ValueError(f"reference_sd must be positive; got {self.reference_sd!r}")
        if not (math.isfinite(self.reliable_change) and self.reliable_change > 0):
            raise ValueError(f"reliable_change must be positive; got {self.reliable_change!r}")
        if not math.isfinite(self.ceiling):
            raise ValueError(f"ceiling must be a finite number; got {self.ceiling!r}")
        if self.min_prior_for_sharp_drop < 1:
            raise ValueError("min_prior_for_sharp_drop must be at least 1")
        if self.repair_window < 1:
            raise ValueError("repair_window must be at least 1 session")
        if not (0 < self.lenient_k <= self.strict_k):
            raise ValueError("need 0 < lenient_k <= strict_k")


def ceiling_from_range(minimum: float, maximum: float, fraction: float = 0.95) -> float:
    """Default R2 ceiling: ``fraction`` of the way from the scale minimum to its maximum.

    On a scale starting at 0 this is CLINICAL.md's "95 % of the maximum" (38 on
    0-40); on a scale such as -3..+3 it stays inside the scale.
    """
    return minimum + fraction * (maximum - minimum)


class RuptureRuleId(enum.StrEnum):
    BELOW_CUTOFF = "R1"
    SHARP_DROP = "R2"
    RELIABLE_DROP = "R3"
    SELF_REPORT = "R4"


class Severity(enum.StrEnum):
    PROBABLE = "probable"
    POSSIBLE = "possible"


class RepairStatus(enum.StrEnum):
    PENDING = "pending"
    REPAIRED = "repaired"
    UNREPAIRED = "unrepaired"


@dataclass(frozen=True, slots=True)
class ExpandingStat:
    """Session t against the client's own earlier observed totals (no look-ahead)."""

    session: int
    total: float | None
    #: number of observed totals before t
    prior_n: int
    prior_mean: float | None
    #: sample SD (n - 1) of the earlier totals; None with fewer than two
    prior_sd: float | None
    previous_session: int | None
    previous_total: float | None

    @property
    def deviation(self) -> float | None:
        """a_t - m_t: the within-client view shown next to the clinic-level cutoff."""
        if self.total is None or self.prior_mean is None:
            return None
        return self.total - self.prior_mean


@dataclass(frozen=True, slots=True)
class RuptureFlag:
    rule_id: RuptureRuleId
    explanation: str
    #: R2 only: True when the strict m_t - strict_k*s criterion fired (probable)
    strict: bool = False


@dataclass(frozen=True, slots=True)
class RuptureEvent:
    """One rupture event per session, listing every rule that fired, and its repair so far."""

    session: int
    total: float | None
    flags: tuple[RuptureFlag, ...]
    severity: Severity
    #: the level a later total must reach to count as repair: m_t, or the cutoff boundary
    reference_level: float
    reference_kind: Literal["expanding_mean", "cutoff"]
    repair: RepairStatus
    repaired_at: int | None
    #: the observed sessions after t looked at for repair (at most repair_window)
    followed_by: tuple[int, ...]
    repair_explanation: str

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id.value for f in self.flags)

    @property
    def explanation(self) -> str:
        return " ".join(f"{f.rule_id.value}: {f.explanation}" for f in self.flags)


def _normalise(series: Iterable[AllianceObservation | tuple]) -> list[AllianceObservation]:
    out: list[AllianceObservation] = []
    last = 0
    for obs in series:
        if type(obs) is not AllianceObservation:
            obs = AllianceObservation(*obs)
        t, a = obs[0], obs[1]
        if t <= last:
            raise ValueError(f"sessions must be strictly increasing and >= 1; got {t} after {last}")
        if a is not None and not math.isfinite(a):
            raise ValueError(f"session {t}: total must be a finite number; got {a!r}")
        last = t
        out.append(obs)
    return out


def _stats(series: Sequence[AllianceObservation]) -> tuple[ExpandingStat, ...]:
    # Mean as sum / n (exact for integer totals); M2 by Welford's update, which is
    # exact algebra for any mean and stays 0.0 for a constant series.
    out = []
    n = 0
    total_sum = 0.0
    mean = 0.0
    m2 = 0.0
    prev_s: int | None = None
    prev_a: float | None = None
    for t, a, _ in series:
        out.append(
            ExpandingStat(
                t, a, n,
                mean if n else None,
                math.sqrt(m2 / (n - 1)) if n >= 2 else None,
                prev_s, prev_a,
            )
        )
        if a is not None:
            n += 1
            total_sum += a
            new_mean = total_sum / n
            m2 += (a - mean) * (a - new_mean) if n > 1 else 0.0
            mean = new_mean
            prev_s, prev_a = t, a
    return tuple(out)


def expanding_stats(series: Iterable[AllianceObservation | tuple]) -> tuple[ExpandingStat, ...]:
    """One entry per input session with the mean / SD of the earlier observed totals (chart: mean ± 1 SD)."""
    return _stats(_normalise(series))


def within_client_deviation(series: Iterable[AllianceObservation | tuple]) -> list[tuple[int, float | None]]:
    """(session, a_t - m_t) for every session; None when t is missed or has no earlier total."""
    return [(s.session, s.deviation) for s in _stats(_normalise(series))]


def _flags(obs: AllianceObservation, st: ExpandingStat, rule: RuptureRule, label: str) -> tuple[RuptureFlag, ...]:
    flags: list[RuptureFlag] = []
    a = obs[1]
    if a is not None:
        ax = format_number(a)
        if rule.flag_range.is_clinical(a):
            flags.append(RuptureFlag(
                RuptureRuleId.BELOW_CUTOFF,
                f"{label} {ax} is in the flag range ({rule.flag_range.describe()}).",
            ))
        m = st.prior_mean
        if m is not None and st.prior_n >= rule.min_prior_for_sharp_drop and a < rule.ceiling - EPSILON:
            sw = st.prior_sd if st.prior_sd is not None else 0.0
            ref = rule.reference_sd
            s = sw if sw > ref else ref
            drop = m - a
            strict: bool | None
            k = 0.0
            sev = ""
            if drop >= rule.strict_k * s - EPSILON:
                strict, k, sev = True, rule.strict_k, "probable"
            elif drop >= rule.lenient_k * s - EPSILON:
                strict, k, sev = False, rule.lenient_k, "possible"
            else:
                strict = None
            if strict is not None:
                flags.append(RuptureFlag(
                    RuptureRuleId.SHARP_DROP,
                    f"{label} {ax} is {points(drop)} below this client's mean of the {st.prior_n} earlier"
                    f" sessions ({format_number(m)}), at least {format_number(k)} SD = {format_number(k * s)}"
                    f" (SD {format_number(s)}, the larger of the client's own {format_number(sw)} and the"
                    f" reference {format_number(ref)}): {sev} rupture.",
                    strict=strict,
                ))
        p = st.previous_total
        if p is not None and p - a >= rule.reliable_change - EPSILON:
            flags.append(RuptureFlag(
                RuptureRuleId.RELIABLE_DROP,
                f"{label} {ax} is {points(p - a)} below the previous total ({format_number(p)} at session"
                f" {st.previous_session}); a drop of {format_number(rule.reliable_change)} or more is reliable.",
            ))
    if obs[2]:
        flags.append(RuptureFlag(
            RuptureRuleId.SELF_REPORT,
            "The client answered yes to the rupture question (a moment of feeling misunderstood"
            " or at odds with the therapist).",
        ))
    return tuple(flags)


def _detect(
    series: Sequence[AllianceObservation], stats: Sequence[ExpandingStat], rule: RuptureRule, label: str
) -> tuple[RuptureEvent, ...]:
    observed = [(o[0], o[1]) for o in series if o[1] is not None]
    events: list[RuptureEvent] = []
    nxt = 0  # index into observed of the first observed session after t
    window = rule.repair_window
    for obs, st in zip(series, stats, strict=True):
        t = obs[0]
        while nxt < len(observed) and observed[nxt][0] <= t:
            nxt += 1
        flags = _flags(obs, st, rule, label)
        if not flags:
            continue
        severity = Severity.PROBABLE if any(f.strict for f in flags) else Severity.POSSIBLE
        after = observed[nxt : nxt + window]
        if st.prior_mean is not None:
            level, kind = st.prior_mean, "expanding_mean"
            target = f"the client's earlier mean ({format_number(level)})"
            ok, stayed, none = f"reached {target}", f"stayed below {target}", f"none reaching {target}"
            reached = [x >= level - EPSILON for _, x in after]
        else:
            # No earlier total: L is the cutoff boundary, and repair means leaving the
            # flag range. For the usual "< cutoff" range that is exactly "total >= L";
            # for a "<=" range the boundary itself is still flagged, so it does not count.
            level, kind = rule.flag_range.value, "cutoff"
            rng = f"the flag range ({rule.flag_range.describe()})"
            ok, stayed, none = f"left {rng}", f"stayed in {rng}", f"none out of {rng}"
            reached = [not rule.flag_range.is_clinical(x) for _, x in after]
        sessions = tuple(s for s, _ in after)
        if True in reached:
            i = reached.index(True)
            status, at = RepairStatus.REPAIRED, after[i][0]
            sessions = sessions[: i + 1]
            text = (
                f"Repaired at session {at}: {label} {format_number(after[i][1])} {ok}"
                f" within {i + 1} observed session{'s' if i else ''}."
            )
        elif len(after) == window:
            status, at = RepairStatus.UNREPAIRED, None
            totals = ", ".join(format_number(x) for _, x in after)
            which = f"next {window} observed totals ({totals}) all" if window > 1 else f"next observed total ({totals})"
            text = f"Unrepaired: the {which} {stayed}."
        else:
            status, at = RepairStatus.PENDING, None
            text = f"Repair pending: {len(after)} of the next {window} observed sessions so far, {none}."
        events.append(RuptureEvent(t, obs[1], flags, severity, level, kind, status, at, sessions, text))
    return tuple(events)


def detect_ruptures(
    series: Iterable[AllianceObservation | tuple], rule: RuptureRule, *, label: str = "Alliance total"
) -> tuple[RuptureEvent, ...]:
    """Rupture events of one episode, in session order (only sessions where a rule fired).

    ``series`` holds every session of the episode in order, missed ones with
    total None. R4 may fire on a session without a total (the question was
    answered but the alliance items were not); such a session never enters the
    expanding mean and is never counted as an observed session for repair.
    """
    obs = _normalise(series)
    return _detect(obs, _stats(obs), rule, label)


def analyse_alliance(
    series: Iterable[AllianceObservation | tuple], rule: RuptureRule, *, label: str = "Alliance total"
) -> tuple[tuple[ExpandingStat, ...], tuple[RuptureEvent, ...]]:
    """Expanding statistics and rupture events in one pass over the series (for the course façade)."""
    obs = _normalise(series)
    stats = _stats(obs)
    return stats, _detect(obs, stats, rule, label)
