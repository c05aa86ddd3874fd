"""Backup and restore use cases: round trip, every refusal leaves the live clinic byte-identical, roles, CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_desktop.config import DataPaths
from alliance_desktop.core.model import Role
from alliance_desktop.services import backup as backups
from alliance_desktop.services import clients
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.admin_users import add_user
from alliance_desktop.services.errors import NewerSchema, WrongPassword
from alliance_desktop.services.kiosk_errors import NotAllowed
from alliance_desktop.storage import audit
from alliance_desktop.storage import backup as store
from alliance_desktop.storage import backup_control as control
from alliance_desktop.storage.backup_format import BackupFileError, BackupHeader, read_backup, write_backup
from tests.services.workspace_fixtures import seeded  # noqa: F401 - fixture
from tests.support import ADMIN_PASSWORD, ADMIN_USER, FAST_KDF


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(paths: DataPaths) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(paths.root.iterdir()) if p.is_file()}


def tables(session) -> dict:
    with session.database().engine.connect() as conn:
        return store.table_summaries(conn.connection.dbapi_connection, session.data_key())


def actions(session) -> list[str]:
    with session.read() as s:
        return [a for _seq, _at, a, _actor in audit.recent(s, 500)]


def other_clinic(tmp_path: Path) -> tuple[DataPaths, str]:
    paths = DataPaths(tmp_path / "other-clinic")
    access = ClinicAccess(paths, kdf=FAST_KDF)
    key = access.new_recovery_key()
    access.create_clinic(clinic_name="Other", username=ADMIN_USER, display_name="", password=ADMIN_PASSWORD,
                         recovery_key=key)
    return paths, key


@pytest.fixture
def made(session, tmp_path):
    return backups.create_backup(session, tmp_path)


def test_round_trip_restores_every_table_exactly(session, clinic, seeded, tmp_path):  # noqa: F811
    before = tables(session)
    summary = backups.create_backup(session, tmp_path)
    assert summary.rows["clients"] == 3 and summary.path.parent == tmp_path
    clients.create_client(session, "NEW-0009", None, seeded.tara.id)  # entered after the backup
    result = backups.restore_backup(session.paths, summary.path, session=session)
    assert not session.is_open and result.previous_database is not None and not result.key_file_restored
    again = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        after = tables(again)
        assert {k: v for k, v in after.items() if k != "audit_events"} == \
               {k: v for k, v in before.items() if k != "audit_events"}
        log = actions(again)
        assert "backup.restored" in log and "backup.created" not in log  # recorded after the snapshot
        with again.read() as s:
            assert audit.verify_chain(s).intact
    finally:
        again.lock()
    assert result.previous_database.exists()


def test_backup_is_audited_without_paths_or_names(session, made):
    import sqlalchemy as sa

    from alliance_desktop.storage.tables import AuditEvent

    with session.read() as s:
        last = s.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)
                         .order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert last.action == "backup.created" and last.actor_id == session.user.id
    assert set(last.details) == {"schema_version", "tables", "rows", "bytes"}


def test_default_name_goes_to_the_backups_folder(session):
    summary = backups.create_backup(session)
    assert summary.path.parent == session.paths.backups and summary.path.suffix == backups.BACKUP_SUFFIX


def test_existing_target_and_missing_folder_are_refused(session, made, tmp_path):
    with pytest.raises(backups.InvalidInput):
        backups.create_backup(session, made.path)
    with pytest.raises(backups.InvalidInput):
        backups.create_backup(session, tmp_path / "no-such-folder" / "b.adkbackup")


@pytest.mark.parametrize("where", ["copy", "seal"])
def test_a_full_backup_drive_says_so_wherever_it_fills_up(session, tmp_path, monkeypatch, where):
    """During the backup-API copy (SQLITE_FULL) or while the trailer is written (ENOSPC): one message."""
    from sqlcipher3 import dbapi2 as sqlcipher

    def full_copy(stop, *progress):
        if progress:
            exc = sqlcipher.OperationalError("database or disk is full")
            exc.sqlite_errorcode = 13
            raise exc

    def full_seal(*_a, **_k):
        raise OSError(28, "No space left on device")

    if where == "copy":
        monkeypatch.setattr(control.Stop, "check", full_copy)
    else:
        monkeypatch.setattr(store, "seal_backup", full_seal)
    out = tmp_path / "stick"
    out.mkdir()
    with pytest.raises(backups.BackupNotWritten) as failed:
        backups.create_backup(session, out)
    assert "drive the backup is written to is full" in failed.value.user_message
    assert "clinic data" not in failed.value.user_message
    assert list(out.iterdir()) == []


def _regions(path: Path) -> dict[str, int]:
    """A byte inside the header, the database body and the trailer, wherever the file's version puts them."""
    opened = read_backup(path)
    h = len(opened.header.to_bytes())
    header_at = opened.body_offset + opened.body_size if opened.body_offset == 0 else opened.body_offset - 40 - h
    return {"header": header_at + h // 3, "body": opened.body_offset + opened.body_size // 2,
            "trailer": path.stat().st_size - 30}


