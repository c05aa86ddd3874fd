"""A backup made on schema version 2 (UUIDs as hex text) restores into today's app and is migrated when opened."""

from __future__ import annotations

import sqlalchemy as sa

from alliance_desktop.services import backup as backups
from alliance_desktop.services import clients
from alliance_desktop.storage import audit
from alliance_desktop.storage import backup as store
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.backup_format import BackupHeader
from alliance_desktop.storage.keys import KeyFile
from alliance_desktop.storage.migrate import migrate_to
from alliance_desktop.storage.tables import Client
from tests.services.workspace_fixtures import seeded  # noqa: F401 - fixture
from tests.storage.test_compact_storage_migration import orm_rows
from tests.support import ADMIN_PASSWORD, ADMIN_USER


def _stamp_2(conn: sa.Connection) -> None:
    conn.exec_driver_sql("PRAGMA user_version = 2")


def _schema_2_backup(paths, key: bytes, target) -> BackupHeader:
    """Turn the (closed) live clinic back into schema 2 and back it up the way the schema-2 app did."""
    db = E.open_database(paths.database, key)
    try:
        migrate_to(db, "0002", _stamp_2)
    finally:
        db.dispose()
    keyfile = paths.keyfile.read_bytes()
    draft = BackupHeader(created_at="2026-11-02T08:00:00+00:00", app_version="schema-2", application_id=0,
                         database_id=KeyFile.from_bytes(keyfile).database_id, schema_version=0, keyfile=keyfile)
    db = E.open_for_migration(paths.database, key)
    try:
        return store.create_backup(db, key, draft, target)
    finally:
        db.dispose()


def test_a_schema_2_backup_restores_and_is_migrated_when_opened(session, clinic, seeded, tmp_path):  # noqa: F811
    key = session.data_key()
    before = orm_rows(session.database())
    paths = session.paths
    session.lock()
    header = _schema_2_backup(paths, key, tmp_path / "v2.adkbackup")
    assert header.schema_version == 2

    live = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)  # the live clinic is migrated on the way in, as always
    assert E.schema_version_of(paths.database, key) == 3
    clients.create_client(live, "NEW-0009", None, seeded.tara.id)  # after the backup: the restore undoes it
    # The clock stands still: both pre-migration copies are named to the same second, and both are kept.
    backups.restore_backup(paths, tmp_path / "v2.adkbackup", session=live, clock=live.clock)
    assert not live.is_open

    assert E.schema_version_of(paths.database, key) == 3
    first = f"before-migration-v2-{live.clock.now():%Y%m%dT%H%M%SZ}"
    copies = {p.name for p in paths.backups.glob("before-migration-v2-*.db")}
    assert copies == {f"{first}.db", f"{first}-2.db"}  # the live clinic's, then the restored one's
    again = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        after = orm_rows(again.database())
        old_log, new_log = before.pop("audit_events"), after.pop("audit_events")
        assert after == before
        assert new_log[:len(old_log)] == old_log
        (restored,) = [e for e in new_log if e["action"] == "backup.restored"]
        assert restored["details"]["schema_version"] == 2
        with again.read() as s:
            assert audit.verify_chain(s).intact
            assert s.execute(sa.select(Client.id).where(Client.pseudonym == "NEW-0009")).first() is None
            assert s.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    finally:
        again.lock()
