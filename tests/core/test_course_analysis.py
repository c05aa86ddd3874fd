"""The course façade: ruptures + change + not-on-track for one course, as one frozen result.

Parameters: alliance SRS-like (flag < 36, ceiling 38, reference SD 1.5, reliable drop 5);
outcome PHQ-9 (lower is better, clinical >= 10, reliable change 6, yellow from session 6)
or ORS (higher is better, clinical < 25, reliable change 5).
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core.change import ChangeClass, ClinicalRange, ReliableChangeRule
from alliance_desktop.core.course_analysis import CourseAnalysis, analyse_course
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.ruptures import RepairStatus, RuptureRule, Severity, detect_ruptures, within_client_deviation
from alliance_desktop.core.tracking import Colour, TrackingRule, track_outcome

SRS = RuptureRule(ClinicalRange("<", 36), ceiling=38, reference_sd=1.5, reliable_change=5)
PHQ9 = dict(
    outcome_direction=Direction.LOWER_IS_BETTER,
    outcome_range=ClinicalRange(">=", 10),
    outcome_reliable_change=ReliableChangeRule(fixed=6, source="Kroenke et al. 2001"),
    outcome_label="PHQ-9 total",
)
ORS = dict(
    outcome_direction=Direction.HIGHER_IS_BETTER,
    outcome_range=ClinicalRange("<", 25),
    outcome_reliable_change=ReliableChangeRule(fixed=5),
    outcome_label="ORS total",
)


def analyse(alliance, outcome, params=PHQ9, **kw) -> CourseAnalysis:
    return analyse_course(alliance, outcome, rupture_rule=SRS, alliance_label="SRS total", **params, **kw)


def test_eight_session_course_by_hand():
    """Alliance 36, 37, 36, 37, 30, 33, missed, 37:
    - s5: R1 (30 < 36); R2 m = 36.5, SD 0.577 -> s 1.5, 30 <= 33.5 -> probable; R3 37 - 30 = 7.
      L = 36.5; next observed 33 (s6), 37 (s8) -> repaired at 8.
    - s6: R1 (33 < 36); R2 m = 35.2, SD = sqrt(34.8 / 4) = 2.95, 33 > 35.2 - 2.95 = 32.25 -> no;
      R3: 30 - 33 < 0 -> no. L = 35.2; s8 37 >= 35.2 -> repaired at 8.
    - early alliance (sessions 1-4) = (36 + 37 + 36 + 37) / 4 = 36.5.
    Outcome PHQ-9 18, 17, missed, 16, 15, 14, missed, 11:
    - s1, s2, s4, s5 grey (change 0..3 < 6, clinical, t < 6); s6 14: +4, t >= 6 -> yellow;
      s8 11: +7 >= 6 and 11 >= 10 -> green.
    - change 18 -> 11: +7 reliable, 11 still clinical -> improved."""
    alliance = [(1, 36), (2, 37), (3, 36), (4, 37), (5, 30), (6, 33), (7, None), (8, 37)]
    outcome = [(1, 18), (2, 17), (3, None), (4, 16), (5, 15), (6, 14), (7, None), (8, 11)]
    r = analyse(alliance, outcome)
    assert [(e.session, e.rule_ids, e.severity, e.repair, e.repaired_at) for e in r.ruptures] == [
        (5, ("R1", "R2", "R3"), Severity.PROBABLE, RepairStatus.REPAIRED, 8),
        (6, ("R1",), Severity.POSSIBLE, RepairStatus.REPAIRED, 8),
    ]
    assert r.ruptures[1].reference_level == pytest.approx(35.2)
    assert r.early_alliance_mean == 36.5
    assert [(s.session, s.colour) for s in r.tracking] == [
        (1, Colour.GREY), (2, Colour.GREY), (4, Colour.GREY), (5, Colour.GREY),
        (6, Colour.YELLOW), (8, Colour.GREEN),
    ]
    assert r.latest_status.colour is Colour.GREEN
    assert r.change.change_class is ChangeClass.IMPROVED and r.change.delta_oriented == 7
    assert r.open_ruptures == ()
    assert r.deviations[4] == (5, -6.5)  # 30 - 36.5


def test_higher_is_better_outcome_deteriorating_with_an_unrepaired_rupture():
    """ORS 20, 19, 18, 17, 16, 15 (t = 6: 15 - 20 = -5, |5| >= 5 -> red; earlier ones grey).
    Alliance 38, 38, 38, 38, 32, 33, 34, 35:
    - s5: R1 (32 < 36); R2 m = 38, SD 0 -> s 1.5, 32 <= 35 -> probable; R3 38 - 32 = 6.
      L = 38; next three 33, 34, 35 all < 38 -> unrepaired.
    - s6: R1 (33 < 36); R2 m = (4 * 38 + 32) / 5 = 36.8, SD = sqrt((4 * 1.2^2 + 4.8^2) / 4)
      = sqrt(7.2) = 2.683; 33 <= 36.8 - 2.683 = 34.12 but > 36.8 - 5.37 = 31.43 -> possible.
    Change 20 -> 15: -5 -> deteriorated."""
    alliance = [(t, a) for t, a in enumerate([38, 38, 38, 38, 32, 33, 34, 35], start=1)]
    outcome = [(t, x) for t, x in enumerate([20, 19, 18, 17, 16, 15], start=1)]
    r = analyse(alliance, outcome, ORS)
    first = r.ruptures[0]
    assert (first.session, first.severity, first.repair) == (5, Severity.PROBABLE, RepairStatus.UNREPAIRED)
    assert (r.ruptures[1].rule_ids, r.ruptures[1].severity) == (("R1", "R2"), Severity.POSSIBLE)
    assert first in r.open_ruptures
    assert [s.colour for s in r.tracking] == [Colour.GREY] * 5 + [Colour.RED]
    assert r.change.change_class is ChangeClass.DETERIORATED


def test_empty_and_single_score_courses():
    """No data: nothing to report. One outcome score: a colour, but no change (nothing to compare)."""
    r = analyse([], [])
    assert (r.ruptures, r.tracking, r.change, r.early_alliance_mean, r.latest_status) == ((), (), None, None, None)
    r = analyse([(1, None)], [(1, 14)])
    assert r.change is None and r.latest_status.colour is Colour.GREY and r.early_alliance_mean is None


def test_tracking_rule_and_early_window_are_passed_through():
    """k = 2: PHQ-9 18 -> 17 at session 2 is yellow. early_sessions = 2: mean of 30 and 34 = 32."""
    r = analyse([(1, 30), (2, 34), (3, 40)], [(1, 18), (2, 17)], tracking_rule=TrackingRule(2), early_sessions=2)
    assert r.tracking[-1].colour is Colour.YELLOW
    assert r.early_alliance_mean == 32


def realistic_course(seed: int) -> tuple[list, list]:
    rng = random.Random(seed)
    alliance, outcome = [], []
    for t in range(1, 25):
        missed = rng.random() < 0.05
        a = min(40.0, max(0.0, round(32 + 0.2 * t + rng.gauss(0, 2) - (7 if t == 9 else 0), 1)))
        x = float(min(27, max(0, round(19 - 0.45 * t + rng.gauss(0, 2)))))
        alliance.append((t, None if missed else a, rng.random() < 0.05))
        outcome.append((t, None if missed else x, rng.random() < 0.03))
    return alliance, outcome


@pytest.mark.parametrize("seed", range(5))
def test_facade_agrees_with_the_parts_on_24_sessions(seed):
    """The façade adds nothing of its own: same events, colours and deviations as the modules."""
    alliance, outcome = realistic_course(seed)
    r = analyse(alliance, outcome)
    assert len(r.alliance_stats) == 24
    assert r.ruptures == detect_ruptures(alliance, SRS, label="SRS total")
    assert r.tracking == track_outcome(
        outcome, rule=TrackingRule(), reliable_change=PHQ9["outcome_reliable_change"],
        clinical_range=PHQ9["outcome_range"], direction=PHQ9["outcome_direction"], label="PHQ-9 total",
    )
    assert list(r.deviations) == within_client_deviation(alliance)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.change = None  # type: ignore[misc]


courses = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 400).map(lambda i: i / 10)),
        st.sampled_from([None, False, False, True]),
        st.one_of(st.none(), st.integers(0, 27).map(float)),
        st.integers(0, 9).map(lambda i: i == 0),
    ),
    max_size=24,
)


@given(courses, st.integers(0, 24))
def test_adding_a_later_session_changes_nothing_already_shown(raw, cut):
    """For the whole course view: colours, rupture flags and running statistics shown for the
    sessions up to any cut stay the same when the later sessions arrive (only pending repairs
    may resolve, which test_ruptures pins down)."""
    alliance = [(i + 1, a, said) for i, (a, said, _, _) in enumerate(raw)]
    outcome = [(i + 1, x, risk) for i, (_, _, x, risk) in enumerate(raw)]
    whole = analyse(alliance, outcome)
    part = analyse(alliance[:cut], outcome[:cut])
    assert part.tracking == whole.tracking[: len(part.tracking)]
    assert part.alliance_stats == whole.alliance_stats[:cut]
    assert [(e.session, e.flags, e.severity) for e in part.ruptures] == [
        (e.session, e.flags, e.severity) for e in whole.ruptures if e.session <= cut
    ]
    assert part.early_alliance_mean == (whole.early_alliance_mean if cut >= 4 else part.early_alliance_mean)
