"""Detail reads of one course: every response with its history, item answers, instruction events, alerts.

The caseload reads many courses thinly (storage.caseload_queries); the course
view reads one course fully: every response (history included), every item
answer, the instruction events. A 24-session course is a few hundred rows, so
plain selects with real UUID and datetime objects are fine here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from alliance_desktop.core.course_view import InstructionMark
from alliance_desktop.core.workspace_model import AlertActionView
from alliance_desktop.storage.tables import (
    Alert,
    AlertAction,
    AuditEvent,
    Client,
    Episode,
    InstructionEvent,
    ItemAnswer,
    Response,
    Score,
    TherapySession,
    User,
)


@dataclass(frozen=True, slots=True)
class ResponseDetail:
    id: uuid.UUID
    session_id: uuid.UUID
    session_number: int
    instrument_id: str
    instrument_version: str
    language: str
    mode: str
    status: str
    status_reason: str | None
    amends_id: uuid.UUID | None
    completed_at: datetime
    comment: str | None
    first_viewed_at: datetime | None
    entered_by_name: str | None
    #: scale id -> value (None when not scorable)
    scores: dict[str, float | None]


def _details(s: Session, where: Any) -> list[ResponseDetail]:
    enterer = aliased(User)
    rows = s.execute(
        sa.select(Response.id, Response.session_id, TherapySession.number, Response.instrument_id,
                  Response.instrument_version, Response.language, Response.mode, Response.status,
                  Response.status_reason, Response.amends_id, Response.completed_at, Response.comment,
                  Response.first_viewed_at, enterer.display_name)
        .join(TherapySession, TherapySession.id == Response.session_id)
        .outerjoin(enterer, enterer.id == Response.entered_by)
        .where(where)
        .order_by(TherapySession.number, Response.completed_at)
    ).all()
    ids = [r[0] for r in rows]
    scores: dict[uuid.UUID, dict[str, float | None]] = {}
    for start in range(0, len(ids), 500):
        for rid, scale, value in s.execute(sa.select(Score.response_id, Score.scale, Score.value)
                                           .where(Score.response_id.in_(ids[start:start + 500]))):
            scores.setdefault(rid, {})[scale] = value
    return [ResponseDetail(*r, scores=scores.get(r[0], {})) for r in rows]


def episode_responses(s: Session, episode_id: uuid.UUID) -> list[ResponseDetail]:
    """Every response of the episode, history included, in session and completion order."""
    return _details(s, TherapySession.episode_id == episode_id)


def session_responses(s: Session, therapy_session_id: uuid.UUID) -> list[ResponseDetail]:
    return _details(s, TherapySession.id == therapy_session_id)


def response_detail(s: Session, response_id: uuid.UUID) -> ResponseDetail | None:
    found = _details(s, Response.id == response_id)
    return found[0] if found else None


def item_answers(s: Session, response_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, tuple[float | None,
                                                                                                    int | None]]]:
    """response id -> item id -> (stored item score, millimetres for a line)."""
    out: dict[uuid.UUID, dict[str, tuple[float | None, int | None]]] = {}
    ids = list(response_ids)
    for start in range(0, len(ids), 500):
        rows = s.execute(sa.select(ItemAnswer.response_id, ItemAnswer.item_id, ItemAnswer.value, ItemAnswer.vas_mm)
                         .where(ItemAnswer.response_id.in_(ids[start:start + 500])))
        for rid, item_id, value, mm in rows:
            out.setdefault(rid, {})[item_id] = (value, mm)
    return out


def instruction_marks(s: Session, episode_id: uuid.UUID) -> list[InstructionMark]:
    rows = s.execute(
        sa.select(TherapySession.number, InstructionEvent.delivered_at, InstructionEvent.channel,
                  InstructionEvent.text_version, InstructionEvent.language)
        .select_from(InstructionEvent)
        .outerjoin(TherapySession, TherapySession.id == InstructionEvent.session_id)
        .where(InstructionEvent.episode_id == episode_id)
        .order_by(InstructionEvent.delivered_at)
    ).all()
    return [InstructionMark(*r) for r in rows]


# -- alerts ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertRecord:
    id: uuid.UUID
    episode_id: uuid.UUID
    client_id: uuid.UUID
    pseudonym: str
    session_number: int | None
    response_id: uuid.UUID | None
    response_status: str | None
    kind: str
    rule_ids: str
    severity: str
    explanation: str
    created_at: datetime
    actions: tuple[AlertActionView, ...]


def alert_records(
    s: Session, *, episode_ids: Sequence[uuid.UUID] | None = None, therapist_id: uuid.UUID | None = None,
    alert_id: uuid.UUID | None = None, active_only: bool = False,
) -> list[AlertRecord]:
    """Alerts with their client, session number, the status of their response and every action."""
    stmt = (
        sa.select(Alert.id, Alert.episode_id, Client.id, Client.pseudonym, TherapySession.number, Alert.response_id,
                  Response.status, Alert.kind, Alert.rule_ids, Alert.severity, Alert.explanation, Alert.created_at)
        .join(Episode, Episode.id == Alert.episode_id)
        .join(Client, Client.id == Episode.client_id)
        .outerjoin(TherapySession, TherapySession.id == Alert.session_id)
        .outerjoin(Response, Response.id == Alert.response_id)
        .order_by(Alert.created_at.desc())
    )
    if episode_ids is not None:
        stmt = stmt.where(Alert.episode_id.in_(list(episode_ids)))
    if therapist_id is not None:
        stmt = stmt.where(Client.therapist_id == therapist_id)
    if alert_id is not None:
        stmt = stmt.where(Alert.id == alert_id)
    if active_only:
        stmt = stmt.where(Episode.closed_on.is_(None), Client.archived_at.is_(None))
    rows = s.execute(stmt).all()
    actions: dict[uuid.UUID, list[AlertActionView]] = {}
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 500):
        for alert, action, user_id, name, at, note in s.execute(
            sa.select(AlertAction.alert_id, AlertAction.action, AlertAction.user_id, User.display_name,
                      AlertAction.at, AlertAction.note)
            .join(User, User.id == AlertAction.user_id)
            .where(AlertAction.alert_id.in_(ids[start:start + 500]))
            .order_by(AlertAction.at)
        ):
            actions.setdefault(alert, []).append(AlertActionView(action, user_id, name, at, note))
    return [AlertRecord(*r, actions=tuple(actions.get(r[0], ()))) for r in rows]


# -- the audit log -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    details: dict[str, Any]


def audit_rows(s: Session, offset: int, limit: int) -> tuple[int, list[AuditRow]]:
    """(number of entries, one page newest first)."""
    total = int(s.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one())
    rows = s.execute(
        sa.select(AuditEvent.seq, AuditEvent.at, AuditEvent.actor_id, User.display_name, AuditEvent.action,
                  AuditEvent.target_kind, AuditEvent.target_id, AuditEvent.details)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.seq.desc()).offset(offset).limit(limit)
    ).all()
    return total, [AuditRow(*r) for r in rows]


def amendments_of(s: Session, response_id: uuid.UUID) -> list[uuid.UUID]:
    """Responses that amend ``response_id`` (entered-in-error ones included: history stays visible)."""
    return list(s.execute(sa.select(Response.id).where(Response.amends_id == response_id)
                          .order_by(Response.completed_at)).scalars())
