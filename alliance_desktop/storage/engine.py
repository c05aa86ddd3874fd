"""The encrypted SQLCipher engine: the one module that knows it talks to SQLite.

Why it looks the way it does:
- The database is opened with a random 256-bit *raw* key (``PRAGMA key =
  "x'..'"``) set in the connection creator, never in a URL: a URL ends up in
  logs and exception text. A raw key skips SQLCipher's 100 ms PBKDF2, because
  the key was already stretched by Argon2id when it was unwrapped.
- Right after keying we read ``sqlite_master``: ``PRAGMA key`` never fails, the
  first read does, so a wrong key or damaged page 1 fails here and not later.
- The application id and schema version are read *before* anything writes
  (journal mode changes write the header), so a foreign or newer file is
  refused untouched.
- ``temp_store=MEMORY`` keeps sort/temp data out of plaintext temp files.
- ``BEGIN`` is emitted by us (the pysqlite driver's implicit transactions are
  off), and write units of work take ``BEGIN IMMEDIATE`` so two writers queue
  on ``busy_timeout`` instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlcipher

from alliance_desktop.storage import audit, sqlite_runtime
from alliance_desktop.storage.atomic import FILE_MODE, _fsync_folder
from alliance_desktop.storage.cipher_layout import CURRENT, KNOWN, CipherLayout, layout_of
from alliance_desktop.storage.errors import (
    DamagedDatabase,
    DatabaseMissing,
    EmptyDatabaseFile,
    NewerSchema,
    NotOurDatabase,
)
from alliance_desktop.storage.failures import storage_failures
from alliance_desktop.storage.schema_version import APPLICATION_ID, SCHEMA_VERSION
from alliance_desktop.storage.self_test import assert_safe

SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
#: "file is not a database": what SQLCipher says when page 1 does not authenticate (wrong key or layout).
SQLITE_NOTADB = 26
BUSY_TIMEOUT_MS = 10_000

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",
    # 32 MiB page cache per connection (SQLCipher's default is ~8 MB): a caseload touches
    # ~2,000 pages, and each page re-read from disk is decrypted again.
    "PRAGMA cache_size = -32768",
)


def _key_pragma(data_key: bytes) -> str:
    if len(data_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def _connect(path: Path, *, must_exist: bool = False) -> Any:
    """A sqlcipher3 connection, not keyed yet; ``must_exist`` opens with ``mode=rw``, so a missing file is an error.

    Every connection of the app is made here, so the process-wide SQLite
    settings (``sqlite_runtime.prepare``) are made before the first one opens.
    """
    sqlite_runtime.prepare()
    if must_exist:
        return sqlcipher.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, check_same_thread=False,
                                 isolation_level=None)
    return sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)


def _key(con: Any, data_key: bytes, layout: CipherLayout = CURRENT) -> None:
    """Key a new connection with ``layout`` and read page 1 (a wrong key, layout or a foreign file fails here)."""
    con.execute("PRAGMA cipher_log_level = NONE")
    con.execute(_key_pragma(data_key))
    for pragma in layout.pragmas():
        con.execute(pragma)
    con.execute("SELECT count(*) FROM sqlite_master").fetchone()


def _raw_connect(path: Path, data_key: bytes, layout: CipherLayout | None = None) -> Any:
    """Connect and key; raise DamagedDatabase if the key does not open page 1.

    Without ``layout`` every known layout is tried, the current one first
    (storage/cipher_layout.py); a new, empty file gets the current one.
    """
    for candidate in (layout,) if layout is not None else KNOWN:
        con = _connect(path)
        try:
            _key(con, data_key, candidate)
        except sqlcipher.DatabaseError as exc:
            con.close()
            if getattr(exc, "sqlite_errorcode", None) == SQLITE_NOTADB:
                continue  # page 1 did not authenticate: another layout (or the wrong key, a foreign file)
            raise DamagedDatabase() from None
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return con
    raise DamagedDatabase()


def check_file_before_open(path: Path) -> None:
    """Refuse files that must never be opened as a clinic database, without touching them."""
    if not path.exists():
        raise DatabaseMissing()
    if not path.is_file():
        raise NotOurDatabase("The database path is not a regular file.")
    size = path.stat().st_size
    if size == 0:
        raise EmptyDatabaseFile()
    with path.open("rb") as fh:
        head = fh.read(16)
    if head == SQLITE_PLAIN_HEADER:
        raise NotOurDatabase(
            "This is an unencrypted SQLite file, not an Alliance Desktop database. Nothing was changed."
        )


def check_whole_pages(path: Path, con: Any) -> None:
    """Refuse a main file that ends inside a page: it was cut short (RELIABILITY row 7).

    SQLite only ever writes and truncates the main file in whole pages, and it
    refuses a file shorter than the page count in its header by itself; but a
    file cut *inside* its last page still opens (the missing tail reads as
    zeros until that page is needed), so the remainder is checked here.
    """
    page_size = int(con.execute("PRAGMA page_size").fetchone()[0])
    if page_size > 0 and path.stat().st_size % page_size:
        raise DamagedDatabase(
            "The clinic database file is cut short (it ends in the middle of a page): it is damaged. "
            "Restore it from a backup. Nothing was changed."
        )


def read_identity(con: Any) -> tuple[int, int]:
    """(application_id, user_version) of an open, keyed connection."""
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    return int(app_id), int(version)


def verify_identity(app_id: int, version: int) -> None:
    if app_id != APPLICATION_ID:
        raise NotOurDatabase()
    if version > SCHEMA_VERSION:
        raise NewerSchema()


class OutdatedSchema(Exception):
    """The file is ours but older than this build: migrate (after a backup) before opening."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema version {version} < {SCHEMA_VERSION}")
        self.version = version


