"""Revision 0003 (schema version 3): UUIDs as 16 bytes, answers and scores WITHOUT ROWID, two indexes dropped.

A schema-2 database is built with the revisions up to 0002 and filled the way
the old code stored rows (a UUID as 32 lower-case hex digits, a timestamp as
its UTC text, JSON as text, a bool as 0/1), with every table, every nullable
UUID column both set and empty, an amendment chain and an audit chain hashed
as schema 2 hashed it. Then it is upgraded, and every row must read back
through the ORM exactly as it was written.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from alliance_desktop.storage import audit
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.migrate import migrate_to, upgrade_to_head
from alliance_desktop.storage.tables import AuditEvent, Base
from alliance_desktop.storage.types import BinaryUuid, UtcDateTime

KEY = bytes(range(32))
T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
DROPPED = {"ix_responses_session_id", "ix_scores_response_cover"}
REPO_ROOT = Path(__file__).resolve().parents[2]

Rows = dict[str, list[dict[str, Any]]]


# --------------------------------------------------------------------------------------- schema 2


def _stamp(version: int):
    def stamp(conn: sa.Connection) -> None:
        conn.exec_driver_sql(f"PRAGMA user_version = {version}")
    return stamp


def _v2_stored(value: Any) -> Any:
    """A value as schema 2 stored it (what sa.Uuid, UtcDateTime, Date, JSON and Boolean bound on SQLite)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return UtcDateTime().process_bind_param(value, None)  # type: ignore[arg-type]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def _v2_hash(prev: str, seq: int, at: datetime, actor: uuid.UUID | None, action: str, target_kind: str | None,
             target_id: str | None, details: dict[str, Any]) -> str:
    """The audit hash exactly as schema 2 computed it (the actor as ``str(uuid)``, the hyphenated form)."""
    body = json.dumps([prev, seq, _v2_stored(at), str(actor) if actor else None, action, target_kind, target_id,
                       details], sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(body.encode("ascii")).hexdigest()


def _u() -> uuid.UUID:
    return uuid.uuid4()


def sample_rows() -> Rows:
    """One or more rows in every table; nullable UUID columns both set and NULL somewhere."""
    admin, tara = _u(), _u()
    c1, c2, e1, e2, s1, s2, s3 = _u(), _u(), _u(), _u(), _u(), _u(), _u()
    r1, r2, r3, r4, a1, a2 = _u(), _u(), _u(), _u(), _u(), _u()
    later = T0 + timedelta(days=7)

    def response(rid: uuid.UUID, sid: uuid.UUID, mode: str, status: str, *, entered_by: uuid.UUID | None = None,
                 amends: uuid.UUID | None = None, viewed: uuid.UUID | None = None, reason: str | None = None,
                 instrument: str = "phq9") -> dict[str, Any]:
        return dict(id=rid, submission_id=_u(), session_id=sid, instrument_id=instrument, instrument_version="1.0",
                    language="de", licence_id="public-domain", respondent_role="client", mode=mode,
                    entered_by=entered_by, device_id="kiosk-1" if mode == "kiosk" else None,
                    started_at=T0 if mode == "kiosk" else None, completed_at=T0 + timedelta(minutes=len(mode)),
                    status=status, amends_id=amends, status_reason=reason, comment="Danke" if mode == "kiosk" else None,
                    first_viewed_at=later if viewed else None, first_viewed_by=viewed)

    rows: Rows = {
        "clinic_settings": [dict(key="clinic_name", value={"v": "Praxis am See"}, updated_at=T0)],
        "users": [dict(id=admin, username="admin", display_name="Anna", role="admin", active=True, created_at=T0),
                  dict(id=tara, username="tara", display_name="Tara", role="therapist", active=False, created_at=T0)],
        "clients": [dict(id=c1, pseudonym="KLM-0412", initials="KM", therapist_id=tara, birth_year=1980,
                         created_at=T0, archived_at=None),
                    dict(id=c2, pseudonym="ABC-0001", initials=None, therapist_id=tara, birth_year=None,
                         created_at=T0, archived_at=later)],
        "episodes": [dict(id=e1, client_id=c1, therapist_id=tara, opened_on=date(2026, 1, 5), closed_on=None,
                          planned_sessions=24, study_arm=None, created_at=T0),
                     dict(id=e2, client_id=c2, therapist_id=tara, opened_on=date(2025, 1, 5),
                          closed_on=date(2025, 6, 1), planned_sessions=12, study_arm="feedback", created_at=T0)],
        "therapy_sessions": [dict(id=s1, episode_id=e1, number=1, held_on=date(2026, 1, 12), status="held",
                                  created_at=T0),
                             dict(id=s2, episode_id=e1, number=2, held_on=date(2026, 1, 19), status="missed",
                                  created_at=T0),
                             dict(id=s3, episode_id=e2, number=1, held_on=date(2025, 1, 12), status="held",
                                  created_at=T0)],
        "responses": [response(r1, s1, "kiosk", "completed", viewed=tara, instrument="example-alliance"),
                      response(r2, s1, "staff_paper", "amended", entered_by=tara),
                      response(r3, s1, "staff_paper", "completed", entered_by=tara, amends=r2),
                      response(r4, s3, "remote", "entered_in_error", reason="wrong client")],
        "item_answers": [dict(response_id=r1, item_id=item, value=mm / 10, vas_mm=mm, vas_length_px=377.95)
                         for item, mm in (("connection", 81), ("focus", 77), ("approach", 90), ("overall", 64))]
                        + [dict(response_id=rid, item_id=str(i), value=float(i % 4), vas_mm=None, vas_length_px=None)
                           for rid in (r2, r3, r4) for i in range(1, 10)],
        "scores": [dict(response_id=r1, scale="total", value=31.2, scorable=True, reason=None, scoring_version="1"),
                   dict(response_id=r1, scale="bond", value=8.1, scorable=True, reason=None, scoring_version="1"),
                   dict(response_id=r3, scale="total", value=None, scorable=False, reason="too many missing",
                        scoring_version="2")],
        "alerts": [dict(id=a1, episode_id=e1, session_id=s1, response_id=r3, kind="risk_item", rule_ids="RISK1",
                        severity="high", explanation="PHQ-9 item 9 > 0", created_at=T0),
                   dict(id=a2, episode_id=e1, session_id=None, response_id=None, kind="not_on_track",
                        rule_ids="NOT1", severity="medium", explanation="above the expected course", created_at=T0)],
        "alert_actions": [dict(id=_u(), alert_id=a1, action="acknowledged", user_id=tara, at=later, note=None),
                          dict(id=_u(), alert_id=a1, action="discussed", user_id=admin, at=later, note="ok")],
        "notes": [dict(id=_u(), episode_id=e1, author_id=tara, created_at=T0, text="Erstgespräch")],
        "kiosk_tickets": [dict(id=_u(), code_hash="ab" * 32, session_id=s1, instrument_ids=["phq9"],
                               issued_by=tara, issued_at=T0, expires_at=later, used_at=None)],
        "instruction_events": [dict(id=_u(), episode_id=e1, session_id=s1, text_version="v1", language="de",
                                    channel="kiosk", device_id="kiosk-1", delivered_by=None, delivered_at=T0),
                               dict(id=_u(), episode_id=e1, session_id=None, text_version="v1", language="de",
                                    channel="staff", device_id=None, delivered_by=tara, delivered_at=T0)],
        "wording_packs": [dict(id=_u(), instrument_id="phq9", instrument_version="1.0", language="de",
                               content={"items": {"1": "Wenig Interesse"}}, installed_by=admin, installed_at=T0)],
        "course_summaries": [dict(episode_id=e1, rules="r1", as_of_seq=3, held_sessions=1, held_with_feedback=1,
                                  ruptures=0, repaired=0, unrepaired=0, pending=0, colour="green", computed_at=T0)],
    }
    rows["audit_events"] = _v2_chain([
        (admin, "clinic.created", None, None, {}),
        (None, "login.failed", None, None, {"reason": "password"}),
        (tara, "response.entered", "response", str(r3), {"client": str(c1), "amends": str(r2)}),
    ])
    return rows


def _v2_chain(entries: list[tuple[uuid.UUID | None, str, str | None, str | None, dict[str, Any]]]) -> list[dict]:
    out, prev = [], audit.GENESIS_HASH
    for seq, (actor, action, kind, target, details) in enumerate(entries, start=1):
        at = T0 + timedelta(seconds=seq)
        digest = _v2_hash(prev, seq, at, actor, action, kind, target, details)
        out.append(dict(seq=seq, at=at, actor_id=actor, action=action, target_kind=kind, target_id=target,
                        details=details, prev_hash=prev, hash=digest))
        prev = digest
    return out


def insert_v2(db: E.ClinicDatabase, rows: Rows) -> None:
    """Insert ``rows`` in their schema-2 stored form, parents first (foreign keys are enforced)."""
    order = [t.name for t in Base.metadata.sorted_tables]
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("BEGIN IMMEDIATE")
        for table in sorted(rows, key=order.index):
            for row in rows[table]:
                names = ", ".join(row)
                marks = ", ".join("?" * len(row))
                raw.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", [_v2_stored(v) for v in row.values()])
        raw.execute("COMMIT")


def schema2_database(path: Path, rows: Rows | None = None) -> Path:
    """A closed schema-2 database at ``path`` holding ``rows`` (stored as schema 2 stored them)."""
    db = E.create_database(path, KEY)
    try:
        migrate_to(db, "0002", _stamp(2))
        if rows is not None:
            insert_v2(db, rows)
    finally:
        db.dispose()
    return path


# --------------------------------------------------------------------------------------- reading back


def orm_rows(db: E.ClinicDatabase) -> Rows:
    """Every row of every table, through the ORM (UUIDs, datetimes, dates, JSON, bools as Python values)."""
    out: Rows = {}
    with db.read() as s:
        for mapper in Base.registry.mappers:
            model, table = mapper.class_, mapper.local_table
            names = [c.name for c in table.columns]
            found = [{n: getattr(obj, mapper.get_property_by_column(table.c[n]).key) for n in names}
                     for obj in s.execute(sa.select(model)).scalars()]
            out[table.name] = _sorted(found, table)
    return out


def _sorted(rows: list[dict[str, Any]], table: sa.Table) -> list[dict[str, Any]]:
    key = [c.name for c in table.primary_key.columns]
    return sorted(rows, key=lambda r: tuple(r[k] for k in key))


def expected(rows: Rows) -> Rows:
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    return {name: _sorted(list(found), tables[name]) for name, found in rows.items()}


def uuid_columns() -> list[tuple[str, str]]:
    return [(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns if isinstance(c.type, BinaryUuid)]


def pragma(db: E.ClinicDatabase, sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def index_names(path: Path) -> set[str]:
    con = E._raw_connect(path, KEY)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        con.close()


def migrate(path: Path) -> None:
    db = E.open_for_migration(path, KEY)
    try:
        upgrade_to_head(db)
    finally:
        db.dispose()


# --------------------------------------------------------------------------------------- tests


def test_the_audit_hash_is_the_one_schema_2_wrote():
    """Golden value from the schema-2 code: the actor enters the hash as ``str(uuid)``, not as stored."""
    actor = uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
    args = ("0" * 64, 1, T0, actor, "user.created", "user", str(actor), {"role": "admin"})
    golden = "1e63beec3bf7753ebce5ee79a43d9d16f218ba8a5e233b8105410737d991bb0b"
    assert _v2_hash(*args) == golden
    assert audit._entry_hash(*args) == golden


def test_a_populated_schema_2_database_migrates_row_for_row(tmp_path):
    rows = sample_rows()
    path = schema2_database(tmp_path / "c.db", rows)
    indexes_before = index_names(path)
    assert DROPPED <= indexes_before
    migrate(path)

    assert E.schema_version_of(path, KEY) == E.SCHEMA_VERSION == 3
    db = E.open_database(path, KEY)
    try:
        assert orm_rows(db) == expected(rows)
        assert pragma(db, "PRAGMA quick_check") == [("ok",)]
        assert pragma(db, "PRAGMA foreign_key_check") == []
        assert pragma(db, "SELECT version_num FROM alembic_version") == [("0003",)]
        for table, column in uuid_columns():
            ((stored, blobs),) = pragma(db, f"SELECT count({column}), sum(typeof({column}) = 'blob' AND "
                                            f"length({column}) = 16) FROM {table}")
            wrote = sum(r[column] is not None for r in rows[table])
            assert stored == wrote and (blobs or 0) == wrote, (table, column)
        without_rowid = {name: wr for _schema, name, _type, _ncol, wr, _strict in pragma(db, "PRAGMA table_list")}
        assert without_rowid["item_answers"] == without_rowid["scores"] == 1
        assert without_rowid["responses"] == without_rowid["therapy_sessions"] == 0
    finally:
        db.dispose()
    assert index_names(path) == indexes_before - DROPPED


def test_the_migrated_schema_is_exactly_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    path = schema2_database(tmp_path / "c.db", sample_rows())
    migrate(path)
    db = E.open_database(path, KEY)
    try:
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    Base.metadata) == []
    finally:
        db.dispose()


def test_an_audit_chain_written_on_schema_2_verifies_after_the_migration_and_goes_on(tmp_path):
    rows = sample_rows()
    path = schema2_database(tmp_path / "c.db", rows)
    migrate(path)
    db = E.open_database(path, KEY)
    try:
        with db.read() as s:
            report = audit.verify_chain(s)
            assert report.intact and report.entries == 3
            assert audit.verify_chain(s, from_seq=2).intact
        actor = rows["users"][1]["id"]
        with db.write() as s:
            audit.append(s, at=T0 + timedelta(days=1), action="client.viewed", actor_id=actor,
                         target_kind="client", target_id=str(rows["clients"][0]["id"]))
        with db.read() as s:
            report = audit.verify_chain(s)
            assert report.intact and report.entries == 4
            assert s.execute(sa.select(AuditEvent.prev_hash).where(AuditEvent.seq == 4)).scalar_one() == \
                rows["audit_events"][-1]["hash"]
        with db.write() as s:  # and the walk still notices an edit of a migrated entry
            s.execute(sa.update(AuditEvent).where(AuditEvent.seq == 3).values(actor_id=rows["users"][0]["id"]))
        with db.read() as s:
            assert audit.verify_chain(s).first_bad_seq == 3
    finally:
        db.dispose()


def test_a_malformed_uuid_fails_the_migration_and_leaves_schema_2_whole(tmp_path):
    """unhex() of a bad value is NULL: caught in a nullable column too, after earlier tables were rebuilt."""
    rows = sample_rows()
    path = schema2_database(tmp_path / "c.db", rows)
    con = E._raw_connect(path, KEY)
    con.execute("UPDATE audit_events SET actor_id = 'not-a-uuid' WHERE seq = 1")  # rebuilt after the big tables
    con.close()
    with pytest.raises(RuntimeError, match="audit_events"):
        migrate(path)
    assert E.schema_version_of(path, KEY) == 2
    con = E._raw_connect(path, KEY)
    try:
        assert con.execute("SELECT typeof(response_id), length(response_id) FROM item_answers LIMIT 1").fetchall() \
            == [("text", 32)]
        assert con.execute("SELECT count(*) FROM item_answers").fetchone()[0] == len(rows["item_answers"])
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        con.close()
    assert DROPPED <= index_names(path)


def test_downgrade_gives_back_the_schema_2_stored_forms(tmp_path):
    """Revision 0003 can be undone (used below to make a schema-2 backup of a clinic set up today)."""
    rows = sample_rows()
    path = schema2_database(tmp_path / "c.db", rows)
    before = index_names(path)
    migrate(path)
    db = E.open_database(path, KEY)
    try:
        migrate_to(db, "0002", _stamp(2))
    finally:
        db.dispose()
    assert E.schema_version_of(path, KEY) == 2 and index_names(path) == before
    con = E._raw_connect(path, KEY)
    try:
        stored = con.execute("SELECT id, amends_id FROM responses WHERE amends_id IS NOT NULL").fetchall()
        amended = next(r for r in rows["responses"] if r["amends_id"] is not None)
        assert stored == [(amended["id"].hex, amended["amends_id"].hex)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    migrate(path)  # and up again, row for row
    db = E.open_database(path, KEY)
    try:
        assert orm_rows(db) == expected(rows)
    finally:
        db.dispose()


# --------------------------------------------------------------------------------------- SIGKILL (row 15)

_DRIVER = """
import sys, time
from pathlib import Path
from alembic import command  # imported before READY: the kill window is the migration itself
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.migrate import upgrade_to_head
db = E.open_for_migration(Path(sys.argv[1]), bytes(range(32)))
print("READY", flush=True)
started = time.perf_counter()
upgrade_to_head(db)
print(f"DONE {time.perf_counter() - started:.4f}", flush=True)
"""


def _bulk_rows(courses: int) -> Rows:
    """``sample_rows`` plus many responses with answers and scores, so a migration lasts long enough to kill."""
    rows = sample_rows()
    session_id = rows["therapy_sessions"][0]["id"]
    for n in range(courses):
        rid = _u()
        rows["responses"].append(dict(rows["responses"][0], id=rid, submission_id=_u(), first_viewed_by=None,
                                      first_viewed_at=None, completed_at=T0 + timedelta(seconds=n)))
        rows["item_answers"] += [dict(response_id=rid, item_id=str(i), value=1.0, vas_mm=None, vas_length_px=None)
                                 for i in range(1, 10)]
        rows["scores"].append(dict(response_id=rid, scale="total", value=9.0, scorable=True, reason=None,
                                   scoring_version="1"))
    return rows


def _run_driver(path: Path, kill_after: float | None) -> str:
    child = subprocess.Popen([sys.executable, "-c", _DRIVER, str(path)], cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None
    first = child.stdout.readline()
    if first != b"READY\n":
        child.kill()
        _out, err = child.communicate()
        raise AssertionError(f"the migration driver did not start: {first!r} {err.decode()[-2000:]}")
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(child.pid, signal.SIGKILL)
    out, err = child.communicate()
    if kill_after is None:
        assert child.returncode == 0, err.decode()[-2000:]
    return out.decode()


def _state_after_kill(path: Path, rows: Rows) -> int:
    """The version the killed migration left; the data must be whole in that version's stored form."""
    version = E.schema_version_of(path, KEY)
    con = E._raw_connect(path, KEY)
    try:
        assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        revision = con.execute("SELECT version_num FROM alembic_version").fetchall()
        answers = con.execute("SELECT typeof(response_id), count(*) FROM item_answers GROUP BY 1").fetchall()
        response_ids = {r[0] for r in con.execute("SELECT id FROM responses")}
    finally:
        con.close()
    assert version in (2, 3)
    assert revision == [(f"000{version}",)]
    assert answers == [("text" if version == 2 else "blob", len(rows["item_answers"]))]
    if version == 2:
        assert response_ids == {r["id"].hex for r in rows["responses"]}
    else:
        db = E.open_database(path, KEY)
        try:
            assert orm_rows(db) == expected(rows)
        finally:
            db.dispose()
    return version


def test_sigkill_during_the_migration_leaves_schema_2_or_3_never_a_mixture(tmp_path):
    """RELIABILITY row 15: killed anywhere in the migration, the file opens at the old or the new version, whole."""
    rows = _bulk_rows(400)
    pristine = schema2_database(tmp_path / "pristine.db", rows)
    work = tmp_path / "work.db"
    shutil.copyfile(pristine, work)
    duration = float(_run_driver(work, None).split()[1])  # one full run sets the kill window
    assert _state_after_kill(work, rows) == 3
    rng = random.Random(15)
    seen = []
    for _ in range(6):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(pristine, work)
        _run_driver(work, rng.uniform(0.0, 1.5 * duration))
        version = _state_after_kill(work, rows)
        seen.append(version)
        if version == 2:  # the next start migrates as if nothing had happened
            migrate(work)
            assert _state_after_kill(work, rows) == 3
    print(f"kills left schema 2 {seen.count(2)} times, schema 3 {seen.count(3)} times")


# --------------------------------------------------------------------------------------- query plans


def _plans_of(db: E.ClinicDatabase, run) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement ``run(session)`` sends, with its own parameters."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.read() as s:
            run(s)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        return [row[3] for statement, params in sent if statement.lstrip().upper().startswith("SELECT")
                for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]


@pytest.mark.parametrize("built", ["fresh", "migrated", "migrated-demo"])
def test_the_caseload_reads_open_episodes_scores_and_answers_through_their_indexes(tmp_path, built):
    """No full scans, the partial index for open episodes, the WITHOUT ROWID keys for scores and answers."""
    from alliance_desktop.storage.caseload_queries import course_facts, episode_heads

    rows = sample_rows()
    path = tmp_path / "c.db"
    if built == "fresh":
        db = E.create_database(path, KEY)
        upgrade_to_head(db)
        db.dispose()
        db = E.open_database(path, KEY)
        with db.write() as s:
            for model in Base.metadata.sorted_tables:
                if rows.get(model.name):
                    s.execute(model.insert(), rows[model.name])
        db.dispose()
    else:
        schema2_database(path, rows)
        if built == "migrated-demo":  # the old demo writer made the indexes again by name: the partial one first
            con = E._raw_connect(path, KEY)
            con.execute("DROP INDEX ix_episodes_therapist_id")
            con.execute("CREATE INDEX ix_episodes_therapist_id ON episodes (therapist_id)")
            con.close()
        migrate(path)
    tara = rows["users"][1]["id"]
    episode = rows["episodes"][0]["id"]
    db = E.open_database(path, KEY)
    try:
        plans = _plans_of(db, lambda s: episode_heads(s, therapist_id=tara))
        assert any("USING INDEX ix_episodes_open_therapist" in p for p in plans), plans
        plans = _plans_of(db, lambda s: course_facts(s, [episode], rupture_instruments=["example-alliance"],
                                                     flagged_items=["connection"]))
        assert not [p for p in plans if p.startswith("SCAN")], plans
        assert "SEARCH responses USING COVERING INDEX ix_responses_session_cover (session_id=?) LEFT-JOIN" in plans
        assert "SEARCH scores USING PRIMARY KEY (response_id=?) LEFT-JOIN" in plans, plans
        assert any(p.startswith("SEARCH item_answers USING PRIMARY KEY (response_id=? AND item_id=?)")
                   for p in plans), plans
    finally:
        db.dispose()
