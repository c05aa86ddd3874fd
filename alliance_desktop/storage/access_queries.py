"""Everything the database holds about one client, for a data-subject access export (GDPR Art. 15/20).

Why every column: the export must be complete, so each table is read with all
of its columns (``_all``) rather than a hand-picked list that would silently
miss a column added later; the test compares the export with the table
definitions. The only column left out is ``kiosk_tickets.code_hash``: a hash
of a one-time code is a credential, not information about the client.

Audit entries "about the client" are those whose target is one of the client's
records (client, episodes, sessions, responses, alerts, kiosk tickets) or whose
details name the client's id. Lists of client ids in an entry (a caseload view
names every client on it) are cut down to this client by the service, so the
export carries no other client's id.

One client is a few hundred rows: a handful of indexed queries, plus one pass
over the audit log (whose ``target_id`` has no index; a scan of a million
entries takes about a second).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import (
    Alert,
    AlertAction,
    AuditEvent,
    Base,
    Client,
    Episode,
    InstructionEvent,
    ItemAnswer,
    KioskTicket,
    Note,
    Response,
    Score,
    TherapySession,
    User,
)

Row = dict[str, Any]

#: Columns never exported (see the module docstring).
EXCLUDED = {"kiosk_tickets": frozenset({"code_hash"})}


@dataclass(slots=True)
class ClientHoldings:
    client: Row
    episodes: list[Row] = field(default_factory=list)
    sessions: list[Row] = field(default_factory=list)
    responses: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    scores: list[Row] = field(default_factory=list)
    alerts: list[Row] = field(default_factory=list)
    alert_actions: list[Row] = field(default_factory=list)
    notes: list[Row] = field(default_factory=list)
    instruction_events: list[Row] = field(default_factory=list)
    kiosk_tickets: list[Row] = field(default_factory=list)
    audit_events: list[Row] = field(default_factory=list)
    staff: list[Row] = field(default_factory=list)


def exported_columns(table: type[Base]) -> list[str]:
    """Column names of ``table`` that an access export carries."""
    skip = EXCLUDED.get(table.__tablename__, frozenset())
    return [c.name for c in table.__table__.columns if c.name not in skip]


def _all(table: type[Base]) -> list[Any]:
    return [getattr(table, name) for name in exported_columns(table)]


def _rows(s: Session, stmt: sa.Select[Any]) -> list[Row]:
    return [dict(r._mapping) for r in s.execute(stmt)]


def _in(column: Any, ids: list[uuid.UUID]) -> Any:
    return column.in_(ids) if ids else sa.false()


def client_holdings(s: Session, client_id: uuid.UUID) -> ClientHoldings | None:
    """Every record of the client, or None when there is no such client."""
    found = _rows(s, sa.select(*_all(Client)).where(Client.id == client_id))
    if not found:
        return None
    h = ClientHoldings(found[0])
    h.episodes = _rows(s, sa.select(*_all(Episode)).where(Episode.client_id == client_id)
                       .order_by(Episode.opened_on, Episode.id))
    episode_ids = [e["id"] for e in h.episodes]
    h.sessions = _rows(s, sa.select(*_all(TherapySession)).where(_in(TherapySession.episode_id, episode_ids))
                       .order_by(TherapySession.episode_id, TherapySession.number))
    session_ids = [x["id"] for x in h.sessions]
    h.responses = _rows(s, sa.select(*_all(Response)).where(_in(Response.session_id, session_ids))
                        .order_by(Response.completed_at, Response.id))
    response_ids = [r["id"] for r in h.responses]
    h.answers = _rows(s, sa.select(*_all(ItemAnswer)).where(_in(ItemAnswer.response_id, response_ids)))
    h.scores = _rows(s, sa.select(*_all(Score)).where(_in(Score.response_id, response_ids)))
    h.alerts = _rows(s, sa.select(*_all(Alert)).where(_in(Alert.episode_id, episode_ids))
                     .order_by(Alert.created_at, Alert.id))
    alert_ids = [a["id"] for a in h.alerts]
    h.alert_actions = _rows(s, sa.select(*_all(AlertAction)).where(_in(AlertAction.alert_id, alert_ids))
                            .order_by(AlertAction.at, AlertAction.id))
    h.notes = _rows(s, sa.select(*_all(Note)).where(_in(Note.episode_id, episode_ids))
                    .order_by(Note.created_at, Note.id))
    h.instruction_events = _rows(s, sa.select(*_all(InstructionEvent))
                                 .where(_in(InstructionEvent.episode_id, episode_ids))
                                 .order_by(InstructionEvent.delivered_at, InstructionEvent.id))
    h.kiosk_tickets = _rows(s, sa.select(*_all(KioskTicket)).where(_in(KioskTicket.session_id, session_ids))
                            .order_by(KioskTicket.issued_at, KioskTicket.id))
    targets = {str(i) for i in (client_id, *episode_ids, *session_ids, *response_ids, *alert_ids,
                                *(t["id"] for t in h.kiosk_tickets))}
    h.audit_events = _audit(s, client_id, targets)
    h.staff = _staff(s, h)
    return h


def _audit(s: Session, client_id: uuid.UUID, targets: set[str]) -> list[Row]:
    """Entries aimed at one of ``targets`` or naming the client in their details."""
    mentions = sa.cast(AuditEvent.details, sa.Text).contains(str(client_id), autoescape=True)
    stmt = (sa.select(AuditEvent.seq, AuditEvent.at, AuditEvent.actor_id, AuditEvent.action,
                      AuditEvent.target_kind, AuditEvent.target_id, AuditEvent.details)
            .where(sa.or_(AuditEvent.target_id.in_(sorted(targets)), mentions))
            .order_by(AuditEvent.seq))
    return _rows(s, stmt)


def _staff(s: Session, h: ClientHoldings) -> list[Row]:
    """The staff accounts the records name (therapists, who entered or handled what): no credentials."""
    ids: set[uuid.UUID] = {h.client["therapist_id"]}
    ids |= {e["therapist_id"] for e in h.episodes}
    ids |= {r[k] for r in h.responses for k in ("entered_by", "first_viewed_by") if r[k] is not None}
    ids |= {a["user_id"] for a in h.alert_actions} | {n["author_id"] for n in h.notes}
    ids |= {i["delivered_by"] for i in h.instruction_events if i["delivered_by"] is not None}
    ids |= {t["issued_by"] for t in h.kiosk_tickets}
    ids |= {e["actor_id"] for e in h.audit_events if e["actor_id"] is not None}
    return _rows(s, sa.select(User.id, User.username, User.display_name, User.role)
                 .where(_in(User.id, sorted(ids, key=str))).order_by(User.username))
