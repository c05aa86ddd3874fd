"""Who may do what with whose records: the one place the staff roles are decided.

Why here and not in the UI: a therapist must not reach another therapist's
client through any service call, whatever a screen shows or hides (DESIGN.md
section 3, RELIABILITY row 35). Every service function of the therapist
workspace calls one of the checks below before it reads or writes, and every
read of a client's record leaves an audit entry with ids only (never a
pseudonym, an answer or a note).

The roles:

- **admin**: users, clinic settings, instruments, the kiosk PIN, the audit log,
  and client administration (create, assign a therapist, open/close episodes,
  archive, schedule sessions). No clinical reads: an administrator sees
  pseudonyms and who treats whom, never answers, scores or alerts.
- **therapist**: everything clinical for their own clients (the client's
  current therapist), nothing for anybody else's.
- **supervisor**: reads every client's clinical record, writes nothing clinical
  (no sessions, answers, corrections or alert handling) and administers nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.kiosk_errors import NotAllowed
from alliance_desktop.storage import audit
from alliance_desktop.storage.tables import Alert, Client, Episode, Response, TherapySession

__all__ = [
    "ClientRef",
    "NotAllowed",
    "NotFound",
    "audit_read",
    "can_read_clinical",
    "can_write_clinical",
    "client_of_alert",
    "client_of_episode",
    "client_of_response",
    "client_of_session",
    "client_ref",
    "require_admin",
    "require_client_admin",
    "require_read",
    "require_reader",
    "require_write",
]


class NotFound(InvalidInput):
    """The id names no record (a stale screen, a typo in a test); nothing was read or changed."""

    def __init__(self, field: str, what: str) -> None:
        super().__init__(field, f"This {what} does not exist (any more). Refresh the list and try again.")


@dataclass(frozen=True, slots=True)
class ClientRef:
    """The ids that decide access to one record: its client, that client's therapist, its episode."""

    client_id: uuid.UUID
    therapist_id: uuid.UUID
    episode_id: uuid.UUID | None = None
    archived: bool = False


# -- decisions (pure) --------------------------------------------------------------------------


def can_read_clinical(user: StaffUser, therapist_id: uuid.UUID) -> bool:
    """Answers, scores, courses, alerts: the client's therapist and supervisors."""
    if not user.active:
        return False
    return user.role is Role.SUPERVISOR or (user.role is Role.THERAPIST and user.id == therapist_id)


def can_write_clinical(user: StaffUser, therapist_id: uuid.UUID) -> bool:
    """Sessions' answers, corrections, alert handling: the client's own therapist only."""
    return user.active and user.role is Role.THERAPIST and user.id == therapist_id


# -- checks (raise NotAllowed) -----------------------------------------------------------------


def require_admin(user: StaffUser, what: str) -> None:
    if not (user.active and user.role is Role.ADMIN):
        raise NotAllowed(f"Only an administrator can {what}.")


def require_reader(user: StaffUser, what: str) -> None:
    """Therapists (their own caseload) and supervisors (everyone's) read clinical lists."""
    if not (user.active and user.role in (Role.THERAPIST, Role.SUPERVISOR)):
        raise NotAllowed(f"Only therapists and supervisors can {what}.")


def require_read(user: StaffUser, ref: ClientRef, what: str = "see this client's record") -> None:
    if not can_read_clinical(user, ref.therapist_id):
        raise NotAllowed(f"You cannot {what}: this client is not on your caseload.")


def require_write(user: StaffUser, ref: ClientRef, what: str) -> None:
    if not can_write_clinical(user, ref.therapist_id):
        if user.role is Role.SUPERVISOR:
            raise NotAllowed(f"Supervisors read every caseload but cannot {what}.")
        raise NotAllowed(f"Only the client's own therapist can {what}.")


def require_client_admin(user: StaffUser, ref: ClientRef | None, what: str) -> None:
    """Client administration: administrators for any client, a therapist for their own."""
    if user.active and user.role is Role.ADMIN:
        return
    if ref is not None and can_write_clinical(user, ref.therapist_id):
        return
    raise NotAllowed(f"Only an administrator or the client's own therapist can {what}.")


# -- resolving a record to its client (inside the caller's unit of work) ------------------------


def _ref(s: Session, stmt: sa.Select[Any], field: str, what: str) -> ClientRef:
    row = s.execute(stmt).first()
    if row is None:
        raise NotFound(field, what)
    return ClientRef(row[0], row[1], row[2], row[3] is not None)


_HEAD = (Client.id, Client.therapist_id)


def client_ref(s: Session, client_id: uuid.UUID) -> ClientRef:
    return _ref(s, sa.select(*_HEAD, sa.null(), Client.archived_at).where(Client.id == client_id),
                "client_id", "client")


def client_of_episode(s: Session, episode_id: uuid.UUID) -> ClientRef:
    return _ref(s, sa.select(*_HEAD, Episode.id, Client.archived_at).join(Episode, Episode.client_id == Client.id)
                .where(Episode.id == episode_id), "episode_id", "episode")


def client_of_session(s: Session, therapy_session_id: uuid.UUID) -> ClientRef:
    return _ref(s, sa.select(*_HEAD, Episode.id, Client.archived_at).join(Episode, Episode.client_id == Client.id)
                .join(TherapySession, TherapySession.episode_id == Episode.id)
                .where(TherapySession.id == therapy_session_id), "therapy_session_id", "session")


def client_of_response(s: Session, response_id: uuid.UUID) -> ClientRef:
    return _ref(s, sa.select(*_HEAD, Episode.id, Client.archived_at).join(Episode, Episode.client_id == Client.id)
                .join(TherapySession, TherapySession.episode_id == Episode.id)
                .join(Response, Response.session_id == TherapySession.id)
                .where(Response.id == response_id), "response_id", "questionnaire")


def client_of_alert(s: Session, alert_id: uuid.UUID) -> ClientRef:
    return _ref(s, sa.select(*_HEAD, Episode.id, Client.archived_at).join(Episode, Episode.client_id == Client.id)
                .join(Alert, Alert.episode_id == Episode.id)
                .where(Alert.id == alert_id), "alert_id", "alert")


# -- the audit trail of reads ------------------------------------------------------------------


def audit_read(
    s: Session,
    user: StaffUser,
    now: datetime,
    what: str,
    client_ids: Iterable[uuid.UUID],
    **ids: uuid.UUID | str | None,
) -> None:
    """One audit entry per read: ``client.viewed`` for one client, ``clients.viewed`` for a list.

    Ids only: the client id(s), what was read (``course``, ``answers``,
    ``caseload`` ...) and the ids of the record read.
    """
    clients = sorted({str(c) for c in client_ids})
    details: dict[str, Any] = {"what": what, **{k: str(v) for k, v in ids.items() if v is not None}}
    if len(clients) == 1 and what not in _LIST_READS:
        audit.append(s, at=now, action="client.viewed", actor_id=user.id, target_kind="client",
                     target_id=clients[0], details=details)
    else:
        audit.append(s, at=now, action="clients.viewed", actor_id=user.id, target_kind="clients",
                     target_id=None, details={**details, "clients": clients})


#: Reads that show a list of clients (audited as ``clients.viewed`` even when the list holds one).
_LIST_READS = frozenset({"caseload", "open_alerts", "client_list"})