@pytest.mark.parametrize("region", ["header", "body", "trailer"])
def test_a_flipped_byte_is_refused_and_the_live_clinic_is_untouched(session, clinic, recovery_key, made, region):
    raw = bytearray(made.path.read_bytes())
    raw[_regions(made.path)[region]] ^= 0x10
    made.path.write_bytes(bytes(raw))
    session.lock()
    before = fingerprint(clinic.paths)
    with pytest.raises(BackupFileError) as refused:
        backups.restore_backup(clinic.paths, made.path, recovery_key=recovery_key)
    assert "Nothing was changed" in refused.value.user_message
    assert fingerprint(clinic.paths) == before
    clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()


def test_a_flipped_byte_is_refused_with_an_open_session_too(session, made):
    raw = bytearray(made.path.read_bytes())
    raw[_regions(made.path)["body"]] ^= 0x01
    made.path.write_bytes(bytes(raw))
    with pytest.raises(BackupFileError):
        backups.restore_backup(session.paths, made.path, session=session)
    assert session.is_open  # nothing was swapped: the session goes on


def test_a_truncated_backup_is_refused(session, clinic, recovery_key, made):
    made.path.write_bytes(made.path.read_bytes()[:-4096])
    session.lock()
    before = fingerprint(clinic.paths)
    with pytest.raises(BackupFileError):
        backups.restore_backup(clinic.paths, made.path, recovery_key=recovery_key)
    assert fingerprint(clinic.paths) == before


def test_another_clinics_backup_is_refused_over_this_one(session, clinic, recovery_key, tmp_path):
    other_paths, other_key = other_clinic(tmp_path)
    other_session = ClinicAccess(other_paths, kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD)
    foreign = backups.create_backup(other_session, tmp_path)
    other_session.lock()
    with pytest.raises(backups.ForeignBackup):
        backups.verify_backup(session.paths, foreign.path, session=session)
    session.lock()
    before = fingerprint(clinic.paths)
    with pytest.raises(backups.ForeignBackup):  # this clinic's recovery key: right person, wrong backup
        backups.restore_backup(clinic.paths, foreign.path, recovery_key=recovery_key)
    with pytest.raises(backups.WrongRecoveryKey):  # the other clinic's key does not open this clinic
        backups.restore_backup(clinic.paths, foreign.path, recovery_key=other_key)
    assert fingerprint(clinic.paths) == before
    # ... but with its own recovery key it makes a new data folder of its own
    fresh = DataPaths(tmp_path / "moved")
    backups.restore_backup(fresh, foreign.path, recovery_key=other_key)
    ClinicAccess(fresh, kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD).lock()


def test_a_newer_schema_is_refused(session, made, tmp_path):
    opened = read_backup(made.path)
    body = tmp_path / "body.db"
    store.stage_restore(opened, session.data_key(), body)
    newer = tmp_path / "newer.adkbackup"
    write_backup(newer, BackupHeader(**{**opened.header.__dict__, "schema_version": 99}), body, session.data_key())
    with pytest.raises(NewerSchema):
        backups.verify_backup(session.paths, newer, session=session)


