"""The first login after an update that changed the schema: the database is converted, step by step, safely."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from alliance_desktop.services.errors import MigrationFailed
from alliance_desktop.services.schema_update import STEPS, UpdateStep
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.migrate import migrate_to
from tests.services.test_restore_older_schema import _stamp_2
from tests.support import ADMIN_PASSWORD, ADMIN_USER


def make_schema_2(access) -> None:
    """Turn the (closed) clinic back into what the schema-2 app left on disk."""
    login = access.check_password(ADMIN_USER, ADMIN_PASSWORD)
    db = E.open_database(access.paths.database, login.data_key)
    try:
        migrate_to(db, "0002", _stamp_2)
    finally:
        db.dispose()


def test_an_older_database_is_reported_then_updated_step_by_step(clinic):
    make_schema_2(clinic)
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    assert clinic.schema_behind(login) == 2
    steps: list[UpdateStep] = []
    clinic.update_schema(login, steps.append)
    assert [s.number for s in steps][:2] == [1, 2] and all(s.total == len(STEPS) for s in steps)
    assert str(steps[0]) == "Step 1 of 3: keeping a copy of the clinic as it is now…"
    assert clinic.schema_behind(login) is None
    assert E.schema_version_of(clinic.paths.database, login.data_key) == E.SCHEMA_VERSION
    [copy] = clinic.paths.backups.glob("before-migration-v2-*.db")
    assert E.schema_version_of(copy, login.data_key) == 2  # the clinic as it was, kept
    assert list(clinic.paths.backups.glob("*.partial")) == []  # the copy was renamed once whole
    reported = len(steps)
    clinic.update_schema(login, steps.append)  # nothing left to do: no more steps
    assert len(steps) == reported
    clinic.open_checked(login).lock()


def test_a_copy_cut_short_by_an_earlier_attempt_is_cleared_away(clinic):
    make_schema_2(clinic)
    clinic.paths.backups.mkdir(parents=True, exist_ok=True)
    leftover = clinic.paths.backups / "before-migration-v2-20261201T080000Z.db.partial"
    leftover.write_bytes(b"half a copy")
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    clinic.update_schema(login)
    assert not leftover.exists()
    assert len(list(clinic.paths.backups.glob("before-migration-v2-*.db"))) == 1


def test_a_current_database_needs_no_update(clinic):
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    assert clinic.schema_behind(login) is None


def test_a_failed_update_leaves_the_old_database_and_says_so(clinic, monkeypatch):
    make_schema_2(clinic)
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)

    def broken(db, **_):
        raise RuntimeError("disk gone")

    monkeypatch.setattr("alliance_desktop.storage.migrate.upgrade_to_head", broken)
    with pytest.raises(MigrationFailed):
        clinic.update_schema(login)
    assert clinic.schema_behind(login) == 2


def test_a_progress_listener_that_fails_does_not_stop_the_update(clinic):
    make_schema_2(clinic)
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)

    def gone(step: UpdateStep) -> None:
        raise RuntimeError("the window was closed")

    clinic.update_schema(login, gone)
    assert clinic.schema_behind(login) is None


def test_an_unlock_that_updates_by_itself_tells_its_listener(clinic):
    make_schema_2(clinic)
    steps: list[UpdateStep] = []
    clinic.schema_progress = steps.append
    clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()
    assert [s.number for s in steps][:2] == [1, 2]


def test_the_command_line_says_it_is_updating_the_database(clinic, tmp_path):
    make_schema_2(clinic)
    env = {**os.environ, "ALLIANCE_PASSWORD": ADMIN_PASSWORD}
    out = tmp_path / "after-update.adkbackup"
    done = subprocess.run([sys.executable, "-m", "alliance_desktop", "backup", "--out", str(out),
                           "--data-dir", str(clinic.paths.root), "--user", ADMIN_USER],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "updating the clinic database for this version. Step 1 of 3" in done.stderr
    assert "Step 2 of 3: converting the database to the new version" in done.stderr
    assert out.exists()


def test_an_open_that_may_not_update_says_so_and_leaves_the_database_as_it_was(clinic):
    """The login window's way in: one open tells it an update is due, without starting one."""
    from alliance_desktop.services.schema_update import SchemaUpdateDue

    make_schema_2(clinic)
    login = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    with pytest.raises(SchemaUpdateDue) as due:
        clinic.open_checked(login, update_inline=False)
    assert due.value.version == 2
    assert clinic.schema_behind(login) == 2
    assert not clinic.paths.backups.exists() or not list(clinic.paths.backups.iterdir())
