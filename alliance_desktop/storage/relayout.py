"""Rewriting a clinic database written in an older page layout into the current one (storage/cipher_layout.py).

A page layout cannot be changed in place: SQLCipher has to write every page
again. So the database is exported (``sqlcipher_export``, a consistent
logical copy with fresh indexes) into a new file next to it in the current
layout, that file is checked (``quick_check``, every table's row count
against the original's, identity), made durable, and only then renamed over
the original. A crash before the rename leaves the original untouched (the
half-written file is removed at the next try); after it, the new file is
complete. It runs as a step of the login's update (services/schema_update.py)
with this process's connections closed. Another process could still use the
file (a command-line job): it cannot commit while the rewrite runs (a second
connection holds the write lock), and SQLite removes the ``-wal`` and
``-shm`` when the last connection closes, so if they outlive ours the
rewrite is called off, because renaming over the file would lose that
process's later writes. Nothing is lost by not rewriting: the old layout
works, only slower.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage.atomic import _fsync_folder, fsync_path
from alliance_desktop.storage.backup import remove_database_files
from alliance_desktop.storage.cipher_layout import CURRENT, layout_of
from alliance_desktop.storage.engine import _raw_connect, export_into, read_identity
from alliance_desktop.storage.errors import StorageError
from alliance_desktop.storage.table_digest import row_counts

__all__ = ["RELAYOUT_SUFFIX", "LayoutNotRewritten", "rewrite_in_current_layout"]

#: The new file's name until it replaces the database: ``.`` + the database's name + this + a random part.
RELAYOUT_SUFFIX = ".relayout-"
#: Room the new file needs beside the old one: its size (a little less: freshly packed pages) and some slack.
_SLACK_BYTES = 64 * 1024 * 1024


class LayoutNotRewritten(StorageError):
    """The rewrite was not done now (the database is unchanged and works as it is)."""

    user_message = "The clinic database could not be rewritten in its new format now; it works as it is."


def rewrite_in_current_layout(path: Path, data_key: bytes) -> bool:
    """Rewrite the closed database at ``path`` in the current layout if it is older; whether it was rewritten.

    Raises ``LayoutNotRewritten`` (or the driver's or the OS's error) with the
    original untouched when it cannot be done now: too little free space,
    another writer that does not let go, another connection to the file (its
    ``-wal``/``-shm`` outlive ours), a new file that does not check out.

    A second connection holds the write lock (``BEGIN IMMEDIATE``) from before
    the rows are counted until after the new file is on disk, so no other
    process can commit a write that the new file would not have: a writer
    waits (and gives up with "busy" after ``BUSY_TIMEOUT_MS``, its data
    intact). What is left is the moment between closing the last connection
    and the rename: a process that opens, writes and closes within it would
    lose that write. The app's own writers cannot (this runs in the process
    that holds the one-instance lock, before it opens the clinic).
    """
    for stale in path.parent.glob(f".{path.name}{RELAYOUT_SUFFIX}*"):  # tries cut short by a crash
        remove_database_files(stale)
    src = _raw_connect(path, data_key)
    lock = None
    fresh: Path | None = None
    try:
        if layout_of(src) == CURRENT:
            return False
        if shutil.disk_usage(path.parent).free < path.stat().st_size + _SLACK_BYTES:
            raise LayoutNotRewritten("too little free space beside the database")
        lock = _raw_connect(path, data_key)
        try:
            lock.execute("BEGIN IMMEDIATE")
        except sqlcipher.OperationalError:
            raise LayoutNotRewritten("another program kept writing to the database") from None
        identity = read_identity(src)
        counts = row_counts(src)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}{RELAYOUT_SUFFIX}", dir=path.parent)  # owner-only
        os.close(fd)
        fresh = Path(name)
        export_into(src, fresh, data_key, CURRENT)
        _check(fresh, data_key, identity, counts)
        fsync_path(fresh)
        src.close()
        lock.close()  # the last connection (the write lock with it): SQLite folds the WAL in, removes it and the -shm
        for suffix in ("-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():  # someone else has the file open: a swap would lose their writes
                raise LayoutNotRewritten("another connection has the database open")
        os.replace(fresh, path)
        _fsync_folder(path.parent)
    except BaseException:
        src.close()
        if lock is not None:
            lock.close()
        if fresh is not None:
            remove_database_files(fresh)
        raise
    finally:
        src.close()
    return True


def _check(fresh: Path, data_key: bytes, identity: tuple[int, int], counts: dict[str, int]) -> None:
    """The new file opens in the current layout, is sound, and holds as many rows per table as the original."""
    con = _raw_connect(fresh, data_key, CURRENT)
    try:
        sound = con.execute("PRAGMA quick_check(1)").fetchall() == [("ok",)]
        if not sound or read_identity(con) != identity or row_counts(con) != counts:
            raise LayoutNotRewritten("the rewritten file did not match the database")
        # The export leaves a rollback journal; WAL (as the database had) lets a reader and a writer work at once.
        con.execute("PRAGMA journal_mode = WAL").fetchall()
    finally:
        con.close()
