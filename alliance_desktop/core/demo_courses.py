"""Believable, made-up courses of therapy for the demo clinic and for benchmarks.

Deterministic for a seed: every random draw comes from one ``random.Random``
and ids are drawn from it too, so two runs with the same seed and anchor date
describe the same clinic. What the courses look like, on purpose:

- alliance (four 0–100 mm lines, total 0–40) starts around 36 and rises slowly
  with session-to-session noise; about a quarter of clients have a rupture (a
  drop of 5–10 points) after session 5, repaired within three sessions in
  about 60 % of them and left unrepaired in the rest;
- outcome (PHQ-9, 0–27, lower is better) starts in the clinical range and
  mostly improves along a decaying curve; about one client in ten does not
  improve or gets worse (not on track), and item 9 is occasionally positive;
- about 5 % of sessions are missed (no answers), never interpolated later.

Nothing here is clinical truth: it exists so the charts, alerts and
benchmarks have something realistic to work on.

Ids of clients, episodes, sessions, responses and submissions are random
version-4 UUIDs given as their 16 big-endian bytes (``uuid.UUID.bytes``, the
form the database stores since schema version 3): the large clinic draws about
three million of them, and building ``uuid.UUID`` objects only to turn them
back into bytes cost seconds. Therapists keep ``uuid.UUID`` ids (there are
few, and they go through the ORM).
"""

from __future__ import annotations

import functools
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_NAMES = (
    "Lea", "Jonas", "Mara", "Luca", "Nina", "Elias", "Sara", "Noah", "Julia", "Marco",
    "Chiara", "Tobias", "Anouk", "Matteo", "Léa", "Samuel", "Irina", "David", "Fatima", "Jan",
)
LAST_NAMES = (
    "Brunner", "Keller", "Moser", "Rossi", "Meier", "Bernasconi", "Favre", "Huber", "Gerber",
    "Baumann", "Frei", "Zürcher", "Rochat", "Steiner", "Bianchi", "Widmer", "Graf", "Lüthi",
)


@dataclass(frozen=True, slots=True)
class ClinicProfile:
    therapists: int
    clients: int
    active_per_therapist: int
    years_of_history: float


PROFILES = {
    # 3 therapists, about 30 clients, courses of up to 24 sessions.
    "small": ClinicProfile(therapists=3, clients=30, active_per_therapist=8, years_of_history=1.5),
    # The clinic-scale profile of RELIABILITY.md: ~575,000 sessions, 25,000 clients, 50 therapists.
    "large": ClinicProfile(therapists=50, clients=25_000, active_per_therapist=40, years_of_history=12.0),
}


@dataclass(frozen=True, slots=True)
class DemoTherapist:
    id: uuid.UUID
    username: str
    display_name: str


#: A version-4 UUID as its 16 big-endian bytes (see the module docstring).
UuidBytes = bytes


@dataclass(frozen=True, slots=True)
class DemoSession:
    number: int
    held_on: date
    missed: bool
    #: alliance item answers in mm, in the order of the alliance items
    alliance_mm: tuple[int, ...]
    #: outcome item answers (option values), in the order of the outcome items
    outcome_values: tuple[int, ...]
    response_ids: tuple[UuidBytes, UuidBytes]
    submission_ids: tuple[UuidBytes, UuidBytes]


@dataclass(frozen=True, slots=True)
class DemoCourse:
    client_id: UuidBytes
    pseudonym: str
    initials: str
    birth_year: int
    therapist_index: int
    episode_id: UuidBytes
    opened_on: date
    closed_on: date | None
    planned_sessions: int
    session_ids: tuple[UuidBytes, ...]
    sessions: tuple[DemoSession, ...]
    pattern: str  # "steady", "rupture-repaired", "rupture-unrepaired", "not-on-track"


# uuid.UUID(int=n, version=4): clear the variant and version bits, then set variant RFC 4122 and version 4.
_UUID4_KEEP = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def _uuid(rng: random.Random) -> UuidBytes:
    """``uuid.UUID(int=rng.getrandbits(128), version=4).bytes``, without building the UUID."""
    return (rng.getrandbits(128) & _UUID4_KEEP | _UUID4_SET).to_bytes(16, "big")


def therapists(rng: random.Random, count: int) -> list[DemoTherapist]:
    out = []
    used: set[str] = set()
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first[0]}{last}".casefold().replace("é", "e").replace("ü", "u").replace("ö", "o")
        while username in used:
            username = f"{username}{i}"
        used.add(username)
        out.append(DemoTherapist(uuid.UUID(bytes=_uuid(rng)), username, f"{first} {last}"))
    return out


def _pseudonym(rng: random.Random, used: set[str]) -> str:
    alphabet = "ACDEFHJKLMNPRTUVWXY"
    while True:
        code = "".join(rng.choice(alphabet) for _ in range(3)) + "-" + f"{rng.randrange(10_000):04d}"
        if code not in used:
            used.add(code)
            return code


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _split_alliance(rng: random.Random, total: float, n_items: int) -> tuple[int, ...]:
    """Spread an alliance total (0–40) over n lines of 0–100 mm with a little item noise."""
    per_item_mm = total / n_items * 10.0
    return tuple(int(round(_clip(per_item_mm + rng.gauss(0, 4.0), 0, 100))) for _ in range(n_items))


@functools.cache
def _slots(n_items: int, max_value: int) -> tuple[int, ...]:
    """Each non-risk item once per point it can take: a draw without replacement spreads a total."""
    return tuple(i for i in range(n_items - 1) for _ in range(max_value))


