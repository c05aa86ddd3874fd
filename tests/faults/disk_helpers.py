"""Shared helpers of the disk-full and I/O-error tests (RELIABILITY.md rows 5-6)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy import event

from alliance_desktop.storage.tables import AuditEvent, ItemAnswer, Response, Score


@contextlib.contextmanager
def full_disk(session, extra_pages: int = 0) -> Iterator[None]:
    """Make the database "full": each connection may grow by ``extra_pages`` pages, then SQLITE_FULL.

    ``PRAGMA max_page_count`` is a per-connection setting, so it is set on every
    connection the clinic's pool opens from now on (SQLAlchemy's ``connect``
    event on the app's own engine), and the pool is emptied first so no
    connection without the limit stays in use. Leaving the block is "space is
    back": the hook is removed and the pool emptied again.
    """
    engine = session.database().engine

    def limit(con, _record) -> None:  # noqa: ANN001 - a DB-API connection and its pool record
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        con.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    engine.dispose()
    event.listen(engine, "connect", limit)
    try:
        yield
    finally:
        event.remove(engine, "connect", limit)
        engine.dispose()


def compact(session) -> None:
    """VACUUM the clinic database: no free pages left inside the file, only the room in pages in use.

    With 8 KiB pages a few free pages hold many submissions; a test that must
    fill the "disk" starts from a file without them, as a disk that filled up would be.
    """
    raw = session.database().engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM")
    finally:
        raw.close()


def quick_check(session) -> list[str]:
    with session.read() as s:
        return list(s.execute(sa.text("PRAGMA quick_check")).scalars())


def stored_submissions(session) -> int:
    """Kiosk submissions stored (audit entries and responses are written in one transaction)."""
    with session.read() as s:
        return s.execute(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "kiosk.submitted")).scalar_one()


def incomplete_responses(session) -> int:
    """Responses without item answers or without a total score (a half-written submission)."""
    with session.read() as s:
        return s.execute(sa.select(sa.func.count()).select_from(Response).where(sa.or_(
            ~sa.exists().where(ItemAnswer.response_id == Response.id),
            ~sa.exists().where(Score.response_id == Response.id, Score.scale == "total"),
        ))).scalar_one()
