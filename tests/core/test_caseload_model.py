"""Caseload rows from a course and its alerts: badges, when they clear, and the attention ladder."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from alliance_desktop.core.caseload_model import AlertState, Attention, EpisodeHead, caseload_row, sort_by_attention
from alliance_desktop.core.course_series import ResponseFact, SessionFact, build_course
from alliance_desktop.core.instruments import load_bundled

HEAD = EpisodeHead(uuid.uuid4(), uuid.uuid4(), "AB-1", "A.B.", 1980, uuid.uuid4(), "T", date(2026, 1, 1), None, 24)


def course(alliance, phq, *, risk_at=()):
    sessions = [SessionFact(f"s{n}", n, date(2026, 1, n), "held") for n in range(1, len(alliance) + 1)]
    rs = []
    for n, (a, o) in enumerate(zip(alliance, phq, strict=True), start=1):
        if a is not None:
            rs.append(ResponseFact(f"a{n}", n, "example-alliance", "completed", None, f"{n:02d}", a))
        if o is not None:
            rs.append(ResponseFact(f"o{n}", n, "phq9", "completed", None, f"{n:02d}", o, "kiosk",
                                   (("9", 1.0 if n in risk_at else 0.0),)))
    return build_course(sessions, rs, load_bundled())


def row(c, alerts=(), head=HEAD):
    return caseload_row(head, c, alerts)


STEADY = ([37.0, 37.5, 38.0, 37.5, 38.0, 38.5], [14, 12, 11, 9, 8, 7])


def test_a_quiet_course_needs_no_attention():
    r = row(course(*STEADY))
    assert r.attention is Attention.NONE and r.reasons == () and r.sessions_label == "6/24"
    assert r.colour.value == "white" and r.change_class.value == "recovered"


def test_risk_at_the_latest_session_is_on_top_until_its_alert_is_handled():
    c = course(*STEADY, risk_at=(6,))
    assert row(c).attention is Attention.RISK
    unhandled = [AlertState("x", "risk", 6, "o6", False)]
    assert row(c, unhandled).badges.unhandled_alerts == 1 and row(c, unhandled).attention is Attention.RISK
    handled = [AlertState("x", "risk", 6, "o6", True), AlertState("y", "not_on_track", 6, "o6", True)]
    r = row(c, handled)
    assert not r.badges.risk and not r.badges.red and r.attention is Attention.YELLOW  # red, handled


def test_an_old_unhandled_risk_alert_keeps_the_badge_and_a_superseded_one_does_not():
    c = course(*STEADY)
    assert row(c, [AlertState("x", "risk", 2, "o2", False)]).attention is Attention.RISK
    # the response the alert was raised on no longer stands (amended / entered in error)
    assert row(c, [AlertState("x", "risk", 2, "gone", False)]).attention is Attention.NONE


def test_below_cutoff_and_the_drop_against_the_running_mean_order_rows():
    a = course([37.0, 37.0, 37.0, 37.0, 37.0, 35.0], [14, 12, 11, 9, 8, 7])
    b = course([37.0, 37.0, 37.0, 37.0, 37.0, 34.0], [14, 12, 11, 9, 8, 7])
    ra, rb = row(a), row(b, head=replace(HEAD, episode_id=uuid.uuid4(), pseudonym="ZZ-9"))
    assert ra.badges.below_cutoff and rb.badges.below_cutoff
    assert ra.alliance_deviation == -2.0 and rb.alliance_deviation == -3.0
    assert [r.pseudonym for r in sort_by_attention([ra, rb])] == ["ZZ-9", "AB-1"]  # bigger drop first
    handled = [AlertState("x", "rupture", 6, "a6", True)]
    assert row(a, handled).attention is Attention.NONE


def test_the_ladder_order():
    assert list(Attention) == sorted(Attention)
    assert [a.name for a in Attention][:4] == ["RISK", "RED", "UNREPAIRED_RUPTURE", "BELOW_CUTOFF"]
