"""Bulk reads behind the CSV, research and FHIR exports, in episode-sized chunks.

Why chunks of episodes: a clinic export of the large demo is 575,000 sessions
and 4.6 million answers. Asking the database to sort all of that by client and
session would spill a huge sort to temporary storage; reading per response
would be 1.1 million round trips. Instead the (cheap) list of episodes is read
and sorted first, then each chunk of ``CHUNK`` episodes costs a fixed handful of
queries (sessions, instruction events, responses, scores, answers), each
driven by the episode id through the covering indexes of revision 0002 and
the primary keys. Python then groups and orders the chunk, which is small.

Everything leaves this module as ``core.export_model`` value objects.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.core.export_model import (
    EpisodeExport,
    ItemValue,
    ResponseExport,
    ScaleValue,
    SessionExport,
)
from alliance_desktop.storage.tables import (
    Client,
    Episode,
    InstructionEvent,
    ItemAnswer,
    Response,
    Score,
    TherapySession,
    User,
)
from alliance_desktop.storage.types import stored_form

#: Episodes per chunk: a few thousand sessions and some ten thousand answers per query.
CHUNK = 200


def _key(value: Any) -> bytes:
    """A UUID, or its stored form (16 bytes on SQLite, a UUID object on PostgreSQL), as a dictionary key."""
    return value.bytes if isinstance(value, uuid.UUID) else bytes(value)


def episode_heads(
    s: Session, *, client_id: uuid.UUID | None = None, therapist_id: uuid.UUID | None = None
) -> list[EpisodeExport]:
    """Episodes in scope (by the client's current therapist), ordered by pseudonym and opening date.

    No filter means every episode of the clinic. Archived clients and closed
    episodes are included: an export is about records held, not the caseload.
    """
    stmt = (
        sa.select(Episode.id, Client.id, Client.pseudonym, User.username, Episode.opened_on, Episode.closed_on,
                  Episode.study_arm)
        .join(Client, Client.id == Episode.client_id)
        .join(User, User.id == Episode.therapist_id)
        .order_by(Client.pseudonym, Episode.opened_on, Episode.id)
    )
    if client_id is not None:
        stmt = stmt.where(Client.id == client_id)
    if therapist_id is not None:
        stmt = stmt.where(Client.therapist_id == therapist_id)
    return [EpisodeExport(*row) for row in s.execute(stmt)]


def _sessions(s: Session, episode_ids: list[uuid.UUID]) -> dict[bytes, list[SessionExport]]:
    instructed: set[bytes] = {
        _key(sid) for (sid,) in s.execute(
            sa.select(stored_form(InstructionEvent.session_id))
            .where(InstructionEvent.episode_id.in_(episode_ids), InstructionEvent.session_id.is_not(None)))
    }
    out: dict[bytes, list[SessionExport]] = defaultdict(list)
    rows = s.execute(
        sa.select(stored_form(TherapySession.episode_id), TherapySession.id, TherapySession.number, TherapySession.held_on,
                  TherapySession.status)
        .where(TherapySession.episode_id.in_(episode_ids))
    )
    for ep, sid, number, held_on, status in rows:
        out[_key(ep)].append(SessionExport(sid, number, held_on, status, _key(sid) in instructed))
    for sessions in out.values():
        sessions.sort(key=lambda x: x.number)
    return out


def _scores(s: Session, episode_ids: list[uuid.UUID]) -> dict[bytes, list[ScaleValue]]:
    out: dict[bytes, list[ScaleValue]] = defaultdict(list)
    rows = s.execute(
        sa.select(stored_form(Score.response_id), Score.scale, Score.value, Score.scorable, Score.reason,
                  Score.scoring_version)
        .join(Response, Response.id == Score.response_id)
        .join(TherapySession, TherapySession.id == Response.session_id)
        .where(TherapySession.episode_id.in_(episode_ids))
    )
    for rid, scale, value, scorable, reason, version in rows:
        out[_key(rid)].append(ScaleValue(scale, value, bool(scorable), reason, version))
    return out


def _answers(s: Session, episode_ids: list[uuid.UUID]) -> dict[bytes, list[ItemValue]]:
    out: dict[bytes, list[ItemValue]] = defaultdict(list)
    rows = s.execute(
        sa.select(stored_form(ItemAnswer.response_id), ItemAnswer.item_id, ItemAnswer.value, ItemAnswer.vas_mm,
                  ItemAnswer.vas_length_px)
        .join(Response, Response.id == ItemAnswer.response_id)
        .join(TherapySession, TherapySession.id == Response.session_id)
        .where(TherapySession.episode_id.in_(episode_ids))
    )
    for rid, item_id, value, mm, px in rows:
        out[_key(rid)].append(ItemValue(item_id, value, mm, px))
    return out


def _responses(s: Session, episode_ids: list[uuid.UUID], with_answers: bool) -> dict[bytes, list[ResponseExport]]:
    scores = _scores(s, episode_ids)
    answers = _answers(s, episode_ids) if with_answers else {}
    out: dict[bytes, list[ResponseExport]] = defaultdict(list)
    rows = s.execute(
        sa.select(stored_form(TherapySession.episode_id), Response.id, Response.submission_id, Response.session_id,
                  TherapySession.number, Response.instrument_id, Response.instrument_version, Response.language,
                  Response.licence_id, Response.respondent_role, Response.mode, Response.status,
                  Response.status_reason, Response.amends_id, Response.started_at, Response.completed_at,
                  Response.comment)
        .join(TherapySession, TherapySession.id == Response.session_id)
        .where(TherapySession.episode_id.in_(episode_ids))
    )
    for ep, rid, *rest in rows:
        key = rid.bytes
        scale_values = sorted(scores.get(key, ()), key=lambda v: (v.scale != "total", v.scale))
        item_values = sorted(answers.get(key, ()), key=lambda v: _item_order(v.item_id))
        out[_key(ep)].append(ResponseExport(rid, *rest, scores=tuple(scale_values), answers=tuple(item_values)))
    for responses in out.values():
        responses.sort(key=lambda r: (r.session_number, r.completed_at, r.instrument_id, r.id.bytes))
    return out


def _item_order(item_id: str) -> tuple[int, int, str]:
    """Numbered items in numeric order (2 before 10), named ones after them in name order."""
    return (0, int(item_id), "") if item_id.isdigit() else (1, 0, item_id)


def with_details(
    s: Session, heads: Sequence[EpisodeExport], *, with_answers: bool
) -> Iterator[list[EpisodeExport]]:
    """The heads again, chunk by chunk, filled with their sessions and responses."""
    for start in range(0, len(heads), CHUNK):
        chunk = list(heads[start:start + CHUNK])
        ids = [h.episode_id for h in chunk]
        sessions = _sessions(s, ids)
        responses = _responses(s, ids, with_answers)
        yield [replace(h, sessions=tuple(sessions.get(h.episode_id.bytes, ())),
                       responses=tuple(responses.get(h.episode_id.bytes, ()))) for h in chunk]


def therapist_by_username(s: Session, username: str) -> tuple[uuid.UUID, str] | None:
    """(id, role) of the staff account ``username``."""
    row = s.execute(sa.select(User.id, User.role).where(User.username == username)).first()
    return (row[0], row[1]) if row else None


def client_by_pseudonym(s: Session, pseudonym: str) -> uuid.UUID | None:
    return s.execute(sa.select(Client.id).where(Client.pseudonym == pseudonym)).scalar_one_or_none()
