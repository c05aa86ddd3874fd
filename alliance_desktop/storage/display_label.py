"""The clinic's name, sealed under its data key, for the kiosk's first screen.

Why this exists: a kiosk started by a staff login should show its welcome
screen the moment the password is known to be right. Until then the name on
that screen lives only in the encrypted database, and opening the database
means importing the database layer (SQLAlchemy, about a third of a second)
and reading it. With the name in this small file the welcome screen is
painted first and the database opens while the client reads it.

Why sealed and not plain text: the name is not health information, but
nothing about the clinic needs to lie around in readable form, and sealing
costs nothing: the data key is already at hand after the password check.
AES-256-GCM with a key derived from the data key (HKDF-SHA256, its own
``info`` so it can never equal a key used elsewhere), the clinic's database
id as associated data (a label copied from another clinic fails to open).

What it is not: a source of truth. The database's ``clinic_name`` setting is;
this file is rewritten whenever a login finds it missing or different. A
missing, damaged or foreign file only means the kiosk opens the database
before its first screen, as it did before the file existed.

Why it names the schema version (in the associated data): the first login
after an update of the app that changes the schema must update the database
before anything opens it, with its progress on screen
(``services.schema_update``). A label sealed by a build with another schema
does not open, so that login takes the ordinary way in; the label is sealed
again once the database is current. (It names the build's schema, not the
file's: an older file put in place by hand, not by a restore, which updates
what it restores, would still be updated, only after the kiosk's first
paint, behind its welcome page.)
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from alliance_desktop.storage.atomic import atomic_write_bytes
from alliance_desktop.storage.schema_version import SCHEMA_VERSION

FORMAT = "alliance-desktop display label"
VERSION = 2
_INFO = b"alliance-desktop display label v1"
_NONCE_BYTES = 12
#: A clinic name is short; anything much larger is not a label this code wrote.
_MAX_FILE_BYTES = 8192


def _key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(data_key)


def _bound_to(database_id: str) -> bytes:
    """The associated data: this clinic, at this build's schema version."""
    return f"{database_id}\nschema {SCHEMA_VERSION}".encode("ascii")


def write_label(path: Path, data_key: bytes, database_id: str, name: str) -> None:
    """Seal ``name`` for the clinic ``database_id`` and replace the file atomically."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(data_key)).encrypt(nonce, name.encode("utf-8"), _bound_to(database_id))
    body = {"format": FORMAT, "version": VERSION,
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "sealed": base64.b64encode(sealed).decode("ascii")}
    atomic_write_bytes(path, json.dumps(body, separators=(",", ":")).encode("ascii"))


def read_label(path: Path, data_key: bytes, database_id: str) -> str | None:
    """The sealed name, or None when the file is missing, damaged, foreign or of another version."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if len(raw) > _MAX_FILE_BYTES:
        return None
    try:
        body = json.loads(raw)
        if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("version") != VERSION:
            return None
        nonce = base64.b64decode(body["nonce"], validate=True)
        sealed = base64.b64decode(body["sealed"], validate=True)
        if len(nonce) != _NONCE_BYTES:
            return None
        plain = AESGCM(_key(data_key)).decrypt(nonce, sealed, _bound_to(database_id))
        return plain.decode("utf-8")
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidTag, UnicodeError):
        return None
