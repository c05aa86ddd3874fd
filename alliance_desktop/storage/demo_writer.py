"""Bulk writing of generated demo courses (the demo clinic and the large benchmark clinic).

The large profile writes about 11 million rows (570,000 sessions, 1.1 million
responses and scores, 7 million item answers) keyed by random UUIDs, about
0.92 GB encrypted (1.8 GB while UUIDs were stored as hex text, before schema
version 3). It took 250-450 s through SQLAlchemy Core; it now takes 70-85 s
on the 2-core reference machine (benchmarks/scale_metrics.py; 97 s measured
once on schema 3 while another process kept a core busy). What
each part bought there (one large build left out at a time) and why each
shortcut is safe:

- **Rows go to the driver in their stored form.** Each row is a tuple of
  exactly what SQLAlchemy would have bound: a UUID as its 16 bytes
  (``BinaryUuid`` on SQLite), a date as ``YYYY-MM-DD``, a ``UtcDateTime`` as its
  ISO text, a bool as 0/1. Dates and timestamps go through the columns' own
  bind processors, once per distinct value; each write first checks the
  hand-made UUID and bool forms against SQLAlchemy's (``_check_stored_forms``).
  Inserts run as ``executemany`` on the raw sqlcipher3 cursor (SQLAlchemy's
  per-row bind processing cost more than SQLite itself). Every INSERT names
  every column of its table, so a schema change this module does not know
  about fails loudly, and columns that are always NULL here are literal NULLs:
  the driver binds a Python None through an adapter lookup (~1.5 µs a value).
- **One dedicated connection with bulk-load settings** (``_bulk_connection``),
  used only by the demo build and never returned to the pool: its settings are
  restored and it is invalidated (closed). ``journal_mode`` stays WAL,
  ``synchronous`` FULL and ``foreign_keys`` ON throughout (every reference is
  checked as it is written); other connections keep all the engine's pragmas.
  ``synchronous = OFF`` was tried and bought nothing measurable, so it is not
  used.

  * ``cache_size`` 1 GiB instead of SQLCipher's 8 MB (~55 s): inserts at
    random places of the UUID key indexes otherwise re-read and decrypt a page
    almost every row. The build's memory peaks at about 1.7 GB.
  * The plain secondary indexes of the loaded tables (``CREATE INDEX`` ones;
    not those behind a PRIMARY KEY or UNIQUE constraint, which stay and keep
    enforcing their constraints) are dropped before the load and created again
    afterwards from their own statements in ``sqlite_master`` (~10 s of wall
    time, ~13 s of CPU, and a 40 MB smaller file: a sorted build instead of
    millions of inserts at random places). The schema is then checked to be
    exactly what it was; a failed build re-creates them too.
  * The CHECK constraints of ``therapy_sessions`` and ``responses`` (``status
    in (...)``, ``mode in (...)``) are evaluated once per chunk, by one query
    over the chunk's new rows made from the tables' own CHECK expressions,
    instead of once per row (``PRAGMA ignore_check_constraints`` around those
    two inserts only; ~7 s): SQLite builds a lookup table for an ``x in
    ('a','b','c')`` check on every single-row INSERT, ~1.3 µs each. A violation
    raises ``ConstraintViolation`` and rolls the chunk back, as a per-row check
    would have.

- **Chunks of 5,000 courses** (about two million rows), one transaction each,
  instead of 500 (~50 s): each commit rewrites the key-index pages the chunk
  touched, which with random UUIDs is most of them. The WAL stays a fraction
  of the database, and is checkpointed (TRUNCATE) at the end. Rows of a chunk
  are **sorted by their primary key** first, so the chunk walks each key index
  once, in order (~3 s, and a slightly smaller file).
- **The commit of one chunk runs on a helper thread** (encrypting and writing
  its pages is one GIL-free call into SQLCipher) while this thread generates
  and scores the next chunk (~5-10 s when a second core is free).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any, Protocol

import sqlalchemy as sa

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

#: Courses per transaction (see the module docstring).
DEFAULT_CHUNK = 5000
#: Page cache of the loading connection, in KiB.
BULK_CACHE_KIB = 1024 * 1024


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


# -- stored forms -----------------------------------------------------------------------------------------


class _StoredForms:
    """Date and timestamp values as the driver receives them, through the columns' own bind processors."""

    def __init__(self, dialect: sa.Dialect) -> None:
        def processor(column: sa.Column[Any]) -> Callable[[Any], Any]:
            return column.type.bind_processor(dialect) or (lambda v: v)

        self._date = processor(TherapySession.__table__.c.held_on)
        self._stamp = processor(TherapySession.__table__.c.created_at)
        self._dates: dict[date | None, Any] = {None: None}
        self._stamps: dict[tuple[date, int], Any] = {}

    def day(self, value: date | None) -> Any:
        stored = self._dates.get(value)
        if stored is None and value is not None:
            stored = self._dates[value] = self._date(value)
        return stored

    def at(self, day: date, minutes_after_completion: int) -> Any:
        """The stored form of ``_completed_at(day) + minutes`` (cached per day and offset)."""
        key = (day, minutes_after_completion)
        stored = self._stamps.get(key)
        if stored is None:
            stored = self._stamps[key] = self._stamp(_completed_at(day) + timedelta(minutes=minutes_after_completion))
        return stored


