"""Making a backup of a live clinic database, checking one, and swapping a checked one in.

Why it works this way (DESIGN.md section 4, RELIABILITY.md rows 4, 10, 32):

- A live WAL database is never copied byte by byte (a copy can be torn
  between the main file and its ``-wal``). SQLite's online backup API copies
  pages through the pager inside one read transaction, so the copy is one
  consistent snapshot; both ends are keyed with the same data key, so the
  copy is encrypted exactly like the original (SQLCipher re-encrypts each
  page with fresh IVs).
- Everything that can run beside the copy does (measured on the 1.79 GB large
  demo, 2 cores; before this pipeline the stages ran one after the other:
  copy 15 s, ``cipher_integrity_check`` 4.7 s, ``quick_check`` 9 s, digests
  22 s, packing and reading back 4 s, 55 s in all; 26 s with this
  pipeline and format 2 digests, 22-24 s with format 3; 15.5-17 s on the
  compact schema's 929 MB; 9.1-10.8 s (median 9.7 s) on its 0.87 GB in the current page
  layout (storage/cipher_layout.py), with the digests left unsorted where
  the rows come in key order anyway (storage/table_digest.py) and SQLite's
  memory statistics off (storage/sqlite_runtime.py)). Three connections to the live file start their
  read transactions while a fourth holds the write lock for those
  milliseconds (``_snapshot``), so all three see the *same* snapshot. One
  copies it with the backup API into a scratch file in the target folder
  (crypto bound: ~13 s alone on the 1.79 GB file, 20 s while sharing the
  cores); the other two, on worker threads, run ``quick_check`` on the
  snapshot and compute the per-table digests for the header. sqlcipher3
  releases the GIL in ``sqlite3_step``/``backup_step``, so these really run
  in parallel. Both cores are busy until the end, so a backup cannot take
  much less than half of its CPU work (about 31 CPU-seconds on the compact
  schema, 41 on the 1.79 GB file; about 18 now: copy 4.2, digests 6.5-7,
  ``quick_check`` 3.5-4, the copy's HMAC check 1.3, its MAC 0.7, row counts 0.4). Running one worker only while the pages
  are copied (the copy then ends at 13.5 s instead of 19 s) bought ~1-2 s
  on the 1.79 GB file but cost as much on the compact schema, and was left
  out.
- A backup that fails stops at once, whatever failed. The first stage that
  fails (or Ctrl-C) calls the others off (``backup_control.Stop``): the copy runs
  ``_COPY_PAGES`` pages per ``backup_step`` and stops between two steps
  (``backup_step`` ignores ``sqlite3_interrupt``; the copier's read
  transaction keeps the snapshot from one step to the next), running
  statements are interrupted (all but ``cipher_integrity_check``, which
  cannot be: at most its ~5 s on the large demo), and every thread is joined
  before the scratch file is removed, through a second Ctrl-C too. The
  scratch file is only ever opened as an existing file (``mode=rw``), so no
  stage can create it again after it was removed.
- The quick_check and the digests describe the copy because they read the
  very snapshot the backup API copied page for page; the copy is then
  checked on its own for what a copy can get wrong: its page count equals
  the snapshot's, every page's HMAC holds (``cipher_integrity_check``, which
  also binds each page to its number), and every table's row count equals
  the snapshot's (so a short copy cannot pass). Row counts, fsync and the
  body MAC run beside the HMAC check. The restore later recomputes the
  digests on the extracted copy itself, so a copy differing in content would
  still never be restored.
- The digests are those of format version 3 (``storage.digest_text``): one
  ``json_array`` per row instead of ``quote()`` of every value. Per chunk of
  rows (10,000 rowids, or a range of a WITHOUT ROWID table's first key
  column) one SQL statement builds the text (``group_concat(... ORDER BY
  key)``) instead of millions of rows crossing into Python; the chunks are
  spread over the workers and fed into each table's MAC in key order. A
  restore recomputes the digests of the backup's own version, so version 1
  and 2 files verify as before.
- The scratch file becomes the backup: ``backup_format.seal_backup`` appends
  header and MAC (format version 3: the version 2 layout), reads the trailer
  back and completes the MAC over it, fsyncs and renames. The 1.8 GB body is not written twice.
- Restore checks first and swaps last. The backup's body is extracted next to
  the live database, MAC-checked on the bytes written, opened with the key,
  checked (page HMACs beside ``quick_check`` and the digests, 3 connections)
  and compared table by table with the header (about 24 s on the large demo,
  extraction included). Not the full ``integrity_check`` by default: on the
  1.8 GB demo it takes 54 s against 9 s, and what it adds (every index entry
  matched to its row) guards against a bug in SQLite itself on bytes that
  are already MAC-authenticated as the ones our own checked backup wrote.
  Only a database that passed all of that is renamed in; the previous one is
  checkpointed and renamed aside (with its ``-wal``/``-shm`` first, so a
  leftover WAL can never be replayed into the restored file), and put back if
  the rename of the new one fails.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage.atomic import _fsync_folder, fsync_path
from alliance_desktop.storage.backup_control import (
    Stop,
    Stopwatch,
    Workers,
    close_all,
    interrupt_until_done,
    shielded,
)
from alliance_desktop.storage.backup_format import (
    FORMAT_VERSION,
    BackupDamaged,
    BackupHeader,
    BodyMac,
    OpenedBackup,
    TableSummary,
    extract_database,
    mac_body,
    seal_backup,
)
from alliance_desktop.storage.cipher_layout import layout_of
from alliance_desktop.storage.engine import ClinicDatabase, _raw_connect, read_identity, verify_identity
from alliance_desktop.storage.errors import DamagedDatabase, StorageError
from alliance_desktop.storage.failures import SQLITE_FULL, SQLITE_IOERR, storage_failure
from alliance_desktop.storage.table_digest import (
    collect_digests,
    plan_digests,
    row_counts,
    submit_digests,
    table_summaries,
)

__all__ = [
    "BackupFailed",
    "CopyMismatch",
    "DatabaseBusy",
    "SourceDamaged",
    "check_database_file",
    "checkpoint",
    "create_backup",
    "remove_database_files",
    "row_counts",
    "stage_restore",
    "swap_in",
    "table_summaries",
]

#: Threads checking and digesting besides the copy: the target machines have two cores or more.
_WORKERS = 2
#: Pages per backup-API step (64 MiB at 8 KiB pages, ~0.3-0.5 s of copying): between two steps the copy looks
#: whether to stop. Smaller steps cost more than they buy: 1,024 pages of 4 KiB made the large demo's backup 2-5 s
#: slower (29.5-32.6 s against 27.1-27.2 s), each step taking the GIL back from the digest threads.
_COPY_PAGES = 8192
#: During the copy a failed *read* (IOERR_READ, _SHORT_READ) is the live database's; other I/O errors are the copy's.
_IOERR_READS = frozenset({SQLITE_IOERR | 1 << 8, SQLITE_IOERR | 2 << 8})
_SIDE_FILES = ("-wal", "-shm", "-journal")


class CopyMismatch(DamagedDatabase):
    user_message = (
        "The backup copy did not match the database it was made from, so no backup was written. "
        "Try again; if it keeps failing, check the disk."
    )


class DatabaseBusy(StorageError):
    user_message = "The clinic database stayed busy, so no backup was made. Try again in a moment."


class SourceDamaged(DamagedDatabase):
    user_message = (
        "The clinic database failed its integrity check, so no backup was made. "
        "Restore the clinic from an earlier backup."
    )


class BackupFailed(StorageError):
    """Reading the live database failed for a reason that is neither the disk nor damage (out of memory, say)."""

    user_message = "The clinic database could not be read to the end, so no backup was made. Try again in a moment."


def _source_failure(exc: BaseException) -> BaseException:
    """What a failure reading the live database means for the person: only damage says "damaged"."""
    if not isinstance(exc, sqlcipher.Error):
        return exc
    failure = storage_failure(exc)  # DiskFull / DiskError / DamagedDatabase, or None
    if isinstance(failure, DamagedDatabase):
        return SourceDamaged()
    return failure if failure is not None else BackupFailed()


def _copy_failure(exc: sqlcipher.Error) -> BaseException:
    """A backup-API step failed: a full disk or a failed write is the *backup's* drive, an OSError as from Python."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        if code & 0xFF == SQLITE_FULL:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if code & 0xFF == SQLITE_IOERR and code not in _IOERR_READS:
            return OSError(errno.EIO, os.strerror(errno.EIO))
    return _source_failure(exc)


