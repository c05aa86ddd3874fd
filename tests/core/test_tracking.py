"""Not-on-track colours (CLINICAL.md section 3), worked by hand.

Default parameters: PHQ-9 (lower is better, clinical if >= 10, fixed reliable change 6)
and k = 6 (yellow from session 6). The rules, first match wins:
T1 red (risk, or reliable deterioration) > T2 white (outside the clinical range)
> T3 green (reliable improvement) > T4 yellow (t >= k) > T5 grey.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core.change import ClinicalRange, ReliableChangeRule
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.tracking import (
    Colour,
    OutcomeObservation,
    TrackingRule,
    TrackingRuleId,
    evaluate_session,
    track_outcome,
)

PHQ9 = dict(
    rule=TrackingRule(),
    reliable_change=ReliableChangeRule(fixed=6),
    clinical_range=ClinicalRange(">=", 10),
    direction=Direction.LOWER_IS_BETTER,
    label="PHQ-9 total",
)
ORS = dict(
    rule=TrackingRule(),
    reliable_change=ReliableChangeRule(fixed=5),
    clinical_range=ClinicalRange("<", 25),
    direction=Direction.HIGHER_IS_BETTER,
    label="ORS total",
)


def colours(series, params=PHQ9):
    return [(s.session, s.colour.value) for s in track_outcome(series, **params)]


def last(series, params=PHQ9):
    return track_outcome(series, **params)[-1]


# -- T1 red ----------------------------------------------------------------------------


def test_reliable_deterioration_is_red_with_the_numbers():
    """Intake 12, session 4 total 19: delta = -(19 - 12) = -7; |7| >= 6 -> red (T1)."""
    s = last([(1, 12), (2, 14), (3, 15), (4, 19)])
    assert (s.colour, s.rule_id) == (Colour.RED, TrackingRuleId.DETERIORATION)
    assert s.explanation == "PHQ-9 total 19 is 7 points worse than intake (12); a change of 6 or more is reliable."
    assert s.delta_oriented == -7


def test_deterioration_exactly_at_the_fixed_value_is_red():
    """Intake 12, total 18: delta = -6, |6| >= 6 ("at least") -> red. Total 17: delta -5 -> not red
    (17 >= 10 clinical, t = 2 < 6 -> grey)."""
    assert last([(1, 12), (2, 18)]).colour is Colour.RED
    assert last([(1, 12), (2, 17)]).colour is Colour.GREY


def test_risk_item_is_red_whatever_the_total():
    """Intake 20, session 3 total 8: delta = +12 reliable and 8 < 10 would be white,
    but item 9 > 0 at session 3 -> red (T1 risk) comes first and is never averaged away."""
    s = last([(1, 20), (2, 15), OutcomeObservation(3, 8, True, "PHQ-9 item 9 > 0")])
    assert (s.colour, s.rule_id) == (Colour.RED, TrackingRuleId.RISK)
    assert s.explanation == (
        "Risk item positive at session 3 (PHQ-9 item 9 > 0): a risk flag is shown whatever the total"
        " (PHQ-9 total 8) and is never averaged away."
    )


def test_risk_without_a_score_still_produces_red():
    """Session 2 has too many missing items to score, but item 9 was answered > 0 -> red, no delta.
    Session 3 (missed, no risk) produces no status at all."""
    out = track_outcome([(1, 16), (2, None, True), (3, None)], **PHQ9)
    assert [(s.session, s.colour, s.rule_id) for s in out] == [
        (1, Colour.GREY, TrackingRuleId.TOO_EARLY),
        (2, Colour.RED, TrackingRuleId.RISK),
    ]
    assert out[1].score is None and out[1].delta_oriented is None and out[1].intake == 16


def test_higher_is_better_deterioration_exactly_at_threshold_is_red():
    """ORS intake 20, session 6 total 15: delta = +(15 - 20) = -5; |5| >= 5 -> red."""
    s = last([(1, 20), (6, 15)], ORS)
    assert (s.colour, s.rule_id) == (Colour.RED, TrackingRuleId.DETERIORATION)
    assert s.explanation == "ORS total 15 is 5 points worse than intake (20); a change of 5 or more is reliable."


# -- T2 white --------------------------------------------------------------------------


def test_outside_clinical_range_is_white():
    """Intake 14, session 4 total 9: delta = +5 < 6 (not reliable); 9 >= 10 is false -> white."""
    s = last([(1, 14), (4, 9)])
    assert (s.colour, s.rule_id) == (Colour.WHITE, TrackingRuleId.NONCLINICAL)
    assert s.explanation == "PHQ-9 total 9 is outside the clinical range (≥ 10)."


def test_white_comes_before_green():
    """Intake 20, session 8 total 5: delta = +15 reliable, but 5 is non-clinical -> white (rule 2 before 3)."""
    assert last([(1, 20), (8, 5)]).colour is Colour.WHITE


def test_boundary_score_is_clinical_not_white():
    """PHQ-9 clinical if >= 10: a total of exactly 10 is clinical. Intake 14 -> 10 at t = 3:
    delta +4, not reliable, clinical, t < 6 -> grey. ORS clinical if < 25: 25 is not clinical -> white."""
    assert last([(1, 14), (3, 10)]).colour is Colour.GREY
    assert last([(1, 22), (2, 25)], ORS).colour is Colour.WHITE


# -- T3 green --------------------------------------------------------------------------


def test_reliable_improvement_still_clinical_is_green():
    """Intake 20, session 5 total 13: delta = +7 >= 6; 13 >= 10 still clinical -> green."""
    s = last([(1, 20), (5, 13)])
    assert (s.colour, s.rule_id) == (Colour.GREEN, TrackingRuleId.IMPROVEMENT)
    assert s.explanation == "PHQ-9 total 13 is 7 points better than intake (20); a change of 6 or more is reliable."


def test_formula_based_improvement_exactly_at_threshold_is_not_green():
    """SD 10, r .82 -> S_diff 6, threshold 1.96 * 6 = 11.76 (strict). Intake 30 -> 18.24 at t = 7:
    delta 11.76, not > 11.76 -> yellow. Intake 30 -> 18: delta 12 > 11.76 -> green."""
    params = {**PHQ9, "reliable_change": ReliableChangeRule(sd=10, reliability=0.82)}
    assert last([(1, 30), (7, 18.24)], params).colour is Colour.YELLOW
    assert last([(1, 30), (7, 18)], params).colour is Colour.GREEN
    assert "short of a reliable change (more than 11.76)" in last([(1, 30), (7, 18.24)], params).explanation


def test_higher_is_better_improvement_is_green():
    """ORS intake 10, session 3 total 16: delta = +6 >= 5; 16 < 25 clinical -> green."""
    assert last([(1, 10), (3, 16)], ORS).colour is Colour.GREEN


# -- T4 yellow / T5 grey ---------------------------------------------------------------


def test_yellow_from_session_k_exactly():
    """Intake 18; total 15 (delta +3, not reliable, clinical) at t = 5 -> grey, at t = 6 = k -> yellow."""
    out = track_outcome([(1, 18), (5, 15), (6, 15)], **PHQ9)
    assert [s.colour for s in out] == [Colour.GREY, Colour.GREY, Colour.YELLOW]
    assert out[2].rule_id is TrackingRuleId.NOT_ON_TRACK
    assert out[2].explanation == (
        "PHQ-9 total 15 is 3 points better than intake (18), short of a reliable change (6 or more),"
        " and in the clinical range (≥ 10); from session 6 on this means not on track."
    )
    assert out[1].explanation.endswith("too early to tell before session 6.")


def test_first_session_is_grey_or_white_and_worded_as_intake():
    """First session: delta = 0, never reliable. Clinical intake 18 -> grey; non-clinical intake 7 -> white."""
    s = last([(1, 18)])
    assert s.colour is Colour.GREY and s.delta_oriented == 0
    assert s.explanation == (
        "PHQ-9 total 18 is the intake score (the episode's first) and in the clinical range (≥ 10);"
        " too early to tell before session 6."
    )
    assert last([(1, 7)]).colour is Colour.WHITE


def test_missed_sessions_move_the_intake_and_leave_gaps():
    """Sessions 1-2 missed: intake = session 3's 20. Session 4 missed: no status.
    Session 6: 14 -> delta +6 -> green. Session 7: 19 -> delta +1, t >= 6 -> yellow."""
    out = track_outcome([(1, None), (2, None), (3, 20), (4, None), (5, 18), (6, 14), (7, 19)], **PHQ9)
    assert [(s.session, s.colour.value) for s in out] == [
        (3, "grey"), (5, "grey"), (6, "green"), (7, "yellow"),
    ]
    assert all(s.intake == 20 for s in out)


def test_late_first_score_at_or_after_k_is_yellow():
    """First score at session 7 (>= k = 6), clinical: nothing else holds, so the literal rule says yellow."""
    s = last([(7, 16)])
    assert s.colour is Colour.YELLOW and "intake score" in s.explanation


def test_k_is_configurable():
    """k = 3: intake 18, total 16 at t = 3 (delta +2) -> yellow instead of grey."""
    params = {**PHQ9, "rule": TrackingRule(yellow_from_session=3)}
    assert last([(1, 18), (3, 16)], params).colour is Colour.YELLOW
    with pytest.raises(ValueError):
        TrackingRule(yellow_from_session=0)


def test_no_change_is_worded_as_same_as_intake():
    """Intake 18, session 8 total 18: delta 0 -> yellow, "the same as intake (18)"."""
    assert "is the same as intake (18)" in last([(1, 18), (8, 18)]).explanation


# -- input checks ----------------------------------------------------------------------


@pytest.mark.parametrize("series", [[(2, 10), (2, 11)], [(3, 10), (1, 11)], [(0, 10)], [(1, float("nan"))]])
def test_bad_series_are_refused(series):
    with pytest.raises(ValueError):
        track_outcome(series, **PHQ9)


def test_evaluate_session_needs_something_to_evaluate():
    with pytest.raises(ValueError):
        evaluate_session(3, None, False, 12, **PHQ9)


# -- properties -------------------------------------------------------------------------

phq_scores = st.one_of(st.none(), st.integers(0, 27).map(float))
risk_flags = st.integers(0, 9).map(lambda i: i == 0)  # about one session in ten
session_lists = st.lists(st.tuples(phq_scores, risk_flags), max_size=24)
rule_params = st.fixed_dictionaries(
    {
        "rule": st.builds(TrackingRule, st.integers(1, 10)),
        "reliable_change": st.one_of(
            st.builds(ReliableChangeRule, fixed=st.integers(1, 10).map(float)),
            st.builds(ReliableChangeRule, sd=st.floats(1, 8), reliability=st.floats(0.5, 0.95)),
        ),
        "clinical_range": st.builds(
            ClinicalRange, st.sampled_from(["<", "<=", ">", ">="]), st.integers(1, 26).map(float)
        ),
        "direction": st.sampled_from(list(Direction)),
    }
)


def as_series(raw):
    return [(i + 1, score, risk) for i, (score, risk) in enumerate(raw)]


@given(session_lists, rule_params, st.integers(0, 24))
def test_adding_later_sessions_never_recolours_earlier_ones(raw, params, cut):
    """Every status depends only on its own session and the intake: the statuses of a prefix
    of the course are exactly the first statuses of the whole course."""
    series = as_series(raw)
    whole = track_outcome(series, **params)
    prefix = track_outcome(series[:cut], **params)
    assert prefix == whole[: len(prefix)]
    assert all(s.session <= cut for s in prefix)
    assert all(s.session > cut for s in whole[len(prefix):])


@given(session_lists, rule_params)
def test_every_status_is_well_formed(raw, params):
    """One known colour with its matching rule id; risk is always red; the oriented change stays
    within the PHQ-9 span (27); one sentence per explanation; sessions with nothing get no status."""
    series = as_series(raw)
    out = track_outcome(series, **params)
    colour_of = {
        TrackingRuleId.RISK: Colour.RED, TrackingRuleId.DETERIORATION: Colour.RED,
        TrackingRuleId.NONCLINICAL: Colour.WHITE, TrackingRuleId.IMPROVEMENT: Colour.GREEN,
        TrackingRuleId.NOT_ON_TRACK: Colour.YELLOW, TrackingRuleId.TOO_EARLY: Colour.GREY,
    }
    expected_sessions = [t for t, x, risk in series if x is not None or risk]
    assert [s.session for s in out] == expected_sessions
    risky = {t for t, _, risk in series if risk}
    for s in out:
        assert colour_of[s.rule_id] is s.colour
        assert (s.session in risky) == (s.rule_id is TrackingRuleId.RISK)
        if s.delta_oriented is not None:
            assert abs(s.delta_oriented) <= 27
        assert s.explanation.endswith(".") and ". " not in s.explanation
        if s.colour is Colour.YELLOW:
            assert s.session >= params["rule"].yellow_from_session
        if s.colour is Colour.GREY:
            assert s.session < params["rule"].yellow_from_session


@given(session_lists, rule_params)
def test_mirroring_the_scale_keeps_every_colour(raw, params):
    """x -> -x with the direction reversed and the clinical range mirrored is the same clinical
    course, so every session keeps its colour and rule."""
    series = as_series(raw)
    mirrored = [(t, None if x is None else -x, risk) for t, x, risk in series]
    mparams = {
        **params,
        "direction": params["direction"].reversed(),
        "clinical_range": params["clinical_range"].mirrored(),
    }
    a = track_outcome(series, **params)
    b = track_outcome(mirrored, **mparams)
    assert [(s.session, s.colour, s.rule_id) for s in a] == [(s.session, s.colour, s.rule_id) for s in b]


@given(session_lists, rule_params)
def test_reversing_only_the_direction_swaps_red_and_green_for_reliable_changes(raw, params):
    """Same numbers, opposite direction: a reliable deterioration becomes a reliable improvement
    (green, or white when outside the range) and vice versa; risk red stays red."""
    series = as_series(raw)
    a = track_outcome(series, **params)
    b = track_outcome(series, **{**params, "direction": params["direction"].reversed()})
    for x, y in zip(a, b, strict=True):
        if x.rule_id is TrackingRuleId.DETERIORATION:
            assert y.rule_id in {TrackingRuleId.IMPROVEMENT, TrackingRuleId.NONCLINICAL}
        if x.rule_id is TrackingRuleId.RISK:
            assert y.rule_id is TrackingRuleId.RISK
        if x.rule_id is TrackingRuleId.IMPROVEMENT:
            assert y.rule_id is TrackingRuleId.DETERIORATION