def _check_stored_forms(dialect: sa.Dialect) -> None:
    """Fail loudly if SQLAlchemy would bind a UUID or a bool differently from the forms written here."""
    sample = uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF, version=4)
    uuid_bind = Response.__table__.c.id.type.bind_processor(dialect)
    bound = uuid_bind(sample) if uuid_bind else sample
    if not isinstance(bound, (bytes, memoryview)) or bytes(bound) != sample.bytes:
        raise RuntimeError("UUID columns no longer bind as their 16 bytes; update storage/demo_writer.py")
    bool_bind = Score.__table__.c.scorable.type.bind_processor(dialect)
    for flag in (True, False):
        if (bool_bind(flag) if bool_bind else flag) != int(flag):
            raise RuntimeError("sa.Boolean no longer binds as 0/1; update storage/demo_writer.py")


# -- statements -------------------------------------------------------------------------------------------


def _insert(model: type, bound: tuple[str, ...], null: tuple[str, ...] = ()) -> str:
    """An INSERT naming every column of the table: ``bound`` as parameters, ``null`` as literal NULLs."""
    table = model.__table__  # type: ignore[attr-defined]
    columns = [c.name for c in table.columns]
    if sorted((*bound, *null)) != sorted(columns):
        raise RuntimeError(f"storage/demo_writer.py does not match the columns of {table.name}: {columns}")
    values = ["?"] * len(bound) + ["NULL"] * len(null)
    return f"INSERT INTO {table.name} ({', '.join((*bound, *null))}) VALUES ({', '.join(values)})"


_CLIENT = _insert(Client, ("id", "pseudonym", "initials", "therapist_id", "birth_year", "created_at"),
                  ("archived_at",))
_EPISODE = _insert(Episode, ("id", "client_id", "therapist_id", "opened_on", "closed_on", "planned_sessions",
                             "created_at"), ("study_arm",))
_SESSION = _insert(TherapySession, ("id", "episode_id", "number", "held_on", "status", "created_at"))
_RESPONSE = _insert(
    Response,
    ("id", "submission_id", "session_id", "instrument_id", "instrument_version", "language", "licence_id",
     "respondent_role", "mode", "device_id", "started_at", "completed_at", "status", "first_viewed_at",
     "first_viewed_by"),
    ("entered_by", "amends_id", "status_reason", "comment"),
)
_VAS_ANSWER = _insert(ItemAnswer, ("response_id", "item_id", "value", "vas_mm"), ("vas_length_px",))
_OPTION_ANSWER = _insert(ItemAnswer, ("response_id", "item_id", "value"), ("vas_mm", "vas_length_px"))
_SCORE = _insert(Score, ("response_id", "scale", "value", "scorable", "scoring_version"), ("reason",))
_SCORE_WITH_REASON = _insert(Score, ("response_id", "scale", "value", "scorable", "scoring_version", "reason"))
#: In insertion order: parents before children (foreign keys are enforced row by row).
_STATEMENTS = (_CLIENT, _EPISODE, _SESSION, _RESPONSE, _VAS_ANSWER, _OPTION_ANSWER, _SCORE, _SCORE_WITH_REASON)
#: Every row tuple starts with its table's key (the id, or the response id of an answer or a score).
_first = itemgetter(0)
#: Tables the bulk load writes.
_LOADED = (Client, Episode, TherapySession, Response, ItemAnswer, Score)
#: Statements whose CHECK constraints are verified once per chunk (see the module docstring).
_CHECKED_PER_CHUNK: dict[str, type] = {_SESSION: TherapySession, _RESPONSE: Response}