# ------------------------------------------------------------------------------------- digests


def _damaged_unless_ok(stop: Stop) -> Callable[[Future[Any]], None]:
    """Done callback of the source ``quick_check``: a verdict other than "ok" calls the backup off as damage."""

    def verdict(future: Future[Any]) -> None:
        if not future.cancelled() and future.exception() is None and not future.result():
            stop.set(SourceDamaged())

    return verdict


def _quick_check(con: Any, thorough: bool) -> bool:
    verdict = con.execute("PRAGMA integrity_check(1)" if thorough else "PRAGMA quick_check(1)").fetchall()
    return verdict == [("ok",)]


def _open_checked(path: Path, data_key: bytes) -> Any:
    con = _raw_connect(path, data_key)  # DamagedDatabase if the key does not open page 1
    con.execute("PRAGMA query_only = 1")  # before the first statement that could write
    return con


# ------------------------------------------------------------------------------------- checking


def check_database_file(path: Path, data_key: bytes, *, thorough: bool,
                        format_version: int = FORMAT_VERSION) -> tuple[int, int, dict[str, TableSummary]]:
    """(application id, schema version, table summaries) of a closed database file, or a StorageError.

    The table digests are those a backup of ``format_version`` carries
    (``table_digest.scheme_for``). ``thorough`` runs the full
    ``integrity_check`` (indexes against tables) instead of ``quick_check``. Nothing is written: ``query_only`` is set
    before the first statement that could. Three connections to the file work
    at once: ``cipher_integrity_check`` (every page's HMAC) on one, while two
    worker threads run ``quick_check`` and the table digests (rowid chunks
    fed into each table's MAC in order).
    """
    watch = Stopwatch(f"check {path.name}")
    con = _open_checked(path, data_key)
    cons = [con]
    workers: Workers | None = None
    try:
        app_id, version = read_identity(con)
        verify_identity(app_id, version)  # NotOurDatabase / NewerSchema
        for _ in range(_WORKERS):
            cons.append(_open_checked(path, data_key))  # closed in the finally even if the next open fails
        plans = plan_digests(con, data_key, format_version)
        workers = Workers(cons[1:])
        verdict = workers.submit(_quick_check, thorough)
        submit_digests(plans, workers.submit)
        if con.execute("PRAGMA cipher_integrity_check").fetchall():
            raise DamagedDatabase("Pages of the backed-up database fail their checksum. Nothing was changed.")
        watch("cipher_integrity_check done")
        tables = collect_digests(plans)
        watch("digests done")
        if not verdict.result():
            raise DamagedDatabase("The backed-up database is damaged (integrity check failed). Nothing was changed.")
        watch("quick_check done")
    except sqlcipher.Error:
        raise DamagedDatabase("The backed-up database cannot be read. Nothing was changed.") from None
    finally:
        if workers is not None:
            workers.stop()
        close_all(cons)
    return app_id, version, tables


