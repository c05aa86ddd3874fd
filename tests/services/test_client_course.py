"""The course view (chart data) and the click-through to one session's answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from alliance_desktop.core.ruptures import RepairStatus, Severity
from alliance_desktop.core.tracking import Colour
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.client_course import course_view, session_answers
from alliance_desktop.storage.tables import AuditEvent, Response
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import REPAIRED_ALLIANCE, REPAIRED_PHQ, login


def test_course_holds_every_session_with_totals_items_and_the_chart_metadata(clinic, seeded):
    t = login(clinic, "tara")
    try:
        view = course_view(t, seeded.repaired_episode)
    finally:
        t.lock()
    assert (view.pseudonym, view.initials, view.therapist_name) == ("RP-0001", "R.P.", "Tara Example")
    assert view.planned_sessions == 24 and view.x_max == 24
    assert [p.number for p in view.sessions] == list(range(1, 9))
    assert [p.alliance_total for p in view.sessions] == list(REPAIRED_ALLIANCE)
    assert [p.outcome_total for p in view.sessions] == [float(x) for x in REPAIRED_PHQ]
    s6 = view.session(6)
    assert s6 is not None and dict(s6.alliance_items) == {"connection": 7.5, "focus": 7.5, "approach": 7.5,
                                                         "overall": 7.5}
    assert s6.staff_entered and not s6.amended and not s6.entered_in_error and len(s6.response_ids) == 2
    a = view.alliance
    assert a is not None and a.title == "Example alliance check-in (example — not a validated instrument)"
    assert (a.min_total, a.max_total, a.flag_range.op, a.flag_value, a.reliable_change) == (0, 40, "<", 36, 5)
    assert a.flag_check and [i.id for i in a.items] == ["connection", "focus", "approach", "overall"]
    o = view.outcome
    assert o is not None and (o.flag_range.op, o.flag_value, o.reliable_change, o.direction.value) == (
        ">=", 10, 6, "lower_is_better")
    (rupture,) = view.analysis.ruptures
    assert (rupture.session, rupture.severity, rupture.repair, rupture.repaired_at) == (
        6, Severity.PROBABLE, RepairStatus.REPAIRED, 7)
    assert rupture.rule_ids == ("R1", "R2", "R3")
    assert view.early_alliance_mean == pytest.approx((37.0 + 37.5 + 38.0 + 37.5) / 4)
    assert view.analysis.latest_status.colour is Colour.WHITE
    stats = {s.session: s for s in view.analysis.alliance_stats}
    assert stats[6].prior_mean == pytest.approx(37.6)


def test_gaps_stay_gaps(clinic, seeded):
    h = login(clinic, "theo")
    try:
        view = course_view(h, seeded.theo_episode)
    finally:
        h.lock()
    missed = view.session(3)
    assert missed is not None and missed.status == "missed"
    assert missed.alliance_total is None and missed.outcome_total is None and missed.responses == ()


def test_first_viewing_is_recorded_once_and_only_for_the_therapist(clinic, seeded):
    sue = login(clinic, "sue")
    try:
        assert course_view(sue, seeded.repaired_episode).newly_viewed == ()
    finally:
        sue.lock()
    t = login(clinic, "tara")
    try:
        first = course_view(t, seeded.repaired_episode)
        assert len(first.newly_viewed) == 16
        assert course_view(t, seeded.repaired_episode).newly_viewed == ()
        with t.read() as s:
            stamps = s.execute(sa.select(Response.first_viewed_by, Response.first_viewed_at)
                               .where(Response.id.in_(first.newly_viewed))).all()
            views = s.execute(sa.select(AuditEvent.target_id, AuditEvent.details)
                              .where(AuditEvent.action == "client.viewed")).all()
    finally:
        t.lock()
    assert {by for by, _ in stamps} == {seeded.tara.id} and all(at is not None for _, at in stamps)
    assert [v.target_id for v in views] == [str(seeded.repaired_client)] * 3
    assert all("RP-0001" not in str(v.details) for v in views)  # ids only


def test_session_answers_show_item_text_and_answer(clinic, seeded):
    t = login(clinic, "tara")
    try:
        view = course_view(t, seeded.unrepaired_episode)
        s9 = view.session(9)
        assert s9 is not None and [(m.instrument_id, m.item_id, m.answer) for m in s9.risk] == [("phq9", "9", 1.0)]
        phq_id = next(m.response_id for m in s9.responses if m.instrument_id == "phq9")
        answers = session_answers(t, phq_id)
    finally:
        t.lock()
    assert answers.instrument.abbreviation == "PHQ-9" and answers.total == 20 and answers.mode == "staff_paper"
    item9 = next(line for line in answers.items if line.item_id == "9")
    assert item9.text.startswith("Thoughts that you would be better off dead")
    assert (item9.answer, item9.answer_label) == (1.0, "Several days")
    assert [r.item_id for r in answers.risk] == ["9"]
    assert answers.entered_by_name == "Tara Example"


def test_another_therapist_cannot_open_the_course_or_answers(clinic, seeded):
    h = login(clinic, "theo")
    try:
        with pytest.raises(NotAllowed):
            course_view(h, seeded.repaired_episode)
        t = login(clinic, "tara")
        try:
            rid = course_view(t, seeded.repaired_episode).sessions[0].response_ids[0]
        finally:
            t.lock()
        with pytest.raises(NotAllowed):
            session_answers(h, rid)
    finally:
        h.lock()
