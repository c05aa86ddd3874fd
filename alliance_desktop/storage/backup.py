"""Making a backup of a live clinic database, checking one, and swapping a checked one in.

Why it works this way (DESIGN.md section 4, RELIABILITY.md rows 4, 10, 32):

- A live WAL database is never copied byte by byte (a copy can be torn
  between the main file and its ``-wal``). SQLite's online backup API copies
  pages through the pager inside one read transaction, so the copy is one
  consistent snapshot; both ends are keyed with the same data key, so the
  copy is encrypted exactly like the original (SQLCipher re-encrypts each
  page with fresh IVs).
- The snapshot's row counts are read in the *same* read transaction as the
  copy and compared with the copy's, so a short copy cannot pass. The copy is
  then opened again on its own: ``cipher_integrity_check`` (every page's
  HMAC), ``quick_check`` (b-trees), and the per-table digests that go into the
  header. Only then is it packed (``backup_format.write_backup``, which reads
  the packed file back before renaming it into place).
- Restore checks first and swaps last. The backup's body is extracted next to
  the live database, MAC-checked on the bytes written, opened with the key,
  checked (page HMACs, ``quick_check``) and compared table by table with the
  header. Not the full ``integrity_check`` by default: on the 1.8 GB demo it
  takes 54 s against 9 s, and what it adds (every index entry matched to its
  row) guards against a bug in SQLite itself on bytes that are already
  MAC-authenticated as the ones our own checked backup wrote.
  Only a database that passed all of that is renamed in; the previous one is
  checkpointed and renamed aside (with its ``-wal``/``-shm`` first, so a
  leftover WAL can never be replayed into the restored file), and put back if
  the rename of the new one fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage.atomic import _fsync_folder
from alliance_desktop.storage.backup_format import (
    BackupDamaged,
    BackupHeader,
    OpenedBackup,
    TableSummary,
    digest_key,
    extract_database,
    write_backup,
)
from alliance_desktop.storage.engine import ClinicDatabase, _raw_connect, read_identity, verify_identity
from alliance_desktop.storage.errors import DamagedDatabase

#: Rows fetched per round trip while digesting a table.
_FETCH = 20_000
_SIDE_FILES = ("-wal", "-shm", "-journal")


class CopyMismatch(DamagedDatabase):
    user_message = (
        "The backup copy did not match the database it was made from, so no backup was written. "
        "Try again; if it keeps failing, check the disk."
    )


# ------------------------------------------------------------------------------------- digests


def _tables(con: Any) -> list[tuple[str, bool]]:
    """(name, without_rowid) of every user table, in name order (SQLite's own tables excluded)."""
    rows = con.execute("PRAGMA main.table_list").fetchall()
    found = [(str(r[1]), bool(r[4])) for r in rows if r[2] == "table" and not str(r[1]).startswith("sqlite_")]
    return sorted(found)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(con: Any) -> dict[str, int]:
    return {name: int(con.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]) for name, _ in _tables(con)}


def table_summaries(con: Any, data_key: bytes) -> dict[str, TableSummary]:
    """Row count and keyed content digest of every table, independent of page layout.

    Each row is serialised by SQLite's ``quote()`` (unambiguous for NULL,
    numbers, text and blobs) in rowid order (primary-key order for WITHOUT
    ROWID tables), so two databases with the same rows give the same digest
    however their pages are laid out.
    """
    key = digest_key(data_key)
    result: dict[str, TableSummary] = {}
    for name, without_rowid in _tables(con):
        info = con.execute(f"PRAGMA main.table_info({_quoted(name)})").fetchall()
        columns = [str(c[1]) for c in info]
        if without_rowid:
            pk = [str(c[1]) for c in sorted((c for c in info if c[5]), key=lambda c: c[5])]
            order = ", ".join(_quoted(c) for c in pk)
        else:
            order = "rowid"
        expr = " || ',' || ".join(f"quote({_quoted(c)})" for c in columns) or "''"
        mac = hmac.new(key, name.encode("utf-8") + b"\x00" + ",".join(columns).encode("utf-8") + b"\n",
                       hashlib.sha256)
        count = 0
        cursor = con.execute(f"SELECT {expr} FROM {_quoted(name)} ORDER BY {order}")
        while rows := cursor.fetchmany(_FETCH):
            mac.update("\n".join(r[0] for r in rows).encode("utf-8", "surrogatepass"))
            mac.update(b"\n")
            count += len(rows)
        result[name] = TableSummary(count, mac.hexdigest())
    return result


