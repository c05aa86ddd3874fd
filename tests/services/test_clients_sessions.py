"""Clients, episodes, sessions, paper entries and corrections (append-only history)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from alliance_desktop.services import clients, sessions
from alliance_desktop.services.alerts import alerts_for_client
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.caseload import caseload
from alliance_desktop.services.client_course import course_view
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage.tables import ItemAnswer, Response
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import alliance, login, phq


@pytest.mark.parametrize(("code", "message"), [
    ("  ", "Enter a pseudonym code"),
    ("K", "at least 2 characters"),
    ("K" * 65, "at most 64 characters; this one has 65"),
    ("AB\u0000CD", "control characters"),
    ("AB\nCD", "line breaks"),
])
def test_pseudonym_rules(session, seeded, code, message):
    with pytest.raises(InvalidInput, match=message) as err:
        clients.create_client(session, code, therapist_id=seeded.tara.id)
    assert err.value.field == "pseudonym"


def test_pseudonym_is_trimmed_and_unique_ignoring_case(session, seeded):
    made = clients.create_client(session, "  ab-77  ", "A.B.", seeded.tara.id)
    assert made.pseudonym == "ab-77" and made.initials == "A.B." and made.episodes == ()
    with pytest.raises(InvalidInput, match="'AB-77' is already in use"):
        clients.create_client(session, "AB-77", therapist_id=seeded.theo.id)


def test_who_creates_and_reassigns(clinic, session, seeded):
    t = login(clinic, "tara")
    sue = login(clinic, "sue")
    try:
        mine = clients.create_client(t, "TA-1")
        assert mine.therapist_id == seeded.tara.id
        with pytest.raises(NotAllowed):
            clients.create_client(t, "TA-2", therapist_id=seeded.theo.id)
        with pytest.raises(NotAllowed):
            clients.create_client(sue, "SU-1", therapist_id=seeded.tara.id)
        with pytest.raises(NotAllowed):
            clients.assign_therapist(t, mine.client_id, seeded.theo.id)
        moved = clients.assign_therapist(session, seeded.repaired_client, seeded.theo.id)
        assert moved.therapist_id == seeded.theo.id
        assert {r.pseudonym for r in caseload(t)} == {"UR-0002"}  # episode went along
        with pytest.raises(NotAllowed):
            course_view(t, seeded.repaired_episode)
    finally:
        t.lock()
        sue.lock()


def test_episodes_open_close_and_archive(session, seeded, clock):
    c = clients.create_client(session, "EP-1", therapist_id=seeded.tara.id)
    opened = clients.open_episode(session, c.client_id)
    assert opened.open_episode is not None and opened.open_episode.planned_sessions == 24
    with pytest.raises(InvalidInput, match="already has an open episode"):
        clients.open_episode(session, c.client_id, planned=12)
    with pytest.raises(InvalidInput, match="from 1 to 100"):
        clients.open_episode(session, c.client_id, planned=0)
    closed = clients.close_episode(session, opened.open_episode.episode_id)
    assert closed.open_episode is None and closed.episodes[0].closed_on == clock.now().date()
    again = clients.open_episode(session, c.client_id, planned=12)
    archived = clients.archive_client(session, c.client_id)
    assert archived.archived and archived.open_episode is None and len(again.episodes) == 2
    assert all(x.pseudonym != "EP-1" for x in clients.list_clients(session))
    assert any(x.pseudonym == "EP-1" for x in clients.list_clients(session, include_archived=True))


def test_sessions_are_numbered_next_and_duplicates_refused(clinic, seeded):
    t = login(clinic, "tara")
    try:
        rec = sessions.record_session(t, seeded.repaired_episode, date(2026, 1, 5))
        assert rec.number == 9
        with pytest.raises(InvalidInput, match="Session 9 is already recorded"):
            sessions.record_session(t, seeded.repaired_episode, date(2026, 1, 6), number=9)
        with pytest.raises(InvalidInput, match="cannot be earlier"):
            sessions.record_session(t, seeded.repaired_episode, date(2020, 1, 1))
        assert sessions.record_session(t, seeded.repaired_episode, date(2026, 1, 20), number=12).number == 12
        missed = sessions.mark_missed(t, rec.therapy_session_id)
        assert missed.status == "missed"
        with pytest.raises(InvalidInput, match="Answers are stored"):
            sessions.mark_missed(t, seeded.repaired_sessions[0])
    finally:
        t.lock()


def test_paper_entry_is_marked_staff_entered_and_raises_alerts(clinic, seeded):
    t = login(clinic, "tara")
    try:
        rec = sessions.record_session(t, seeded.repaired_episode, date(2026, 1, 5))
        saved = sessions.enter_paper_response(t, rec.therapy_session_id, "phq9", phq(9, item9=2), "On paper.")
        assert saved.total == 9 and len(saved.alert_ids) == 2  # risk + red (risk item)
        kinds = {a.kind for a in alerts_for_client(t, seeded.repaired_episode) if a.session_number == 9}
        assert kinds == {"risk", "not_on_track"}
        with t.read() as s:
            row = s.execute(sa.select(Response.mode, Response.entered_by, Response.comment)
                            .where(Response.id == saved.response_id)).one()
        assert tuple(row) == ("staff_paper", seeded.tara.id, "On paper.")
        with pytest.raises(InvalidInput, match="not one of the options"):
            sessions.enter_paper_response(t, rec.therapy_session_id, "phq9", {"1": 7})
    finally:
        t.lock()


def test_supervisor_and_other_therapist_cannot_enter_answers(clinic, seeded):
    for name in ("sue", "theo"):
        other = login(clinic, name)
        try:
            with pytest.raises(NotAllowed):
                sessions.enter_paper_response(other, seeded.repaired_sessions[0], "phq9", phq(5))
        finally:
            other.lock()


def test_amend_keeps_history_and_the_amendment_counts(clinic, seeded):
    t = login(clinic, "tara")
    try:
        s8 = course_view(t, seeded.repaired_episode).session(8)
        original = next(m for m in s8.responses if m.instrument_id == "example-alliance")
        with t.read() as s:
            before = s.execute(sa.select(ItemAnswer.item_id, ItemAnswer.vas_mm)
                               .where(ItemAnswer.response_id == original.response_id)).all()
        with pytest.raises(InvalidInput, match="Give a reason"):
            sessions.amend_response(t, original.response_id, alliance(20.0), "   ")
        fixed = sessions.amend_response(t, original.response_id, alliance(20.0), "Typed the wrong form.")
        assert fixed.total == 20.0
        history = sessions.response_history(t, seeded.repaired_sessions[7])
        by_id = {h.response_id: h for h in history}
        assert by_id[original.response_id].status == "amended" and not by_id[original.response_id].standing
        assert by_id[original.response_id].total == 38.5  # the original answers are untouched
        amendment = by_id[fixed.response_id]
        assert amendment.standing and amendment.amends_id == original.response_id
        assert amendment.status_reason == "Typed the wrong form." and amendment.mode == "staff_paper"
        with t.read() as s:
            after = s.execute(sa.select(ItemAnswer.item_id, ItemAnswer.vas_mm)
                              .where(ItemAnswer.response_id == original.response_id)).all()
        assert sorted(after) == sorted(before)
        view = course_view(t, seeded.repaired_episode)
        assert view.session(8).alliance_total == 20.0 and view.session(8).amended
        assert len(view.session(8).responses) == 3  # original, amendment, PHQ-9
        with pytest.raises(InvalidInput, match="Only the current version"):
            sessions.amend_response(t, original.response_id, alliance(30.0), "Again.")
        # an amendment entered in error: the original counts again
        entry = sessions.mark_entered_in_error(t, fixed.response_id, "Wrong session.")
        assert entry.status == "entered_in_error" and not entry.standing
        view = course_view(t, seeded.repaired_episode)
        assert view.session(8).alliance_total == 38.5 and view.session(8).entered_in_error
        assert len(sessions.response_history(t, seeded.repaired_sessions[7])) == 3
    finally:
        t.lock()


def test_list_clients_searches_and_pages(session, seeded):
    for code in ("ZZ_1", "ZZ%2", "zz-3"):
        clients.create_client(session, code, therapist_id=seeded.theo.id)
    assert [c.pseudonym for c in clients.list_clients(session, search="zz")] == ["ZZ%2", "ZZ_1", "zz-3"]
    assert [c.pseudonym for c in clients.list_clients(session, search="Z_")] == ["ZZ_1"]  # no wildcard
    assert [c.pseudonym for c in clients.list_clients(session, search="z%")] == ["ZZ%2"]
    page = clients.list_clients(session, limit=2, offset=1)
    assert [c.pseudonym for c in page] == [c.pseudonym for c in clients.list_clients(session)][1:3]
    with pytest.raises(InvalidInput):
        clients.list_clients(session, limit=0)