def remove_database_files(path: Path) -> None:
    """Delete a scratch database and any side files SQLite left next to it."""
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


# ------------------------------------------------------------------------------------- backup


@contextlib.contextmanager
def _snapshot(path: Path, data_key: bytes, readers: int) -> Iterator[list[Any]]:
    """``readers`` connections to the live database, each in a read transaction on the *same* snapshot.

    A third connection holds the write lock (``BEGIN IMMEDIATE``) while the
    readers start their transactions, so no commit can fall between them: in
    WAL mode each reader sees the last commit at its start, which is then the
    same one for all. The lock is released at once (a writer waits
    milliseconds, within its busy timeout); the readers keep their snapshot
    until they end their transactions, whatever is committed meanwhile.
    """
    cons: list[Any] = []
    try:
        for _ in range(readers):
            con = _raw_connect(path, data_key)
            cons.append(con)
            con.execute("PRAGMA query_only = 1")
            con.execute("PRAGMA reverse_unordered_selects = OFF")  # the digests' unsorted statements need the scan forward
        lock = _raw_connect(path, data_key)
        try:
            try:
                lock.execute("BEGIN IMMEDIATE")
            except sqlcipher.OperationalError:
                raise DatabaseBusy() from None
            for con in cons:
                con.execute("BEGIN")
                con.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # the snapshot is taken here
        finally:
            with contextlib.suppress(sqlcipher.Error):
                lock.execute("ROLLBACK")
            lock.close()
        yield cons
    finally:
        for con in cons:
            with contextlib.suppress(sqlcipher.Error):
                con.execute("ROLLBACK")
        close_all(cons)


@dataclass
class _Copied:
    app_id: int
    version: int
    counts: dict[str, int]
    mac: BodyMac