# ------------------------------------------------------------------------------------- checking


def check_database_file(path: Path, data_key: bytes, *, thorough: bool) -> tuple[int, int, dict[str, TableSummary]]:
    """(application id, schema version, table summaries) of a closed database file, or a StorageError.

    ``thorough`` runs the full ``integrity_check`` (indexes against tables)
    instead of ``quick_check``. Nothing is written: ``query_only`` is set
    before the first statement that could.
    """
    con = _raw_connect(path, data_key)  # DamagedDatabase if the key does not open page 1
    try:
        con.execute("PRAGMA query_only = 1")
        con.execute("PRAGMA cache_size = -65536")
        app_id, version = read_identity(con)
        verify_identity(app_id, version)  # NotOurDatabase / NewerSchema
        if con.execute("PRAGMA cipher_integrity_check").fetchall():
            raise DamagedDatabase("Pages of the backed-up database fail their checksum. Nothing was changed.")
        verdict = con.execute("PRAGMA integrity_check(1)" if thorough else "PRAGMA quick_check(1)").fetchall()
        if verdict != [("ok",)]:
            raise DamagedDatabase("The backed-up database is damaged (integrity check failed). Nothing was changed.")
        tables = table_summaries(con, data_key)
    except sqlcipher.Error:
        raise DamagedDatabase("The backed-up database cannot be read. Nothing was changed.") from None
    finally:
        con.close()
    return app_id, version, tables


def remove_database_files(path: Path) -> None:
    """Delete a scratch database and any side files SQLite left next to it."""
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


# ------------------------------------------------------------------------------------- backup


def _snapshot_copy(db: ClinicDatabase, data_key: bytes, target: Path) -> dict[str, int]:
    """Copy the database into ``target`` with the backup API; the snapshot's row counts."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("BEGIN")  # one read transaction: the counts and the copy see the same snapshot
        try:
            counts = row_counts(raw)
            dest = _raw_connect(target, data_key)
            try:
                raw.backup(dest)
            finally:
                dest.close()
        finally:
            raw.execute("ROLLBACK")
    return counts


def create_backup(db: ClinicDatabase, data_key: bytes, header: BackupHeader, target: Path) -> BackupHeader:
    """Write a verified backup of ``db`` to ``target`` (which must not exist); the header as written.

    ``header`` supplies the descriptive fields (time, app version, key file);
    identity and table summaries are filled in from the copy itself. On any
    failure nothing is left in the target folder.
    """
    if target.exists():
        raise FileExistsError("the backup target exists")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".db.tmp", dir=target.parent)
    os.close(fd)
    scratch = Path(name)
    try:
        counts = _snapshot_copy(db, data_key, scratch)
        app_id, version, tables = check_database_file(scratch, data_key, thorough=False)
        if {name: t.rows for name, t in tables.items()} != counts:
            raise CopyMismatch()
        for suffix in _SIDE_FILES:  # a left-over WAL would not be in the packed file
            if Path(f"{scratch}{suffix}").exists() and Path(f"{scratch}{suffix}").stat().st_size:
                raise CopyMismatch()
        final = BackupHeader(
            created_at=header.created_at,
            app_version=header.app_version,
            database_id=header.database_id,
            application_id=app_id,
            schema_version=version,
            keyfile=header.keyfile,
            tables=tables,
        )
        write_backup(target, final, scratch, data_key)
    finally:
        remove_database_files(scratch)
    return final


# ------------------------------------------------------------------------------------- restore


def stage_restore(opened: OpenedBackup, data_key: bytes, staging: Path, *,
                  thorough: bool = False) -> tuple[int, int, Mapping[str, TableSummary]]:
    """Extract and check a backup's database into ``staging``; removed again if anything fails.

    Checks, in order: the container MAC (on the bytes written), that the key
    opens it, application id and schema version (NotOurDatabase, NewerSchema),
    page HMACs and ``quick_check`` (``thorough``: the full ``integrity_check``),
    and every table's row count and digest against the header.
    """
    header = opened.header
    try:
        extract_database(opened, data_key, staging)
        app_id, version, tables = check_database_file(staging, data_key, thorough=thorough)
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
