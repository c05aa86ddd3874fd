"""Backing up a live database, checking a staged copy, and the swap that keeps the old file until it worked."""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import struct
import threading
from pathlib import Path

import pytest

from alliance_desktop.storage import backup as store
from alliance_desktop.storage.cipher_layout import CURRENT
from alliance_desktop.storage import backup_control as control
from alliance_desktop.storage import backup_format as fmt
from alliance_desktop.storage import table_digest as digests
from alliance_desktop.storage.backup_format import BackupDamaged, BackupHeader, TableSummary, read_backup, write_backup
from alliance_desktop.storage.engine import APPLICATION_ID, SCHEMA_VERSION, _raw_connect, open_database
from alliance_desktop.storage.errors import DamagedDatabase, DiskError, NewerSchema
from alliance_desktop.storage.keys import new_data_key
from sqlcipher3 import dbapi2 as sqlcipher


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
    assert header.schema_version == SCHEMA_VERSION and header.application_id == 0x41444B31
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "clinic-data") == ["b.adkbackup"]
    assert b"SQLite format 3" not in target.read_bytes()


def test_a_backup_never_overwrites_a_file(session, made):
    target, _ = made
    before = sha256(target)
    with pytest.raises(FileExistsError):
        store.create_backup(session.database(), session.data_key(), draft(session), target)
    assert sha256(target) == before


@pytest.mark.parametrize("where", ["alliance_desktop.storage.backup.seal_backup",  # before the trailer
                                   "alliance_desktop.storage.backup.mac_body",  # in the copy thread
                                   "alliance_desktop.storage.backup_format.os.replace",  # trailer written
                                   "alliance_desktop.storage.backup.collect_digests"])  # while copying
def test_a_failed_backup_leaves_nothing(session, tmp_path, monkeypatch, where):
    out = tmp_path / "out"
    out.mkdir()

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(where, disk_full)
    with pytest.raises(OSError):
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert list(out.iterdir()) == []
    session.record("still.writable")  # no snapshot or lock was left behind on the live database


def test_a_damaged_copy_is_refused_and_leaves_nothing(session, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real = store.row_counts

    def one_row_short(con):
        counts = real(con)
        counts["users"] -= 1
        return counts

    monkeypatch.setattr(store, "row_counts", one_row_short)
    with pytest.raises(store.CopyMismatch):
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert list(out.iterdir()) == []


def sqlite_error(code: int) -> sqlcipher.Error:
    exc = sqlcipher.OperationalError("injected")
    exc.sqlite_errorcode = code
    return exc


def backup_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("backup-")]


class CopyProbe:
    """Copies one page per step; records each step and holds the copy at its first step until the backup is stopped."""

    def __init__(self, monkeypatch):
        self.started = threading.Event()
        self.steps: list[tuple[int, int]] = []
        real = control.Stop.check
        probe = self

        def check(stop, *progress):
            if progress:
                probe.steps.append(progress[1:])
                probe.started.set()
                stop._event.wait(10)  # a failure elsewhere, not the end of the copy, ends this step
            return real(stop, *progress)

        monkeypatch.setattr(store, "_COPY_PAGES", 1)
        monkeypatch.setattr(control.Stop, "check", check)

    def wait(self):
        assert self.started.wait(10), "the copy never started"

    def stopped_early(self) -> bool:
        remaining, total = self.steps[-1]
        return len(self.steps) == 1 and 0 < remaining < total


