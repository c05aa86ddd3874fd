"""Alerts: the rule that fired and why, and their handling ("acknowledged", "discussed with client").

Alerts are raised where answers arrive (the kiosk's submit, a paper entry, a
correction: services.kiosk_submit.alert_rows). Handling appends an
``alert_actions`` row and never changes the alert; an alert counts as handled
once it has been acknowledged or discussed, and only then does its caseload
badge clear (core.caseload_model). Everything is in the database, so handling
survives a lock, a restart or another workstation.

Only the client's own therapist handles an alert; supervisors read them.
"""

from __future__ import annotations

import uuid

from alliance_desktop.core.model import Role
from alliance_desktop.core.workspace_model import AlertView, clean_text, note_problem
from alliance_desktop.services.authz import (
    audit_read,
    client_of_alert,
    client_of_episode,
    require_read,
    require_reader,
    require_write,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage import audit, client_records, course_queries
from alliance_desktop.storage.course_queries import AlertRecord

__all__ = ["AlertView", "acknowledge_alert", "alerts_for_client", "mark_discussed", "open_alerts"]

ACKNOWLEDGED, DISCUSSED = "acknowledged", "discussed"


def _view(r: AlertRecord) -> AlertView:
    return AlertView(
        alert_id=r.id, episode_id=r.episode_id, client_id=r.client_id, pseudonym=r.pseudonym,
        session_number=r.session_number, response_id=r.response_id, kind=r.kind,
        rule_ids=tuple(x for x in r.rule_ids.split(",") if x), severity=r.severity, explanation=r.explanation,
        created_at=r.created_at, actions=r.actions,
        superseded=r.response_id is not None and r.response_status != "completed",
    )


def alerts_for_client(session: ClinicSession, episode_id: uuid.UUID) -> tuple[AlertView, ...]:
    """Every alert of the episode, newest first, with its actions (handled ones included)."""
    user = session.user
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_episode(s, episode_id)
        require_read(user, ref, "see this client's alerts")
        records = course_queries.alert_records(s, episode_ids=[episode_id])
        audit_read(s, user, now, "alerts", [ref.client_id], episode=episode_id)
    return tuple(_view(r) for r in records)


def open_alerts(session: ClinicSession) -> tuple[AlertView, ...]:
    """Unhandled, not superseded alerts of clients in treatment: a therapist's own, a supervisor's all."""
    user = session.user
    require_reader(user, "see alerts")
    now = session.clock.now()
    with session.write() as s:
        therapist = user.id if user.role is Role.THERAPIST else None
        records = course_queries.alert_records(s, therapist_id=therapist, active_only=True)
        views = [v for v in map(_view, records) if not v.handled and not v.superseded]
        audit_read(s, user, now, "open_alerts", [v.client_id for v in views])
    return tuple(views)


def _handle(session: ClinicSession, alert_id: uuid.UUID, action: str, note: str | None) -> AlertView:
    user = session.user
    text = clean_text(note)
    problem = note_problem(text, required=False)
    if problem:
        raise InvalidInput("note", problem)
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_alert(s, alert_id)
        require_write(user, ref, "handle this alert")
        action_id = client_records.add_alert_action(s, alert_id=alert_id, action=action, user_id=user.id, at=now,
                                                    note=text)
        audit.append(s, at=now, action=f"alert.{action}", actor_id=user.id, target_kind="alert",
                     target_id=str(alert_id), details={"client": str(ref.client_id), "action_id": str(action_id),
                                                       "note": text is not None})
        record = course_queries.alert_records(s, alert_id=alert_id)[0]
    return _view(record)


def acknowledge_alert(session: ClinicSession, alert_id: uuid.UUID, note: str | None = None) -> AlertView:
    """The therapist has seen the alert (an optional note says what they will do)."""
    return _handle(session, alert_id, ACKNOWLEDGED, note)


def mark_discussed(session: ClinicSession, alert_id: uuid.UUID, note: str | None = None) -> AlertView:
    """The therapist discussed it with the client (an optional note)."""
    return _handle(session, alert_id, DISCUSSED, note)
