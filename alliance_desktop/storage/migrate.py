"""Build and upgrade the schema with Alembic, on an already-keyed connection.

Every revision file states the ``schema_version`` it produces; after the
revisions run, the same transaction stores it in ``PRAGMA user_version`` so the
open path can check compatibility without importing Alembic (which costs
start-up time). SQLite DDL is transactional, so a crash mid-migration leaves
the old or the new schema, never a mixture; the caller makes a backup first.

Foreign keys are not enforced while the revisions run: rebuilding a table
(create, copy, drop the old one, rename; revision 0003) drops a table other
tables still refer to, which enforcement would refuse or count as a
violation, and ``PRAGMA foreign_keys`` cannot change inside the transaction,
so it is switched off before it begins. A revision that moves rows ends with
``PRAGMA foreign_key_check``, which must be empty. The migration's connection
is closed afterwards, so no pooled connection keeps the setting. When the
revisions leave many free pages behind (the old copies of rebuilt tables),
the file is compacted with ``VACUUM`` after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage.engine import SCHEMA_VERSION, ClinicDatabase

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config(connection: sa.Connection, on_migrated: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    cfg.attributes["on_migrated"] = on_migrated
    return cfg


def head_schema_version() -> int:
    """The schema version the newest revision produces (must equal SCHEMA_VERSION)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_revision(script.get_current_head())
    assert head is not None
    return int(head.module.schema_version)


#: Page cache of the migrating connection, in KiB (the engine's 32 MiB makes a rebuild of the
#: large clinic re-read and decrypt its key pages over and over).
MIGRATION_CACHE_KIB = 256 * 1024
#: Compact the file after a migration that left more than this share of its pages free.
VACUUM_FREE_SHARE = 0.25


def upgrade_to_head(db: ClinicDatabase, *, before_compacting: Callable[[], None] | None = None) -> None:
    """Apply every pending revision in one transaction and record the schema version.

    ``before_compacting()`` is called after the commit when the file is about to be compacted.
    """
    version = head_schema_version()
    if version != SCHEMA_VERSION:
        raise RuntimeError(f"migrations produce schema {version}, code expects {SCHEMA_VERSION}")

    def stamp_version(conn: sa.Connection) -> None:
        conn.exec_driver_sql(f"PRAGMA user_version = {version}")

    migrate_to(db, "head", stamp_version, before_compacting=before_compacting)


def migrate_to(db: ClinicDatabase, revision: str, on_migrated: Any = None, *,
               before_compacting: Callable[[], None] | None = None) -> None:
    """Upgrade (or, with a revision below the current one, downgrade) to ``revision`` in one transaction.

    ``upgrade_to_head`` is the app's way in; tests also build older schemas with it.
    ``on_migrated(connection)`` runs inside the transaction after the revisions.
    """
    from alembic import command

    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        try:
            raw.execute("PRAGMA foreign_keys = OFF")  # before BEGIN: inside a transaction it is a no-op
            raw.execute(f"PRAGMA cache_size = -{MIGRATION_CACHE_KIB}")
            current = _current_revision(conn)
            with conn.begin():
                cfg = _config(conn, on_migrated)
                if revision == "head" or current is None or _is_ahead(revision, current):
                    command.upgrade(cfg, revision)
                else:
                    command.downgrade(cfg, revision)
            _vacuum_if_sparse(raw, before_compacting)
        finally:
            conn.invalidate()  # closed, never pooled: it carries the migration's settings


def _current_revision(conn: sa.Connection) -> str | None:
    from alembic.migration import MigrationContext

    revision = MigrationContext.configure(conn).get_current_revision()
    if conn.in_transaction():
        conn.rollback()  # reading alembic_version began one; the migration starts its own
    return revision


def _is_ahead(revision: str, current: str) -> bool:
    """True when ``revision`` comes after ``current`` in the history (an upgrade)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return any(r.revision == current for r in script.iterate_revisions(revision, "base"))


def _vacuum_if_sparse(raw: Any, before: Callable[[], None] | None = None) -> None:
    """Give the pages of rebuilt tables back to the file system (only when a revision freed many).

    After the commit: nothing here can undo or fail the migration, so a failure only leaves the file larger.
    """
    try:
        free = int(raw.execute("PRAGMA freelist_count").fetchone()[0])
        total = int(raw.execute("PRAGMA page_count").fetchone()[0])
        if total and free / total > VACUUM_FREE_SHARE:
            if before is not None:
                before()
            raw.execute("VACUUM")
    except sqlcipher.Error:
        pass  # the migration is committed and whole; the file is only larger until a later VACUUM
