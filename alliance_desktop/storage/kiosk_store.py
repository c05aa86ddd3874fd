"""Kiosk queries and inserts: tickets, the session a questionnaire belongs to, submissions, instruction events.

Each function takes the caller's ORM session, so the kiosk service decides
where its unit of work begins and ends (one transaction per submission).
Inserts use SQLAlchemy Core statements on the tables (portable, and fast: a
submission is a handful of rows and the kiosk's budget is tight). What leaves
this module is small frozen records, never ORM rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import (
    Alert,
    Client,
    Episode,
    InstructionEvent,
    ItemAnswer,
    KioskTicket,
    Response,
    Score,
    TherapySession,
    User,
    WordingPack,
)

_TICKET_INSTRUMENTS = "instruments"


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: uuid.UUID
    session_id: uuid.UUID
    instrument_ids: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class SessionContext:
    """The therapy session a questionnaire is for, with what the rules and the kiosk need."""

    session_id: uuid.UUID
    number: int
    status: str
    episode_id: uuid.UUID
    episode_closed: bool
    client_id: uuid.UUID
    client_birth_year: int | None
    therapist_id: uuid.UUID
    therapist_display_name: str


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """One response of a submission, ready to insert (answers and scores as plain dicts)."""

    id: uuid.UUID
    submission_id: uuid.UUID
    session_id: uuid.UUID
    instrument_id: str
    instrument_version: str
    language: str
    licence_id: str
    device_id: str
    started_at: datetime
    completed_at: datetime
    comment: str | None
    answers: tuple[dict[str, Any], ...]
    scores: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class AlertRow:
    episode_id: uuid.UUID
    session_id: uuid.UUID
    response_id: uuid.UUID | None
    kind: str
    rule_ids: str
    severity: str
    explanation: str
    created_at: datetime


# -- tickets -------------------------------------------------------------------------------


def add_ticket(
    s: Session,
    *,
    code_hash: str,
    session_id: uuid.UUID,
    instrument_ids: Sequence[str],
    issued_by: uuid.UUID,
    issued_at: datetime,
    expires_at: datetime,
) -> uuid.UUID:
    ticket_id = uuid.uuid4()
    s.execute(
        sa.insert(KioskTicket),
        [dict(id=ticket_id, code_hash=code_hash, session_id=session_id,
              instrument_ids={_TICKET_INSTRUMENTS: list(instrument_ids)}, issued_by=issued_by,
              issued_at=issued_at, expires_at=expires_at, used_at=None)],
    )
    return ticket_id


def active_ticket_with_hash(s: Session, code_hash: str, now: datetime) -> bool:
    """Whether an unused, unexpired ticket already has this code (a new code must differ)."""
    row = s.execute(
        sa.select(KioskTicket.id).where(
            KioskTicket.code_hash == code_hash, KioskTicket.used_at.is_(None), KioskTicket.expires_at > now
        ).limit(1)
    ).first()
    return row is not None


def _ticket(row: KioskTicket) -> TicketRecord:
    ids = row.instrument_ids.get(_TICKET_INSTRUMENTS, []) if isinstance(row.instrument_ids, dict) else []
    return TicketRecord(row.id, row.session_id, tuple(str(i) for i in ids), row.issued_at, row.expires_at,
                        row.used_at)


def find_ticket(s: Session, code_hash: str, now: datetime) -> TicketRecord | None:
    """The ticket a typed code stands for: an active one first, else the most recently issued one.

    Codes are 6 digits, so an old (used or expired) ticket may share its hash
    with a new one; the active ticket always wins.
    """
    active = s.execute(
        sa.select(KioskTicket).where(
            KioskTicket.code_hash == code_hash, KioskTicket.used_at.is_(None), KioskTicket.expires_at > now
        ).order_by(KioskTicket.issued_at.desc()).limit(1)
    ).scalar_one_or_none()
    if active is not None:
        return _ticket(active)
    latest = s.execute(
        sa.select(KioskTicket).where(KioskTicket.code_hash == code_hash)
        .order_by(KioskTicket.issued_at.desc()).limit(1)
    ).scalar_one_or_none()
    return _ticket(latest) if latest is not None else None


def ticket_by_id(s: Session, ticket_id: uuid.UUID) -> TicketRecord | None:
    row = s.get(KioskTicket, ticket_id)
    return _ticket(row) if row is not None else None


def mark_ticket_used(s: Session, ticket_id: uuid.UUID, at: datetime) -> bool:
    """Mark a ticket used; False when it already was (single use holds under concurrent kiosks)."""
    result = s.execute(
        sa.update(KioskTicket).where(KioskTicket.id == ticket_id, KioskTicket.used_at.is_(None)).values(used_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


# -- the session a questionnaire is for ---------------------------------------------------------


def session_context(s: Session, therapy_session_id: uuid.UUID) -> SessionContext | None:
    row = s.execute(
        sa.select(
            TherapySession.id, TherapySession.number, TherapySession.status, Episode.id, Episode.closed_on,
            Client.id, Client.birth_year, User.id, User.display_name,
        )
        .join(Episode, Episode.id == TherapySession.episode_id)
        .join(Client, Client.id == Episode.client_id)
        .join(User, User.id == Episode.therapist_id)
        .where(TherapySession.id == therapy_session_id)
    ).first()
    if row is None:
        return None
    return SessionContext(row[0], row[1], row[2], row[3], row[4] is not None, row[5], row[6], row[7], row[8])


# -- submissions --------------------------------------------------------------------------------


def existing_submissions(s: Session, submission_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """submission id -> therapy session id, for those of ``submission_ids`` already stored."""
    ids = list(submission_ids)
    if not ids:
        return {}
    rows = s.execute(
        sa.select(Response.submission_id, Response.session_id).where(Response.submission_id.in_(ids))
    ).all()
    return {r[0]: r[1] for r in rows}


def insert_submission(
    s: Session, responses: Sequence[ResponseRow], alerts: Sequence[AlertRow], *, mode: str = "kiosk",
    entered_by: uuid.UUID | None = None, respondent_role: str = "client", amends_id: uuid.UUID | None = None,
    status_reason: str | None = None,
) -> list[uuid.UUID]:
    """Insert responses, their item answers and scores, and the alerts; returns the alert ids.

    The defaults describe a kiosk submission; staff entries (paper, amendments)
    pass their mode, who entered them and what they amend.
    """
    s.execute(
        sa.insert(Response),
        [dict(id=r.id, submission_id=r.submission_id, session_id=r.session_id, instrument_id=r.instrument_id,
              instrument_version=r.instrument_version, language=r.language, licence_id=r.licence_id,
              respondent_role=respondent_role, mode=mode, entered_by=entered_by, device_id=r.device_id,
              started_at=r.started_at, completed_at=r.completed_at, status="completed", amends_id=amends_id,
              status_reason=status_reason, comment=r.comment, first_viewed_at=None, first_viewed_by=None)
         for r in responses],
    )
    answers = [dict(response_id=r.id, **a) for r in responses for a in r.answers]
    if answers:
        s.execute(sa.insert(ItemAnswer), answers)
    scores = [dict(response_id=r.id, **sc) for r in responses for sc in r.scores]
    if scores:
        s.execute(sa.insert(Score), scores)
    alert_ids = [uuid.uuid4() for _ in alerts]
    if alerts:
        s.execute(
            sa.insert(Alert),
            [dict(id=aid, episode_id=a.episode_id, session_id=a.session_id, response_id=a.response_id,
                  kind=a.kind, rule_ids=a.rule_ids, severity=a.severity, explanation=a.explanation,
                  created_at=a.created_at)
             for aid, a in zip(alert_ids, alerts, strict=True)],
        )
    return alert_ids


def earlier_totals(
    s: Session, episode_id: uuid.UUID, instrument_ids: Sequence[str], before_number: int
) -> dict[str, list[tuple[int, float]]]:
    """instrument id -> (session number, total) of the episode's observed totals before a session.

    Entered-in-error responses do not count; a response that a later one
    amends is replaced by the amendment; with several standing responses in
    one session the latest completed one counts. Unscorable totals are not
    observations (CLINICAL.md section 4: "observed (non-missing) totals").
    One query for all instruments (the kiosk's submit budget is tight).
    """
    out: dict[str, list[tuple[int, float]]] = {i: [] for i in instrument_ids}
    if not out:
        return out
    rows = s.execute(
        sa.select(Response.instrument_id, TherapySession.number, Response.id, Response.amends_id,
                  Response.completed_at, Score.value)
        .join(Response, Response.session_id == TherapySession.id)
        .join(Score, sa.and_(Score.response_id == Response.id, Score.scale == "total"))
        .where(
            TherapySession.episode_id == episode_id,
            TherapySession.number < before_number,
            Response.instrument_id.in_(list(out)),
            Response.status != "entered_in_error",
        )
    ).all()
    superseded = {r[3] for r in rows if r[3] is not None}
    latest: dict[tuple[str, int], tuple[datetime, float | None]] = {}
    for instrument_id, number, rid, _amends, completed, value in rows:
        if rid in superseded:
            continue
        key = (instrument_id, number)
        if key not in latest or completed > latest[key][0]:
            latest[key] = (completed, value)
    for (instrument_id, number), (_, value) in sorted(latest.items()):
        if value is not None:
            out[instrument_id].append((number, float(value)))
    return out


# -- instruction events and wording packs -------------------------------------------------------


def add_instruction_event(
    s: Session,
    *,
    episode_id: uuid.UUID,
    session_id: uuid.UUID,
    text_version: str,
    language: str,
    channel: str,
    device_id: str | None,
    delivered_by: uuid.UUID | None,
    delivered_at: datetime,
) -> uuid.UUID:
    event_id = uuid.uuid4()
    s.execute(
        sa.insert(InstructionEvent),
        [dict(id=event_id, episode_id=episode_id, session_id=session_id, text_version=text_version,
              language=language, channel=channel, device_id=device_id, delivered_by=delivered_by,
              delivered_at=delivered_at)],
    )
    return event_id


def wording_pack_contents(s: Session, instrument_ids: Iterable[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(instrument id, version, pack JSON) of the installed wording packs, oldest first."""
    ids = list(instrument_ids)
    if not ids:
        return []
    rows = s.execute(
        sa.select(WordingPack.instrument_id, WordingPack.instrument_version, WordingPack.content)
        .where(WordingPack.instrument_id.in_(ids))
        .order_by(WordingPack.installed_at)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]
