"""The backup file: one self-contained, encrypted, tamper-evident file per backup.

A backup has to be restorable on a machine that has nothing but the file and
the clinic's recovery key (the old computer died). So besides the encrypted
database it carries the clinic's key file: the user wraps and the recovery wrap
are AES-GCM ciphertexts already, so carrying them reveals nothing, and they
let the recovery key (or a password as of the backup) unwrap the data key.

Layout, versions 2 to 4 (4 is written now; all integers big-endian)::

    offset      size  field
    0           B     body: the SQLCipher database file, encrypted with the data key
    B           H     header: UTF-8 JSON object (see BackupHeader)
    B+H         32    SHA-256 of the header bytes
    B+H+32      8     body length B
    B+H+40      4     header length H (at most 4 MiB)
    B+H+44      2     format version (4; 2 or 3 in older files)
    B+H+46      16    magic  b"ALLIANCE-BACKUP\\n"
    B+H+62      32    HMAC-SHA256 over bytes [0, B+H+62), keyed from the data key
    B+H+94      8     end marker b"ADK-END\\n"

Version 3 has the version 2 layout; it differs only in the per-table digests
its header carries (``storage.digest_text``: one ``json_array`` per row
instead of ``quote()`` of every value, and WITHOUT ROWID tables cut into key
ranges), which cost about a third less to compute. The version in the
trailer says which digest a restore recomputes (``table_digest.scheme_for``);
it is covered by the MAC, so nobody without the key can make a restore
check a file against the other kind. Files of versions 1 and 2 keep their
digest text and are verified exactly as before.

Version 4 is version 3 whose body may be in the current page layout
(storage/cipher_layout.py: 8 KiB pages, HMAC-SHA256); a restore finds the
layout by trying the known ones. The number went up so that a build from
before that layout says "made by a newer Alliance Desktop" instead of calling
a body it cannot read damaged.

Why the body comes first (version 2): the backup is made *in place*. The
online-backup copy is written straight into a scratch file in the target
folder; after it is checked, the header and MAC are appended to that same
file and it is renamed onto the target. Version 1 put the header first, so
the 1.8 GB body of the large demo had to be copied a second time into the
container and read back once more (about 4 s of 55). Now the body MAC is
computed in one streaming read of the finished copy (1.1 s, on a core that
is otherwise idle) and only the trailer is written and read back.

Layout, version 1 (still read, no longer written)::

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

Either file is exactly 102+H+B bytes long, so a truncated or extended file is
refused before anything else is read. A file is recognised as version 1 by
the magic at its start, as version 2 to 4 by the magic and end marker at its end
(a SQLCipher file starts with 16 random salt bytes, never with the magic).
A version 2 file cut inside its header is still told apart by the header's
start (damaged); one that lost its whole trailer looks like any other file,
so that message says it is not a backup *or* one cut short.
Why two checksums:

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from alliance_desktop.storage.atomic import FILE_MODE, _fsync_file, _fsync_folder
from alliance_desktop.storage.errors import StorageError

MAGIC = b"ALLIANCE-BACKUP\n"
END_MARKER = b"ADK-END\n"
FORMAT_VERSION = 4
#: Versions with the trailer layout (body first); 3 differs from 2 only in its table digests (storage.digest_text),
#: 4 from 3 only in the page layouts its body may have.
_TRAILER_VERSIONS = frozenset({2, 3, 4})
FORMAT_NAME = "alliance-desktop-backup"
MAX_HEADER_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024

_PREFIX = struct.Struct(">16sHI")  # version 1: magic, version, header length
_BODY_LEN = struct.Struct(">Q")  # version 1: body length
_TAIL = struct.Struct(">32sQIH16s")  # version 2: header SHA-256, body length, header length, version, magic
_HEADER_START = b'{"app_version":'  # how every header starts (sorted keys): a backup cut inside it is ours
_NO_MARK = (
    "This file is not an Alliance Desktop backup, or it is one that was cut short (copied or saved incompletely). "
    "Nothing was changed."
)
_SEARCH_TAIL = 64 * 1024  # how far from the end a version 2 magic is looked for (to call a file damaged, not foreign)
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
    digest: str  # hex HMAC-SHA256 of the table's rows (see storage.table_digest)


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


@dataclass(frozen=True)
class BodyMac:
    """The container MAC after the body bytes, and what the body file looked like when it was read."""

    state: Any  # hmac.HMAC over the body, not finalised
    size: int
    mtime_ns: int


def mac_body(body: Path, data_key: bytes, *, between_chunks: Callable[[], object] | None = None) -> BodyMac:
    """Stream ``body`` once through the container MAC (``hashlib`` releases the GIL, so this runs in parallel).

    ``between_chunks`` is called before each 8 MiB chunk; whatever it raises ends the reading (a cancelled backup).
    """
    mac = hmac.new(mac_key(data_key), digestmod=hashlib.sha256)
    buf = bytearray(8 * CHUNK)
    view = memoryview(buf)
    size = 0
    with body.open("rb", buffering=0) as fh:
        before = os.fstat(fh.fileno())
        while True:
            if between_chunks is not None:
                between_chunks()
            n = fh.readinto(buf)
            if not n:
                break
            mac.update(view[:n])
            size += n
    if size != before.st_size:
        raise OSError("the database copy changed while it was being read")
    return BodyMac(mac, size, before.st_mtime_ns)


def seal_backup(body: Path, header: BackupHeader, data_key: bytes, target: Path, mac: BodyMac | None = None, *,
                version: int = FORMAT_VERSION) -> None:
    """Turn the database file ``body`` into the backup ``target``: append the trailer, check, fsync, rename.

    ``body`` must be in the target's folder (it is renamed, not copied);
    ``mac`` is :func:`mac_body` of it if the caller already has it (computed
    while other checks ran). The body must not have changed since: its size
    and modification time are compared, and a write after the MAC was taken
    is refused. The trailer is read back from the file and the MAC completed
    over those very bytes before the rename, so a backup that is reported done
    has been verified as stored (RELIABILITY.md row 4). On failure ``body`` is
    left for the caller to remove (it is the caller's scratch file).

    ``version`` is what the trailer says; anything but the current version
    only serves tests that need a file as an older writer made it (the
    header's digests must then be of that version's kind, see
    ``table_digest.scheme_for``).
    """
    if version not in _TRAILER_VERSIONS:
        raise ValueError("only versions with a trailer can be sealed")
    if mac is None:
        mac = mac_body(body, data_key)
    raw_header = header.to_bytes()
    if len(raw_header) > MAX_HEADER_BYTES:
        raise ValueError("backup header too large")
    trailer = raw_header + _TAIL.pack(hashlib.sha256(raw_header).digest(), mac.size, len(raw_header),
                                      version, MAGIC)
    final = mac.state.copy()
    final.update(trailer)
    with body.open("r+b") as fh:
        now = os.fstat(fh.fileno())
        if now.st_size != mac.size or now.st_mtime_ns != mac.mtime_ns:
            raise OSError("the database copy changed after it was checked")
        if os.name != "nt":
            os.fchmod(fh.fileno(), FILE_MODE)
        fh.seek(mac.size)
        fh.write(trailer + final.digest() + END_MARKER)
        fh.flush()
        _fsync_file(fh.fileno())
    opened = read_backup(body)  # structure and header checksum, as a restore will see them
    check = mac.state.copy()
    with body.open("rb") as fh:
        fh.seek(mac.size)
        stored = fh.read(len(trailer) + _MAC)
    check.update(stored[: len(trailer)])
    if opened.body_size != mac.size or not hmac.compare_digest(check.digest(), stored[len(trailer):]):
        raise BackupDamaged("The backup did not read back as it was written. Nothing was left behind.")
    os.replace(body, target)
    _fsync_folder(target.parent)


def write_backup(target: Path, header: BackupHeader, body: Path, data_key: bytes, *,
                 version: int = FORMAT_VERSION) -> None:
    """Pack a copy of ``body`` (an encrypted database file) with ``header`` into ``target``, crash-safely.

    The body is copied to a temporary file in the target folder, which is then
    sealed (:func:`seal_backup`); a failure at any point leaves nothing behind.
    ``create_backup`` does not copy: it seals its scratch copy in place.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, body.open("rb") as src:
            while chunk := src.read(CHUNK):
                out.write(chunk)
        seal_backup(tmp, header, data_key, target, version=version)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class OpenedBackup:
    """A backup whose structure and header checksum hold (the MAC is checked with the key later).

    The MAC covers ``[0, mac_offset)``; the body is ``[body_offset, body_offset + body_size)`` inside it.
    """

    path: Path
    header: BackupHeader
    body_offset: int
    body_size: int
    version: int
    mac_offset: int


def read_backup(path: Path) -> OpenedBackup:
    """Check the structure without any key: magic, version, exact size, header checksum, end marker."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(MAGIC))
            if head == MAGIC:
                return _read_v1(path, fh, size)
            return _read_v2(path, fh, size)
    except FileNotFoundError:
        raise NotABackupFile("There is no backup file at this place. Nothing was changed.") from None
    except IsADirectoryError:
        raise NotABackupFile("This is a folder, not a backup file. Nothing was changed.") from None


def _read_v1(path: Path, fh: BinaryIO, size: int) -> OpenedBackup:
    fh.seek(0)
    prefix = fh.read(_PREFIX.size)
    if len(prefix) < _PREFIX.size:
        raise BackupDamaged()
    _magic, version, header_len = _PREFIX.unpack(prefix)
    if version > FORMAT_VERSION:
        raise UnsupportedBackup()
    if version != 1 or header_len > MAX_HEADER_BYTES:
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
    return OpenedBackup(path, BackupHeader.from_bytes(raw_header), body_offset, body_len, 1, body_offset + body_len)


def _read_v2(path: Path, fh: BinaryIO, size: int) -> OpenedBackup:
    end = _TAIL.size + _MAC + len(END_MARKER)
    fh.seek(max(0, size - _SEARCH_TAIL))
    last = fh.read(_SEARCH_TAIL)
    if size < end or MAGIC not in last:
        if _HEADER_START in last:
            raise BackupDamaged()  # a version 2 backup cut inside its header
        # No mark of a backup near the end: some other file, or a version 2 backup that lost its whole
        # trailer (its body is a SQLCipher file, which looks like random bytes): the message says both.
        raise NotABackupFile(_NO_MARK)
    tail = last[-end:]
    stored_sha, body_len, header_len, version, magic = _TAIL.unpack(tail[: _TAIL.size])
    if magic != MAGIC or tail[-len(END_MARKER):] != END_MARKER:
        raise BackupDamaged()  # ours, but extended or cut
    if version > FORMAT_VERSION:
        raise UnsupportedBackup()
    if version not in _TRAILER_VERSIONS or header_len > MAX_HEADER_BYTES or size != body_len + header_len + end:
        raise BackupDamaged()
    fh.seek(body_len)
    raw_header = fh.read(header_len)
    if len(raw_header) != header_len or not hmac.compare_digest(hashlib.sha256(raw_header).digest(), stored_sha):
        raise BackupDamaged()
    return OpenedBackup(path, BackupHeader.from_bytes(raw_header), 0, body_len, version, size - _MAC - len(END_MARKER))


def _chunks(opened: OpenedBackup, data_key: bytes) -> Iterator[bytes]:
    """Yield the body chunk by chunk; raise BackupDamaged at the end if the MAC does not hold."""
    mac = hmac.new(mac_key(data_key), digestmod=hashlib.sha256)
    body_end = opened.body_offset + opened.body_size
    with opened.path.open("rb") as fh:
        mac.update(fh.read(opened.body_offset))
        remaining = opened.body_size
        while remaining:
            chunk = fh.read(min(8 * CHUNK, remaining))
            if not chunk:
                raise BackupDamaged()
            mac.update(chunk)
            remaining -= len(chunk)
            yield chunk
        after = fh.read(opened.mac_offset - body_end)  # version 2: header and tail after the body
        if len(after) != opened.mac_offset - body_end:
            raise BackupDamaged()
        mac.update(after)
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
