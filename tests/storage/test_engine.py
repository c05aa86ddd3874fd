"""The encrypted database file: what is on disk, and which files are refused untouched."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.services.errors import (
    DamagedDatabase,
    EmptyDatabaseFile,
    NewerSchema,
    NotOurDatabase,
)
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.migrate import upgrade_to_head
from alliance_desktop.storage.tables import Base, Client, Episode, Response, TherapySession, User
from tests.support import ADMIN_PASSWORD, ADMIN_USER

CANARY = "ZQX-Canary-Ünïcødé-7781"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_db(tmp_path: Path) -> tuple[Path, bytes]:
    key = os.urandom(32)
    path = tmp_path / "c.db"
    db = E.create_database(path, key)
    upgrade_to_head(db)
    db.dispose()
    return path, key


def all_bytes_under(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def add_first_session(s, pseudonym: str) -> uuid.UUID:
    """A client of the admin account with one episode and its session 1; returns the session's id."""
    therapist = s.execute(sa.select(User)).scalars().first()
    client = Client(pseudonym=pseudonym, initials="ZQ", therapist_id=therapist.id, created_at=NOW)
    s.add(client)
    s.flush()
    ep = Episode(client_id=client.id, therapist_id=therapist.id, opened_on=date(2026, 1, 1), created_at=NOW)
    s.add(ep)
    s.flush()
    ts = TherapySession(episode_id=ep.id, number=1, held_on=date(2026, 1, 8), created_at=NOW)
    s.add(ts)
    s.flush()
    return ts.id


