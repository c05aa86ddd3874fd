"""Compact storage: UUIDs as 16 raw bytes, answers and scores WITHOUT ROWID, two redundant indexes dropped.

Why: on SQLite, ``sa.Uuid`` stored every id as 32 hex characters, in each
table and again in each index that holds it; ``item_answers`` and ``scores``
were rowid tables with a primary-key index of nearly their own size beside
them (and ``scores`` a covering index too); ``ix_responses_session_id`` is
the first column of ``ix_responses_session_cover``. The large demo clinic
(same rows) went from 1.79 GB to 0.93 GB, and the backup-API copy, the
integrity checks and every cold read with it. From here on a UUID is a
16-byte BLOB (``storage.types.BinaryUuid``); ``scores``' primary key
(response_id, scale) holds the whole row, so it covers the caseload's read
of a total as ``ix_scores_response_cover`` did.

How, on SQLite: ALTER TABLE cannot change a column's type, so every table
holding a UUID is rebuilt the way SQLite documents for such changes
(https://sqlite.org/lang_altertable.html#otheralter): the new table is made
from the old one's own CREATE statement (so every constraint, CHECK and
foreign key stays word for word) with ``CHAR(32)`` -> ``BLOB`` on the UUID
columns listed below, the rows are copied in primary-key order through
``unhex()``, the old table is dropped, the new one renamed, and its indexes
are created again from their own statements, in the order they were made
with partial indexes last (``_creation_order``). ``storage.migrate`` turns
foreign-key enforcement off for the migration (it cannot change inside a
transaction) and this revision runs ``PRAGMA foreign_key_check`` at the end:
any violation fails the migration, which rolls back as a whole.

A value that is not 32 hex digits would turn into NULL; a NOT NULL column
refuses that, and for the nullable ones the non-NULL counts before and after
must agree, so nothing is lost silently.

What it costs (the large demo, 2 cores): the rebuild and its checks 65 s,
then ``storage.migrate`` compacts the file with VACUUM (15 s): 1,797 MB ->
879 MB. Meanwhile the WAL grows to about the old file's size (the new
tables, and the old pages zeroed by ``secure_delete``), and VACUUM holds
the compacted copy in memory (``temp_store = MEMORY``: 1.3 GB peak).

Other databases (PostgreSQL, DESIGN.md section 7) already store ``Uuid`` as
their native type and have no rowid: only the two indexes are dropped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None
#: Value of PRAGMA user_version once this revision is applied.
schema_version = 3

#: Every UUID column of revision 0002, by table, biggest tables first: the pages a dropped table
#: frees are reused by the next table's copy, so the file grows by less than the sum.
UUID_COLUMNS: dict[str, tuple[str, ...]] = {
    "item_answers": ("response_id",),
    "responses": ("id", "submission_id", "session_id", "entered_by", "amends_id", "first_viewed_by"),
    "scores": ("response_id",),
    "therapy_sessions": ("id", "episode_id"),
    "episodes": ("id", "client_id", "therapist_id"),
    "clients": ("id", "therapist_id"),
    "alerts": ("id", "episode_id", "session_id", "response_id"),
    "alert_actions": ("id", "alert_id", "user_id"),
    "course_summaries": ("episode_id",),
    "audit_events": ("actor_id",),
    "kiosk_tickets": ("id", "session_id", "issued_by"),
    "instruction_events": ("id", "episode_id", "session_id", "delivered_by"),
    "notes": ("id", "episode_id", "author_id"),
    "wording_packs": ("id", "installed_by"),
    "users": ("id",),
}
#: Tables whose rows move into their primary key's b-tree.
WITHOUT_ROWID = frozenset({"item_answers", "scores"})
#: Dropped indexes: (table, columns), for the downgrade.
DROPPED_INDEXES: dict[str, tuple[str, list[str]]] = {
    "ix_responses_session_id": ("responses", ["session_id"]),
    "ix_scores_response_cover": ("scores", ["response_id", "scale", "value"]),
}
#: Tables without a UUID, left as they are.
UNCHANGED = frozenset({"clinic_settings", "alembic_version"})


class _Form(NamedTuple):
    """One direction of the rebuild: the UUID columns' declared type and value, before and after.

    (A NamedTuple, not a dataclass: Alembic loads revision files without registering them as modules.)
    """

    old_type: str
    new_type: str
    #: SQL turning a stored value of the old form into the new one; ``{c}`` is the quoted column
    convert: str
    with_rowid: bool


_COMPACT = _Form("CHAR(32)", "BLOB", "CASE WHEN length({c}) = 32 THEN unhex({c}) END", with_rowid=False)
_HEX = _Form("BLOB", "CHAR(32)", "CASE WHEN length({c}) = 16 THEN lower(hex({c})) END", with_rowid=True)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for name, (table, _columns) in DROPPED_INDEXES.items():
            op.drop_index(name, table_name=table)
        return
    _check_tables(bind)
    for table, columns in UUID_COLUMNS.items():
        _rebuild(bind, table, columns, _COMPACT, skip_indexes=frozenset(DROPPED_INDEXES))
    _check_foreign_keys(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _check_tables(bind)
        for table, columns in UUID_COLUMNS.items():
            _rebuild(bind, table, columns, _HEX, skip_indexes=frozenset())
        _check_foreign_keys(bind)
    for name, (table, columns) in DROPPED_INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_tables(bind: sa.Connection) -> None:
    """Refuse a database whose tables are not exactly those this revision knows (a rebuild would miss one)."""
    found = {str(r[0]) for r in bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    expected = set(UUID_COLUMNS) | UNCHANGED
    if found != expected:
        raise RuntimeError(f"revision 0003 expects the tables {sorted(expected)}, found {sorted(found)}")


def _table_info(bind: sa.Connection, table: str) -> list[tuple[str, str, bool, int]]:
    """(name, declared type, NOT NULL, position in the primary key or 0) of each column, in order."""
    return [(str(r[1]), str(r[2]), bool(r[3]), int(r[5]))
            for r in bind.exec_driver_sql(f"PRAGMA table_info({_quote(table)})")]


def _rebuild(bind: sa.Connection, table: str, uuid_columns: tuple[str, ...], form: _Form,
             skip_indexes: frozenset[str]) -> None:
    """Rebuild ``table`` with its UUID columns in ``form``'s new type; indexes in ``skip_indexes`` are not remade."""
    info = _table_info(bind, table)
    typed = sorted(name for name, declared, _nn, _pk in info if declared == form.old_type)
    if typed != sorted(uuid_columns):
        raise RuntimeError(f"{table}: expected the {form.old_type} columns {sorted(uuid_columns)}, found {typed}")
    create = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                  (table,)).scalar_one()
    indexes = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid",
        (table,)).all()
    temp = f"_v{schema_version}_{table}"
    bind.exec_driver_sql(_new_create(str(create), table, temp, uuid_columns, form))
    _copy_rows(bind, table, temp, info, uuid_columns, form)
    bind.exec_driver_sql(f"DROP TABLE {_quote(table)}")
    bind.exec_driver_sql(f"ALTER TABLE {_quote(temp)} RENAME TO {_quote(table)}")
    for name, sql in _creation_order(indexes):
        if name not in skip_indexes:
            bind.exec_driver_sql(str(sql))


