"""Reliable and clinically significant change (CLINICAL.md section 3), worked by hand.

Instruments used in the examples (parameters as CLINICAL.md's table gives them):
PHQ-9 0-27, lower is better, clinical if >= 10, fixed reliable change 6;
ORS 0-40, higher is better, clinical if < 25, fixed reliable change 5.
The formula examples use SD 10 and r .82, chosen so the arithmetic is exact:
SE = 10 * sqrt(.18), S_diff = sqrt(2) * SE = 10 * sqrt(.36) = 6, 1.96 * S_diff = 11.76.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core.change import (
    EPSILON,
    ChangeClass,
    ClinicalRange,
    ReliableChangeRule,
    at_least,
    at_most,
    classify_change,
    format_number,
    greater,
    jacobson_truax_cutoff,
    jacobson_truax_cutoffs,
    less,
    rci,
)
from alliance_desktop.core.direction import Direction

LOWER = Direction.LOWER_IS_BETTER
HIGHER = Direction.HIGHER_IS_BETTER

PHQ9_RC = ReliableChangeRule(fixed=6, source="Kroenke, Spitzer & Williams 2001")
PHQ9_RANGE = ClinicalRange(">=", 10)
ORS_RC = ReliableChangeRule(fixed=5, source="Miller & Duncan 2000")
ORS_RANGE = ClinicalRange("<", 25)
FORMULA_RC = ReliableChangeRule(sd=10, reliability=0.82, source="example norms")


def phq9(intake: float, now: float):
    return classify_change(intake, now, PHQ9_RC, PHQ9_RANGE, LOWER, label="PHQ-9 total")


def ors(intake: float, now: float):
    return classify_change(intake, now, ORS_RC, ORS_RANGE, HIGHER, label="ORS total")


# -- Direction -------------------------------------------------------------------------


def test_direction_orients_change_so_positive_is_better():
    """PHQ-9 18 -> 12: raw -6, oriented +6 (better). ORS 18 -> 12: raw -6, oriented -6 (worse)."""
    assert LOWER.oriented_change(18, 12) == 6
    assert HIGHER.oriented_change(18, 12) == -6
    assert LOWER.reversed() is HIGHER and HIGHER.reversed() is LOWER
    assert Direction("lower_is_better") is LOWER and LOWER == "lower_is_better"


# -- reliable change: fixed values ("at least") ------------------------------------------


def test_phq9_drop_exactly_at_fixed_value_is_reliable_improvement():
    """18 -> 12: delta = -(12 - 18) = +6; |6| >= 6 (fixed: at least) -> reliable.
    12 >= 10 is still clinical, so improved, not recovered."""
    r = phq9(18, 12)
    assert r.delta_oriented == 6 and r.reliable
    assert r.change_class is ChangeClass.IMPROVED
    assert r.explanation == (
        "PHQ-9 total went from 18 at intake to 12, 6 points better; a change of 6 or more is reliable,"
        " but 12 is still in the clinical range (≥ 10): improved."
    )


def test_phq9_one_point_short_of_fixed_value_is_unchanged():
    """18 -> 13: delta = +5 < 6 -> not reliable -> unchanged (even though 13 moved toward the cutoff)."""
    r = phq9(18, 13)
    assert not r.reliable and r.change_class is ChangeClass.UNCHANGED
    assert "less than a reliable change (6 or more): unchanged" in r.explanation


def test_phq9_recovered_needs_reliable_improvement_and_crossing_the_cutoff():
    """18 -> 7: delta = +11 >= 6 reliable; intake 18 >= 10 clinical, 7 < 10 not -> recovered."""
    r = phq9(18, 7)
    assert r.change_class is ChangeClass.RECOVERED
    assert r.intake_clinical and not r.now_clinical and not r.intake_nonclinical_warning
    assert r.explanation == (
        "PHQ-9 total went from 18 at intake to 7, 11 points better; a change of 6 or more is reliable"
        " and 7 is outside the clinical range (≥ 10): recovered."
    )


def test_phq9_crossing_the_cutoff_without_reliable_change_is_not_recovery():
    """11 -> 8: crosses 10 but delta = +3 < 6 -> unchanged (Jacobson & Truax need both criteria)."""
    assert phq9(11, 8).change_class is ChangeClass.UNCHANGED


def test_phq9_reliable_worsening_is_deteriorated():
    """12 -> 19: delta = -(19 - 12) = -7; |-7| >= 6 -> deteriorated."""
    r = phq9(12, 19)
    assert r.delta_oriented == -7 and r.change_class is ChangeClass.DETERIORATED
    assert r.explanation == (
        "PHQ-9 total went from 12 at intake to 19, 7 points worse; a change of 6 or more is reliable: deteriorated."
    )


def test_intake_on_healthy_side_warns_and_cannot_recover():
    """PHQ-9 8 -> 1: delta = +7 reliable, but intake 8 < 10 is already non-clinical:
    no cutoff was crossed -> improved, with the warning."""
    r = phq9(8, 1)
    assert r.change_class is ChangeClass.IMPROVED and r.intake_nonclinical_warning
    assert "note: intake 8 was already outside the clinical range ≥ 10" in r.explanation


def test_ors_higher_is_better_recovered_and_deteriorated():
    """ORS 18 -> 26: delta = +8 >= 5; 18 < 25 clinical, 26 not -> recovered.
    ORS 30 -> 25: delta = -5, exactly the fixed value -> deteriorated (and intake 30 >= 25 warns).
    ORS 20 -> 24: delta = +4 < 5 -> unchanged."""
    assert ors(18, 26).change_class is ChangeClass.RECOVERED
    r = ors(30, 25)
    assert r.change_class is ChangeClass.DETERIORATED and r.intake_nonclinical_warning
    assert ors(20, 24).change_class is ChangeClass.UNCHANGED


def test_fixed_threshold_survives_binary_rounding():
    """ORS 35.3 -> 29.3 is a drop of exactly 6 on paper, but in binary floating point
    35.3 - 29.3 = 5.9999999999999964. With fixed 6 ("at least") it must be reliable;
    a naive ``>= 6`` would miss it. 33.3 - 28.3 = 4.9999999999999964 likewise for fixed 5."""
    assert 35.3 - 29.3 < 6  # the trap this guards against
    assert ReliableChangeRule(fixed=6).is_reliable(29.3 - 35.3)
    assert ors(33.3, 28.3).change_class is ChangeClass.DETERIORATED


# -- reliable change: the formula (strict) ----------------------------------------------


def test_formula_threshold_and_rci_by_hand():
    """SD 10, r .82: SE = 10 * sqrt(.18) = 4.243, S_diff = sqrt(2) * 4.243 = 6, 1.96 * 6 = 11.76.
    Intake 30 -> 18 on a lower-is-better scale: RC = -(18 - 30) / 6 = +2.0 > 1.96 -> reliable."""
    assert FORMULA_RC.s_diff == pytest.approx(6.0)
    assert FORMULA_RC.threshold == pytest.approx(11.76)
    assert rci(30, 18, FORMULA_RC, LOWER) == pytest.approx(2.0)
    assert rci(30, 18, FORMULA_RC, HIGHER) == pytest.approx(-2.0)
    assert FORMULA_RC.kind == "jacobson_truax" and not FORMULA_RC.inclusive
    assert FORMULA_RC.requirement() == "more than 11.76"
    assert FORMULA_RC.method == (
        "Jacobson & Truax 1991: 1.96 × √2 × SD 10 × √(1 − r 0.82) = 11.76 (example norms)"
    )


def test_formula_change_exactly_at_threshold_is_not_reliable():
    """|RC| > 1.96 is strict: delta = 11.76 gives RC = 11.76 / 6 = 1.96, not > 1.96 -> not reliable
    (in binary 1.96 * S_diff = 11.760000000000002; the tolerance makes the outcome not depend
    on which side of it rounding lands). 11.77 / 6 = 1.962 > 1.96 -> reliable.
    Intake 30 -> 18.24 (lower is better): delta 11.76 -> unchanged; 30 -> 18: delta 12 -> improved."""
    assert not FORMULA_RC.is_reliable(11.76)
    assert not FORMULA_RC.is_reliable(-11.76)
    assert FORMULA_RC.is_reliable(11.77)
    r = classify_change(30, 18.24, FORMULA_RC, PHQ9_RANGE, LOWER)
    assert not r.reliable and r.change_class is ChangeClass.UNCHANGED
    assert classify_change(30, 18, FORMULA_RC, PHQ9_RANGE, LOWER).change_class is ChangeClass.IMPROVED


def test_fixed_value_wins_over_formula_and_has_no_rci():
    """fixed 6 with SD/r also given: the threshold is 6 (CLINICAL.md: fixed value instead);
    RC still uses S_diff when SD and r exist; fixed-only has no S_diff, so no RC."""
    both = ReliableChangeRule(fixed=6, sd=10, reliability=0.82)
    assert both.threshold == 6 and both.inclusive
    assert rci(30, 18, both, LOWER) == pytest.approx(2.0)
    assert rci(18, 12, PHQ9_RC, LOWER) is None
    assert PHQ9_RC.method == "fixed published value 6 (Kroenke, Spitzer & Williams 2001)"
    assert "check" in ReliableChangeRule(fixed=6, source="x", check=True).method


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"fixed": 0}, {"fixed": -2}, {"sd": 10}, {"sd": 10, "reliability": 1.0}, {"sd": 0, "reliability": 0.8},
     {"sd": 10, "reliability": -0.1}, {"fixed": math.nan}],
)
def test_reliable_change_rule_refuses_nonsense(kwargs):
    with pytest.raises(ValueError):
        ReliableChangeRule(**kwargs)


# -- clinical ranges and cutoffs -------------------------------------------------------


def test_clinical_range_boundaries_are_explicit():
    """PHQ-9 >= 10 includes 10; ORS < 25 excludes 25; '<=' and '>' the other way round."""
    assert PHQ9_RANGE.is_clinical(10) and not PHQ9_RANGE.is_clinical(9)
    assert ORS_RANGE.is_clinical(24.9) and not ORS_RANGE.is_clinical(25)
    assert ClinicalRange("<=", 25).is_clinical(25) and not ClinicalRange("<=", 25).is_clinical(25.1)
    assert ClinicalRange(">", 10).is_clinical(10.1) and not ClinicalRange(">", 10).is_clinical(10)
    assert PHQ9_RANGE.describe() == "≥ 10" and ORS_RANGE.describe() == "< 25"


def test_srs_total_of_36_from_decimal_items_is_not_below_36():
    """SRS items 8.6 + 9.7 + 9.9 + 7.8 = 36.0 on paper, 35.99999999999999 in binary.
    The flag range '< 36' must not fire on it."""
    total = 8.6 + 9.7 + 9.9 + 7.8
    assert total < 36  # the trap
    assert not ClinicalRange("<", 36).is_clinical(total)


def test_tolerant_comparisons():
    assert at_least(6 - EPSILON / 2, 6) and not at_least(6 - 2 * EPSILON, 6)
    assert at_most(6 + EPSILON / 2, 6) and not at_most(6 + 2 * EPSILON, 6)
    assert not greater(6 + EPSILON / 2, 6) and greater(6.01, 6)
    assert not less(6 - EPSILON / 2, 6) and less(5.99, 6)


def test_jacobson_truax_cutoffs_lower_is_better():
    """Clinical M 15 SD 5, normal M 3 SD 3 (a depression-like scale):
    c = (5 * 3 + 3 * 15) / (5 + 3) = 60 / 8 = 7.5;
    a = 15 - 2 * 5 = 5 (2 SD beyond the clinical mean, toward health);
    b = 3 + 2 * 3 = 9 (within 2 SD of the normal mean)."""
    assert jacobson_truax_cutoff(15, 5, 3, 3) == 7.5
    cut = jacobson_truax_cutoffs(15, 5, 3, 3, LOWER)
    assert (cut.a, cut.b, cut.c) == (5, 9, 7.5)


def test_jacobson_truax_cutoffs_higher_is_better():
    """Clinical M 19 SD 7, normal M 28 SD 6 (an ORS-like scale):
    c = (7 * 28 + 6 * 19) / 13 = (196 + 114) / 13 = 310 / 13 = 23.846;
    a = 19 + 14 = 33; b = 28 - 12 = 16."""
    cut = jacobson_truax_cutoffs(19, 7, 28, 6, HIGHER)
    assert cut.c == pytest.approx(310 / 13)
    assert (cut.a, cut.b) == (33, 16)


def test_jacobson_truax_equal_sds_give_the_midpoint():
    """Equal SDs 4 and 4: c = (4 * 10 + 4 * 20) / 8 = 15, the midpoint of 10 and 20."""
    assert jacobson_truax_cutoff(20, 4, 10, 4) == 15
    with pytest.raises(ValueError):
        jacobson_truax_cutoff(20, 0, 10, 4)


def test_results_are_frozen():
    r = phq9(18, 12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.reliable = False  # type: ignore[misc]


def test_format_number():
    assert [format_number(x) for x in (19, 19.0, 2.5, 5.4321, -0.0, 35.99999999999999)] == [
        "19", "19", "2.5", "5.43", "0", "36",
    ]


# -- properties -------------------------------------------------------------------------

# Integer-valued scores on a 0..40 scale, a decimal-valued (0.1 step) variant, and rules.
scores = st.integers(0, 40).map(float)
decimal_scores = st.integers(0, 400).map(lambda i: i / 10)
ops = st.sampled_from(["<", "<=", ">", ">="])
ranges = st.builds(ClinicalRange, ops, st.integers(1, 39).map(float))
rules = st.one_of(
    st.builds(ReliableChangeRule, fixed=st.integers(1, 20).map(float)),
    st.builds(
        ReliableChangeRule,
        sd=st.floats(0.5, 15, allow_nan=False),
        reliability=st.floats(0.0, 0.99, allow_nan=False),
    ),
)
directions = st.sampled_from(list(Direction))


@given(decimal_scores, decimal_scores, rules, ranges, directions)
def test_mirroring_the_scale_keeps_every_class(intake, now, rule, rng, direction):
    """Reflect the scale (x -> -x), reverse its direction and mirror the clinical range:
    the same clinical story, so the same class, reliability, warning and oriented change."""
    a = classify_change(intake, now, rule, rng, direction)
    b = classify_change(-intake, -now, rule, rng.mirrored(), direction.reversed())
    assert (a.change_class, a.reliable, a.intake_nonclinical_warning) == (
        b.change_class, b.reliable, b.intake_nonclinical_warning,
    )
    assert a.delta_oriented == b.delta_oriented


@given(scores, scores, rules, ranges, directions)
def test_reflecting_integer_scores_within_the_scale_keeps_every_class(intake, now, rule, rng, direction):
    """Same on the scale's own range: x -> 40 - x (e.g. a reverse-keyed version of a 0-40 scale)."""
    flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
    mirrored = ClinicalRange(flipped[rng.op], 40 - rng.value)  # type: ignore[arg-type]
    a = classify_change(intake, now, rule, rng, direction)
    b = classify_change(40 - intake, 40 - now, rule, mirrored, direction.reversed())
    assert a.change_class == b.change_class