def _copy_and_check(src: Any, data_key: bytes, scratch: Path, stop: Stop, watch: Stopwatch) -> _Copied:
    """Backup-API copy of ``src``'s snapshot into ``scratch``; check the copy on its own; MAC its bytes.

    The copy runs ``_COPY_PAGES`` pages per step and stops between two steps
    once ``stop`` is set. Its journal is off and it is not synced page by
    page: it is a scratch file until it passes every check; it is fsynced
    once here and once more with its trailer in ``seal_backup``. Once copied,
    three things run at once: ``cipher_integrity_check`` (here), the row
    counts (a second connection) and fsync + the body MAC (a plain read of
    the file; nothing writes to it, and ``seal_backup`` refuses it if its
    size or mtime changed). Any failure checking the copy is ``CopyMismatch``.
    """
    pages = int(src.execute("PRAGMA page_count").fetchone()[0])
    layout = layout_of(src)  # the backup API copies pages as they are: the copy has the live file's layout
    dest: list[Any] = []
    try:
        try:
            dest.append(stop.open(scratch, data_key, layout))
            dest[0].execute("PRAGMA journal_mode = OFF")
            dest[0].execute("PRAGMA synchronous = OFF")
        except sqlcipher.Error as exc:  # the scratch file, not the live database
            raise CopyMismatch() from exc
        try:
            src.backup(dest[0], pages=_COPY_PAGES, progress=stop.check, sleep=0)
        except sqlcipher.Error as exc:  # a full backup drive is an OSError, like one while sealing
            raise _copy_failure(exc) from exc
    finally:
        stop.close(dest)
    src.execute("ROLLBACK")  # the other readers keep the snapshot; the copy no longer needs it
    watch("copy done")
    cons: list[Any] = []
    futures: list[Future[Any]] = []
    side = ThreadPoolExecutor(max_workers=2, thread_name_prefix="backup-copy-check")
    try:
        try:
            for _ in range(2):
                cons.append(stop.open(scratch, data_key, layout))
                cons[-1].execute("PRAGMA query_only = 1")
            counted = side.submit(row_counts, cons[1])
            maced = side.submit(_sync_and_mac, scratch, data_key, stop)
            futures += [counted, maced]
            app_id, version = read_identity(cons[0])
            verify_identity(app_id, version)
            if int(cons[0].execute("PRAGMA page_count").fetchone()[0]) != pages:
                raise CopyMismatch()
            stop.check()  # cipher_integrity_check cannot be interrupted
            if cons[0].execute("PRAGMA cipher_integrity_check").fetchall():
                raise CopyMismatch()
            watch("copy cipher_integrity_check done")
            counts = counted.result()
            mac = maced.result()
            watch("copy row counts, fsync and MAC done")
        except (sqlcipher.Error, StorageError) as exc:
            raise CopyMismatch() from exc
    finally:
        side.shutdown(wait=False, cancel_futures=True)
        interrupt_until_done(cons, futures)
        side.shutdown(wait=True)
        stop.close(cons)
    for suffix in _SIDE_FILES:  # a left-over WAL would not be in the backup file
        leftover = Path(f"{scratch}{suffix}")
        if leftover.exists() and leftover.stat().st_size:
            raise CopyMismatch()
    return _Copied(app_id, version, counts, mac)


def _sync_and_mac(scratch: Path, data_key: bytes, stop: Stop) -> BodyMac:
    fsync_path(scratch)  # the body goes to disk now, while other checks still run
    return mac_body(scratch, data_key, between_chunks=stop.check)


