"""Which answer counts for a session, which instruments an episode uses, and the series built from them."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core.course_series import ResponseFact, SessionFact, build_course, standing_responses
from alliance_desktop.core.instruments import load_bundled


def fact(key, number, instrument="phq9", status="completed", amends=None, order="2026-01-01T10:00", total=10.0,
         flagged=()):
    return ResponseFact(key, number, instrument, status, amends, order, total, "kiosk", flagged)


def test_entered_in_error_never_counts_and_an_amendment_replaces_its_original():
    rs = [fact("a", 1), fact("b", 1, status="amended"), fact("c", 1, amends="b", order="2026-01-02", total=12.0),
          fact("d", 2, status="entered_in_error"), fact("e", 3, order="2026-01-03"), fact("f", 3, order="2026-01-04")]
    standing = standing_responses(rs)
    # session 1: "a" and the amendment "c" both stand; the later completed one counts
    assert standing[(1, "phq9")].key == "c"
    assert (2, "phq9") not in standing
    assert standing[(3, "phq9")].key == "f"


def test_an_amendment_entered_in_error_lets_the_original_count_again():
    rs = [fact("a", 1, status="amended"), fact("b", 1, amends="a", status="entered_in_error", order="2026-01-02")]
    assert standing_responses(rs)[(1, "phq9")].key == "a"


keys = st.integers(0, 12)
responses = st.lists(st.builds(fact, keys.map(str), st.integers(1, 4), status=st.sampled_from(
    ["completed", "amended", "entered_in_error"]), amends=st.one_of(st.none(), keys.map(str)),
    order=st.integers(0, 99).map(lambda i: f"2026-01-01T{i:02d}")), max_size=16, unique_by=lambda r: r.key)


@given(responses)
def test_the_standing_response_is_never_in_error_nor_superseded_and_is_the_latest(rs):
    standing = standing_responses(rs)
    live = [r for r in rs if r.status != "entered_in_error"]
    superseded = {r.amends for r in live}
    for (number, instrument), chosen in standing.items():
        assert chosen.status != "entered_in_error" and chosen.key not in superseded
        rivals = [r for r in live if r.key not in superseded and (r.session_number, r.instrument_id) == (
            number, instrument)]
        assert chosen.order == max(r.order for r in rivals)
    assert {(r.session_number, r.instrument_id) for r in live if r.key not in superseded} == set(standing)


def test_build_course_picks_instruments_and_keeps_gaps():
    instruments = load_bundled()
    sessions = [SessionFact(f"s{n}", n, date(2026, 1, n), "missed" if n == 2 else "held") for n in (3, 1, 2)]
    rs = [fact("a1", 1, "example-alliance", total=37.0), fact("o1", 1, total=15.0),
          fact("a3", 3, "example-alliance", total=30.0), fact("o3", 3, total=14.0, flagged=(("9", 2.0),)),
          fact("g3", 3, "gad7", total=9.0), fact("q3", 3, "rupture-question", total=1.0, flagged=(("rupture", 1.0),))]
    course = build_course(sessions, rs, instruments)
    assert course.alliance.id == "example-alliance" and course.outcome.id == "phq9"  # phq9 used more than gad7
    assert [(o.session, o.total, o.self_reported_rupture) for o in course.alliance_series] == [
        (1, 37.0, None), (2, None, None), (3, 30.0, True)]  # session 1 did not ask the rupture question
    assert [(o.session, o.score, o.risk) for o in course.outcome_series] == [
        (1, 15.0, False), (2, None, False), (3, 14.0, True)]
    assert course.risk == {3: (("phq9", "9"),)}
    (event,) = course.analysis.ruptures
    assert event.session == 3 and event.rule_ids == ("R1", "R3", "R4")
    assert course.analysis.latest_status.colour.value == "red"  # the risk item


def test_an_episode_without_answers_has_an_empty_analysis():
    course = build_course([SessionFact("s1", 1, date(2026, 1, 1), "held")], [], load_bundled())
    assert course.alliance is None and course.outcome is None
    assert course.analysis.ruptures == () and course.analysis.tracking == () and course.analysis.change is None