@given(decimal_scores, decimal_scores, rules, ranges, directions)
def test_reversing_only_the_direction_swaps_better_and_worse(intake, now, rule, rng, direction):
    """Same numbers, opposite direction: the oriented change flips sign; unchanged stays
    unchanged; deteriorated <-> improved/recovered (the range decides recovered)."""
    a = classify_change(intake, now, rule, rng, direction)
    b = classify_change(intake, now, rule, rng, direction.reversed())
    assert a.delta_oriented == -b.delta_oriented
    assert a.reliable == b.reliable
    good = {ChangeClass.IMPROVED, ChangeClass.RECOVERED}
    if a.change_class is ChangeClass.UNCHANGED:
        assert b.change_class is ChangeClass.UNCHANGED
    elif a.change_class is ChangeClass.DETERIORATED:
        assert b.change_class in good
    else:
        assert b.change_class is ChangeClass.DETERIORATED


@given(decimal_scores, decimal_scores, rules, ranges, directions)
def test_change_stays_within_the_scale_and_agrees_with_rci(intake, now, rule, rng, direction):
    """|delta| never exceeds the scale's span (40); with SD and r, reliable <=> |RC| > 1.96
    (up to the documented tolerance); the explanation is one sentence ending in a full stop."""
    r = classify_change(intake, now, rule, rng, direction)
    assert abs(r.delta_oriented) <= 40
    if r.rc is not None and rule.fixed is None:
        if abs(r.rc) > 1.96 + 1e-6:
            assert r.reliable
        elif abs(r.rc) < 1.96 - 1e-6:
            assert not r.reliable
    assert r.explanation.endswith(".") and ". " not in r.explanation


@given(st.floats(0, 40), st.floats(0, 40), rules)
def test_reliability_is_monotone_in_the_size_of_change(d1, d2, rule):
    """A bigger change is never less reliable than a smaller one."""
    small, big = sorted((d1, d2))
    if rule.is_reliable(small):
        assert rule.is_reliable(big)