def _split_outcome(rng: random.Random, total: int, n_items: int, max_value: int, risk: bool) -> tuple[int, ...]:
    """Spread an outcome total over items with values 0..max_value (last item is the risk item)."""
    values = [0] * n_items
    values[-1] = 1 if risk else 0
    remaining = max(0, min(total - values[-1], (n_items - 1) * max_value))
    slots = _slots(n_items, max_value)
    for i in rng.sample(slots, remaining):
        values[i] += 1
    return tuple(values)


def simulate_course(
    rng: random.Random,
    *,
    length: int,
    start: date,
    alliance_items: int,
    outcome_items: int,
    outcome_max: int,
    pattern: str,
) -> list[DemoSession]:
    """One client's course: sessions 1..length, weekly, following ``pattern``."""
    # Most clients rate the alliance high (the example check-in flags totals below 36), so a
    # flag means something; a few start lower and climb.
    a0 = _clip(rng.gauss(37.3, 1.2), 33.0, 39.0)
    slope = max(0.0, rng.gauss(0.06, 0.03))
    intake = int(round(_clip(rng.gauss(15.0, 4.0), 8, 27)))
    floor = _clip(rng.gauss(6.0, 2.0), 2.0, 9.0)
    rupture_at = rng.randint(6, length - 3) if pattern.startswith("rupture") and length >= 9 else None
    repair_after = rng.randint(1, 3)
    drop = rng.uniform(5.0, 10.0)
    sessions = []
    for t in range(1, length + 1):
        held_on = start + timedelta(days=7 * (t - 1) + rng.randint(-1, 1))
        missed = t > 1 and rng.random() < 0.05
        alliance = a0 + slope * (t - 1) + rng.gauss(0, 0.8)
        if rupture_at is not None and t >= rupture_at:
            if pattern == "rupture-unrepaired" or t < rupture_at + repair_after:
                alliance -= drop
        alliance = _clip(alliance, 0.0, 40.0)
        if pattern == "not-on-track":
            expected = intake + 0.15 * (t - 1)
        else:
            expected = floor + (intake - floor) * math.exp(-(t - 1) / 6.0)
        total = int(round(_clip(expected + rng.gauss(0, 1.8), 0, outcome_items * outcome_max - outcome_max)))
        risk = rng.random() < (0.08 if pattern == "not-on-track" else 0.01)
        ids = (_uuid(rng), _uuid(rng))
        subs = (_uuid(rng), _uuid(rng))
        sessions.append(
            DemoSession(
                number=t,
                held_on=held_on,
                missed=missed,
                alliance_mm=() if missed else _split_alliance(rng, alliance, alliance_items),
                outcome_values=() if missed else _split_outcome(rng, total, outcome_items, outcome_max, risk),
                response_ids=ids,
                submission_ids=subs,
            )
        )
    return sessions


#: Share of clients per course pattern; drawn as a quota so every clinic, even the
#: 30-client demo, has some of each.
PATTERN_SHARES = (("not-on-track", 0.10), ("rupture-repaired", 0.15), ("rupture-unrepaired", 0.10))


def _patterns(rng: random.Random, n: int) -> list[str]:
    quota = [name for name, share in PATTERN_SHARES for _ in range(max(1, round(n * share)))]
    quota += ["steady"] * max(0, n - len(quota))
    rng.shuffle(quota)
    return quota[:n]


def generate_courses(
    rng: random.Random,
    *,
    profile: ClinicProfile,
    today: date,
    alliance_items: int,
    outcome_items: int,
    outcome_max: int,
) -> Iterator[DemoCourse]:
    """All clients of the clinic, oldest first; active courses end near ``today``."""
    active = min(profile.clients, profile.therapists * profile.active_per_therapist)
    closed = profile.clients - active
    history_days = int(profile.years_of_history * 365)
    used: set[str] = set()
    patterns = _patterns(rng, profile.clients)
    for index in range(profile.clients):
        is_active = index >= closed
        pattern = patterns[index]
        planned = 24
        if is_active:
            # A rupture needs room to show (and to be repaired or not) within the course so far.
            done = rng.randint(12 if pattern.startswith("rupture") else 1, planned)
            start = today - timedelta(days=7 * (done - 1) + rng.randint(0, 3))
            length = done
        else:
            length = planned if rng.random() < 0.95 or pattern != "steady" else rng.randint(6, planned - 1)
            start = today - timedelta(days=rng.randint(7 * planned + 30, max(7 * planned + 31, history_days)))
        sessions = simulate_course(
            rng, length=length, start=start, alliance_items=alliance_items,
            outcome_items=outcome_items, outcome_max=outcome_max, pattern=pattern,
        )
        pseudonym = _pseudonym(rng, used)
        yield DemoCourse(
            client_id=_uuid(rng),
            pseudonym=pseudonym,
            initials=rng.choice("ABCDEFGHIJKLMNOPRSTVWZ") + rng.choice("ABCDEFGHIKLMNOPRSTUVWZ"),
            birth_year=rng.randint(1950, 2006),
            therapist_index=index % profile.therapists,
            episode_id=_uuid(rng),
            opened_on=start,
            closed_on=None if is_active else sessions[-1].held_on,
            planned_sessions=planned,
            session_ids=tuple(_uuid(rng) for _ in sessions),
            sessions=tuple(sessions),
            pattern=pattern,
        )

