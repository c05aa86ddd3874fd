"""Alliance ruptures R1-R4 and repair (CLINICAL.md section 4), worked by hand.

Two rule sets on a 0-40 total (SRS-like, higher is better):
SRS:   flag range < 36, ceiling 38 (95 % of 40), reference SD 1.5, reliable drop 5.
QUIET: the same but flag range < 20, so R1 stays silent and R2/R3 can be seen alone.
R2 needs >= 4 earlier totals; s = max(sample SD of the earlier totals, 1.5);
probable if a_t <= m_t - 2s, else possible if a_t <= m_t - 1s.
"""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core.change import EPSILON, ClinicalRange
from alliance_desktop.core.ruptures import (
    AllianceObservation,
    RepairStatus,
    RuptureRule,
    RuptureRuleId,
    Severity,
    ceiling_from_range,
    detect_ruptures,
    expanding_stats,
    within_client_deviation,
)

SRS = RuptureRule(ClinicalRange("<", 36), ceiling=38, reference_sd=1.5, reliable_change=5)
QUIET = RuptureRule(ClinicalRange("<", 20), ceiling=38, reference_sd=1.5, reliable_change=5)


def numbered(totals):
    return [(i + 1, a) for i, a in enumerate(totals)]


def events(totals, rule=QUIET):
    return detect_ruptures(numbered(totals), rule, label="SRS total")


def at(totals, session, rule=QUIET):
    found = [e for e in events(totals, rule) if e.session == session]
    return found[0] if found else None


# -- R1 below cutoff -------------------------------------------------------------------


def test_r1_on_the_first_session_uses_the_cutoff_as_reference():
    """Session 1 total 33 < 36 -> R1. No earlier total, so L = the cutoff boundary 36;
    nothing has come after it yet -> pending."""
    (e,) = detect_ruptures([(1, 33)], SRS, label="SRS total")
    assert e.rule_ids == ("R1",) and e.severity is Severity.POSSIBLE
    assert e.flags[0].explanation == "SRS total 33 is in the flag range (< 36)."
    assert (e.reference_level, e.reference_kind, e.repair) == (36, "cutoff", RepairStatus.PENDING)
    assert e.repair_explanation == (
        "Repair pending: 0 of the next 3 observed sessions so far, none out of the flag range (< 36)."
    )


def test_r1_repair_against_the_cutoff():
    """33 at session 1; then 35, 35.9, 36: the third reaches 36 (leaves '< 36') -> repaired at 4.
    With 35, 35.9, 35.5 instead: three observed totals all below 36 -> unrepaired."""
    e = events([33, 35, 35.9, 36], SRS)[0]
    assert (e.repair, e.repaired_at, e.followed_by) == (RepairStatus.REPAIRED, 4, (2, 3, 4))
    e = events([33, 35, 35.9, 35.5], SRS)[0]
    assert (e.repair, e.repaired_at) == (RepairStatus.UNREPAIRED, None)
    assert e.repair_explanation == (
        "Unrepaired: the next 3 observed totals (35, 35.9, 35.5) all stayed in the flag range (< 36)."
    )


def test_r1_boundary_and_decimal_items():
    """36 is not < 36. Four SRS lines 8.6 + 9.7 + 9.9 + 7.8 = 36 on paper (35.99999999999999 in
    binary) must not flag either; 35.9 does."""
    assert detect_ruptures([(1, 36)], SRS) == ()
    assert detect_ruptures([(1, 8.6 + 9.7 + 9.9 + 7.8)], SRS) == ()
    assert detect_ruptures([(1, 35.9)], SRS)[0].rule_ids == ("R1",)


def test_r1_with_inclusive_range_repairs_only_outside_it():
    """Flag range <= 35: a first-session 33 has L = 35, but a later 35 is itself still flagged,
    so it is not repair; 35.5 is -> repaired at 3 (not 2)."""
    rule = RuptureRule(ClinicalRange("<=", 35), ceiling=38, reference_sd=1.5, reliable_change=5)
    e = events([33, 35, 35.5], rule)[0]
    assert (e.repair, e.repaired_at) == (RepairStatus.REPAIRED, 3)


# -- R2 sharp drop ---------------------------------------------------------------------