def test_canary_stored_through_the_orm_is_nowhere_in_plaintext(session, data_paths):
    """A client's pseudonym and comment must not appear in .db, -wal, -shm or any other file."""
    with session.write() as s:
        session_id = add_first_session(s, CANARY)
        s.add(Response(submission_id=uuid.uuid4(), session_id=session_id, instrument_id="x", instrument_version="1",
                       language="en", licence_id="x", mode="kiosk", completed_at=NOW, comment=CANARY * 3))
    # While the connection is still open the WAL holds the newest pages: check it too.
    wal = Path(f"{data_paths.database}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    needles = [CANARY.encode("utf-8"), CANARY.encode("utf-16-le"), CANARY.encode("utf-16-be")]
    files = all_bytes_under(data_paths.root)
    assert {p.name for p, _ in files} >= {"clinic.db", "clinic.db-wal", "clinic.keys"}
    for path, data in files:
        for needle in needles:
            assert needle not in data, f"plaintext canary in {path.name}"
        if path.name.startswith("clinic.db"):
            assert not data.startswith(b"SQLite format 3")
    with session.read() as s:
        assert s.execute(sa.select(Client.pseudonym)).scalar_one() == CANARY


def test_pragmas_follow_the_durability_rules(session):
    with session.read() as s:
        def pragma(name: str):
            return s.execute(sa.text(f"PRAGMA {name}")).scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("secure_delete") == 1
        assert pragma("temp_store") == 2  # MEMORY
        assert pragma("cache_size") == -32768  # 32 MiB: fewer pages decrypted twice
        assert pragma("application_id") == E.APPLICATION_ID
        assert pragma("user_version") == E.SCHEMA_VERSION


def test_submission_id_is_unique(session):
    sub = uuid.uuid4()
    with session.write() as s:
        session_id = add_first_session(s, "C-1")
    row = dict(submission_id=sub, session_id=session_id, instrument_id="x", instrument_version="1",
               language="en", licence_id="x", mode="kiosk", completed_at=NOW)
    with session.write() as s:
        s.add(Response(**row))
    with pytest.raises(sa.exc.IntegrityError):
        with session.write() as s:
            s.add(Response(**row))
    with session.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 1


def test_naive_timestamps_are_refused(session):
    with pytest.raises(sa.exc.StatementError):
        with session.write() as s:
            s.add(User(username="naive", display_name="N", role="therapist", created_at=datetime(2026, 1, 1)))


def test_wrong_key_is_refused_and_file_untouched(tmp_path):
    path, _key = new_db(tmp_path)
    before = sha256(path)
    with pytest.raises(DamagedDatabase):
        E.open_database(path, os.urandom(32))
    assert sha256(path) == before


@pytest.mark.parametrize("cut", ["zero", "16 bytes", "one page", "half", "minus one page", "minus one byte"])
def test_truncated_files_are_refused_untouched_and_never_reinitialised(tmp_path, cut):
    path, key = new_db(tmp_path)
    size = path.stat().st_size
    keep = {"zero": 0, "16 bytes": 16, "one page": 4096, "half": size // 2,
            "minus one page": size - 4096, "minus one byte": size - 1}[cut]
    with path.open("r+b") as fh:
        fh.truncate(keep)
    before = sha256(path)
    with pytest.raises((EmptyDatabaseFile, DamagedDatabase, NotOurDatabase)):
        db = E.open_database(path, key)
        try:
            # Damage past page 1 shows when the data is read.
            with db.read() as s:
                s.execute(sa.text("PRAGMA quick_check")).all()
                for table in Base.metadata.sorted_tables:
                    s.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        except sa.exc.DatabaseError as exc:
            raise DamagedDatabase() from exc
        finally:
            db.dispose()
    assert sha256(path) == before
    assert path.stat().st_size == keep


def test_zero_length_file_says_empty(tmp_path):
    path = tmp_path / "c.db"
    path.write_bytes(b"")
    with pytest.raises(EmptyDatabaseFile) as err:
        E.open_database(path, os.urandom(32))
    assert "empty" in err.value.user_message
    assert path.read_bytes() == b""


def test_plain_sqlite_file_is_not_ours(tmp_path):
    path = tmp_path / "c.db"
    con = sqlcipher.connect(str(path))  # no key: a plain SQLite file, as another program would write
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = sha256(path)
    with pytest.raises(NotOurDatabase):
        E.open_database(path, os.urandom(32))
    assert sha256(path) == before


def test_foreign_application_id_is_not_ours(tmp_path):
    path, key = new_db(tmp_path)
    con = E._raw_connect(path, key)
    con.execute("PRAGMA application_id = 1234")
    con.close()
    before = sha256(path)
    with pytest.raises(NotOurDatabase) as err:
        E.open_database(path, key)
    assert err.value.user_message == "This is not an Alliance Desktop database. Nothing was changed."
    assert sha256(path) == before


def test_newer_schema_is_refused_untouched(tmp_path):
    path, key = new_db(tmp_path)
    con = E._raw_connect(path, key)
    con.execute(f"PRAGMA user_version = {E.SCHEMA_VERSION + 1}")
    con.close()
    before = sha256(path)
    with pytest.raises(NewerSchema) as err:
        E.open_database(path, key)
    assert "newer Alliance Desktop" in err.value.user_message
    assert sha256(path) == before


def test_migrations_build_exactly_the_models(tmp_path):
    """The frozen migration history and tables.py describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    path, key = new_db(tmp_path)
    db = E.open_database(path, key)
    try:
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        db.dispose()
    assert diff == []


def test_encrypted_copy_opens_with_the_same_key_and_keeps_identity(session, data_paths, tmp_path):
    target = tmp_path / "copy.db"
    E.export_encrypted_copy(session.database(), target, session.data_key())
    assert not target.read_bytes().startswith(b"SQLite format 3")
    copy = E.open_database(target, session.data_key())
    try:
        with copy.read() as s:
            assert s.execute(sa.select(User.username)).scalar_one() == ADMIN_USER
    finally:
        copy.dispose()


def test_older_schema_is_backed_up_then_migrated(clinic, data_paths):
    """An older file is copied to backups/ before it is upgraded, and then opens normally."""
    from alliance_desktop.storage.keys import KeyFile

    key = KeyFile.load(data_paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    con = E._raw_connect(data_paths.database, key)
    con.execute("PRAGMA user_version = 0")
    con.execute("DELETE FROM alembic_version")
    con.close()
    # Pretend the schema is one revision behind by re-stamping it at the base:
    # upgrade re-runs revision 0001, which fails on existing tables -> MigrationFailed, backup kept.
    from alliance_desktop.services.errors import MigrationFailed

    with pytest.raises(MigrationFailed):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    backups = list(data_paths.backups.glob("before-migration-v0-*.db"))
    assert len(backups) == 1
    # The failed migration rolled back: the file is still at version 0, tables intact.
    assert E.schema_version_of(data_paths.database, key) == 0


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows folders carry their own access rules")
def test_the_database_and_its_wal_are_owner_only_whatever_the_umask(tmp_path):
    """Like the key file and the audit anchor, the database is nobody else's to read (0600)."""
    old = os.umask(0o022)  # the usual desktop umask: new files would be 0644
    try:
        path, key = new_db(tmp_path)
        db = E.open_database(path, key)
        with db.write() as s:
            s.execute(sa.text("CREATE TABLE mode_probe (x)"))  # any write: SQLite makes the -wal now
        wal = Path(f"{path}-wal")
        assert wal.exists()
        modes = {p.name: p.stat().st_mode & 0o777 for p in (path, wal)}
        db.dispose()
    finally:
        os.umask(old)
    assert modes == {"c.db": 0o600, "c.db-wal": 0o600}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows folders carry their own access rules")
def test_a_database_made_readable_by_others_is_made_private_on_open(tmp_path):
    """Clinics created before the fix (0644 database files) are tightened the next time they open."""
    path, key = new_db(tmp_path)
    os.chmod(path, 0o644)
    E.open_database(path, key).dispose()
    assert path.stat().st_mode & 0o777 == 0o600
