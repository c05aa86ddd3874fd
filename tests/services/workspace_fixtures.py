"""A small hand-built clinic for the therapist-workspace tests, seeded through the services themselves.

Two therapists (Tara, Theo), a supervisor (Sue) and the admin of conftest.
Tara has two clients with courses whose numbers are easy to check by hand;
Theo has one. Import with ``from tests.services.workspace_fixtures import *  # noqa: F403``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services import clients, sessions
from alliance_desktop.services.admin_users import add_user

__all__ = [
    "STAFF_PASSWORD",
    "Seeded",
    "alliance",
    "login",
    "phq",
    "seed_course",
    "seeded",
]

STAFF_PASSWORD = "staff-password-2026"
START = date(2025, 9, 1)


def alliance(total: float) -> dict[str, int]:
    """Example alliance answers (four 0-100 mm lines) with the given total (0-40, 0.1 steps)."""
    mm = round(total * 10)
    base, extra = divmod(mm, 4)
    return {item: base + (1 if i < extra else 0) for i, item in enumerate(("connection", "focus", "approach", "overall"))}


def phq(total: int, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers with the given total; item 9 as given (the risk item), the rest spread over items 1-8."""
    rest = total - item9
    values = {}
    for i in range(1, 9):
        take = min(3, rest)
        values[str(i)] = take
        rest -= take
    assert rest == 0, "total too large for items 1-8"
    values["9"] = item9
    return values


def seed_course(therapist_session, episode_id: uuid.UUID, alliance_totals, phq_totals, *, risk_at=(),
                missed=()) -> list[uuid.UUID]:
    """Record sessions 1..n weekly and enter paper answers; ``None`` totals leave a gap."""
    ids = []
    for n, (a, o) in enumerate(zip(alliance_totals, phq_totals, strict=True), start=1):
        therapist_session.clock.advance(7 * 24 * 3600)
        rec = sessions.record_session(therapist_session, episode_id, START + timedelta(days=7 * (n - 1)))
        ids.append(rec.therapy_session_id)
        if n in missed:
            sessions.mark_missed(therapist_session, rec.therapy_session_id)
            continue
        if a is not None:
            sessions.enter_paper_response(therapist_session, rec.therapy_session_id, "example-alliance", alliance(a))
        if o is not None:
            sessions.enter_paper_response(therapist_session, rec.therapy_session_id, "phq9",
                                          phq(o, 1 if n in risk_at else 0))
    return ids


@dataclass(frozen=True)
class Seeded:
    tara: StaffUser
    theo: StaffUser
    sue: StaffUser
    #: Tara's client with a rupture at session 6 that is repaired at session 7
    repaired_client: uuid.UUID
    repaired_episode: uuid.UUID
    repaired_sessions: tuple[uuid.UUID, ...]
    #: Tara's client whose alliance drops at session 6 and stays down (unrepaired), PHQ-9 getting worse
    unrepaired_client: uuid.UUID
    unrepaired_episode: uuid.UUID
    unrepaired_sessions: tuple[uuid.UUID, ...]
    #: Theo's client, steady
    theo_client: uuid.UUID
    theo_episode: uuid.UUID
    theo_sessions: tuple[uuid.UUID, ...]


def login(clinic, username: str):
    return clinic.unlock(username, STAFF_PASSWORD)


#: Alliance totals high enough (>= 36) that only the designed drops fire rupture rules.
REPAIRED_ALLIANCE = (37.0, 37.5, 38.0, 37.5, 38.0, 30.0, 38.0, 38.5)
REPAIRED_PHQ = (16, 15, 14, 12, 11, 10, 8, 7)
UNREPAIRED_ALLIANCE = (37.0, 37.0, 37.5, 37.0, 37.5, 30.0, 31.0, 30.5, 31.0)
UNREPAIRED_PHQ = (12, 13, 13, 14, 15, 17, 18, 19, 20)
THEO_ALLIANCE = (37.0, 37.5, None, 38.0)
THEO_PHQ = (14, 13, None, 11)


@pytest.fixture
def seeded(session, clinic) -> Seeded:
    users = {name: add_user(session, name, f"{name.title()} Example", role, STAFF_PASSWORD)
             for name, role in (("tara", Role.THERAPIST), ("theo", Role.THERAPIST), ("sue", Role.SUPERVISOR))}
    tara, theo = users["tara"], users["theo"]
    rep = clients.create_client(session, "RP-0001", "R.P.", tara.id)
    unr = clients.create_client(session, "UR-0002", None, tara.id)
    th = clients.create_client(session, "TH-0003", "T.H.", theo.id)
    episodes = {}
    for c in (rep, unr, th):
        episodes[c.client_id] = clients.open_episode(session, c.client_id, opened_on=START).open_episode.episode_id
    t = login(clinic, "tara")
    try:
        rep_ids = seed_course(t, episodes[rep.client_id], REPAIRED_ALLIANCE, REPAIRED_PHQ)
        unr_ids = seed_course(t, episodes[unr.client_id], UNREPAIRED_ALLIANCE, UNREPAIRED_PHQ, risk_at=(9,))
    finally:
        t.lock()
    h = login(clinic, "theo")
    try:
        th_ids = seed_course(h, episodes[th.client_id], THEO_ALLIANCE, THEO_PHQ, missed=(3,))
    finally:
        h.lock()
    return Seeded(tara, theo, users["sue"], rep.client_id, episodes[rep.client_id], tuple(rep_ids),
                  unr.client_id, episodes[unr.client_id], tuple(unr_ids), th.client_id, episodes[th.client_id],
                  tuple(th_ids))
