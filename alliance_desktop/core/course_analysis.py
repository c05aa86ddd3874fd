"""One call that turns a client's course into everything the course view and the PDF show.

Why a façade: the chart, the caseload colour and the report must agree with
each other, so they all read one frozen ``CourseAnalysis`` computed by the same
rules (ruptures, reliable/clinically significant change, not-on-track) from the
same series, instead of each screen recomputing its own piece. It stays pure
Python and small on purpose: the caseload computes it for every active client,
and ``benchmarks`` (``core.course_analysis_s``) holds it to well under 1 ms for
a 24-session course.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from alliance_desktop.core.change import ChangeResult, ClinicalRange, ReliableChangeRule, classify_change
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.ruptures import (
    AllianceObservation,
    ExpandingStat,
    RepairStatus,
    RuptureEvent,
    RuptureRule,
    analyse_alliance,
)
from alliance_desktop.core.tracking import OutcomeObservation, TrackingRule, TrackingStatus, track_outcome

_DEFAULT_TRACKING = TrackingRule()


@dataclass(frozen=True, slots=True)
class CourseAnalysis:
    """Everything derived from one course; nothing in it looks ahead of the session it describes."""

    #: one entry per alliance session: earlier mean / SD (running mean ± 1 SD) and a_t - m_t
    alliance_stats: tuple[ExpandingStat, ...]
    ruptures: tuple[RuptureEvent, ...]
    #: one colour per outcome session that has a score or a risk flag
    tracking: tuple[TrackingStatus, ...]
    #: intake (first observed) vs latest observed outcome score; None with fewer than two scores
    change: ChangeResult | None
    #: mean of the observed alliance totals of sessions 1..early_sessions (the early-alliance reference line)
    early_alliance_mean: float | None

    @property
    def latest_status(self) -> TrackingStatus | None:
        return self.tracking[-1] if self.tracking else None

    @property
    def deviations(self) -> tuple[tuple[int, float | None], ...]:
        """(session, a_t - m_t): the within-client view next to the cutoff."""
        return tuple((s.session, s.deviation) for s in self.alliance_stats)

    @property
    def open_ruptures(self) -> tuple[RuptureEvent, ...]:
        """Ruptures not (yet) repaired: pending or unrepaired."""
        return tuple(e for e in self.ruptures if e.repair is not RepairStatus.REPAIRED)


def analyse_course(
    alliance: Iterable[AllianceObservation | tuple],
    outcome: Iterable[OutcomeObservation | tuple],
    *,
    rupture_rule: RuptureRule,
    outcome_direction: Direction,
    outcome_range: ClinicalRange,
    outcome_reliable_change: ReliableChangeRule,
    tracking_rule: TrackingRule = _DEFAULT_TRACKING,
    alliance_label: str = "Alliance total",
    outcome_label: str = "Score",
    early_sessions: int = 4,
) -> CourseAnalysis:
    """Ruptures, change and not-on-track colours for one course (sessions in order, missed ones as None)."""
    stats, ruptures = analyse_alliance(alliance, rupture_rule, label=alliance_label)
    tracking = track_outcome(
        outcome,
        rule=tracking_rule,
        reliable_change=outcome_reliable_change,
        clinical_range=outcome_range,
        direction=outcome_direction,
        label=outcome_label,
    )
    scored = [s for s in tracking if s.score is not None]
    change = None
    if len(scored) >= 2:
        change = classify_change(
            scored[0].score,  # type: ignore[arg-type]  # filtered above
            scored[-1].score,  # type: ignore[arg-type]
            outcome_reliable_change,
            outcome_range,
            outcome_direction,
            label=outcome_label,
        )
    early = [s.total for s in stats if s.total is not None and s.session <= early_sessions]
    return CourseAnalysis(
        alliance_stats=stats,
        ruptures=ruptures,
        tracking=tracking,
        change=change,
        early_alliance_mean=sum(early) / len(early) if early else None,  # type: ignore[arg-type]
    )