def test_restore_into_an_empty_folder_with_the_recovery_key(session, made, recovery_key, tmp_path):
    fresh = DataPaths(tmp_path / "new-computer")
    result = backups.restore_backup(fresh, made.path, recovery_key=recovery_key.lower().replace("-", " "))
    assert result.key_file_restored and result.previous_database is None
    assert {"clinic.db", "clinic.keys"} <= {p.name for p in fresh.root.iterdir()}
    assert not [p for p in fresh.root.iterdir() if p.name.startswith(".clinic.db")]
    again = ClinicAccess(fresh, kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        assert "backup.restored" in actions(again)
    finally:
        again.lock()


def test_a_wrong_recovery_key_is_refused(session, clinic, made, tmp_path):
    fresh = DataPaths(tmp_path / "new-computer")
    wrong = clinic.new_recovery_key()
    with pytest.raises(backups.WrongRecoveryKey):
        backups.restore_backup(fresh, made.path, recovery_key=wrong)
    assert not fresh.root.exists()
    session.lock()
    before = fingerprint(clinic.paths)
    with pytest.raises(WrongPassword):
        backups.restore_backup(clinic.paths, made.path, recovery_key=wrong)
    with pytest.raises(backups.InvalidInput):
        backups.restore_backup(clinic.paths, made.path, recovery_key="not a key")
    assert fingerprint(clinic.paths) == before


def test_restoring_with_the_recovery_key_keeps_current_passwords(session, clinic, made, recovery_key):
    session.change_password(ADMIN_PASSWORD, "a-newer-password-2027")
    session.lock()
    backups.restore_backup(clinic.paths, made.path, recovery_key=recovery_key)
    clinic.unlock(ADMIN_USER, "a-newer-password-2027").lock()


def test_only_administrators_back_up_and_restore(session, clinic, made, tmp_path):
    add_user(session, "tara", "Tara", Role.THERAPIST, "staff-password-2026")
    therapist = clinic.unlock("tara", "staff-password-2026")
    try:
        with pytest.raises(NotAllowed):
            backups.create_backup(therapist, tmp_path)
        with pytest.raises(NotAllowed):
            backups.restore_backup(therapist.paths, made.path, session=therapist)
    finally:
        therapist.lock()


def test_a_failed_swap_keeps_the_live_database(session, clinic, made, monkeypatch):
    live = session.paths.database
    real_replace = os.replace

    def failing(src, dst):
        if Path(dst) == live and Path(src).name == ".clinic.db.new":
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", failing)
    key = session.data_key()
    with pytest.raises(backups.RestoreNotCompleted):
        backups.restore_backup(session.paths, made.path, session=session)
    names = {p.name for p in clinic.paths.root.iterdir()}
    assert {"clinic.db", "clinic.keys"} <= names
    assert not [n for n in names if "before-restore" in n or n.startswith((".clinic.db.new", ".clinic.db.restore"))]
    store.check_database_file(live, key, thorough=True)
    clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()


def test_an_unconfirmed_restore_changes_nothing(session, made):
    before = sha256(session.paths.keyfile)
    prepared = backups.prepare_restore(session.paths, made.path, session=session)
    assert prepared.summary.rows["users"] == 1
    prepared.discard()
    assert session.is_open and sha256(session.paths.keyfile) == before
    assert not list(session.paths.root.glob(".clinic.db.restore-*"))


# -- the command line ----------------------------------------------------------------------------


def run_cli(*args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALLIANCE_PASSWORD", "ALLIANCE_RECOVERY_KEY")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "alliance_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_backup_then_restore_into_an_empty_folder(session, clinic, recovery_key, tmp_path):
    session.lock()
    out = tmp_path / "backups"
    out.mkdir()
    done = run_cli("backup", "--data-dir", str(clinic.paths.root), "--user", ADMIN_USER, "--out", str(out),
                   ALLIANCE_PASSWORD=ADMIN_PASSWORD)
    assert done.returncode == 0, done.stderr
    (backup_file,) = out.iterdir()
    fresh = tmp_path / "fresh"
    refused = run_cli("restore", str(backup_file), "--data-dir", str(fresh))
    assert refused.returncode == 2 and "recovery key" in refused.stderr and not fresh.exists()
    key_file = tmp_path / "rk.txt"
    key_file.write_text(recovery_key + "\n")
    checked = run_cli("restore", str(backup_file), "--data-dir", str(fresh), "--recovery-key-file", str(key_file),
                      "--verify-only")
    assert checked.returncode == 0, checked.stderr
    assert not (fresh / "clinic.db").exists()
    restored = run_cli("restore", str(backup_file), "--data-dir", str(fresh), ALLIANCE_RECOVERY_KEY=recovery_key)
    assert restored.returncode == 0, restored.stderr
    ClinicAccess(DataPaths(fresh), kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD).lock()
    damaged = tmp_path / "damaged.adkbackup"
    raw = bytearray(backup_file.read_bytes())
    raw[len(raw) // 2] ^= 1
    damaged.write_bytes(bytes(raw))
    bad = run_cli("restore", str(damaged), "--data-dir", str(fresh), "--user", ADMIN_USER,
                  ALLIANCE_PASSWORD=ADMIN_PASSWORD)
    assert bad.returncode == 2 and "damaged" in bad.stderr and "Traceback" not in bad.stderr
