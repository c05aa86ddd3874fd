"""Build and upgrade the schema with Alembic, on an already-keyed connection.

Every revision file states the ``schema_version`` it produces; after the
revisions run, the same transaction stores it in ``PRAGMA user_version`` so the
open path can check compatibility without importing Alembic (which costs
start-up time). SQLite DDL is transactional, so a crash mid-migration leaves
the old or the new schema, never a mixture; the caller makes a backup first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

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


def upgrade_to_head(db: ClinicDatabase) -> None:
    """Apply every pending revision in one transaction and record the schema version."""
    from alembic import command

    version = head_schema_version()
    if version != SCHEMA_VERSION:
        raise RuntimeError(f"migrations produce schema {version}, code expects {SCHEMA_VERSION}")

    def stamp_version(conn: sa.Connection) -> None:
        conn.exec_driver_sql(f"PRAGMA user_version = {version}")

    with db.engine.begin() as conn:
        command.upgrade(_config(conn, stamp_version), "head")