def test_r2_strict_exactly_at_m_minus_2s_is_probable():
    """Earlier 34, 36, 34, 36: m = 35; sample SD = sqrt(4 * 1^2 / 3) = 1.155 < 1.5 -> s = 1.5.
    m - 2s = 35 - 3 = 32; a = 32 <= 32 -> probable (boundary included).
    R3: previous 36 - 32 = 4 < 5 -> no."""
    e = at([34, 36, 34, 36, 32], 5)
    assert e.rule_ids == ("R2",) and e.flags[0].strict and e.severity is Severity.PROBABLE
    assert e.flags[0].explanation == (
        "SRS total 32 is 3 points below this client's mean of the 4 earlier sessions (35), at least 2 SD = 3"
        " (SD 1.5, the larger of the client's own 1.15 and the reference 1.5): probable rupture."
    )


def test_r2_lenient_exactly_at_m_minus_1s_is_possible_and_just_above_is_nothing():
    """Same history (m = 35, s = 1.5): m - 1s = 33.5; a = 33.5 -> possible; a = 33.6 -> no R2
    (and no other rule: 36 - 33.6 = 2.4 < 5) -> no event."""
    e = at([34, 36, 34, 36, 33.5], 5)
    assert e.rule_ids == ("R2",) and not e.flags[0].strict and e.severity is Severity.POSSIBLE
    assert at([34, 36, 34, 36, 33.6], 5) is None


def test_r2_boundary_survives_binary_rounding():
    """Earlier 33.3, 35.3, 33.3, 35.3: m = 34.3, s = 1.5, m - 2s = 31.3 on paper but
    31.299999999999997 in binary; a = 31.3 must still be probable."""
    assert at([33.3, 35.3, 33.3, 35.3, 31.3], 5).severity is Severity.PROBABLE


def test_r2_uses_the_larger_within_client_sd():
    """Earlier 30, 34, 30, 34: m = 32; sample SD = sqrt(4 * 2^2 / 3) = sqrt(16/3) = 2.309 > 1.5.
    m - 2s = 32 - 4.619 = 27.381; m - 1s = 29.691.
    a = 27.3 -> probable (and R3: 34 - 27.3 = 6.7 >= 5); a = 27.5 -> possible (R3: 6.5);
    a = 29.7 -> above 29.691 -> no R2 (R3: 4.3 < 5) -> no event."""
    e = at([30, 34, 30, 34, 27.3], 5)
    assert e.rule_ids == ("R2", "R3") and e.severity is Severity.PROBABLE
    assert "SD 2.31, the larger of the client's own 2.31 and the reference 1.5" in e.flags[0].explanation
    e = at([30, 34, 30, 34, 27.5], 5)
    assert e.rule_ids == ("R2", "R3") and e.severity is Severity.POSSIBLE
    assert at([30, 34, 30, 34, 29.7], 5) is None


def test_r2_needs_four_earlier_totals():
    """36, 36, 36 then 30: only 3 earlier totals -> no R2; R3 36 - 30 = 6 >= 5 fires (possible).
    36 x 4 then 30: m = 36, s = max(0, 1.5) = 1.5, 30 <= 33 -> R2 probable, plus R3."""
    assert at([36, 36, 36, 30], 4).rule_ids == ("R3",)
    assert at([36, 36, 36, 30], 4).severity is Severity.POSSIBLE
    assert at([36, 36, 36, 36, 30], 5).rule_ids == ("R2", "R3")


def test_missed_sessions_do_not_count_toward_the_minimum():
    """Sessions 1, 2, 4 observed (3 missed), 5 = 30: three earlier totals -> no R2, R3 vs session 4.
    Session 6 = 30 after 1, 2, 4, 5: four earlier totals, m = (36 * 3 + 30) / 4 = 34.5,
    sample SD = sqrt((3 * 1.5^2 + 4.5^2) / 3) = sqrt(27 / 3) = 3 -> s = 3; 30 <= 34.5 - 3 = 31.5
    but > 34.5 - 6 = 28.5 -> possible; R3: 30 - 30 = 0 -> no."""
    series = [(1, 36), (2, 36), (3, None), (4, 36), (5, 30), (6, 30)]
    found = {e.session: e for e in detect_ruptures(series, QUIET)}
    assert found[5].rule_ids == ("R3",)
    assert "previous total (36 at session 4)" in found[5].flags[0].explanation
    assert found[6].rule_ids == ("R2",) and found[6].severity is Severity.POSSIBLE
    assert "SD = 3 (SD 3, the larger of the client's own 3 and the reference 1.5)" in found[6].flags[0].explanation


