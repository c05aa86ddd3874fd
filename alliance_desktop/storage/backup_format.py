"""The backup file: one self-contained, encrypted, tamper-evident file per backup.

A backup has to be restorable on a machine that has nothing but the file and
the clinic's recovery key (the old computer died). So besides the encrypted
database it carries the clinic's key file: the user wraps and the recovery wrap
are AES-GCM ciphertexts already, so carrying them reveals nothing, and they
let the recovery key (or a password as of the backup) unwrap the data key.

Layout, version 1 (all integers big-endian)::

    offset      size  field
    0           16    magic  b"ALLIANCE-BACKUP\\n"
    16          2     format version (1)
    18          4     header length H (at most 4 MiB)
    22          H     header: UTF-8 JSON object (see BackupHeader)
    22+H        32    SHA-256 of the header bytes
    54+H        8     body length B
    62+H        B     body: the SQLCipher database file, encrypted with the data key
    62+H+B      32    HMAC-SHA256 over bytes [0, 62+H+B), keyed from the data key
    94+H+B      8     end marker b"ADK-END\\n"

The file is exactly 102+H+B bytes long, so a truncated or extended file is
refused before anything else is read. Why two checksums:

- the header SHA-256 needs no key, so a damaged header is reported as
  "damaged", not as "wrong recovery key", and the key file inside it is only
  parsed when it is intact;
- the HMAC needs the data key, so nobody without the key can alter the
  database, the header (its table list and key file) or the lengths and fix
  the checksum up. SQLCipher's per-page HMAC would catch a changed page too,
  but not a swapped, dropped or reordered one; the container MAC covers all.

The header holds ``created_at``, ``app_version``, ``database_id``,
``application_id``, ``schema_version``, ``keyfile`` (the key file's own text)
and ``tables``: per table its row count and a content digest. The digests
are HMACs under a key derived from the data key, so the plaintext header
lets no-one confirm a guess about a table's content; row counts say how big
the clinic is and nothing about anyone in it.

No Qt and no SQLAlchemy: this module only moves bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from alliance_desktop.storage.atomic import FILE_MODE, _fsync_file, _fsync_folder
from alliance_desktop.storage.errors import StorageError

MAGIC = b"ALLIANCE-BACKUP\n"
END_MARKER = b"ADK-END\n"
FORMAT_VERSION = 1
FORMAT_NAME = "alliance-desktop-backup"
MAX_HEADER_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024

_PREFIX = struct.Struct(">16sHI")  # magic, version, header length
_BODY_LEN = struct.Struct(">Q")
_SHA = 32
_MAC = 32
_MAC_LABEL = b"alliance-desktop/backup/mac/v1"
_DIGEST_LABEL = b"alliance-desktop/backup/table-digest/v1"
_HEADER_FIELDS = frozenset(
    {"format", "created_at", "app_version", "database_id", "application_id", "schema_version", "keyfile", "tables"}
)


class BackupFileError(StorageError):
    user_message = "The backup file cannot be used. Nothing was changed."


class NotABackupFile(BackupFileError):
    user_message = "This file is not an Alliance Desktop backup. Nothing was changed."


class BackupDamaged(BackupFileError):
    user_message = (
        "The backup file is damaged, incomplete or was altered after it was made, so it cannot be restored. "
        "Nothing was changed."
    )


class UnsupportedBackup(BackupFileError):
    user_message = "This backup was made by a newer Alliance Desktop. Update the app to restore it. Nothing was changed."


@dataclass(frozen=True)
class TableSummary:
    rows: int
    digest: str  # hex HMAC-SHA256 of the table's rows (see storage.backup.table_summaries)


@dataclass(frozen=True)
class BackupHeader:
    """What a backup says about itself; everything here is stored in the clear (no PHI, no key)."""

    created_at: str
    app_version: str
    database_id: str
    application_id: int
    schema_version: int
    keyfile: bytes
    tables: Mapping[str, TableSummary] = field(default_factory=dict)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)

    def to_bytes(self) -> bytes:
        document = {
            "format": FORMAT_NAME,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "database_id": self.database_id,
            "application_id": self.application_id,
            "schema_version": self.schema_version,
            "keyfile": self.keyfile.decode("ascii"),
            "tables": {name: {"rows": t.rows, "digest": t.digest} for name, t in sorted(self.tables.items())},
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")

    @classmethod
    def from_bytes(cls, raw: bytes) -> BackupHeader:
        """Strict parse; the caller has already checked the header's SHA-256, so problems mean a bad writer."""
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BackupDamaged("The backup's header cannot be read. Nothing was changed.") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME or set(doc) != _HEADER_FIELDS:
            raise BackupDamaged("The backup's header is not in the expected form. Nothing was changed.")
        try:
            tables = {str(name): TableSummary(_int(t["rows"]), _hex(t["digest"])) for name, t in doc["tables"].items()}
            header = cls(
                created_at=_utc(doc["created_at"]),
                app_version=str(doc["app_version"]),
                database_id=str(doc["database_id"]),
                application_id=_int(doc["application_id"]),
                schema_version=_int(doc["schema_version"]),
                keyfile=str(doc["keyfile"]).encode("ascii"),
                tables=tables,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BackupDamaged("The backup's header has missing or impossible values. Nothing was changed.") from None
        return header


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("not a count")
    return value


def _hex(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64:
        raise ValueError("not a digest")
    bytes.fromhex(value)
    return value


def _utc(value: Any) -> str:
    if not isinstance(value, str) or datetime.fromisoformat(value).utcoffset() != timedelta(0):
        raise ValueError("not a UTC time")
    return value


# ------------------------------------------------------------------------------------- keys


def mac_key(data_key: bytes) -> bytes:
    """The container MAC key: derived, so the raw data key is never used for two purposes."""
    return hmac.new(data_key, _MAC_LABEL, hashlib.sha256).digest()


def digest_key(data_key: bytes) -> bytes:
    """The key of the per-table content digests in the header."""
    return hmac.new(data_key, _DIGEST_LABEL, hashlib.sha256).digest()


# ------------------------------------------------------------------------------------- writing


def write_backup(target: Path, header: BackupHeader, body: Path, data_key: bytes) -> None:
    """Pack ``body`` (an encrypted database file) with ``header`` into ``target``, crash-safely.

    Written to a temporary file in the target folder, fsynced, read back and
    checked against its MAC, and only then renamed onto ``target``: a backup
    that is reported done has been verified on disk, and a failure at any
    point leaves nothing behind (RELIABILITY.md row 4).
    """
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if os.name != "nt":
                os.fchmod(out.fileno(), FILE_MODE)
            _write_container(out, header, body, data_key)
            out.flush()
            _fsync_file(out.fileno())
        verify_backup_file(tmp, data_key)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _write_container(out: BinaryIO, header: BackupHeader, body: Path, data_key: bytes) -> None:
    mac = hmac.new(mac_key(data_key), digestmod=hashlib.sha256)

    def put(chunk: bytes) -> None:
        mac.update(chunk)
        out.write(chunk)

    raw_header = header.to_bytes()
    if len(raw_header) > MAX_HEADER_BYTES:
        raise ValueError("backup header too large")
    size = body.stat().st_size
    put(_PREFIX.pack(MAGIC, FORMAT_VERSION, len(raw_header)))
    put(raw_header)
    put(hashlib.sha256(raw_header).digest())
    put(_BODY_LEN.pack(size))
    written = 0
    with body.open("rb") as src:
        while chunk := src.read(CHUNK):
            put(chunk)
            written += len(chunk)
    if written != size:
        raise OSError("the database copy changed while it was being packed")
    out.write(mac.digest())
    out.write(END_MARKER)


# ------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class OpenedBackup:
    """A backup whose structure and header checksum hold (the MAC is checked with the key later)."""

    path: Path
    header: BackupHeader
    body_offset: int
    body_size: int


def read_backup(path: Path) -> OpenedBackup:
    """Check the structure without any key: magic, version, exact size, header checksum, end marker."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            prefix = fh.read(_PREFIX.size)
            if len(prefix) < len(MAGIC) or prefix[: len(MAGIC)] != MAGIC:
                raise NotABackupFile()
            if len(prefix) < _PREFIX.size:
                raise BackupDamaged()
            _magic, version, header_len = _PREFIX.unpack(prefix)
            if version > FORMAT_VERSION:
                raise UnsupportedBackup()
            if version != FORMAT_VERSION or header_len > MAX_HEADER_BYTES:
                raise BackupDamaged()
            raw_header = fh.read(header_len)
            stored_sha = fh.read(_SHA)
            body_len_raw = fh.read(_BODY_LEN.size)
            if len(raw_header) != header_len or len(stored_sha) != _SHA or len(body_len_raw) != _BODY_LEN.size:
                raise BackupDamaged()
            (body_len,) = _BODY_LEN.unpack(body_len_raw)
            body_offset = _PREFIX.size + header_len + _SHA + _BODY_LEN.size
            if size != body_offset + body_len + _MAC + len(END_MARKER):
                raise BackupDamaged()
            if not hmac.compare_digest(hashlib.sha256(raw_header).digest(), stored_sha):
                raise BackupDamaged()
            fh.seek(size - len(END_MARKER))
            if fh.read(len(END_MARKER)) != END_MARKER:
                raise BackupDamaged()
    except FileNotFoundError:
        raise NotABackupFile("There is no backup file at this place. Nothing was changed.") from None
    except IsADirectoryError:
        raise NotABackupFile("This is a folder, not a backup file. Nothing was changed.") from None
    return OpenedBackup(path, BackupHeader.from_bytes(raw_header), body_offset, body_len)


def _chunks(opened: OpenedBackup, data_key: bytes) -> Iterator[bytes]:
    """Yield the body chunk by chunk; raise BackupDamaged at the end if the MAC does not hold."""
    mac = hmac.new(mac_key(data_key), digestmod=hashlib.sha256)
    with opened.path.open("rb") as fh:
        mac.update(fh.read(opened.body_offset))
        remaining = opened.body_size
        while remaining:
            chunk = fh.read(min(CHUNK, remaining))
            if not chunk:
                raise BackupDamaged()
            mac.update(chunk)
            remaining -= len(chunk)
            yield chunk
        stored = fh.read(_MAC)
    if not hmac.compare_digest(mac.digest(), stored):
        raise BackupDamaged()


def verify_backup_file(path: Path, data_key: bytes) -> OpenedBackup:
    """Structure plus MAC: the whole file is as written by someone holding the data key."""
    opened = read_backup(path)
    for _ in _chunks(opened, data_key):
        pass
    return opened


def extract_database(opened: OpenedBackup, data_key: bytes, out: Path) -> None:
    """Write the body to a new file ``out`` (fsynced), checking the MAC on the very bytes written.

    Checking while copying (not before) means a file changed between a
    verification and the copy cannot slip through. On a bad MAC ``out`` is removed.
    """
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in _chunks(opened, data_key):
                fh.write(chunk)
            fh.flush()
            _fsync_file(fh.fileno())
    except BaseException:
        out.unlink(missing_ok=True)
        raise
