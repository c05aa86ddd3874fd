"""The login's update and a restore bring a database in the old page layout up to date (storage/relayout.py)."""

from __future__ import annotations

import os
import stat

import pytest

from alliance_desktop.services import backup as backups
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.schema_update import LAYOUT_STEP, SchemaUpdateDue, UpdateStep
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.backup import create_backup
from alliance_desktop.storage.backup_format import BackupHeader
from alliance_desktop.storage import relayout
from alliance_desktop.storage.cipher_layout import CURRENT, LEGACY
from alliance_desktop.storage.keys import KeyFile
from tests.services.test_schema_update import make_schema_2
from tests.storage.test_relayout import layout, legacy, tables  # noqa: F401 - legacy is a fixture
from tests.support import ADMIN_PASSWORD, ADMIN_USER, FAST_KDF


def test_the_login_update_rewrites_an_old_file_in_one_step_without_a_copy(legacy):
    clinic, login, before = legacy
    with pytest.raises(SchemaUpdateDue):
        clinic.open_checked(login, update_inline=False)
    assert clinic.schema_behind(login) == E.SCHEMA_VERSION
    steps: list[UpdateStep] = []
    clinic.update_schema(login, steps.append)
    assert steps == [UpdateStep(1, 1, LAYOUT_STEP)]
    assert str(steps[0]) == "Step 1 of 1: rewriting the database file in a faster format…"
    assert clinic.schema_behind(login) is None
    assert layout(clinic.paths.database, login.data_key) == CURRENT
    assert tables(clinic.paths.database, login.data_key) == before
    # No copy first: the original is only replaced by a checked new file (no 900 MB copy per try).
    assert not clinic.paths.backups.exists() or not list(clinic.paths.backups.iterdir())
    clinic.open_checked(login).lock()


def test_a_rewrite_that_cannot_be_done_now_does_not_stop_the_login(legacy, monkeypatch):
    clinic, login, before = legacy

    def refused(path, key):
        raise relayout.LayoutNotRewritten("another connection has the database open")

    monkeypatch.setattr(relayout, "rewrite_in_current_layout", refused)
    with pytest.raises(SchemaUpdateDue):
        clinic.open_checked(login, update_inline=False)
    clinic.update_schema(login)  # no MigrationFailed: the old layout works
    session = clinic.open_checked(login, update_inline=False)  # tried once this run: it opens as it is
    try:
        assert session.database().layout_current is False
    finally:
        session.lock()
    assert layout(clinic.paths.database, login.data_key) == LEGACY
    assert tables(clinic.paths.database, login.data_key)["clients"] == before["clients"]


def test_a_schema_update_keeps_its_copy_in_the_layout_the_older_build_reads(legacy):
    clinic, login, _before = legacy
    make_schema_2(clinic)
    steps: list[UpdateStep] = []
    clinic.update_schema(login, steps.append)
    assert [s.number for s in steps][:2] == [1, 2]
    [copy] = clinic.paths.backups.glob("before-migration-v2-*.db")
    assert layout(copy, login.data_key) == LEGACY and E.schema_version_of(copy, login.data_key) == 2
    if os.name == "posix":  # the clinic's files are nobody else's to read, copies included
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert layout(clinic.paths.database, login.data_key) == CURRENT
    assert E.schema_version_of(clinic.paths.database, login.data_key) == E.SCHEMA_VERSION
    clinic.open_checked(login).lock()


def test_a_backup_of_an_old_file_restores_and_is_brought_up_to_date(legacy, tmp_path, recovery_key):
    clinic, login, before = legacy
    # A backup made by the older build: its body has the old layout (the backup API copies pages as they are).
    keyfile = clinic.paths.keyfile.read_bytes()
    header = BackupHeader(created_at="2026-11-02T08:00:00+00:00", app_version="old",
                          database_id=KeyFile.from_bytes(keyfile).database_id,
                          application_id=0, schema_version=0, keyfile=keyfile)
    db = E.open_for_migration(clinic.paths.database, login.data_key)
    try:
        create_backup(db, login.data_key, header, tmp_path / "old.adkbackup")
    finally:
        db.dispose()
    target = type(clinic.paths)(tmp_path / "restored")
    backups.restore_backup(target, tmp_path / "old.adkbackup", recovery_key=recovery_key)
    assert layout(target.database, login.data_key) == LEGACY  # restored as it was made
    restored = tables(target.database, login.data_key)
    assert {name: t for name, t in restored.items() if name != "audit_events"} == {
        name: t for name, t in before.items() if name != "audit_events"}
    assert restored["audit_events"].rows == before["audit_events"].rows + 1  # backup.restored
    # The first login on the restored clinic rewrites it, with its progress window.
    access = ClinicAccess(target, clock=clinic.clock, kdf=FAST_KDF)
    checked = access.check_password(ADMIN_USER, ADMIN_PASSWORD)
    with pytest.raises(SchemaUpdateDue):
        access.open_checked(checked, update_inline=False)
    access.update_schema(checked)
    access.open_checked(checked, update_inline=False).lock()
    assert layout(target.database, login.data_key) == CURRENT
    assert tables(target.database, login.data_key)["clients"] == before["clients"]
