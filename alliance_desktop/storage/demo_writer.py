"""Bulk writing of generated demo courses (the demo clinic and the large benchmark clinic).

Uses SQLAlchemy Core ``executemany`` inserts in chunks of courses, one
transaction per chunk: the large profile writes about 7 million rows, which
the ORM's unit of work would make ten times slower, and a single transaction
would grow the WAL to the size of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, UTC
from typing import Any, Protocol

from alliance_desktop.core.demo_courses import DemoCourse, DemoTherapist
from alliance_desktop.core.model import Role
from alliance_desktop.storage.engine import ClinicDatabase
from alliance_desktop.storage.tables import (
    Client,
    Episode,
    ItemAnswer,
    Response,
    Score,
    TherapySession,
    User,
)


class _ScaleScore(Protocol):
    value: float | None
    scorable: bool
    reason: str | None


class _ScoreSet(Protocol):
    total: _ScaleScore
    subscales: dict[str, Any]
    scoring_version: str


@dataclass(frozen=True, slots=True)
class InstrumentRef:
    """What a stored response records about its instrument."""

    id: str
    version: str
    licence_id: str
    item_ids: tuple[str, ...]
    vas: bool
    language: str = "en"


#: Given an instrument ref and the item answers, return the scores to store.
Scorer = Callable[[InstrumentRef, dict[str, int]], _ScoreSet]


def write_therapists(db: ClinicDatabase, therapists: Sequence[DemoTherapist], now: datetime) -> None:
    with db.write() as s:
        s.connection().execute(
            User.__table__.insert(),
            [
                dict(id=t.id, username=t.username, display_name=t.display_name,
                     role=Role.THERAPIST.value, active=True, created_at=now)
                for t in therapists
            ],
        )


def _completed_at(day: Any) -> datetime:
    # Sessions end in the afternoon, clinic time; stored in UTC.
    return datetime.combine(day, time(15, 50), tzinfo=UTC)


def write_courses(
    db: ClinicDatabase,
    courses: Iterable[DemoCourse],
    *,
    therapists: Sequence[DemoTherapist],
    alliance: InstrumentRef,
    outcome: InstrumentRef,
    scorer: Scorer,
    now: datetime,
    chunk: int = 500,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write clients, episodes, sessions, responses, answers and scores; returns (courses, sessions)."""
    n_courses = n_sessions = 0
    batch: list[DemoCourse] = []

    def flush() -> None:
        nonlocal n_sessions
        rows: dict[type, list[dict[str, Any]]] = {
            Client: [], Episode: [], TherapySession: [], Response: [], ItemAnswer: [], Score: []
        }
        for c in batch:
            therapist = therapists[c.therapist_index]
            rows[Client].append(dict(id=c.client_id, pseudonym=c.pseudonym, initials=c.initials,
                                     therapist_id=therapist.id, birth_year=c.birth_year,
                                     created_at=_completed_at(c.opened_on) - timedelta(hours=2),
                                     archived_at=None))
            rows[Episode].append(dict(id=c.episode_id, client_id=c.client_id, therapist_id=therapist.id,
                                      opened_on=c.opened_on, closed_on=c.closed_on,
                                      planned_sessions=c.planned_sessions, study_arm=None,
                                      created_at=_completed_at(c.opened_on) - timedelta(hours=2)))
            for session_id, sess in zip(c.session_ids, c.sessions, strict=True):
                n_sessions += 1
                done_at = _completed_at(sess.held_on)
                rows[TherapySession].append(dict(id=session_id, episode_id=c.episode_id, number=sess.number,
                                                 held_on=sess.held_on,
                                                 status="missed" if sess.missed else "held",
                                                 created_at=done_at - timedelta(hours=1)))
                if sess.missed:
                    continue
                for ref, values, rid, sub in (
                    (alliance, sess.alliance_mm, sess.response_ids[0], sess.submission_ids[0]),
                    (outcome, sess.outcome_values, sess.response_ids[1], sess.submission_ids[1]),
                ):
                    rows[Response].append(dict(
                        id=rid, submission_id=sub, session_id=session_id, instrument_id=ref.id,
                        instrument_version=ref.version, language=ref.language, licence_id=ref.licence_id,
                        respondent_role="client", mode="kiosk", entered_by=None, device_id="demo-kiosk",
                        started_at=done_at - timedelta(minutes=3), completed_at=done_at, status="completed",
                        amends_id=None, status_reason=None, comment=None,
                        first_viewed_at=done_at + timedelta(hours=20), first_viewed_by=therapist.id,
                    ))
                    answers = dict(zip(ref.item_ids, values, strict=True))
                    for item_id, v in answers.items():
                        rows[ItemAnswer].append(dict(
                            response_id=rid, item_id=item_id,
                            value=v / 10.0 if ref.vas else float(v),
                            vas_mm=v if ref.vas else None,
                            vas_length_px=None,
                        ))
                    scores = scorer(ref, answers)
                    for scale, sc in (("total", scores.total), *scores.subscales.items()):
                        rows[Score].append(dict(response_id=rid, scale=scale, value=sc.value,
                                                scorable=sc.scorable, reason=sc.reason,
                                                scoring_version=scores.scoring_version))
        with db.write() as s:
            conn = s.connection()
            for table in (Client, Episode, TherapySession, Response, ItemAnswer, Score):
                if rows[table]:
                    # Core insert on the Table: one executemany per table (the ORM bulk path
                    # splits rows into many small statements).
                    conn.execute(table.__table__.insert(), rows[table])
        batch.clear()

    for course in courses:
        batch.append(course)
        n_courses += 1
        if len(batch) >= chunk:
            flush()
            if progress:
                progress(n_courses)
    if batch:
        flush()
        if progress:
            progress(n_courses)
    return n_courses, n_sessions