def test_ceiling_suppresses_r2():
    """All-ceiling history 40, 40, 40, 40: m = 40, sample SD 0 -> s = 1.5.
    a = 38: 38 <= 40 - 1.5 = 38.5 would be possible, but 38 is not below the ceiling 38 -> no R2
    (R3: 2 < 5) -> no event. a = 37.9 (below 38): 37.9 <= 38.5 -> possible (not <= 37).
    a = 36.9 <= 37 -> probable."""
    assert at([40, 40, 40, 40, 38], 5) is None
    assert at([40, 40, 40, 40, 37.9], 5).severity is Severity.POSSIBLE
    assert at([40, 40, 40, 40, 36.9], 5).severity is Severity.PROBABLE


def test_all_ceiling_course_has_no_ruptures_and_zero_deviation():
    """24 sessions of 40: never below 36, never below the ceiling, never a drop -> no events;
    a_t - m_t = 40 - 40 = 0 from session 2 on."""
    series = numbered([40] * 24)
    assert detect_ruptures(series, SRS) == ()
    assert within_client_deviation(series) == [(1, None)] + [(t, 0.0) for t in range(2, 25)]
    assert expanding_stats(series)[-1].prior_sd == 0.0


def test_ceiling_default_is_95_percent():
    """0-40: 0 + .95 * 40 = 38. A -3..+3 scale: -3 + .95 * 6 = 2.7 (stays inside the scale)."""
    assert ceiling_from_range(0, 40) == 38
    assert ceiling_from_range(-3, 3) == pytest.approx(2.7)


# -- R3 reliable drop ------------------------------------------------------------------


def test_r3_drop_exactly_at_the_reliable_value_counts_despite_rounding():
    """35.3 -> 30.3: a drop of 5 on paper, 4.9999999999999964 in binary; "at least 5" -> R3.
    35.3 -> 30.4: 4.9 -> nothing."""
    (e,) = events([35.3, 30.3])
    assert e.rule_ids == ("R3",)
    assert e.flags[0].explanation == (
        "SRS total 30.3 is 5 points below the previous total (35.3 at session 1); a drop of 5 or more is reliable."
    )
    assert events([35.3, 30.4]) == ()


def test_r3_compares_with_the_previous_observed_total_not_the_mean():
    """30, 36, 31: 31 is above the first session but 36 - 31 = 5 >= 5 -> R3 at session 3.
    With session 2 missed (30, None, 25): previous observed is session 1, 30 - 25 = 5 -> R3."""
    assert at([30, 36, 31], 3).rule_ids == ("R3",)
    e = at([30, None, 25], 3)
    assert e.rule_ids == ("R3",) and "(30 at session 1)" in e.flags[0].explanation


# -- R4 self-report --------------------------------------------------------------------


def test_r4_self_report_alone_and_without_a_total():
    """Session 2 answered the rupture question 'yes' but the alliance items are missing:
    R4 fires with total None; L = m_2 = 38 (session 1); session 3 = 38 >= 38 -> repaired at 3.
    False and None answers never fire."""
    series = [AllianceObservation(1, 38, False), AllianceObservation(2, None, True), AllianceObservation(3, 38, None)]
    (e,) = detect_ruptures(series, SRS)
    assert (e.session, e.total, e.rule_ids) == (2, None, ("R4",))
    assert (e.reference_level, e.reference_kind) == (38, "expanding_mean")
    assert (e.repair, e.repaired_at) == (RepairStatus.REPAIRED, 3)


def test_every_rule_that_fires_is_listed_in_one_event():
    """36, 37, 36, 37 then 30 with a 'yes' (SRS rules): R1 30 < 36; R2 m = 36.5, SD 0.577 < 1.5,
    30 <= 36.5 - 3 = 33.5 -> strict; R3 37 - 30 = 7 >= 5; R4 yes -> one probable event."""
    series = [(1, 36), (2, 37), (3, 36), (4, 37), (5, 30, True)]
    (e,) = detect_ruptures(series, SRS, label="SRS total")
    assert e.rule_ids == ("R1", "R2", "R3", "R4") and e.severity is Severity.PROBABLE
    assert e.explanation.startswith("R1: SRS total 30 is in the flag range (< 36). R2: ")


# -- repair ----------------------------------------------------------------------------


def test_repair_at_the_third_observed_session_skipping_a_missed_one():
    """36, 37, 36, 37, 30 (event at 5, L = m_5 = 36.5), then 33, missed, 34, 36.5:
    the observed sessions after 5 are 6 (33), 8 (34), 9 (36.5); 36.5 >= 36.5 -> repaired at 9."""
    e = at([36, 37, 36, 37, 30, 33, None, 34, 36.5], 5, SRS)
    assert (e.reference_level, e.reference_kind) == (36.5, "expanding_mean")
    assert (e.repair, e.repaired_at, e.followed_by) == (RepairStatus.REPAIRED, 9, (6, 8, 9))
    assert e.repair_explanation == (
        "Repaired at session 9: SRS total 36.5 reached the client's earlier mean (36.5) within 3 observed sessions."
    )