class ClinicDatabase:
    """An open clinic database: an engine plus read and write units of work."""

    def __init__(self, path: Path, engine: sa.Engine, layout: CipherLayout = CURRENT) -> None:
        self.path = path
        self.engine = engine
        #: The file's page layout (storage/cipher_layout.py): every pooled connection opens with it.
        self.layout = layout
        self._write_engine = engine.execution_options(begin_immediate=True)
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        self.on_audit_commit: Callable[[int, str], None] | None = None

    @property
    def layout_current(self) -> bool:
        """False for a file in an older page layout: it works, and the login's update rewrites it (storage/relayout.py)."""
        return self.layout == CURRENT

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (deferred transaction, rolled back at the end).

        Disk and damage errors come out as StorageError subclasses (storage/failures.py).
        """
        with storage_failures(), self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on error.

        A full disk, an I/O error or a damaged page raise ``DiskFull``, ``DiskError`` or
        ``DamagedDatabase`` after the rollback (storage/failures.py, RELIABILITY rows 5-6).
        After a commit that appended audit entries, ``on_audit_commit(seq, hash)``
        (when set) anchors the chain's new head outside the database (audit_anchor.py).
        """
        with storage_failures(), self._write() as session:
            with session.begin():
                yield session
            head = session.info.pop(audit.HEAD_INFO_KEY, None)
        if head is not None and self.on_audit_commit is not None:
            self.on_audit_commit(*head)

    def dispose(self) -> None:
        """Close every pooled connection (used on lock and log-out: no key stays in SQLCipher)."""
        self.engine.dispose()