def _copy_rows(bind: sa.Connection, table: str, temp: str, info: list[tuple[str, str, bool, int]],
               uuid_columns: tuple[str, ...], form: _Form) -> None:
    """Every row of ``table`` into ``temp``, UUIDs converted, in primary-key order (each key b-tree filled in order)."""
    columns = [name for name, *_ in info]
    values = [form.convert.format(c=_quote(c)) if c in uuid_columns else _quote(c) for c in columns]
    key = [name for name, _t, _nn, pk in sorted(info, key=lambda col: col[3]) if pk]
    bind.exec_driver_sql(
        f"INSERT INTO {_quote(temp)} ({', '.join(map(_quote, columns))}) "
        f"SELECT {', '.join(values)} FROM {_quote(table)} ORDER BY {', '.join(map(_quote, key))}")
    nullable = [name for name, _t, notnull, _pk in info if name in uuid_columns and not notnull]
    _check_nothing_lost(bind, table, temp, nullable)


def _creation_order(indexes: Sequence[sa.Row[Any]]) -> list[sa.Row[Any]]:
    """The indexes in the order they were made, partial ones last.

    SQLite's planner (no ANALYZE statistics here) settles a near-tie between two
    usable indexes in favour of the one made later. A partial index is the
    better of the two whenever it is usable: the caseload finds a therapist's 40
    open episodes through ``ix_episodes_open_therapist`` instead of the 500
    entries of ``ix_episodes_therapist_id`` (1.6 against 5.2 ms on the large
    clinic). With BLOB ids the tie went to the plain index when the partial
    one was the older (as in demo clinics, whose indexes the demo writer made
    again by name until schema 3).
    """
    return sorted(indexes, key=lambda index: " WHERE " in str(index[1]).upper())


def _new_create(create: str, table: str, temp: str, uuid_columns: tuple[str, ...], form: _Form) -> str:
    """The table's own CREATE statement under ``temp``, its UUID columns retyped, WITHOUT ROWID as the form says."""
    sql, renamed = re.subn(rf'^CREATE TABLE ("?){re.escape(table)}\1\s*\(', f"CREATE TABLE {_quote(temp)} (", create)
    if renamed != 1:
        raise RuntimeError(f"{table}: unexpected CREATE statement")
    for column in uuid_columns:
        pattern = rf'^(\s*"?{re.escape(column)}"?\s+){re.escape(form.old_type)}(?=[\s,])'
        sql, n = re.subn(pattern, rf"\g<1>{form.new_type}", sql, flags=re.MULTILINE)
        if n != 1:
            raise RuntimeError(f"{table}.{column}: its type is not spelled as expected in the CREATE statement")
    sql = re.sub(r"\s*WITHOUT\s+ROWID\s*$", "", sql.rstrip(), flags=re.IGNORECASE)
    if table in WITHOUT_ROWID and not form.with_rowid:
        sql += " WITHOUT ROWID"
    return sql


def _check_nothing_lost(bind: sa.Connection, table: str, temp: str, nullable: list[str]) -> None:
    """A malformed value converts to NULL: in a nullable column only the non-NULL counts can tell."""
    if not nullable:
        return
    counts = ", ".join(f"count({_quote(c)})" for c in nullable)
    before = tuple(bind.exec_driver_sql(f"SELECT {counts} FROM {_quote(table)}").one())
    after = tuple(bind.exec_driver_sql(f"SELECT {counts} FROM {_quote(temp)}").one())
    if before != after:
        raise RuntimeError(f"{table}: a value in {nullable} is not a well-formed UUID; nothing was changed")


def _check_foreign_keys(bind: sa.Connection) -> None:
    """Foreign keys were not enforced during the rebuild (storage.migrate): every reference must still resolve."""
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        raise RuntimeError(f"foreign keys broken by the migration (table, rowid, parent, key): {broken}")
