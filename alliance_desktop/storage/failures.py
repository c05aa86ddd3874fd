"""Turning SQLite's disk failures into errors a person can act on (RELIABILITY.md rows 5, 6, 8).

SQLite reports a full disk as SQLITE_FULL, a failed ``pwrite``/``fsync`` as
SQLITE_IOERR and a page that fails its HMAC or b-tree checks as
SQLITE_CORRUPT / SQLITE_NOTADB. The driver raises them as its
``OperationalError``/``DatabaseError`` and SQLAlchemy wraps those again; a
view that catches ``StorageError`` would miss them and the person would see
nothing (or a traceback). Every unit of work in ``engine.ClinicDatabase``
runs inside :func:`storage_failures`, which re-raises these three families
as ``DiskFull``, ``DiskError`` and ``DamagedDatabase``. The transaction has
already been rolled back by then (SQLite undoes a statement that failed on
I/O, and the unit of work rolls back on any exception), so what was saved
before stays as it was. Everything else (constraint violations, programming
errors) passes through unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage.errors import DamagedDatabase, DiskError, DiskFull, StorageError

# Primary result codes (the low byte of an extended code), from sqlite3.h.
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26

_DAMAGED_IN_USE = (
    "The clinic database is damaged: a part of it failed its checks while it was in use. "
    "Nothing more was written. Close Alliance Desktop and restore the database from a backup."
)


def storage_failure(exc: BaseException) -> StorageError | None:
    """The ``StorageError`` for a driver error caused by the disk or a damaged file, else None."""
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    if not isinstance(orig, sqlcipher.Error):
        return None
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return DiskFull()
    if primary == SQLITE_IOERR:
        return DiskError()
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DamagedDatabase(_DAMAGED_IN_USE)
    return None


@contextlib.contextmanager
def storage_failures() -> Iterator[None]:
    """Re-raise disk and damage errors from the block as StorageError subclasses (chained to the original)."""
    try:
        yield
    except (sa.exc.DBAPIError, sqlcipher.Error) as exc:
        failure = storage_failure(exc)
        if failure is None:
            raise
        raise failure from exc