def test_a_failing_source_check_stops_the_copy_at_once_and_leaves_nothing(session, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    probe = CopyProbe(monkeypatch)

    def failing(con, thorough):
        probe.wait()
        raise sqlite_error(11)  # SQLITE_CORRUPT

    monkeypatch.setattr(store, "_quick_check", failing)
    with pytest.raises(store.SourceDamaged):
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert probe.stopped_early()  # the copy stopped between two steps, not at its end
    assert backup_threads() == [] and list(out.iterdir()) == []
    session.record("still.writable")


def test_a_second_ctrl_c_during_the_clean_up_still_joins_and_leaves_nothing(session, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    probe = CopyProbe(monkeypatch)

    def interrupted(plans):
        probe.wait()
        raise KeyboardInterrupt  # the first Ctrl-C, while the copy runs

    real_stop = control.Workers.stop
    calls = []

    def stop_then_ctrl_c(self):
        real_stop(self)
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt  # the second Ctrl-C, during the clean-up

    monkeypatch.setattr(store, "collect_digests", interrupted)
    monkeypatch.setattr(control.Workers, "stop", stop_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert probe.stopped_early()
    assert backup_threads() == []  # joined before create_backup returned: nothing can write the scratch later
    assert list(out.iterdir()) == []
    session.record("still.writable")


def test_the_scratch_file_is_never_created_by_opening_it(tmp_path):
    folder = tmp_path / "folder with spaces & 100%"
    folder.mkdir()
    with pytest.raises(sqlcipher.Error):
        control.open_existing(folder / "gone.db.tmp", new_data_key(), CURRENT)
    assert list(folder.iterdir()) == []
    con = _raw_connect(folder / "there.db", key := new_data_key())
    con.close()
    control.open_existing(folder / "there.db", key, CURRENT).close()  # an existing file opens, odd characters and all


def test_a_copy_that_reads_back_wrong_is_a_copy_mismatch_not_a_damaged_clinic(session, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real = control.open_existing

    def flaky(path, key, layout):
        if path.stat().st_size:  # the copy, not the empty scratch the copy goes into
            with open(path, "r+b") as fh:
                fh.seek(100)
                fh.write(b"\xff" * 64)
        return real(path, key, layout)

    monkeypatch.setattr(control, "open_existing", flaky)
    with pytest.raises(store.CopyMismatch) as failed:
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert "clinic database is damaged" not in failed.value.user_message
    assert "did not match" in failed.value.user_message
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("code", "expected"), [(13, errno.ENOSPC), (778, errno.EIO)])  # SQLITE_FULL, _IOERR_WRITE
def test_a_full_or_failing_backup_drive_during_the_copy_is_an_os_error(session, tmp_path, monkeypatch, code,
                                                                        expected):
    out = tmp_path / "out"
    out.mkdir()

    def failing(stop, *progress):
        if progress:
            raise sqlite_error(code)  # as backup_step reports it

    monkeypatch.setattr(control.Stop, "check", failing)
    with pytest.raises(OSError) as failed:
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert failed.value.errno == expected
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("code", "expected"), [
    (11, store.SourceDamaged),  # SQLITE_CORRUPT
    (26, store.SourceDamaged),  # SQLITE_NOTADB
    (10, DiskError),  # SQLITE_IOERR
    (7, store.BackupFailed),  # SQLITE_NOMEM
    (9, store.BackupFailed),  # SQLITE_INTERRUPT
])
def test_only_damage_of_the_live_database_is_called_damaged(session, tmp_path, monkeypatch, code, expected):
    out = tmp_path / "out"
    out.mkdir()

    def failing(con, thorough):
        raise sqlite_error(code)

    monkeypatch.setattr(store, "_quick_check", failing)
    with pytest.raises(expected) as failed:
        store.create_backup(session.database(), session.data_key(), draft(session), out / "b.adkbackup")
    assert type(failed.value) is expected
    says_damaged = any(w in failed.value.user_message for w in ("damaged", "integrity check", "earlier backup"))
    assert says_damaged == (expected is store.SourceDamaged)
    assert list(out.iterdir()) == [] and backup_threads() == []


def test_a_source_read_error_during_the_copy_is_the_clinic_disk(session, tmp_path, monkeypatch):
    def failing(stop, *progress):
        if progress:
            raise sqlite_error(266)  # SQLITE_IOERR_READ: the live database

    monkeypatch.setattr(control.Stop, "check", failing)
    with pytest.raises(DiskError):
        store.create_backup(session.database(), session.data_key(), draft(session), tmp_path / "b.adkbackup")
    assert not (tmp_path / "b.adkbackup").exists()


def test_digests_and_copy_see_one_snapshot_while_others_commit(session, tmp_path, monkeypatch):
    """Writers keep committing during the backup; the digests (source) and the copy still agree.

    One page per backup step, so commits fall between the steps: the copier's read transaction keeps its snapshot.
    """
    monkeypatch.setattr(store, "_COPY_PAGES", 1)
    key = session.data_key()
    stop = threading.Event()
    written = []

    def writer():
        con = _raw_connect(session.paths.database, key)
        try:
            while not stop.is_set():
                n = len(written)
                con.execute("INSERT INTO clinic_settings(key, value, updated_at) VALUES (?, '1', 'x')", (f"k{n}",))
                written.append(n)
                stop.wait(0.002)
        finally:
            con.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for i in range(2):
            target = tmp_path / f"b{i}.adkbackup"
            header = store.create_backup(session.database(), key, draft(session), target)
            _app, _version, tables = store.stage_restore(read_backup(target), key, tmp_path / f"s{i}.db")
            assert dict(tables) == dict(header.tables)
    finally:
        stop.set()
        thread.join()
    assert written  # the writer really ran alongside


def test_staging_checks_and_gives_identical_tables(session, made, tmp_path):
    target, header = made
    staging = tmp_path / "staged.db"
    _app, version, tables = store.stage_restore(read_backup(target), session.data_key(), staging)
    assert dict(tables) == dict(header.tables) and version == SCHEMA_VERSION
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


# ------------------------------------------------------------------------------------- version 1 compatibility


def v1_table_summaries(con, data_key: bytes) -> dict[str, TableSummary]:
    """The digest code of format version 1, verbatim: one SELECT per table, rows joined in Python."""
    key = fmt.digest_key(data_key)
    result = {}
    for name, without_rowid in digests.user_tables(con):
        info = con.execute(f"PRAGMA main.table_info({digests.quoted(name)})").fetchall()
        columns = [str(c[1]) for c in info]
        if without_rowid:
            pk = [str(c[1]) for c in sorted((c for c in info if c[5]), key=lambda c: c[5])]
            order = ", ".join(digests.quoted(c) for c in pk)
        else:
            order = "rowid"
        expr = " || ',' || ".join(f"quote({digests.quoted(c)})" for c in columns) or "''"
        mac = hmac.new(key, name.encode("utf-8") + b"\x00" + ",".join(columns).encode("utf-8") + b"\n",
                       hashlib.sha256)
        count = 0
        cursor = con.execute(f"SELECT {expr} FROM {digests.quoted(name)} ORDER BY {order}")
        while rows := cursor.fetchmany(20_000):
            mac.update("\n".join(r[0] for r in rows).encode("utf-8", "surrogatepass"))
            mac.update(b"\n")
            count += len(rows)
        result[name] = TableSummary(count, mac.hexdigest())
    return result


def write_v1(target: Path, header: BackupHeader, body: Path, data_key: bytes) -> None:
    """A version 1 file exactly as the version 1 writer laid it out (header first, body, MAC, end marker)."""
    raw_header = header.to_bytes()
    data = body.read_bytes()
    packed = (struct.pack(">16sHI", fmt.MAGIC, 1, len(raw_header)) + raw_header + hashlib.sha256(raw_header).digest()
              + struct.pack(">Q", len(data)) + data)
    target.write_bytes(packed + hmac.new(fmt.mac_key(data_key), packed, hashlib.sha256).digest() + fmt.END_MARKER)


@pytest.fixture
def odd_tables(tmp_path):
    """A database with every shape the digest code treats differently."""
    key = new_data_key()
    path = tmp_path / "odd.db"
    con = _raw_connect(path, key)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.executescript("""
        CREATE TABLE dense (a TEXT, b REAL, c INTEGER, d BLOB);
        CREATE TABLE sparse (a TEXT);
        CREATE TABLE wr (k TEXT, n INTEGER, v TEXT, PRIMARY KEY (n, k)) WITHOUT ROWID;
        CREATE TABLE own_rowid (rowid TEXT, v TEXT);
        CREATE TABLE empty (a TEXT);
        CREATE TABLE "we""ird ñame" ("co,l" TEXT, "x" TEXT);
    """)
    con.execute("BEGIN")
    rows = [(f"t{i} \u00e9\u4e2d\U0001f600 'q' ,\n", i / 7, i * 10**12 - 5, bytes([i % 256, 0, 255]))
            for i in range(45_123)]
    rows[5] = (None, None, None, None)
    con.executemany("INSERT INTO dense VALUES (?, ?, ?, ?)", rows)
    con.execute("DELETE FROM dense WHERE rowid % 3 = 0")  # holes inside the chunks
    con.executemany("INSERT INTO sparse(rowid, a) VALUES (?, ?)",
                    [(-(2**62), "low"), (0, "zero"), (2**62, "high"), (2**63 - 1, "max")])
    con.executemany("INSERT INTO wr VALUES (?, ?, ?)", [(f"k{i % 5}", i // 5, "v" * (i % 50)) for i in range(3000)])
    con.executemany("INSERT INTO own_rowid VALUES (?, ?)", [(str(9 - i), f"v{i}") for i in range(10)])
    con.execute('INSERT INTO "we""ird ñame" VALUES (\'a\', NULL)')
    con.execute("COMMIT")
    con.close()
    return path, key


@pytest.mark.parametrize("version", [1, 2])
def test_the_chunked_digests_are_the_version_1_digests(odd_tables, version):
    """Backups of format 1 and 2 carry the version 1 digests; they are still computed byte for byte the same."""
    path, key = odd_tables
    con = _raw_connect(path, key)
    try:
        expected = v1_table_summaries(con, key)
        assert store.table_summaries(con, key, version) == expected
    finally:
        con.close()
    assert store.check_database_file(path, key, thorough=True, format_version=version)[2] == expected
    assert expected["dense"].rows == 30_082 and expected["sparse"].rows == 4 and expected["empty"].rows == 0


def test_a_version_1_backup_still_restores(session, made, tmp_path):
    """Files written by format version 1 (header first, body copied in) stay restorable."""
    target, made_header = made
    key = session.data_key()
    body = tmp_path / "body.db"
    store.stage_restore(read_backup(target), key, body)
    con = _raw_connect(body, key)
    try:
        v1_tables = v1_table_summaries(con, key)  # what a version 1 writer put into the header
    finally:
        con.close()
    assert {n: t.rows for n, t in v1_tables.items()} == {n: t.rows for n, t in made_header.tables.items()}
    header = BackupHeader(**{**made_header.__dict__, "tables": v1_tables})
    old = tmp_path / "old.adkbackup"
    write_v1(old, header, body, key)
    opened = read_backup(old)
    assert opened.version == 1 and opened.header == header
    _app, version, tables = store.stage_restore(opened, key, tmp_path / "restored.db")
    assert dict(tables) == dict(header.tables) and version == SCHEMA_VERSION
    raw = bytearray(old.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    old.write_bytes(bytes(raw))
    with pytest.raises(BackupDamaged):
        store.stage_restore(read_backup(old), key, tmp_path / "never.db")
    assert not (tmp_path / "never.db").exists()