def test_repair_pending_then_unrepaired():
    """Same rupture at 5 (L = 36.5). After 33 (s6) and 34 (s8): 2 of 3, none >= 36.5 -> pending.
    Add 36 at s9: three observed totals 33, 34, 36 all < 36.5 -> unrepaired."""
    e = at([36, 37, 36, 37, 30, 33, None, 34], 5, SRS)
    assert (e.repair, e.followed_by) == (RepairStatus.PENDING, (6, 8))
    e = at([36, 37, 36, 37, 30, 33, None, 34, 36], 5, SRS)
    assert (e.repair, e.repaired_at) == (RepairStatus.UNREPAIRED, None)


def test_repair_at_the_first_following_session():
    """Rupture at 5 (L = 36.5), session 6 = 37 >= 36.5 -> repaired at 6, window of 1 used."""
    e = at([36, 37, 36, 37, 30, 37], 5, SRS)
    assert (e.repair, e.repaired_at, e.followed_by) == (RepairStatus.REPAIRED, 6, (6,))
    assert e.repair_explanation.endswith("within 1 observed session.")


def test_repair_window_is_configurable():
    """Window 1: rupture at 5 (L = 36.5), session 6 = 33 < 36.5 -> unrepaired straight away."""
    rule = RuptureRule(ClinicalRange("<", 36), ceiling=38, reference_sd=1.5, reliable_change=5, repair_window=1)
    e = at([36, 37, 36, 37, 30, 33, 40], 5, rule)
    assert e.repair is RepairStatus.UNREPAIRED
    assert e.repair_explanation == (
        "Unrepaired: the next observed total (33) stayed below the client's earlier mean (36.5)."
    )


# -- the within-client view ------------------------------------------------------------


def test_within_client_deviation_by_hand():
    """30, 34, missed, 29: session 1 has no earlier total -> None; 2: 34 - 30 = 4; 3 missed -> None;
    4: 29 - (30 + 34) / 2 = 29 - 32 = -3. The SD before session 4 is sqrt((2^2 + 2^2) / 1) = 2.828."""
    series = [(1, 30), (2, 34), (3, None), (4, 29)]
    assert within_client_deviation(series) == [(1, None), (2, 4.0), (3, None), (4, -3.0)]
    stats = expanding_stats(series)
    assert stats[3].prior_n == 2 and stats[3].prior_sd == pytest.approx(math.sqrt(8))
    assert stats[1].prior_sd is None and stats[0].prior_mean is None


# -- input checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{"reference_sd": 0}, {"reliable_change": 0}, {"repair_window": 0}, {"min_prior_for_sharp_drop": 0},
     {"strict_k": 1.0, "lenient_k": 2.0}, {"ceiling": math.inf}],
)
def test_rupture_rule_refuses_nonsense(kwargs):
    base = dict(flag_range=ClinicalRange("<", 36), ceiling=38.0, reference_sd=1.5, reliable_change=5.0)
    with pytest.raises(ValueError):
        RuptureRule(**{**base, **kwargs})


@pytest.mark.parametrize("series", [[(2, 30), (2, 31)], [(3, 30), (1, 31)], [(0, 30)], [(1, math.nan)]])
def test_bad_series_are_refused(series):
    with pytest.raises(ValueError):
        detect_ruptures(series, SRS)


# -- properties -------------------------------------------------------------------------

totals = st.one_of(st.none(), st.integers(0, 400).map(lambda i: i / 10))
answers = st.sampled_from([None, None, False, False, False, True])
courses = st.lists(st.tuples(totals, answers), max_size=24).map(
    lambda raw: [AllianceObservation(i + 1, a, r) for i, (a, r) in enumerate(raw)]
)
rules = st.builds(
    RuptureRule,
    flag_range=st.builds(ClinicalRange, st.sampled_from(["<", "<="]), st.integers(20, 39).map(float)),
    ceiling=st.integers(30, 40).map(float),
    reference_sd=st.floats(0.5, 5),
    reliable_change=st.integers(1, 10).map(float),
    min_prior_for_sharp_drop=st.integers(2, 6),
    repair_window=st.integers(1, 4),
)


def flag_view(e):
    """What a flag is: which rules fired at t, why, how severe, and the repair reference level."""
    return (e.session, e.flags, e.severity, e.reference_level, e.reference_kind)


