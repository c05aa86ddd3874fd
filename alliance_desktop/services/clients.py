"""Clients and episodes: create with a pseudonym code, assign a therapist, open/close episodes, archive.

Who (services.authz): an administrator for any client; a therapist for their
own (a new client of theirs, their own client's episodes). Reassigning a
client to another therapist is an administrator's act, so a therapist can
neither push a client off their caseload nor pull one onto it. Supervisors
administer nothing. Audit entries carry ids only, never the pseudonym.
"""

from __future__ import annotations

import uuid
from datetime import date

from alliance_desktop.core.model import Role
from alliance_desktop.core.workspace_model import (
    INITIALS_MAX,
    PLANNED_DEFAULT,
    PLANNED_MAX,
    ClientSummary,
    clean_text,
    pseudonym_problem,
)
from alliance_desktop.services.authz import (
    NotAllowed,
    NotFound,
    audit_read,
    client_of_episode,
    client_ref,
    require_admin,
    require_client_admin,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage import audit, client_records, repositories

__all__ = ["ClientSummary", "archive_client", "assign_therapist", "close_episode", "create_client", "list_clients",
           "open_episode"]


def _therapist(s, therapist_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    user = repositories.user_by_id(s, therapist_id)
    if user is None or user.role is not Role.THERAPIST or not user.active:
        raise InvalidInput("therapist_id", "Choose an active therapist account.")


def _summary(session: ClinicSession, client_id: uuid.UUID) -> ClientSummary:
    with session.read() as s:
        return client_records.client_summaries(s, therapist_id=None, include_archived=True, client_ids=[client_id])[0]


def create_client(
    session: ClinicSession, pseudonym: str, initials: str | None = None, therapist_id: uuid.UUID | None = None,
    *, birth_year: int | None = None,
) -> ClientSummary:
    """A new client known only by a pseudonym code (trimmed, 2-64 characters, unique)."""
    user = session.user
    if user.role is Role.THERAPIST:
        if therapist_id not in (None, user.id):
            raise NotAllowed("A therapist can create clients only for their own caseload.")
        therapist_id = user.id
    else:
        require_admin(user, "create clients for another therapist")
        if therapist_id is None:
            raise InvalidInput("therapist_id", "Choose the client's therapist.")
    code = clean_text(pseudonym) if isinstance(pseudonym, str) else None
    problem = pseudonym_problem(code)
    if problem:
        raise InvalidInput("pseudonym", problem)
    assert code is not None
    marks = clean_text(initials) if isinstance(initials, str) else None
    if marks is not None and (len(marks) > INITIALS_MAX or pseudonym_problem(marks + "__") is not None):
        raise InvalidInput("initials", f"Initials can have at most {INITIALS_MAX} characters, on one line.")
    if birth_year is not None and (isinstance(birth_year, bool) or not isinstance(birth_year, int)
                                   or not 1900 <= birth_year <= session.clock.now().year):
        raise InvalidInput("birth_year", "Enter the year of birth as four digits, or leave it empty.")
    now = session.clock.now()
    with session.write() as s:
        _therapist(s, therapist_id)
        if client_records.pseudonym_taken(s, code):
            raise InvalidInput("pseudonym", f"The pseudonym code '{code}' is already in use. Choose another one.")
        client_id = client_records.insert_client(s, pseudonym=code, initials=marks, therapist_id=therapist_id,
                                                 birth_year=birth_year, now=now)
        audit.append(s, at=now, action="client.created", actor_id=user.id, target_kind="client",
                     target_id=str(client_id), details={"therapist": str(therapist_id)})
    return _summary(session, client_id)


def assign_therapist(session: ClinicSession, client_id: uuid.UUID, therapist_id: uuid.UUID) -> ClientSummary:
    """Move a client (and its open episode) to another therapist. Administrators only."""
    require_admin(session.user, "assign clients to therapists")
    now = session.clock.now()
    with session.write() as s:
        ref = client_ref(s, client_id)
        _therapist(s, therapist_id)
        client_records.set_therapist(s, client_id, therapist_id)
        audit.append(s, at=now, action="client.assigned", actor_id=session.user.id, target_kind="client",
                     target_id=str(client_id), details={"from": str(ref.therapist_id), "to": str(therapist_id)})
    return _summary(session, client_id)


def open_episode(session: ClinicSession, client_id: uuid.UUID, planned: int = PLANNED_DEFAULT,
                 opened_on: date | None = None) -> ClientSummary:
    """Start a course of treatment (24 planned sessions by default); one open episode per client."""
    if isinstance(planned, bool) or not isinstance(planned, int) or not 1 <= planned <= PLANNED_MAX:
        raise InvalidInput("planned", f"Planned sessions must be a number from 1 to {PLANNED_MAX}.")
    now = session.clock.now()
    with session.write() as s:
        ref = client_ref(s, client_id)
        require_client_admin(session.user, ref, "open an episode")
        if ref.archived:
            raise InvalidInput("client_id", "This client is archived; no new episode can be opened.")
        if client_records.open_episode_id(s, client_id) is not None:
            raise InvalidInput("client_id", "This client already has an open episode. Close it first.")
        episode_id = client_records.insert_episode(s, client_id=client_id, therapist_id=ref.therapist_id,
                                                   opened_on=opened_on or now.date(), planned=planned, now=now)
        audit.append(s, at=now, action="episode.opened", actor_id=session.user.id, target_kind="episode",
                     target_id=str(episode_id), details={"client": str(client_id), "planned": planned})
    return _summary(session, client_id)


def close_episode(session: ClinicSession, episode_id: uuid.UUID, closed_on: date | None = None) -> ClientSummary:
    """End a course of treatment; its sessions and answers stay readable."""
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_episode(s, episode_id)
        require_client_admin(session.user, ref, "close this episode")
        record = client_records.episode_record(s, episode_id)
        assert record is not None
        if record.closed_on is not None:
            raise InvalidInput("episode_id", "This episode is already closed.")
        day = closed_on or now.date()
        if day < record.opened_on:
            raise InvalidInput("closed_on", "An episode cannot close before it opened.")
        client_records.close_episode(s, episode_id, day)
        audit.append(s, at=now, action="episode.closed", actor_id=session.user.id, target_kind="episode",
                     target_id=str(episode_id), details={"client": str(ref.client_id)})
    return _summary(session, ref.client_id)


def archive_client(session: ClinicSession, client_id: uuid.UUID) -> ClientSummary:
    """Take a client off every active list; an open episode is closed today. Records are kept."""
    now = session.clock.now()
    with session.write() as s:
        ref = client_ref(s, client_id)
        require_client_admin(session.user, ref, "archive this client")
        if ref.archived:
            raise InvalidInput("client_id", "This client is already archived.")
        episode_id = client_records.open_episode_id(s, client_id)
        if episode_id is not None:
            client_records.close_episode(s, episode_id, now.date())
        client_records.archive(s, client_id, now)
        audit.append(s, at=now, action="client.archived", actor_id=session.user.id, target_kind="client",
                     target_id=str(client_id), details={"closed_episode": str(episode_id) if episode_id else None})
    return _summary(session, client_id)


def list_clients(session: ClinicSession, *, include_archived: bool = False, therapist_id: uuid.UUID | None = None,
                 search: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[ClientSummary, ...]:
    """Clients with their episodes (no clinical data): a therapist's own; everyone's for admin and supervisor.

    Sorted by pseudonym. ``search`` matches part of the pseudonym (case-insensitive);
    ``limit``/``offset`` page through a large clinic (25,000 clients take over a
    second and one audit entry naming them all: pass a limit there).
    """
    user = session.user
    if user.role is Role.THERAPIST:
        if therapist_id not in (None, user.id):
            raise NotAllowed("You can list only your own clients.")
        therapist_id = user.id
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidInput("limit", "The limit must be a positive number.")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidInput("offset", "The offset must be 0 or more.")
    now = session.clock.now()
    with session.write() as s:
        found = client_records.client_summaries(s, therapist_id=therapist_id, include_archived=include_archived,
                                                search=clean_text(search) if search else None, limit=limit,
                                                offset=offset)
        audit_read(s, user, now, "client_list", [c.client_id for c in found])
    return tuple(found)


def get_client(session: ClinicSession, client_id: uuid.UUID) -> ClientSummary:
    """One client's administrative record (same access as list_clients)."""
    user = session.user
    now = session.clock.now()
    with session.write() as s:
        ref = client_ref(s, client_id)
        if user.role is Role.THERAPIST and ref.therapist_id != user.id:
            raise NotAllowed("This client is not on your caseload.")
        found = client_records.client_summaries(s, therapist_id=None, include_archived=True, client_ids=[client_id])
        if not found:  # pragma: no cover - resolved above
            raise NotFound("client_id", "client")
        audit_read(s, user, now, "client", [client_id])
    return found[0]