def create_backup(db: ClinicDatabase, data_key: bytes, header: BackupHeader, target: Path) -> BackupHeader:
    """Write a verified backup of ``db`` to ``target`` (which must not exist); the header as written.

    ``header`` supplies the descriptive fields (time, app version, key file);
    identity and table summaries are filled in from the copy and its
    snapshot. On any failure nothing is left in the target folder.

    The first stage that fails (or Ctrl-C) calls the others off (``Stop``):
    the copy stops at its next step, running statements are interrupted, and
    every thread is joined before the scratch file is removed, a second
    Ctrl-C included. A failure reading the live database says "damaged" only
    when it is damage (``SourceDamaged``); a full backup drive, or a failed
    write to it, is an ``OSError`` as when Python itself writes there.
    """
    if target.exists():
        raise FileExistsError("the backup target exists")
    watch = Stopwatch(f"backup {target.name}")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".db.tmp", dir=target.parent)
    os.close(fd)
    scratch = Path(name)
    stop = Stop(_source_failure)
    try:
        with _snapshot(db.path, data_key, 1 + _WORKERS) as (copier, *readers):
            try:
                plans = plan_digests(readers[0], data_key, in_scan_order=True)
            except sqlcipher.Error as exc:
                raise _source_failure(exc) from exc
            stop.watch(*readers)
            workers = Workers(readers)
            copying = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-copy")
            try:
                verdict = workers.submit(_quick_check, False)
                verdict.add_done_callback(_damaged_unless_ok(stop))
                submit_digests(plans, workers.submit)
                copied_f = copying.submit(_copy_and_check, copier, data_key, scratch, stop, watch)
                for future in (verdict, copied_f, *(f for plan in plans for f in plan.futures)):
                    future.add_done_callback(stop.on_failure)
                try:
                    tables = collect_digests(plans)
                    watch("source digests done")
                    if not verdict.result():
                        raise SourceDamaged()
                    watch("source quick_check done")
                except sqlcipher.Error as exc:
                    raise _source_failure(exc) from exc
                copied = copied_f.result()
            except BaseException as exc:
                stop.set(exc)  # the copy stops at its next step; the workers' statements are interrupted
                cause = stop.cause
                if isinstance(exc, Exception) and cause is not None and cause is not exc:
                    raise cause from cause.__cause__  # the stage that failed first, not the one it interrupted
                raise
            finally:
                shielded(workers.stop, lambda: copying.shutdown(wait=True, cancel_futures=True), stop.forget,
                          stop=stop)
        if {name: t.rows for name, t in tables.items()} != copied.counts:
            raise CopyMismatch()
        final = BackupHeader(
            created_at=header.created_at,
            app_version=header.app_version,
            database_id=header.database_id,
            application_id=copied.app_id,
            schema_version=copied.version,
            keyfile=header.keyfile,
            tables=tables,
        )
        seal_backup(scratch, final, data_key, target, copied.mac)
        watch("sealed")
    finally:
        shielded(lambda: remove_database_files(scratch))
    return final


# ------------------------------------------------------------------------------------- restore


def stage_restore(opened: OpenedBackup, data_key: bytes, staging: Path, *,
                  thorough: bool = False) -> tuple[int, int, Mapping[str, TableSummary]]:
    """Extract and check a backup's database into ``staging``; removed again if anything fails.

    Checks, in order: the container MAC (on the bytes written), that the key
    opens it, application id and schema version (NotOurDatabase, NewerSchema),
    page HMACs and ``quick_check`` (``thorough``: the full ``integrity_check``),
    and every table's row count and digest against the header (the digest of
    the backup's own format version: a version 1 or 2 file is checked exactly
    as before format 3).
    """
    header = opened.header
    try:
        extract_database(opened, data_key, staging)
        app_id, version, tables = check_database_file(staging, data_key, thorough=thorough,
                                                      format_version=opened.version)
        if app_id != header.application_id or version != header.schema_version or dict(tables) != dict(header.tables):
            raise BackupDamaged(
                "The database inside the backup does not match the backup's own table summary. Nothing was changed."
            )
        for suffix in _SIDE_FILES:
            side = Path(f"{staging}{suffix}")
            if side.exists():
                if side.stat().st_size:
                    raise BackupDamaged()
                side.unlink()
    except BaseException:
        remove_database_files(staging)
        raise
    return app_id, version, tables


def checkpoint(live: Path, data_key: bytes) -> None:
    """Fold the live database's WAL into the main file, so the kept copy is one self-contained file.

    Best effort: a damaged or foreign live file (the reason for restoring)
    cannot be opened, and its ``-wal`` is then moved along with it instead.
    """
    try:
        con = _raw_connect(live, data_key)
    except Exception:  # noqa: BLE001 - a file we cannot open has nothing we could checkpoint
        return
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception:  # noqa: BLE001 - same: keep the WAL, it moves with the file
        pass
    finally:
        con.close()


def swap_in(staging: Path, live: Path, previous: Path) -> bool:
    """Rename ``live`` (and its side files) to ``previous``, then ``staging`` to ``live``.

    Side files move first: a ``-wal`` left under the live name would be
    replayed into the restored database. If renaming the new file in fails,
    everything moved is put back and the error is raised: the live database is
    then exactly as before. Returns whether there was a previous database.
    """
    moved: list[str] = []
    try:
        for suffix in ("-wal", "-shm", ""):
            source = Path(f"{live}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{previous}{suffix}"))
                moved.append(suffix)
        os.replace(staging, live)
    except BaseException:
        for suffix in reversed(moved):
            with contextlib.suppress(OSError):
                if not Path(f"{live}{suffix}").exists():
                    os.replace(Path(f"{previous}{suffix}"), Path(f"{live}{suffix}"))
        raise
    _fsync_folder(live.parent)
    return "" in moved
