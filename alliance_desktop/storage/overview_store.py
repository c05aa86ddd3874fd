"""Derived per-episode tallies of the supervisor overview, and what changed since they were made.

Why a stored, derived table (``course_summaries``): the overview covers every
course in treatment (about 2,000 on the large clinic, 54,000 answers), and
reading those answers costs over a second on an encrypted file of random-UUID
pages, while the budget is half a second. So a row per episode keeps its
tallies with the audit sequence number they reflect, and only episodes the
audit log shows as changed since are recomputed from the answers. The table is
never a source of truth: emptying it only makes the next overview slower.

``changed_episodes`` reads the audit entries after a sequence number and maps
the ids they carry (target and details) to episodes. Actions known not to
touch sessions or answers are skipped; any other entry whose ids lead to no
episode makes it answer "everything" (``None``), so an unknown writer can only
cost time, never show stale numbers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import AuditEvent, CourseSummary, Episode, Response, TherapySession

#: Audit actions that never change an episode's sessions or answers (reads, logins, handling, admin).
NO_COURSE_EFFECT = frozenset({
    "login", "login.failed", "login.recovery_key", "session.locked", "clinic.created",
    "client.viewed", "clients.viewed", "overview.viewed", "audit.viewed", "audit.verified",
    "alert.acknowledged", "alert.discussed",
    "client.created", "client.assigned", "client.archived", "episode.opened", "episode.closed",
    "user.created", "user.deactivated", "password.changed", "password.reset", "password.reset_refused",
    "settings.changed", "instrument.enabled", "instrument.disabled", "instrument.wording_installed",
    "kiosk.started", "kiosk.code_issued", "kiosk.code_accepted", "kiosk.code_rejected", "kiosk.handed_over",
    "kiosk.abandoned", "kiosk.exit_pin_ok", "kiosk.exit_pin_failed", "kiosk.exit_pin_set",
    "kiosk.instruction_set", "kiosk.instruments_set", "kiosk.limits_set", "instruction.delivered",
    # Copies out: a nightly backup or a clinic-wide export names no episode, and as an unknown
    # writer it made the next overview recompute every course (2-3 s on the large demo).
    "backup.created", "export.csv", "export.research", "export.fhir", "export.pdf", "export.access",
})
#: More entries than this since the last overview: recompute everything instead of resolving ids.
MAX_ENTRIES = 20_000


@dataclass(frozen=True, slots=True)
class Summary:
    episode_id: uuid.UUID
    rules: str
    as_of_seq: int
    held_sessions: int
    held_with_feedback: int
    ruptures: int
    repaired: int
    unrepaired: int
    pending: int
    colour: str


def last_seq(s: Session) -> int:
    return int(s.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar_one() or 0)


def _ids(value: Any, out: set[uuid.UUID]) -> None:
    if isinstance(value, str):
        try:
            out.add(uuid.UUID(value))
        except ValueError:
            pass
    elif isinstance(value, dict):
        for v in value.values():
            _ids(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _ids(v, out)


def _episodes_of(s: Session, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        found.update(s.execute(sa.select(Episode.id).where(sa.or_(Episode.id.in_(chunk),
                                                                  Episode.client_id.in_(chunk)))).scalars())
        found.update(s.execute(sa.select(TherapySession.episode_id).where(TherapySession.id.in_(chunk))).scalars())
        found.update(s.execute(sa.select(TherapySession.episode_id)
                               .join(Response, Response.session_id == TherapySession.id)
                               .where(Response.id.in_(chunk))).scalars())
    return found


def changed_episodes(s: Session, after_seq: int) -> set[uuid.UUID] | None:
    """Episodes whose sessions or answers may have changed after ``after_seq``; None = cannot tell, all."""
    count = int(s.execute(sa.select(sa.func.count()).select_from(AuditEvent)
                          .where(AuditEvent.seq > after_seq)).scalar_one())
    if count > MAX_ENTRIES:
        return None
    rows = s.execute(sa.select(AuditEvent.action, AuditEvent.target_id, AuditEvent.details)
                     .where(AuditEvent.seq > after_seq, AuditEvent.action.not_in(NO_COURSE_EFFECT))).all()
    changed: set[uuid.UUID] = set()
    for _action, target, details in rows:
        ids: set[uuid.UUID] = set()
        _ids(target, ids)
        _ids(details, ids)
        episodes = _episodes_of(s, sorted(ids, key=str)) if ids else set()
        if not episodes:
            return None
        changed |= episodes
    return changed


def summaries(s: Session, episode_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Summary]:
    """The stored summaries of these episodes (those that have one)."""
    stmt = sa.select(CourseSummary.episode_id, CourseSummary.rules, CourseSummary.as_of_seq,
                     CourseSummary.held_sessions, CourseSummary.held_with_feedback, CourseSummary.ruptures,
                     CourseSummary.repaired, CourseSummary.unrepaired, CourseSummary.pending, CourseSummary.colour)
    out: dict[uuid.UUID, Summary] = {}
    ids = list(episode_ids)
    for start in range(0, len(ids), 500):
        for r in s.execute(stmt.where(CourseSummary.episode_id.in_(ids[start:start + 500]))):
            out[r[0]] = Summary(*r)
    return out


def replace_summaries(s: Session, rows: Sequence[Summary], now: datetime) -> None:
    """Insert or replace the summaries of these episodes."""
    if not rows:
        return
    ids = [r.episode_id for r in rows]
    for start in range(0, len(ids), 500):
        s.execute(sa.delete(CourseSummary).where(CourseSummary.episode_id.in_(ids[start:start + 500]))
                  .execution_options(synchronize_session=False))
    s.execute(sa.insert(CourseSummary), [
        dict(episode_id=r.episode_id, rules=r.rules, as_of_seq=r.as_of_seq, held_sessions=r.held_sessions,
             held_with_feedback=r.held_with_feedback, ruptures=r.ruptures, repaired=r.repaired,
             unrepaired=r.unrepaired, pending=r.pending, colour=r.colour, computed_at=now)
        for r in rows])
