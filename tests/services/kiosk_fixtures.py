"""A clinic with a therapist, a client and a course of sessions, for the kiosk tests.

Built with the storage layer (there is no client-management service yet).
Import the fixtures into a test module with
``from tests.services.kiosk_fixtures import *  # noqa: F403``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services.kiosk import KioskAnswers, KioskQuestionnaire, KioskService, issue_kiosk_code
from alliance_desktop.storage import repositories
from alliance_desktop.storage.keys import KeyFile
from alliance_desktop.storage.tables import AuditEvent, Client, Episode, TherapySession
from tests.support import FAST_KDF

__all__ = [
    "THERAPIST_PASSWORD",
    "Course",
    "add_course",
    "add_staff",
    "answers_for",
    "audit_entries",
    "course",
    "kiosk",
    "staff_session",
    "therapist",
    "therapist_session",
]

THERAPIST_PASSWORD = "therapist-pass-2026"
PSEUDONYM = "KL-CANARY-7731"
STARTED_AT = datetime(2026, 1, 5, 8, 55, tzinfo=UTC)
INITIALS = "Q.Z."


@dataclass(frozen=True)
class Course:
    client_id: uuid.UUID
    episode_id: uuid.UUID
    therapist_id: uuid.UUID
    session_ids: tuple[uuid.UUID, ...]  # index 0 = session 1
    pseudonym: str

    def session(self, number: int) -> uuid.UUID:
        return self.session_ids[number - 1]


def add_staff(session, clinic, username: str, display_name: str, role: Role) -> StaffUser:
    """A staff account that can also log in (its key wrap is added to the key file)."""
    with session.write() as s:
        user = repositories.add_user(s, username=username, display_name=display_name, role=role,
                                     now=session.clock.now())
    keyfile = KeyFile.load(clinic.paths.keyfile)
    keyfile.with_user(username, THERAPIST_PASSWORD, session.data_key(), kdf=FAST_KDF).save(clinic.paths.keyfile)
    return user


def add_course(session, therapist_id: uuid.UUID, *, sessions: int = 24, pseudonym: str = PSEUDONYM,
               birth_year: int | None = 1988, missed: tuple[int, ...] = ()) -> Course:
    now: datetime = session.clock.now()
    client_id, episode_id = uuid.uuid4(), uuid.uuid4()
    session_ids = tuple(uuid.uuid4() for _ in range(sessions))
    with session.write() as s:
        s.add(Client(id=client_id, pseudonym=pseudonym, initials=INITIALS, therapist_id=therapist_id,
                     birth_year=birth_year, created_at=now))
        s.flush()
        s.add(Episode(id=episode_id, client_id=client_id, therapist_id=therapist_id, opened_on=date(2025, 9, 1),
                      created_at=now))
        s.flush()
        for n, sid in enumerate(session_ids, start=1):
            s.add(TherapySession(id=sid, episode_id=episode_id, number=n, held_on=date(2025, 9, 1),
                                 status="missed" if n in missed else "held", created_at=now))
    return Course(client_id, episode_id, therapist_id, session_ids, pseudonym)


def answers_for(q: KioskQuestionnaire, *, alliance_mm=(80, 70, 90, 60), phq=(1,) * 8 + (0,), phq_functional=None,
                comment: str | None = None, submission_id: uuid.UUID | None = None,
                lengths: bool = True) -> KioskAnswers:
    answers: dict[str, dict[str, int | None]] = {}
    line_lengths: dict[str, float] = {}
    for instrument in q.instruments:
        if instrument.id == "example-alliance":
            ids = [i.id for i in instrument.items]
            answers[instrument.id] = dict(zip(ids, alliance_mm, strict=True))
            if lengths:
                line_lengths.update({f"{instrument.id}/{i}": 377.95 for i in ids})
        elif instrument.id == "phq9":
            scored = [i.id for i in instrument.items if i.scored]
            answers[instrument.id] = dict(zip(scored, phq, strict=True))
            functional = [i.id for i in instrument.items if not i.scored]
            if functional:
                answers[instrument.id][functional[0]] = phq_functional
    return KioskAnswers(submission_id=submission_id or uuid.uuid4(), started_at=STARTED_AT, answers=answers,
                        line_lengths_px=line_lengths, comment=comment)


@dataclass(frozen=True)
class AuditEntry:
    action: str
    actor_id: uuid.UUID | None
    target_kind: str | None
    target_id: str | None
    details: dict


def audit_entries(session, action: str | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEvent).order_by(AuditEvent.seq)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    with session.read() as s:
        return [AuditEntry(r.action, r.actor_id, r.target_kind, r.target_id, dict(r.details))
                for r in s.execute(query).scalars()]


@pytest.fixture
def therapist(session, clinic) -> StaffUser:
    return add_staff(session, clinic, "theo", "Dr. Theo Beispiel", Role.THERAPIST)


@pytest.fixture
def course(session, therapist) -> Course:
    return add_course(session, therapist.id)


@pytest.fixture
def therapist_session(clinic, therapist):
    s = clinic.unlock("theo", THERAPIST_PASSWORD)
    yield s
    s.lock()


def staff_session(clinic, session, username: str, role: Role):
    add_staff(session, clinic, username, username.title(), role)
    return clinic.unlock(username, THERAPIST_PASSWORD)


@pytest.fixture
def kiosk(session) -> KioskService:
    return KioskService.start(session, device_id="tablet-1")


def issue(session, course: Course, number: int = 1, **kw):
    return issue_kiosk_code(session, course.session(number), **kw)


__all__ += ["INITIALS", "PSEUDONYM", "STARTED_AT", "issue"]
