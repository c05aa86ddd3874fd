"""Databases written in SQLCipher's default layout (4 KiB pages, HMAC-SHA512) still open and are rewritten once.

storage/cipher_layout.py says why the layout changed; storage/relayout.py how
an older file is rewritten. What a clinic must be able to rely on: the old
file opens, the update keeps every row, a failed rewrite leaves the old file
exactly as it was, and a backup or restore of an old file works too.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from alliance_desktop.storage import engine as E
from alliance_desktop.storage import relayout
from alliance_desktop.storage.backup import table_summaries
from alliance_desktop.storage.cipher_layout import CURRENT, LEGACY, CipherLayout, layout_of
from tests.support import ADMIN_PASSWORD, ADMIN_USER


def to_legacy(path: Path, key: bytes) -> None:
    """Rewrite a closed database in SQLCipher 4's default layout, as every build before this one wrote it."""
    old = path.with_name("legacy.tmp")
    con = E._raw_connect(path, key)
    try:
        app_id, version = E.read_identity(con)
        con.execute(f"ATTACH DATABASE ? AS old KEY \"x'{key.hex()}'\"", (str(old),))
        for pragma in LEGACY.pragmas("old"):
            con.execute(pragma)
        con.execute("SELECT sqlcipher_export('old')")
        con.execute(f"PRAGMA old.application_id = {app_id}")
        con.execute(f"PRAGMA old.user_version = {version}")
        con.execute("DETACH DATABASE old")
    finally:
        con.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(old, path)
    probe = E._raw_connect(path, key, LEGACY)  # WAL, as the app had it
    probe.execute("PRAGMA journal_mode = WAL")
    probe.close()


def tables(path: Path, key: bytes) -> dict:
    con = E._raw_connect(path, key)
    try:
        return table_summaries(con, key)
    finally:
        con.close()


def layout(path: Path, key: bytes):
    con = E._raw_connect(path, key)
    try:
        return layout_of(con)
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def legacy(clinic):
    """The clinic as an older build left it: same schema, the old page layout."""
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    before = tables(clinic.paths.database, login.data_key)
    to_legacy(clinic.paths.database, login.data_key)
    assert layout(clinic.paths.database, login.data_key) == LEGACY
    return clinic, login, before


def test_new_databases_are_written_in_the_current_layout(clinic):
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    assert layout(clinic.paths.database, login.data_key) == CURRENT == CipherLayout(8192, "HMAC_SHA256")
    assert clinic.paths.database.stat().st_size % 8192 == 0
    con = E._connect(clinic.paths.database)
    try:  # the old settings do not open it: a layout is part of what opens a file, like the key
        with pytest.raises(E.sqlcipher.DatabaseError):
            E._key(con, login.data_key, LEGACY)
    finally:
        con.close()


def test_an_old_file_opens_and_is_rewritten_with_every_row(legacy):
    clinic, login, before = legacy
    path = clinic.paths.database
    db = E.open_database(path, login.data_key)  # works as it is
    assert db.layout_current is False
    db.dispose()
    assert E.update_due(path, login.data_key) == E.SCHEMA_VERSION  # but the login's update will rewrite it
    assert tables(path, login.data_key) == before  # read as it is, in its own layout
    assert relayout.rewrite_in_current_layout(path, login.data_key) is True
    assert layout(path, login.data_key) == CURRENT
    assert tables(path, login.data_key) == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 or os.name != "posix"
    assert sorted(p.name for p in path.parent.iterdir() if "relayout" in p.name) == []
    assert relayout.rewrite_in_current_layout(path, login.data_key) is False  # once is enough
    E.open_database(path, login.data_key).dispose()


def test_a_rewrite_that_does_not_check_out_leaves_the_old_file_untouched(legacy, monkeypatch):
    clinic, login, _before = legacy
    path = clinic.paths.database
    fingerprint = sha256(path)
    real = relayout.row_counts
    calls: list[int] = []

    def one_row_short(con):
        counts = real(con)
        calls.append(1)
        if len(calls) == 2:  # the new file's count
            counts["audit_events"] -= 1
        return counts

    monkeypatch.setattr(relayout, "row_counts", one_row_short)
    with pytest.raises(relayout.LayoutNotRewritten):
        relayout.rewrite_in_current_layout(path, login.data_key)
    assert sha256(path) == fingerprint
    assert [p.name for p in path.parent.iterdir() if "relayout" in p.name] == []
    assert layout(path, login.data_key) == LEGACY


def test_a_rewrite_cut_short_earlier_is_cleared_and_done_again(legacy):
    clinic, login, before = legacy
    path = clinic.paths.database
    half = path.with_name(f".{path.name}{relayout.RELAYOUT_SUFFIX}k3j9x2")
    half.write_bytes(b"\0" * 40000)
    Path(f"{half}-journal").write_bytes(b"journal")
    assert relayout.rewrite_in_current_layout(path, login.data_key) is True
    assert not half.exists() and not Path(f"{half}-journal").exists()
    assert tables(path, login.data_key) == before


def test_a_database_another_connection_has_open_is_left_alone(legacy):
    """Renaming a new file over one that someone still writes to would lose their writes: it is not done."""
    clinic, login, before = legacy
    path = clinic.paths.database
    other = E._raw_connect(path, login.data_key)  # a command-line job of another process, say
    try:
        other.execute("SELECT count(*) FROM users").fetchone()
        fingerprint = sha256(path)
        with pytest.raises(relayout.LayoutNotRewritten):
            relayout.rewrite_in_current_layout(path, login.data_key)
        assert sha256(path) == fingerprint and layout(path, login.data_key) == LEGACY
        other.execute("UPDATE clinic_settings SET value = value")  # its writes still land in the one database
    finally:
        other.close()
    assert tables(path, login.data_key) == before
    assert [p.name for p in path.parent.iterdir() if "relayout" in p.name] == []


def test_too_little_free_space_leaves_the_database_as_it_is(legacy, monkeypatch):
    clinic, login, _before = legacy
    path = clinic.paths.database
    fingerprint = sha256(path)
    real = relayout.shutil.disk_usage
    monkeypatch.setattr(relayout.shutil, "disk_usage", lambda p: real(p)._replace(free=path.stat().st_size))
    with pytest.raises(relayout.LayoutNotRewritten):
        relayout.rewrite_in_current_layout(path, login.data_key)
    assert sha256(path) == fingerprint


def test_no_other_writer_can_commit_while_the_new_file_is_made(legacy, monkeypatch):
    """A command-line job writing meanwhile would lose its rows when the new file replaces the old one: it must wait."""
    clinic, login, before = legacy
    path = clinic.paths.database
    real_check = relayout._check
    attempts: list[str] = []

    def check_while_someone_writes(fresh, key, identity, counts):
        writer = E._raw_connect(path, key)  # another program's connection
        writer.execute("PRAGMA busy_timeout = 0")
        try:
            writer.execute("UPDATE clinic_settings SET value = value || ''")
            attempts.append("committed")
        except E.sqlcipher.OperationalError as busy:
            attempts.append(str(busy))
        finally:
            writer.close()
        real_check(fresh, key, identity, counts)

    monkeypatch.setattr(relayout, "_check", check_while_someone_writes)
    assert relayout.rewrite_in_current_layout(path, login.data_key) is True
    assert attempts == ["database is locked"]
    assert tables(path, login.data_key) == before
    con = E._raw_connect(path, login.data_key)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # as the database had it
    finally:
        con.close()
