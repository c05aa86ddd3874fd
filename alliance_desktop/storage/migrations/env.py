"""Alembic environment: always run on a connection handed in by ``storage.migrate``.

There is no URL here on purpose: the database is encrypted and the key lives
only in memory, so Alembic gets an already-keyed connection. Batch mode lets
later revisions alter SQLite tables (copy-and-move) portably.
"""

from __future__ import annotations

from alembic import context

from alliance_desktop.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable from the alembic CLI
    raise SystemExit("Run migrations through alliance_desktop.storage.migrate; the database is encrypted.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
    on_done = context.config.attributes.get("on_migrated")
    if on_done is not None:
        on_done(connection)
