"""Client administration and the append-only clinical records written by staff.

Each function runs inside the caller's unit of work. Clinical records only
grow: a correction is a new response pointing at the one it amends, an
acknowledgement a new ``alert_actions`` row. The only in-place changes are the
status marks CLINICAL.md asks for (``amended`` / ``entered_in_error`` with a
reason), the first-viewed stamp, and administrative fields (therapist,
episode closing, archiving). Inserts are Core statements on the tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.core.workspace_model import ClientSummary, EpisodeSummary, SessionRecord
from alliance_desktop.storage.tables import (
    AlertAction,
    Client,
    Episode,
    ItemAnswer,
    Response,
    TherapySession,
    User,
)

# -- clients and episodes -------------------------------------------------------------------------


def pseudonym_taken(s: Session, pseudonym: str) -> bool:
    """Case-insensitive for ASCII letters: "kl-1" and "KL-1" would be told apart by nobody."""
    row = s.execute(sa.select(Client.id).where(sa.func.lower(Client.pseudonym) == pseudonym.lower()).limit(1))
    return row.first() is not None


def insert_client(s: Session, *, pseudonym: str, initials: str | None, therapist_id: uuid.UUID,
                  birth_year: int | None, now: datetime) -> uuid.UUID:
    client_id = uuid.uuid4()
    s.execute(sa.insert(Client), [dict(id=client_id, pseudonym=pseudonym, initials=initials,
                                       therapist_id=therapist_id, birth_year=birth_year, created_at=now,
                                       archived_at=None)])
    return client_id


def set_therapist(s: Session, client_id: uuid.UUID, therapist_id: uuid.UUID) -> None:
    """The client's therapist, and that of its open episode (closed episodes keep their history)."""
    s.execute(sa.update(Client).where(Client.id == client_id).values(therapist_id=therapist_id)
              .execution_options(synchronize_session=False))
    s.execute(sa.update(Episode).where(Episode.client_id == client_id, Episode.closed_on.is_(None))
              .values(therapist_id=therapist_id).execution_options(synchronize_session=False))


def archive(s: Session, client_id: uuid.UUID, now: datetime) -> None:
    s.execute(sa.update(Client).where(Client.id == client_id).values(archived_at=now)
              .execution_options(synchronize_session=False))


def open_episode_id(s: Session, client_id: uuid.UUID) -> uuid.UUID | None:
    return s.execute(sa.select(Episode.id).where(Episode.client_id == client_id, Episode.closed_on.is_(None))
                     .limit(1)).scalar_one_or_none()


def insert_episode(s: Session, *, client_id: uuid.UUID, therapist_id: uuid.UUID, opened_on: date,
                   planned: int, now: datetime) -> uuid.UUID:
    episode_id = uuid.uuid4()
    s.execute(sa.insert(Episode), [dict(id=episode_id, client_id=client_id, therapist_id=therapist_id,
                                        opened_on=opened_on, closed_on=None, planned_sessions=planned,
                                        study_arm=None, created_at=now)])
    return episode_id


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    id: uuid.UUID
    client_id: uuid.UUID
    opened_on: date
    closed_on: date | None
    planned_sessions: int


def episode_record(s: Session, episode_id: uuid.UUID) -> EpisodeRecord | None:
    row = s.execute(sa.select(Episode.id, Episode.client_id, Episode.opened_on, Episode.closed_on,
                              Episode.planned_sessions).where(Episode.id == episode_id)).first()
    return EpisodeRecord(*row) if row else None


def close_episode(s: Session, episode_id: uuid.UUID, closed_on: date) -> None:
    s.execute(sa.update(Episode).where(Episode.id == episode_id).values(closed_on=closed_on)
              .execution_options(synchronize_session=False))


def client_summaries(s: Session, *, therapist_id: uuid.UUID | None, include_archived: bool,
                     client_ids: Sequence[uuid.UUID] | None = None, search: str | None = None,
                     limit: int | None = None, offset: int = 0) -> list[ClientSummary]:
    stmt = (sa.select(Client.id, Client.pseudonym, Client.initials, Client.therapist_id, User.display_name,
                      Client.birth_year, Client.archived_at)
            .join(User, User.id == Client.therapist_id).order_by(Client.pseudonym))
    if therapist_id is not None:
        stmt = stmt.where(Client.therapist_id == therapist_id)
    if not include_archived:
        stmt = stmt.where(Client.archived_at.is_(None))
    if client_ids is not None:
        stmt = stmt.where(Client.id.in_(list(client_ids)))
    if search:
        # SQL lower() (SQLite's, like LIKE) folds ASCII letters only: fold the same letters here, or a
        # pseudonym with "Ü" is never found ("ü" in the pattern, "Ü" in the column).
        folded = "".join(c.lower() if c.isascii() else c for c in search)
        escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(sa.func.lower(Client.pseudonym).like(f"%{escaped}%", escape="\\"))
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    clients = s.execute(stmt).all()
    episodes: dict[uuid.UUID, list[EpisodeSummary]] = {}
    if clients:
        # A correlated count walks one episode's sessions in the index (a GROUP BY would scan them all).
        recorded = (sa.select(sa.func.count()).select_from(TherapySession)
                    .where(TherapySession.episode_id == Episode.id).scalar_subquery())
        ids = [c[0] for c in clients]
        for start in range(0, len(ids), 500):
            rows = s.execute(
                sa.select(Episode.client_id, Episode.id, Episode.opened_on, Episode.closed_on,
                          Episode.planned_sessions, recorded)
                .where(Episode.client_id.in_(ids[start:start + 500]))
                .order_by(Episode.opened_on)
            ).all()
            for client_id, *rest in rows:
                episodes.setdefault(client_id, []).append(EpisodeSummary(*rest))
    return [ClientSummary(c[0], c[1], c[2], c[3], c[4], c[5], c[6] is not None, tuple(episodes.get(c[0], ())))
            for c in clients]