def _make_engine(path: Path, data_key: bytes, on_connect: Callable[[Any], None],
                 layout: CipherLayout = CURRENT) -> sa.Engine:
    key = bytes(data_key)

    def creator() -> Any:
        con = _raw_connect(path, key, layout)  # the layout found at open: no other one is tried per connection
        try:
            on_connect(con)
        except BaseException:
            con.close()
            raise
        return con

    # A file URL (not "sqlite://") so SQLAlchemy picks a QueuePool, not SingletonThreadPool.
    # ``module=`` makes SQLAlchemy classify sqlcipher3's exceptions (IntegrityError, ...) instead of
    # the stdlib sqlite3 module's, which must never be loaded next to SQLCipher (RELIABILITY row 13).
    engine = sa.create_engine(
        f"sqlite:///{path.as_posix()}", creator=creator, module=sqlcipher, pool_size=4, max_overflow=4
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get("begin_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _apply_pragmas(con: Any) -> None:
    """Set the durability and privacy pragmas, then prove they hold (storage/self_test.py, row 37).

    Every connection is checked before it reads a row: a connection that fails
    raises ``UnsafeConfiguration`` and is closed by the creator.
    """
    for pragma in _PRAGMAS:
        con.execute(pragma)
    assert_safe(con)


def keep_private(path: Path) -> None:
    """Owner-only permissions on the database and the side files SQLite made next to it.

    SQLite creates the file with the process umask (often 0644) and gives its
    ``-wal``/``-shm``/``-journal`` the main file's mode. The contents are
    encrypted either way, but like every other file of the clinic they are
    nobody else's to read or copy. POSIX only: elsewhere the folder's access
    rules apply. A database created by an older version gets fixed on open.
    """
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):  # missing, not ours to change, read-only media: opening says more
            if side.stat().st_mode & 0o077:
                os.chmod(side, FILE_MODE)


def open_database(path: Path, data_key: bytes, *, allow_older: bool = False) -> ClinicDatabase:
    """Open an existing clinic database at the current schema version.

    Raises a StorageError subclass for every file that is not a healthy
    database of ours; none of those paths writes to the file. An older schema
    raises ``OutdatedSchema``: the caller backs up and migrates first
    (``storage.migrate.upgrade_database``).
    """
    check_file_before_open(path)
    keep_private(path)
    probe = _raw_connect(path, data_key)
    try:
        app_id, version = read_identity(probe)
        check_whole_pages(path, probe)
        layout = layout_of(probe)
    finally:
        probe.close()
    verify_identity(app_id, version)
    if version < SCHEMA_VERSION and not allow_older:
        raise OutdatedSchema(version)

    def on_connect(con: Any) -> None:
        verify_identity(*read_identity(con))
        _apply_pragmas(con)

    return ClinicDatabase(path, _make_engine(path, data_key, on_connect, layout), layout)


def open_for_migration(path: Path, data_key: bytes) -> ClinicDatabase:
    """Open an older-schema database of ours so that ``migrate.upgrade_to_head`` can run on it."""
    return open_database(path, data_key, allow_older=True)


def schema_version_of(path: Path, data_key: bytes) -> int:
    """Read the schema version without writing (for the migration decision)."""
    return _version_and_layout(path, data_key)[0]


def update_due(path: Path, data_key: bytes) -> int | None:
    """The schema version of a database this build updates at the login (older schema or page layout), else None.

    Reads without writing. Only an older schema must be updated before the
    database can be used; an older page layout (storage/cipher_layout.py) is
    rewritten when it can be, and works as it is until then.
    """
    version, layout = _version_and_layout(path, data_key)
    return version if version < SCHEMA_VERSION or layout != CURRENT else None


def _version_and_layout(path: Path, data_key: bytes) -> tuple[int, CipherLayout]:
    check_file_before_open(path)
    con = _raw_connect(path, data_key)
    try:
        app_id, version = read_identity(con)
        layout = layout_of(con)
    finally:
        con.close()
    if app_id != APPLICATION_ID:
        raise NotOurDatabase()
    return version, layout


def create_database(path: Path, data_key: bytes) -> ClinicDatabase:
    """Create a brand-new clinic database file (never over an existing file)."""
    if path.exists():
        raise FileExistsError("A file already exists where the new database would go; nothing was changed.")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Made here, empty and owner-only, so that SQLite (which turns an empty file into a new
    # database) never creates it with the umask's mode; its side files then inherit 0600.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    con = _raw_connect(path, data_key)
    try:
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        _apply_pragmas(con)
    finally:
        con.close()

    def on_connect(con: Any) -> None:
        app_id, _version = read_identity(con)
        if app_id != APPLICATION_ID:
            raise NotOurDatabase()
        _apply_pragmas(con)

    return ClinicDatabase(path, _make_engine(path, data_key, on_connect))


def export_into(raw: Any, target: Path, data_key: bytes, layout: CipherLayout) -> None:
    """``sqlcipher_export`` of ``raw``'s database into the existing, empty file ``target``, keyed, in ``layout``.

    The copy keeps the application id and the schema version (``PRAGMA``
    values that the export does not carry over by itself).
    """
    app_id, version = read_identity(raw)
    raw.execute(f"ATTACH DATABASE ? AS export KEY \"x'{data_key.hex()}'\"", (str(target),))
    try:
        for pragma in layout.pragmas("export"):
            raw.execute(pragma)
        raw.execute("SELECT sqlcipher_export('export')")
        raw.execute(f"PRAGMA export.application_id = {app_id}")
        raw.execute(f"PRAGMA export.user_version = {version}")
    finally:
        raw.execute("DETACH DATABASE export")


#: What ``export_encrypted_copy`` adds to its target's name until the copy is whole.
PARTIAL_SUFFIX = ".partial"


def export_encrypted_copy(db: ClinicDatabase, target: Path, data_key: bytes) -> None:
    """Write a consistent encrypted copy of a live database (SQLCipher's ``sqlcipher_export``).

    Never a file copy: a live WAL database copied byte by byte can be torn.
    The copy keeps the application id, the schema version and the page
    layout (the copy before an update must open in the build before it). It is written under
    ``target`` + ``.partial`` and renamed when whole, so a copy cut short (the
    process killed, the disk full) never has the name of a finished one; a
    ``.partial`` left over from such a time is replaced.
    """
    if target.exists():
        raise FileExistsError("backup target exists")
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
    # Owner-only from the start, as the database itself (SQLite would create it with the umask's mode).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        export_into(raw, partial, data_key, layout_of(raw))
    os.replace(partial, target)
    _fsync_folder(target.parent)
