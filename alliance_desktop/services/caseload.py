"""The caseload: a therapist's active clients, most in need of attention first.

The order and the badges are defined in ``core.caseload_model`` (risk > red >
unrepaired rupture > below cutoff > pending rupture > yellow > unhandled alert).
A therapist opens only their own caseload; a supervisor opens anybody's,
read-only; an administrator none (authz). Opening a caseload is a read of every
client in it and is audited as one ``clients.viewed`` entry listing their ids.
"""

from __future__ import annotations

import uuid

from alliance_desktop.core.caseload_model import CaseloadRow, caseload_row, sort_by_attention
from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services.authz import NotAllowed, audit_read, require_reader
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.course_loading import load_courses
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage import repositories
from alliance_desktop.storage.caseload_queries import alert_states, episode_heads

__all__ = ["CaseloadRow", "caseload", "therapists"]


def caseload(session: ClinicSession, therapist_id: uuid.UUID | None = None) -> tuple[CaseloadRow, ...]:
    """Active clients of ``therapist_id`` (default: the logged-in therapist), sorted by need of attention."""
    user = session.user
    require_reader(user, "open a caseload")
    target = therapist_id if therapist_id is not None else (user.id if user.role is Role.THERAPIST else None)
    if target is None:
        raise InvalidInput("therapist_id", "Choose whose caseload to open.")
    if user.role is Role.THERAPIST and target != user.id:
        raise NotAllowed("You can open only your own caseload.")
    now = session.clock.now()
    with session.write() as s:
        heads = episode_heads(s, therapist_id=target)
        courses = load_courses(s, heads, now.date())
        alerts = alert_states(s, [h.episode_id for h in heads]) if heads else {}
        audit_read(s, user, now, "caseload", [h.client_id for h in heads], therapist=target)
    return sort_by_attention(
        caseload_row(h, courses[h.episode_id], alerts.get(h.episode_id, ())) for h in heads
    )


def therapists(session: ClinicSession, *, include_inactive: bool = False) -> tuple[StaffUser, ...]:
    """Therapist accounts by name (for a supervisor's caseload picker and client assignment).

    Staff names are not client data: any logged-in staff member may list them.
    """
    with session.read() as s:
        users = repositories.list_users(s)
    return tuple(sorted((u for u in users if u.role is Role.THERAPIST and (include_inactive or u.active)),
                        key=lambda u: u.display_name.casefold()))
