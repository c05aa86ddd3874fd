"""Therapy sessions and the answers staff enter or correct.

- ``record_session`` / ``mark_missed``: scheduling, by the client's therapist
  or an administrator (no clinical content).
- ``enter_paper_response``: a questionnaire the client filled in on paper,
  typed in by the therapist (mode ``staff_paper``, ``entered_by`` = who typed it).
  It goes through the kiosk's own submit path (services.kiosk_submit:
  validation, scoring, the alerts it raises), so a paper answer and a kiosk
  answer are judged by the same code.
- ``amend_response`` / ``mark_entered_in_error``: corrections append. An
  amendment is a new response pointing at the original, whose status becomes
  ``amended``; nothing is overwritten and ``response_history`` shows it all.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from alliance_desktop.core.course_series import ResponseFact, standing_responses
from alliance_desktop.core.kiosk_model import KioskAnswers, pick_language
from alliance_desktop.core.workspace_model import HistoryEntry, SavedResponse, SessionRecord, clean_text, note_problem
from alliance_desktop.services.authz import (
    audit_read,
    client_of_episode,
    client_of_response,
    client_of_session,
    require_client_admin,
    require_read,
    require_write,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.instrument_admin import enabled_ids
from alliance_desktop.services.kiosk_config import clinic_instruments, comment_max_chars
from alliance_desktop.services.kiosk_submit import OpenQuestionnaire, alert_rows, check_answers, response_rows
from alliance_desktop.storage import audit, client_records, course_queries, kiosk_store

__all__ = ["amend_response", "enter_paper_response", "mark_entered_in_error", "mark_missed", "record_session",
           "response_history"]

STAFF_DEVICE = "staff-entry"
MAX_SESSION_NUMBER = 200


def record_session(session: ClinicSession, episode_id: uuid.UUID, held_on: date,
                   number: int | None = None) -> SessionRecord:
    """Record a held session (the next number by default); a number already used is refused."""
    if not isinstance(held_on, date):
        raise InvalidInput("held_on", "Enter the date of the session.")
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_episode(s, episode_id)
        require_client_admin(session.user, ref, "record a session")
        episode = client_records.episode_record(s, episode_id)
        assert episode is not None
        if episode.closed_on is not None:
            raise InvalidInput("episode_id", "This episode is closed; open a new episode to record sessions.")
        if held_on < episode.opened_on:
            raise InvalidInput("held_on", f"The episode opened on {episode.opened_on.isoformat()}; "
                                          "a session cannot be earlier.")
        existing = {r.number: r for r in client_records.episode_sessions(s, episode_id)}
        if number is None:
            number = max(existing, default=0) + 1
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_SESSION_NUMBER:
            raise InvalidInput("number", f"The session number must be from 1 to {MAX_SESSION_NUMBER}.")
        if number in existing:
            raise InvalidInput("number", f"Session {number} is already recorded "
                                         f"(on {existing[number].held_on.isoformat()}).")
        session_id = client_records.insert_session(s, episode_id=episode_id, number=number, held_on=held_on, now=now)
        audit.append(s, at=now, action="session.recorded", actor_id=session.user.id, target_kind="therapy_session",
                     target_id=str(session_id), details={"episode": str(episode_id), "number": number})
        record = client_records.session_record(s, session_id)
    assert record is not None
    return record


def mark_missed(session: ClinicSession, therapy_session_id: uuid.UUID) -> SessionRecord:
    """The client did not come: the chart shows a gap (never interpolated)."""
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_session(s, therapy_session_id)
        require_client_admin(session.user, ref, "mark a session missed")
        if client_records.live_responses_in_session(s, therapy_session_id):
            raise InvalidInput("therapy_session_id", "Answers are stored for this session. Mark them entered in "
                                                     "error first if the session did not take place.")
        client_records.set_session_status(s, therapy_session_id, "missed")
        audit.append(s, at=now, action="session.missed", actor_id=session.user.id, target_kind="therapy_session",
                     target_id=str(therapy_session_id), details={"episode": str(ref.episode_id)})
        record = client_records.session_record(s, therapy_session_id)
    assert record is not None
    return record


def _store(s: Session, session: ClinicSession, therapy_session_id: uuid.UUID, instrument_id: str,
           answers: Mapping[str, int | None], comment: str | None, language: str | None, *,
           amends: client_records.ResponseRecord | None = None, reason: str | None = None) -> SavedResponse:
    """Check, score, judge and insert one staff-entered response (the kiosk's submit path)."""
    ctx = kiosk_store.session_context(s, therapy_session_id)
    assert ctx is not None
    if ctx.status != "held":
        raise InvalidInput("therapy_session_id", f"Session {ctx.number} is marked '{ctx.status}'.")
    if amends is None and instrument_id not in enabled_ids(s):
        raise InvalidInput("instrument_id", f"'{instrument_id}' is not enabled in this clinic "
                                            "(administrator: Instruments).")
    instrument = clinic_instruments(s, [instrument_id])[instrument_id]
    shown = pick_language(language or "en", instrument.languages)
    now = session.clock.now()
    record = OpenQuestionnaire(token="staff", ticket_id=None, ctx=ctx, instruments=(instrument,),
                               languages={instrument.id: shown}, language=shown,
                               comment_max_chars=comment_max_chars(s), instruction=None)
    checked = check_answers(record, KioskAnswers(submission_id=uuid.uuid4(), started_at=now,
                                                 answers={instrument.id: dict(answers)}, comment=comment))
    rows = response_rows(record, checked, device_id=STAFF_DEVICE, now=now)
    alerts = alert_rows(s, record, checked, rows, now)
    alert_ids = kiosk_store.insert_submission(
        s, rows, alerts, mode="staff_paper", entered_by=session.user.id,
        respondent_role=amends.respondent_role if amends else "client",
        amends_id=amends.id if amends else None, status_reason=reason)
    return SavedResponse(rows[0].id, therapy_session_id, instrument.id, checked.scores[instrument.id].total.value,
                         tuple(alert_ids))


def enter_paper_response(session: ClinicSession, therapy_session_id: uuid.UUID, instrument_id: str,
                         answers: Mapping[str, int | None], comment: str | None = None, *,
                         language: str | None = None) -> SavedResponse:
    """Type in a paper questionnaire: raw answers (mm for a line, option values), marked staff-entered."""
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_session(s, therapy_session_id)
        require_write(session.user, ref, "enter answers for this client")
        saved = _store(s, session, therapy_session_id, instrument_id, answers, comment, language)
        audit.append(s, at=now, action="response.entered", actor_id=session.user.id, target_kind="response",
                     target_id=str(saved.response_id),
                     details={"client": str(ref.client_id), "mode": "staff_paper", "instrument": instrument_id,
                              "alerts": [str(a) for a in saved.alert_ids]})
    return saved


def _reason(reason: str | None) -> str:
    text = clean_text(reason)
    problem = note_problem(text, required=True, what="reason")
    if problem:
        raise InvalidInput("reason", problem)
    assert text is not None
    return text


def amend_response(session: ClinicSession, response_id: uuid.UUID, answers: Mapping[str, int | None],
                   reason: str, *, comment: str | None = None) -> SavedResponse:
    """Correct a response: a new response that amends it; the original stays, marked ``amended``."""
    why = _reason(reason)
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_response(s, response_id)
        require_write(session.user, ref, "correct this client's answers")
        original = client_records.response_record(s, response_id)
        assert original is not None
        if original.status != "completed":
            raise InvalidInput("response_id", "Only the current version of a response can be amended "
                                              f"(this one is marked '{original.status}').")
        saved = _store(s, session, original.session_id, original.instrument_id, answers,
                       comment if comment is not None else original.comment, original.language,
                       amends=original, reason=why)
        client_records.set_response_status(s, response_id, "amended", why)
        audit.append(s, at=now, action="response.amended", actor_id=session.user.id, target_kind="response",
                     target_id=str(response_id),
                     details={"client": str(ref.client_id), "amendment": str(saved.response_id),
                              "alerts": [str(a) for a in saved.alert_ids]})
    return saved


def mark_entered_in_error(session: ClinicSession, response_id: uuid.UUID, reason: str) -> HistoryEntry:
    """The response should never have been stored (wrong client, wrong session): it stops counting, stays visible.

    If it was an amendment, the response it amended counts again.
    """
    why = _reason(reason)
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_response(s, response_id)
        require_write(session.user, ref, "correct this client's answers")
        record = client_records.response_record(s, response_id)
        assert record is not None
        if record.status == "entered_in_error":
            raise InvalidInput("response_id", "This response is already marked entered in error.")
        client_records.set_response_status(s, response_id, "entered_in_error", why)
        restored = None
        if record.amends_id is not None and not client_records.live_amendments_of(s, record.amends_id):
            amended = client_records.response_record(s, record.amends_id)
            if amended is not None and amended.status == "amended":
                client_records.set_response_status(s, amended.id, "completed", None)
                restored = amended.id
        audit.append(s, at=now, action="response.entered_in_error", actor_id=session.user.id,
                     target_kind="response", target_id=str(response_id),
                     details={"client": str(ref.client_id), "restored": str(restored) if restored else None})
        entries = _history(s, record.session_id)
    return next(e for e in entries if e.response_id == response_id)


def _history(s: Session, therapy_session_id: uuid.UUID) -> tuple[HistoryEntry, ...]:
    details = course_queries.session_responses(s, therapy_session_id)
    facts = [ResponseFact(d.id, d.session_number, d.instrument_id, d.status, d.amends_id, d.completed_at.isoformat(),
                          d.scores.get("total")) for d in details]
    standing = {r.key for r in standing_responses(facts).values()}
    return tuple(HistoryEntry(d.id, d.instrument_id, d.instrument_version, d.mode, d.status, d.status_reason,
                              d.amends_id, d.completed_at, d.entered_by_name, d.scores.get("total"), d.id in standing)
                 for d in details)


def response_history(session: ClinicSession, therapy_session_id: uuid.UUID) -> tuple[HistoryEntry, ...]:
    """Every response of a session in the order it was stored: originals, amendments, errors."""
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_session(s, therapy_session_id)
        require_read(session.user, ref, "see this client's answers")
        entries = _history(s, therapy_session_id)
        audit_read(s, session.user, now, "history", [ref.client_id], therapy_session=therapy_session_id)
    return entries