@given(courses, rules, st.integers(0, 24))
def test_adding_later_sessions_never_changes_earlier_flags(series, rule, cut):
    """Flags at t use only sessions before t. So for a prefix of the course:
    - the events of the prefix are exactly the full course's events up to the cut, with identical
      flags, explanations, severity and reference level (no look-ahead);
    - a repair status already decided (repaired / unrepaired) never changes, nor where;
    - a pending status may be resolved later, but only by sessions after the cut, and the
      sessions it had looked at are the first ones the full course looks at."""
    whole = detect_ruptures(series, rule)
    prefix = detect_ruptures(series[:cut], rule)
    early = [e for e in whole if e.session <= cut]
    assert [flag_view(e) for e in prefix] == [flag_view(e) for e in early]
    for p, w in zip(prefix, early, strict=True):
        if p.repair is RepairStatus.PENDING:
            assert w.followed_by[: len(p.followed_by)] == p.followed_by
            if w.repair is RepairStatus.REPAIRED:
                assert w.repaired_at > cut
        else:
            assert (w.repair, w.repaired_at, w.followed_by) == (p.repair, p.repaired_at, p.followed_by)
    assert expanding_stats(series[:cut]) == expanding_stats(series)[:cut]


@given(courses, rules)
def test_flags_match_a_direct_recomputation(series, rule):
    """An independent, deliberately naive oracle (statistics.mean / stdev of the earlier totals,
    recomputed from scratch at every session) fires the same rules at the same sessions."""
    expected = {}
    prior: list[float] = []
    for t, a, said in series:
        fired = []
        if a is not None:
            if rule.flag_range.is_clinical(a):
                fired.append("R1")
            if len(prior) >= rule.min_prior_for_sharp_drop and a < rule.ceiling - EPSILON:
                m = statistics.mean(prior)
                s = max(statistics.stdev(prior), rule.reference_sd)
                if a <= m - rule.strict_k * s + EPSILON:
                    fired.append("R2 strict")
                elif a <= m - rule.lenient_k * s + EPSILON:
                    fired.append("R2")
            if prior and prior[-1] - a >= rule.reliable_change - EPSILON:
                fired.append("R3")
        if said:
            fired.append("R4")
        if fired:
            expected[t] = tuple(fired)
        if a is not None:
            prior.append(a)
    found = {
        e.session: tuple(f"{f.rule_id} strict" if f.strict else f.rule_id.value for f in e.flags)
        for e in detect_ruptures(series, rule)
    }
    assert found == expected


@given(courses, rules)
def test_events_and_statistics_are_well_formed(series, rule):
    """Running means stay within the earlier totals (so within the scale); the SD is no larger than
    their range; deviations stay within the scale's span; severity is probable exactly when R2's
    strict criterion fired; repair states are consistent with the window; one sentence per flag."""
    total_at = {t: a for t, a, _ in series if a is not None}
    for s in expanding_stats(series):
        earlier = [a for t, a, _ in series if a is not None and t < s.session]
        assert s.prior_n == len(earlier)
        if earlier:
            assert min(earlier) - 1e-9 <= s.prior_mean <= max(earlier) + 1e-9
        if s.prior_sd is not None:
            assert 0 <= s.prior_sd <= max(earlier) - min(earlier) + 1e-9
        if s.deviation is not None:
            assert -40 - 1e-9 <= s.deviation <= 40 + 1e-9
    for e in detect_ruptures(series, rule):
        ids = list(e.rule_ids)
        assert ids == sorted(set(ids)) and ids
        strict_r2 = any(f.rule_id is RuptureRuleId.SHARP_DROP and f.strict for f in e.flags)
        assert (e.severity is Severity.PROBABLE) == strict_r2
        assert len(e.followed_by) <= rule.repair_window
        after = [t for t, a, _ in series if a is not None and t > e.session]
        assert e.followed_by == tuple(after[: len(e.followed_by)])

        def reached(session):
            x = total_at[session]
            if e.reference_kind == "cutoff":
                return not rule.flag_range.is_clinical(x)
            return x >= e.reference_level - EPSILON

        assert not any(reached(t) for t in e.followed_by[:-1])
        if e.repair is RepairStatus.REPAIRED:
            assert e.repaired_at == e.followed_by[-1] and reached(e.repaired_at)
        elif e.repair is RepairStatus.UNREPAIRED:
            assert len(e.followed_by) == rule.repair_window and not reached(e.followed_by[-1])
        else:
            assert len(after) < rule.repair_window and e.followed_by == tuple(after)
            assert not any(reached(t) for t in after)
        for f in e.flags:
            assert f.explanation.endswith(".") and ". " not in f.explanation
