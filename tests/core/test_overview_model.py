"""The overview's lean rule pass equals the reference rules; tallies and sums by hand."""

from __future__ import annotations

import uuid
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_desktop.core.change import ClinicalRange, ReliableChangeRule
from alliance_desktop.core.course_series import CourseSeries
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.overview_model import (
    EpisodeTally,
    RuptureCounts,
    build_overview,
    count_ruptures,
    latest_colour,
)
from alliance_desktop.core.course_rules import OutcomeRules
from alliance_desktop.core.ruptures import AllianceObservation, RepairStatus, RuptureRule, detect_ruptures
from alliance_desktop.core.tracking import OutcomeObservation, TrackingRule, track_outcome

totals = st.one_of(st.none(), st.integers(0, 400).map(lambda i: i / 10))
answers = st.sampled_from([None, None, False, False, False, True])
courses = st.lists(st.tuples(totals, answers), max_size=30).map(
    lambda raw: [AllianceObservation(i + 1, a, r) for i, (a, r) in enumerate(raw)])
rules = st.builds(
    RuptureRule,
    flag_range=st.builds(ClinicalRange, st.sampled_from(["<", "<="]), st.integers(20, 39).map(float)),
    ceiling=st.integers(30, 40).map(float),
    reference_sd=st.floats(0.5, 5),
    reliable_change=st.integers(1, 10).map(float),
    min_prior_for_sharp_drop=st.integers(2, 6),
    repair_window=st.integers(1, 4),
    lenient_k=st.sampled_from([0.5, 1.0]),
)


@settings(max_examples=500)
@given(courses, rules)
def test_count_ruptures_equals_the_reference(series, rule):
    events = detect_ruptures(series, rule)
    status = Counter(e.repair for e in events)
    assert count_ruptures(series, rule) == RuptureCounts(
        len(events), status[RepairStatus.REPAIRED], status[RepairStatus.UNREPAIRED], status[RepairStatus.PENDING])


outcome_obs = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 27).map(float)), st.booleans()),
                       max_size=24)
outcome_rules = st.builds(
    OutcomeRules,
    direction=st.sampled_from(list(Direction)),
    clinical_range=st.builds(ClinicalRange, st.sampled_from([">=", "<"]), st.integers(5, 20).map(float)),
    reliable_change=st.builds(ReliableChangeRule, fixed=st.integers(2, 8).map(float)),
    tracking=st.builds(TrackingRule, yellow_from_session=st.integers(1, 8)),
)


def _series(obs, rules) -> CourseSeries:
    return CourseSeries(sessions=(), standing={}, alliance=None, outcome=None, alliance_series=(),
                        outcome_series=tuple(obs), risk={}, rupture_rule=None, outcome_rules=rules)


@settings(max_examples=300)
@given(outcome_obs, outcome_rules)
def test_latest_colour_equals_the_last_tracking_status(raw, rules):
    obs = [OutcomeObservation(i + 1, x, risk) for i, (x, risk) in enumerate(raw)]
    statuses = track_outcome(obs, rule=rules.tracking, reliable_change=rules.reliable_change,
                             clinical_range=rules.clinical_range, direction=rules.direction)
    expected = statuses[-1].colour.value if statuses else "none"
    assert latest_colour(_series(obs, rules)) == expected


def test_overview_sums_per_therapist_and_clinic_with_empty_therapists():
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    t1 = EpisodeTally(10, 8, RuptureCounts(2, 1, 1, 0), "red")
    t2 = EpisodeTally(4, 4, RuptureCounts(1, 0, 0, 1), "green")
    ov = build_overview({a: "Anna", b: "Bruno", c: "Carla"}, [(a, t1), (a, t2), (b, t1)])
    anna, bruno, carla = ov.therapists
    assert (anna.clients_in_treatment, anna.held_sessions, anna.held_with_feedback) == (2, 14, 12)
    assert anna.ruptures == RuptureCounts(3, 1, 1, 1) and anna.feedback_share == 12 / 14
    assert (anna.colours["red"], anna.colours["green"], bruno.colours["red"]) == (1, 1, 1)
    assert carla.clients_in_treatment == 0 and carla.feedback_share is None
    assert ov.clinic.clients_in_treatment == 3 and ov.clinic.held_sessions == 24
    assert ov.clinic.ruptures == RuptureCounts(5, 2, 2, 1)


def test_no_outcome_rules_means_no_colour():
    assert latest_colour(_series([], None)) == "none"