# -- therapy sessions ------------------------------------------------------------------------------


def episode_sessions(s: Session, episode_id: uuid.UUID) -> list[SessionRecord]:
    rows = s.execute(sa.select(TherapySession.id, TherapySession.episode_id, TherapySession.number,
                               TherapySession.held_on, TherapySession.status)
                     .where(TherapySession.episode_id == episode_id).order_by(TherapySession.number)).all()
    return [SessionRecord(*r) for r in rows]


def session_record(s: Session, therapy_session_id: uuid.UUID) -> SessionRecord | None:
    row = s.execute(sa.select(TherapySession.id, TherapySession.episode_id, TherapySession.number,
                              TherapySession.held_on, TherapySession.status)
                    .where(TherapySession.id == therapy_session_id)).first()
    return SessionRecord(*row) if row else None


def insert_session(s: Session, *, episode_id: uuid.UUID, number: int, held_on: date, now: datetime) -> uuid.UUID:
    session_id = uuid.uuid4()
    s.execute(sa.insert(TherapySession), [dict(id=session_id, episode_id=episode_id, number=number,
                                               held_on=held_on, status="held", created_at=now)])
    return session_id


def set_session_status(s: Session, therapy_session_id: uuid.UUID, status: str) -> None:
    s.execute(sa.update(TherapySession).where(TherapySession.id == therapy_session_id).values(status=status)
              .execution_options(synchronize_session=False))


def live_responses_in_session(s: Session, therapy_session_id: uuid.UUID) -> int:
    return int(s.execute(sa.select(sa.func.count()).select_from(Response).where(
        Response.session_id == therapy_session_id, Response.status != "entered_in_error")).scalar_one())


# -- responses ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    id: uuid.UUID
    session_id: uuid.UUID
    instrument_id: str
    instrument_version: str
    language: str
    respondent_role: str
    status: str
    amends_id: uuid.UUID | None
    comment: str | None


def response_record(s: Session, response_id: uuid.UUID) -> ResponseRecord | None:
    row = s.execute(sa.select(Response.id, Response.session_id, Response.instrument_id, Response.instrument_version,
                              Response.language, Response.respondent_role, Response.status, Response.amends_id,
                              Response.comment).where(Response.id == response_id)).first()
    return ResponseRecord(*row) if row else None


def live_amendments_of(s: Session, response_id: uuid.UUID) -> int:
    return int(s.execute(sa.select(sa.func.count()).select_from(Response).where(
        Response.amends_id == response_id, Response.status != "entered_in_error")).scalar_one())


def raw_answers(s: Session, response_id: uuid.UUID) -> dict[str, int]:
    """item id -> raw answer as the kiosk sent it (millimetres for a line, option value otherwise)."""
    rows = s.execute(sa.select(ItemAnswer.item_id, ItemAnswer.value, ItemAnswer.vas_mm)
                     .where(ItemAnswer.response_id == response_id)).all()
    return {item: int(mm if mm is not None else value) for item, value, mm in rows if (mm, value) != (None, None)}


def set_response_status(s: Session, response_id: uuid.UUID, status: str, reason: str | None) -> None:
    values: dict[str, object] = {"status": status}
    if reason is not None:
        values["status_reason"] = reason
    s.execute(sa.update(Response).where(Response.id == response_id).values(**values)
              .execution_options(synchronize_session=False))


def mark_first_viewed(s: Session, response_ids: Sequence[uuid.UUID], user_id: uuid.UUID, now: datetime) -> None:
    """Stamp responses nobody (of the therapists) has viewed yet; an existing stamp is never moved."""
    for start in range(0, len(response_ids), 500):
        s.execute(sa.update(Response)
                  .where(Response.id.in_(list(response_ids[start:start + 500])), Response.first_viewed_at.is_(None))
                  .values(first_viewed_at=now, first_viewed_by=user_id)
                  .execution_options(synchronize_session=False))


# -- alert handling ------------------------------------------------------------------------------


def add_alert_action(s: Session, *, alert_id: uuid.UUID, action: str, user_id: uuid.UUID, at: datetime,
                     note: str | None) -> uuid.UUID:
    action_id = uuid.uuid4()
    s.execute(sa.insert(AlertAction), [dict(id=action_id, alert_id=alert_id, action=action, user_id=user_id,
                                            at=at, note=note)])
    return action_id