def _violations_sql(model: type) -> str:
    """The first row after a rowid that breaks one of the table's CHECK constraints (the tables.py expressions).

    A CHECK fails when its expression is false, not when it is NULL: hence ``NOT coalesce(check, 1)``.
    """
    table = model.__table__  # type: ignore[attr-defined]
    checks = [str(c.sqltext) for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    if not checks:
        raise RuntimeError(f"{table.name} has no CHECK constraint to verify")
    broken = " OR ".join(f"NOT coalesce(({check}), 1)" for check in checks)
    return f"SELECT rowid FROM {table.name} WHERE rowid > ? AND ({broken}) LIMIT 1"


_VIOLATIONS = {sql: _violations_sql(model) for sql, model in _CHECKED_PER_CHUNK.items()}


class ConstraintViolation(Exception):
    """The demo writer produced a row breaking a CHECK constraint (a bug here, never bad input)."""


# -- rows -------------------------------------------------------------------------------------------------


class _CourseRows:
    """Turns a chunk of courses into rows per statement, scored with the caller's scorer."""

    def __init__(self, dialect: sa.Dialect, therapists: Sequence[DemoTherapist], alliance: InstrumentRef,
                 outcome: InstrumentRef, scorer: Scorer) -> None:
        _check_stored_forms(dialect)
        self.forms = _StoredForms(dialect)
        self.therapist_ids = [t.id.bytes for t in therapists]
        self.instruments = (
            (alliance, (alliance.id, alliance.version, alliance.language, alliance.licence_id)),
            (outcome, (outcome.id, outcome.version, outcome.language, outcome.licence_id)),
        )
        self.scorer = scorer
        # (value, vas_mm) of a line answer, and the value of an options answer, by raw answer
        self.vas_answer = {mm: (mm / 10.0, mm) for mm in range(0, 101)}
        self.option_value: dict[int, float] = {}

    def __call__(self, batch: Sequence[DemoCourse]) -> tuple[dict[str, list[tuple[Any, ...]]], int]:
        """(rows by statement, each list sorted by key; number of sessions)."""
        rows: dict[str, list[tuple[Any, ...]]] = {sql: [] for sql in _STATEMENTS}
        clients, episodes, sessions = rows[_CLIENT], rows[_EPISODE], rows[_SESSION]
        responses, vas_answers, option_answers = rows[_RESPONSE], rows[_VAS_ANSWER], rows[_OPTION_ANSWER]
        scores_out, scores_with_reason = rows[_SCORE], rows[_SCORE_WITH_REASON]
        day, at = self.forms.day, self.forms.at
        vas_answer, option_value, scorer = self.vas_answer, self.option_value, self.scorer
        (alliance, alliance_fixed), (outcome, outcome_fixed) = self.instruments
        n_sessions = 0
        for c in batch:
            therapist = self.therapist_ids[c.therapist_index]
            client_id, episode_id = c.client_id, c.episode_id
            opened_at = at(c.opened_on, -120)
            clients.append((client_id, c.pseudonym, c.initials, therapist, c.birth_year, opened_at))
            episodes.append((episode_id, client_id, therapist, day(c.opened_on), day(c.closed_on),
                             c.planned_sessions, opened_at))
            n_sessions += len(c.sessions)
            for session_id, sess in zip(c.session_ids, c.sessions, strict=True):
                held_on = sess.held_on
                sessions.append((session_id, episode_id, sess.number, day(held_on),
                                 "missed" if sess.missed else "held", at(held_on, -60)))
                if sess.missed:
                    continue
                started, done, viewed = at(held_on, -3), at(held_on, 0), at(held_on, 20 * 60)
                for ref, fixed, values, rid, sub in (
                    (alliance, alliance_fixed, sess.alliance_mm, sess.response_ids[0], sess.submission_ids[0]),
                    (outcome, outcome_fixed, sess.outcome_values, sess.response_ids[1], sess.submission_ids[1]),
                ):
                    responses.append((rid, sub, session_id, *fixed, "client", "kiosk", "demo-kiosk",
                                      started, done, "completed", viewed, therapist))
                    answers = dict(zip(ref.item_ids, values, strict=True))
                    if ref.vas:
                        for item_id, v in answers.items():
                            vas_answers.append((rid, item_id, *vas_answer[v]))
                    else:
                        for item_id, v in answers.items():
                            value = option_value.get(v)
                            if value is None:
                                value = option_value[v] = float(v)
                            option_answers.append((rid, item_id, value))
                    scores = scorer(ref, answers)
                    version = scores.scoring_version
                    for scale, sc in (("total", scores.total), *scores.subscales.items()):
                        if sc.reason is None:
                            scores_out.append((rid, scale, sc.value, int(sc.scorable), version))
                        else:
                            scores_with_reason.append((rid, scale, sc.value, int(sc.scorable), version, sc.reason))
        for statement_rows in rows.values():
            statement_rows.sort(key=_first)
        return rows, n_sessions


# -- the loading connection -------------------------------------------------------------------------------


def _secondary_indexes(raw: Any) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every explicit index on the loaded tables, in the order they were made.

    Indexes behind a PRIMARY KEY or UNIQUE constraint have no statement of their
    own (``sql IS NULL``): they are not listed, stay, and enforce their constraints.
    They are made again in the same order: SQLite's planner settles near-ties
    between two usable indexes by it (revision 0003, ``_creation_order``), so a
    different order can change a query plan.
    """
    names = tuple(m.__table__.name for m in _LOADED)  # type: ignore[attr-defined]
    marks = ", ".join("?" * len(names))
    return [(str(name), str(sql)) for name, sql in raw.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
        " ORDER BY rowid", names)]


@contextlib.contextmanager
def _transaction(raw: Any) -> Iterator[None]:
    raw.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")


def _drop_indexes(raw: Any) -> list[tuple[str, str]]:
    indexes = _secondary_indexes(raw)
    with _transaction(raw):
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
    return indexes


def _recreate_indexes(raw: Any, indexes: list[tuple[str, str]]) -> None:
    """Build the dropped indexes from their own statements, then check the schema is exactly as before."""
    with _transaction(raw):
        for _name, sql in indexes:
            raw.execute(sql)
    if _secondary_indexes(raw) != indexes:
        raise RuntimeError("the demo build did not restore the database's indexes exactly")


@contextlib.contextmanager
def _bulk_connection(db: ClinicDatabase) -> Iterator[Any]:
    """A raw sqlcipher3 connection with the bulk-load settings of the module docstring.

    On success the indexes are rebuilt and the WAL is checkpointed and
    truncated. Whatever happens, the indexes are rebuilt, the settings are put
    back and the connection is invalidated (closed, never reused by the pool).
    """
    proxy = db.engine.raw_connection()
    raw = proxy.driver_connection
    assert raw is not None
    (previous_cache,) = raw.execute("PRAGMA cache_size").fetchone()
    dropped: list[tuple[str, str]] = []
    try:
        raw.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        dropped = _drop_indexes(raw)
        yield raw
        _recreate_indexes(raw, dropped)
        dropped = []
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        with contextlib.suppress(Exception):
            if raw.in_transaction:
                raw.execute("ROLLBACK")
        if dropped:  # a failed build still leaves the schema whole
            with contextlib.suppress(Exception):
                _recreate_indexes(raw, dropped)
        with contextlib.suppress(Exception):
            raw.execute("PRAGMA ignore_check_constraints = OFF")
            raw.execute(f"PRAGMA cache_size = {int(previous_cache)}")
        proxy.invalidate()  # closes it: no pooled connection ever carries a bulk-load setting
        proxy.close()


def _insert_chunk(raw: Any, cursor: Any, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Insert one chunk's rows inside the open transaction (parents first)."""
    for sql, statement_rows in rows.items():
        if not statement_rows:
            continue
        violations = _VIOLATIONS.get(sql)
        if violations is None:
            cursor.executemany(sql, statement_rows)
            continue
        table = _CHECKED_PER_CHUNK[sql].__table__.name  # type: ignore[attr-defined]
        (last,) = raw.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()
        raw.execute("PRAGMA ignore_check_constraints = ON")
        try:
            cursor.executemany(sql, statement_rows)
        finally:
            raw.execute("PRAGMA ignore_check_constraints = OFF")
        bad = raw.execute(violations, (last,)).fetchone()
        if bad is not None:
            raise ConstraintViolation(f"CHECK constraint failed in {table}, rowid {bad[0]}")


def write_courses(
    db: ClinicDatabase,
    courses: Iterable[DemoCourse],
    *,
    therapists: Sequence[DemoTherapist],
    alliance: InstrumentRef,
    outcome: InstrumentRef,
    scorer: Scorer,
    now: datetime,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write clients, episodes, sessions, responses, answers and scores; returns (courses, sessions)."""
    rows_of = _CourseRows(db.engine.dialect, therapists, alliance, outcome, scorer)
    n_courses = n_sessions = 0
    with _bulk_connection(db) as raw, ThreadPoolExecutor(1, thread_name_prefix="demo-commit") as committer:
        cursor = raw.cursor()
        committing: Future[Any] | None = None

        def flush(batch: list[DemoCourse]) -> None:
            nonlocal committing, n_sessions
            rows, sessions = rows_of(batch)  # while the previous chunk is still being committed
            if committing is not None:
                committing.result()
                committing = None
                if progress:
                    progress(n_courses - len(batch))
            raw.execute("BEGIN IMMEDIATE")
            try:
                _insert_chunk(raw, cursor, rows)
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            committing = committer.submit(raw.execute, "COMMIT")
            n_sessions += sessions

        try:
            batch: list[DemoCourse] = []
            for course in courses:
                batch.append(course)
                n_courses += 1
                if len(batch) >= chunk:
                    flush(batch)
                    batch = []
            if batch:
                flush(batch)
        finally:
            if committing is not None:
                committing.result()  # never leave the connection while a commit runs on it
        if progress:
            progress(n_courses)
    return n_courses, n_sessions
