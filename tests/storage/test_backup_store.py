"""Backing up a live database, checking a staged copy, and the swap that keeps the old file until it worked."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from alliance_desktop.storage import backup as store
from alliance_desktop.storage.backup_format import BackupDamaged, BackupHeader, read_backup, write_backup
from alliance_desktop.storage.engine import _raw_connect, open_database
from alliance_desktop.storage.errors import DamagedDatabase, NewerSchema
from alliance_desktop.storage.keys import new_data_key


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def draft(session) -> BackupHeader:
    return BackupHeader(created_at="2026-11-02T08:00:00+00:00", app_version="test", database_id="x",
                        application_id=0, schema_version=0, keyfile=session.paths.keyfile.read_bytes())


def live_tables(session) -> dict:
    with session.database().engine.connect() as conn:
        return store.table_summaries(conn.connection.dbapi_connection, session.data_key())


@pytest.fixture
def made(session, tmp_path):
    target = tmp_path / "b.adkbackup"
    header = store.create_backup(session.database(), session.data_key(), draft(session), target)
    return target, header


def test_backup_matches_the_live_tables_and_leaves_no_scratch_files(session, made, tmp_path):
    target, header = made
    assert dict(header.tables) == live_tables(session)
    assert header.tables["users"].rows == 1 and header.tables["audit_events"].rows >= 2
    assert header.schema_version == 2 and header.application_id == 0x41444B31
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "clinic-data") == ["b.adkbackup"]
    assert b"SQLite format 3" not in target.read_bytes()


def test_a_backup_never_overwrites_a_file(session, made):
    target, _ = made
    before = sha256(target)
    with pytest.raises(FileExistsError):
        store.create_backup(session.database(), session.data_key(), draft(session), target)
    assert sha256(target) == before


def test_a_failed_backup_leaves_nothing(session, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("alliance_desktop.storage.backup_format._write_container", disk_full)
    with pytest.raises(OSError):
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert list(out.iterdir()) == []


def test_staging_checks_and_gives_identical_tables(session, made, tmp_path):
    target, header = made
    staging = tmp_path / "staged.db"
    _app, version, tables = store.stage_restore(read_backup(target), session.data_key(), staging)
    assert dict(tables) == dict(header.tables) and version == 2
    assert not Path(f"{staging}-wal").exists()


def test_staging_refuses_a_body_that_does_not_match_its_header(session, made, tmp_path):
    target, header = made
    wrong = {**header.tables, "users": type(header.tables["users"])(5, header.tables["users"].digest)}
    body = tmp_path / "body.db"
    store.stage_restore(read_backup(target), session.data_key(), body)
    lying = tmp_path / "lying.adkbackup"
    write_backup(lying, BackupHeader(**{**header.__dict__, "tables": wrong}), body, session.data_key())
    with pytest.raises(BackupDamaged):
        store.stage_restore(read_backup(lying), session.data_key(), tmp_path / "s.db")
    assert not (tmp_path / "s.db").exists()


def test_staging_refuses_a_newer_schema_inside(session, made, tmp_path):
    target, header = made
    body = tmp_path / "body.db"
    store.stage_restore(read_backup(target), session.data_key(), body)
    con = _raw_connect(body, session.data_key())
    con.execute("PRAGMA user_version = 99")
    con.close()
    newer = tmp_path / "newer.adkbackup"
    write_backup(newer, header, body, session.data_key())
    with pytest.raises(NewerSchema):
        store.stage_restore(read_backup(newer), session.data_key(), tmp_path / "s.db")


def test_check_refuses_the_wrong_key(made, tmp_path, session):
    target, _ = made
    body = tmp_path / "body.db"
    store.stage_restore(read_backup(target), session.data_key(), body)
    with pytest.raises(DamagedDatabase):
        store.check_database_file(body, new_data_key(), thorough=False)


def test_swap_keeps_the_previous_database_and_its_wal(session, made, tmp_path):
    target, _ = made
    live = session.paths.database
    staging = tmp_path / "staged.db"
    store.stage_restore(read_backup(target), session.data_key(), staging)
    key = session.data_key()
    session.lock()
    store.checkpoint(live, key)
    before = sha256(live)
    previous = live.with_name("clinic.db.before-restore-1")
    assert store.swap_in(staging, live, previous) is True
    assert sha256(previous) == before
    assert not Path(f"{live}-wal").exists() or Path(f"{live}-wal").stat().st_size == 0
    open_database(live, key).dispose()


def test_a_failing_swap_puts_everything_back(session, made, tmp_path, monkeypatch):
    target, _ = made
    live = session.paths.database
    staging = tmp_path / "staged.db"
    store.stage_restore(read_backup(target), session.data_key(), staging)
    key = session.data_key()
    session.lock()
    before = sha256(live)
    real_replace = os.replace

    def failing(src, dst):
        if Path(src) == staging:
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", failing)
    with pytest.raises(OSError):
        store.swap_in(staging, live, live.with_name("clinic.db.before-restore-1"))
    assert sha256(live) == before
    assert not live.with_name("clinic.db.before-restore-1").exists()
    open_database(live, key).dispose()
