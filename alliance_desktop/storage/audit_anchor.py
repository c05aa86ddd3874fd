"""The audit chain's head, anchored outside the database (RELIABILITY row 36).

Why: the hash chain inside the database shows an entry that was edited,
deleted or moved, but not a whole database swapped for an older copy — an
older file carries an older chain that is perfectly intact. So after every
commit that appended audit entries, the newest entry's sequence number and
hash are written to a small file next to the database, authenticated with an
HMAC under a key derived from the data key. At unlock the database's chain is
compared with it: a head below the anchored one (rollback or truncation) or
a different hash at the anchored position (a rewritten chain) is reported.

What the file holds: a count and a SHA-256 chain hash — no names, ids or
times, so it leaks nothing about clients. It is written atomically; when the
write fails (disk full) the commit stands and the anchor simply lags: a
database *ahead* of its anchor is normal after a crash between the two.

The precise gap: the anchor lives in the same folder. Someone who replaces
the database *and* the anchor with older copies of both (a folder snapshot)
is not detected — that looks exactly like restoring a whole-folder backup.
Deleting the anchor is reported once the database has been anchored before
(the log holds ``audit.anchor_created``), unless the swapped-in database is
itself older than the first anchor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from alliance_desktop.storage.atomic import atomic_write_bytes

FORMAT = "alliance-desktop-audit-anchor"
VERSION = 1
_LABEL = b"alliance-desktop/audit-anchor/v1"


class AnchorUnreadable(Exception):
    """The anchor file exists but is not a well-formed anchor (its MAC is checked separately)."""


@dataclass(frozen=True, slots=True)
class Head:
    """The newest audit entry: its sequence number and chain hash."""

    seq: int
    hash: str


def _mac_key(data_key: bytes) -> bytes:
    return hmac.new(bytes(data_key), _LABEL, hashlib.sha256).digest()


def _mac(data_key: bytes, head: Head) -> str:
    return hmac.new(_mac_key(data_key), f"{head.seq}|{head.hash}".encode("ascii"), hashlib.sha256).hexdigest()


def encode(head: Head, data_key: bytes) -> bytes:
    doc = {"format": FORMAT, "version": VERSION, "seq": head.seq, "hash": head.hash, "mac": _mac(data_key, head)}
    return (json.dumps(doc, sort_keys=True) + "\n").encode("ascii")


def decode(raw: bytes, data_key: bytes) -> tuple[Head, bool]:
    """(head, authentic). Raises :class:`AnchorUnreadable` for anything that is not an anchor."""
    try:
        doc = json.loads(raw.decode("ascii"))
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise ValueError("not an anchor")
        seq, digest, mac = doc["seq"], doc["hash"], doc["mac"]
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise ValueError("bad seq")
        if not (isinstance(digest, str) and isinstance(mac, str)):
            raise ValueError("bad fields")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnchorUnreadable(str(exc)) from None
    head = Head(seq, digest)
    return head, hmac.compare_digest(mac, _mac(data_key, head))


def read(path: Path, data_key: bytes) -> tuple[Head, bool] | None:
    """The anchored head and whether its MAC holds; None when there is no anchor file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return decode(raw, data_key)


class AnchorWriter:
    """Writes the anchor after commits; never moves it backwards, never fails a commit.

    Several threads may commit (UI thread and background tasks); a lock and
    the "only forwards" rule keep a late writer from replacing a newer head.
    """

    def __init__(self, path: Path, data_key: bytes) -> None:
        self.path = path
        self._key = bytes(data_key)
        self._lock = threading.Lock()
        self._written = -1
        self.failures = 0

    def __call__(self, seq: int, digest: str) -> None:
        with self._lock:
            if seq <= self._written:
                return
            try:
                atomic_write_bytes(self.path, encode(Head(seq, digest), self._key))
            except OSError:
                self.failures += 1  # the database commit stands; the anchor catches up on the next one
                return
            self._written = seq
