"""The clinic database's data key and the wraps that protect it.

Design (DESIGN.md section 3, RELIABILITY.md rows 4, 9, 31):

* The SQLCipher database is encrypted with a random 256-bit *data key*, not
  with a key derived from anybody's password. The data key is *wrapped*
  (encrypted with AES-256-GCM) once per user account, under a key derived
  from that user's password with Argon2id, and once under a *recovery key*
  shown a single time at setup. The wraps live in a small JSON key file
  next to the database.
* Why wrap instead of deriving the database key from a password: several
  people share one database, each with their own password; changing or
  resetting a password only writes a new wrap (milliseconds, crash-safe via
  :mod:`atomic`) and never re-encrypts the database; a forgotten password is
  recovered with the recovery key or an admin reset, with no backdoor.
* Why AES-GCM: its tag tells a *wrong password* apart from anything else
  without a separate verifier. A failed tag is reported as
  :class:`WrongSecret`; a file that cannot be parsed, fails its checksum or
  has impossible values is :class:`KeyFileError` ("damaged"), so a user with
  a damaged file is not told to retype the password forever.
* Why associated data: every wrap is bound to ``database_id``, its kind and
  the (case-folded) user name. A wrap copied from another clinic's key file,
  or renamed to another user, no longer authenticates.
* The Argon2id parameters are stored with each wrap so they can be raised
  later for new wraps while old ones still open; they are bounds-checked on
  load so a tampered file cannot make us allocate absurd memory.
* The file also holds a checksum (SHA-256 over its canonical content, to tell
  accidental damage from a wrong password; it is not a security measure) and
  a key-check value (HMAC of the database id under the data key) so that a
  new wrap can only ever be made for *this* file's data key: a password
  change or reset can never lock a user out by wrapping a wrong key.

No Qt and no SQLAlchemy here: this module is used before anything else runs.
Secrets never appear in exception messages or ``repr``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from alliance_desktop.storage.atomic import atomic_write_bytes

__all__ = [
    "DATA_KEY_BYTES",
    "DEFAULT_KDF",
    "KdfParams",
    "KeyFile",
    "KeyFileError",
    "Wrap",
    "WrongSecret",
    "generate_recovery_key",
    "new_data_key",
    "normalize_password",
    "normalize_recovery_key",
]

DATA_KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
FORMAT_VERSION = 1
KDF_ALGORITHM = "argon2id"
KDF_VERSION = 0x13  # Argon2 version 1.3, the only one argon2-cffi produces
RECOVERY_KEY_BYTES = 20  # 160 bits -> exactly 32 base32 characters, no padding

_FORMAT_NAME = "alliance-desktop-keyfile"
_AAD_PREFIX = b"alliance-desktop/keywrap/v1|"
_KEY_CHECK_LABEL = b"alliance-desktop/keycheck/v1|"
_CIPHERTEXT_BYTES = DATA_KEY_BYTES + 16  # + GCM tag
_KINDS = ("user", "recovery")
_RECOVERY_GROUP = 4
_RECOVERY_CHARS = RECOVERY_KEY_BYTES * 8 // 5
_RECOVERY_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_]+")
_BASE32 = re.compile(r"[A-Z2-7]*")
#: What ``str(uuid.UUID(...))`` gives: checked this way because every login reads the key file, and ``uuid``
#: (with ``platform``, which it loads) costs ~2 ms of the kiosk's start before its first paint.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

TIME_COST_RANGE = (1, 20)
MEMORY_KIB_RANGE = (8192, 4 * 1024 * 1024)
PARALLELISM_RANGE = (1, 16)


def _is_int(value: object) -> bool:
    """True for real integers; JSON ``true`` must not pass as 1."""
    return isinstance(value, int) and not isinstance(value, bool)


class KeyFileError(Exception):
    """The key file is missing fields, unparsable, of an unknown version or tampered.

    Distinct from :class:`WrongSecret` so the UI never tells someone whose
    file is damaged to "try the password again". ``reason`` is safe to show
    and log: it never contains a key, a password or a recovery key.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The key file is damaged: {reason}")


class WrongSecret(Exception):
    """Wrong user name, password or recovery key (the AES-GCM tag did not match).

    Deliberately does not say whether the user name exists.
    """


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters, stored with every wrap (defaults per DESIGN.md)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def __post_init__(self) -> None:
        for name, (low, high) in (
            ("time_cost", TIME_COST_RANGE),
            ("memory_kib", MEMORY_KIB_RANGE),
            ("parallelism", PARALLELISM_RANGE),
        ):
            value = getattr(self, name)
            if not _is_int(value) or not low <= value <= high:
                raise ValueError(f"Argon2 {name} must be an integer in {low}..{high}, not {value!r}")


DEFAULT_KDF = KdfParams()


@dataclass(frozen=True)
class Wrap:
    """The data key encrypted under one secret (a user's password or the recovery key)."""

    kind: str
    username: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    created_at: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"wrap kind must be 'user' or 'recovery', not {self.kind!r}")
        if not isinstance(self.username, str):
            raise ValueError("wrap username must be a string")
        if self.kind == "user" and not _username_key(self.username):
            raise ValueError("a user wrap needs a non-empty user name")
        if self.kind == "recovery" and self.username != "":
            raise ValueError("the recovery wrap has no user name")
        if not isinstance(self.kdf, KdfParams):
            raise ValueError("wrap kdf must be KdfParams")
        for name, size in (("salt", SALT_BYTES), ("nonce", NONCE_BYTES), ("ciphertext", _CIPHERTEXT_BYTES)):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != size:
                raise ValueError(f"wrap {name} must be {size} bytes")
        _check_utc_timestamp(self.created_at)


# --------------------------------------------------------------------------- secrets


def new_data_key() -> bytes:
    """A fresh random database key. Only made at setup or rekey, never on password change."""
    return secrets.token_bytes(DATA_KEY_BYTES)


def normalize_password(password: str) -> str:
    """NFC-normalise so a password typed as NFC or NFD (macOS, some IMEs) unlocks alike.

    Nothing is stripped or rejected: quotes, NUL, emoji and long passwords are
    all legal and simply part of the secret.
    """
    if not isinstance(password, str):
        raise TypeError("password must be str")
    return unicodedata.normalize("NFC", password)


def generate_recovery_key() -> str:
    """160 random bits as base32 in 8 dash-separated groups of 4 (shown once at setup)."""
    return _format_recovery_key(secrets.token_bytes(RECOVERY_KEY_BYTES))


def normalize_recovery_key(text: str) -> str:
    """Canonical grouped form of a typed recovery key.

    Accepts lower case, spaces, missing or extra dashes; raises ``ValueError``
    with a message that helps the user fix a typo but never repeats the key.
    """
    if not isinstance(text, str):
        raise ValueError("A recovery key must be text.")
    compact = _RECOVERY_SEPARATORS.sub("", text)
    if not compact.isascii() or not _BASE32.fullmatch(compact.upper()):
        hint = ""
        if any(ch in "0189" for ch in compact):
            hint = " The digits 0, 1, 8 and 9 never occur (did you mean the letters O, I, L or B?)."
        raise ValueError(
            "This is not a recovery key: it may only contain the letters A-Z and the digits 2-7." + hint
        )
    if len(compact) != _RECOVERY_CHARS:
        raise ValueError(
            f"This is not a recovery key: it has {len(compact)} letters and digits, "
            f"a recovery key has {_RECOVERY_CHARS} (8 groups of 4)."
        )
    return _group(compact.upper())


# --------------------------------------------------------------------------- key file


@dataclass(frozen=True)
class KeyFile:
    """All wraps of one database's data key. Immutable: every change returns a new KeyFile.

    ``key_check`` is HMAC-SHA256(data key, label | database_id): it lets
    :meth:`with_user` and :meth:`with_recovery` refuse a key that is not this
    database's, and reveals nothing about the key.
    """

    database_id: str
    wraps: tuple[Wrap, ...]
    format_version: int = FORMAT_VERSION
    key_check: bytes = field(kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.database_id, str) or not _CANONICAL_UUID.fullmatch(self.database_id):
            raise ValueError("database_id must be a UUID in canonical form")
        if not _is_int(self.format_version) or self.format_version != FORMAT_VERSION:
            raise ValueError(f"format_version {self.format_version!r} is not supported")
        if not isinstance(self.key_check, bytes) or len(self.key_check) != hashlib.sha256().digest_size:
            raise ValueError("key_check must be 32 bytes")
        object.__setattr__(self, "wraps", tuple(self.wraps))
        if not all(isinstance(w, Wrap) for w in self.wraps):
            raise ValueError("wraps must be Wrap objects")
        if sum(w.kind == "recovery" for w in self.wraps) != 1:
            raise ValueError("there must be exactly one recovery wrap")
        seen: set[str] = set()
        for wrap in self.wraps:
            if wrap.kind == "user":
                key = _username_key(wrap.username)
                if key in seen:
                    raise ValueError(f"user {wrap.username!r} has more than one wrap")
                seen.add(key)

    # ----------------------------------------------------------------- building

    @classmethod
    def create(
        cls,
        data_key: bytes,
        database_id: str,
        username: str,
        password: str,
        recovery_key: str,
        kdf: KdfParams = DEFAULT_KDF,
    ) -> KeyFile:
        """A new key file with one user wrap and the recovery wrap."""
        _check_data_key(data_key)
        db_id = _canonical_uuid(database_id)
        if db_id is None:
            raise ValueError("database_id must be a UUID")
        name = _display_username(username)
        wraps = (
            _seal("user", name, _password_secret(password), data_key, db_id, kdf),
            _seal("recovery", "", _recovery_secret(recovery_key), data_key, db_id, kdf),
        )
        return cls(database_id=db_id, wraps=wraps, key_check=_key_check(data_key, db_id))

    def with_user(self, username: str, password: str, data_key: bytes, kdf: KdfParams = DEFAULT_KDF) -> KeyFile:
        """Add a user, or replace that user's wrap (password change, admin reset).

        Only the key file changes; the database is never re-encrypted. An
        existing user keeps the spelling the account was created with, however
        the name was typed this time.
        """
        self._require_own_key(data_key)
        existing = self._user_wrap(username)
        name = existing.username if existing is not None else _display_username(username)
        new = _seal("user", name, _password_secret(password), data_key, self.database_id, kdf)
        if existing is None:
            return replace(self, wraps=(*self.wraps, new))
        return replace(self, wraps=tuple(new if w is existing else w for w in self.wraps))

    def without_user(self, username: str) -> KeyFile:
        """Remove a user's wrap; ``KeyError`` if there is none. The recovery wrap stays."""
        key = _username_key(username)
        wraps = tuple(w for w in self.wraps if not (w.kind == "user" and _username_key(w.username) == key))
        if len(wraps) == len(self.wraps):
            raise KeyError(username)
        return replace(self, wraps=wraps)

    def with_recovery(self, recovery_key: str, data_key: bytes, kdf: KdfParams = DEFAULT_KDF) -> KeyFile:
        """Replace the recovery wrap (a new recovery key; the old one stops working)."""
        self._require_own_key(data_key)
        new = _seal("recovery", "", _recovery_secret(recovery_key), data_key, self.database_id, kdf)
        return replace(self, wraps=tuple(new if w.kind == "recovery" else w for w in self.wraps))

    # ----------------------------------------------------------------- reading

    def usernames(self) -> tuple[str, ...]:
        """User names as they were given (case kept), in file order."""
        return tuple(w.username for w in self.wraps if w.kind == "user")

    def holds_key(self, data_key: bytes) -> bool:
        """True if ``data_key`` is this file's data key (checked against ``key_check``, no wrap opened).

        Used by restore to tell this clinic's backup from another clinic's
        without any password.
        """
        if not isinstance(data_key, bytes) or len(data_key) != DATA_KEY_BYTES:
            return False
        return hmac.compare_digest(_key_check(data_key, self.database_id), self.key_check)

    def has_user(self, username: str) -> bool:
        """Case-insensitive, NFC- and whitespace-tolerant user lookup."""
        return self._user_wrap(username) is not None

    def unlock_user(self, username: str, password: str) -> bytes:
        """The data key, or :class:`WrongSecret`.

        An unknown user name costs the same Argon2 derivation as a known one,
        so the time taken does not reveal which user names exist.
        """
        secret = _password_secret(password)
        wrap = self._user_wrap(username)
        if wrap is None:
            decoy = next((w for w in self.wraps if w.kind == "user"), self._recovery_wrap())
            _derive(secret, os.urandom(SALT_BYTES), decoy.kdf)
            raise WrongSecret("Wrong user name or password.")
        return self._open(wrap, secret, "Wrong user name or password.")

    def unlock_recovery(self, recovery_key: str) -> bytes:
        """The data key, or :class:`WrongSecret`.

        A text that is not shaped like a recovery key at all raises
        ``ValueError`` from :func:`normalize_recovery_key` (a typo to fix).
        """
        secret = _recovery_secret(recovery_key)
        return self._open(self._recovery_wrap(), secret, "Wrong recovery key.")

    # ----------------------------------------------------------------- files

    def to_bytes(self) -> bytes:
        """JSON (ASCII, hence UTF-8) with base64 binary fields and a checksum."""
        body = self._body()
        document = {**body, "checksum": _checksum(body)}
        return (json.dumps(document, indent=2, ensure_ascii=True) + "\n").encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        """Parse and strictly validate; any problem is a :class:`KeyFileError`."""
        return _parse(bytes(data))

    def save(self, path: Path | str) -> None:
        """Crash-safe write: after a crash the old or the new file is there, never a torn one."""
        atomic_write_bytes(Path(path), self.to_bytes())

    @classmethod
    def load(cls, path: Path | str) -> KeyFile:
        """Read a key file. Missing → ``FileNotFoundError``; empty or garbage → :class:`KeyFileError`."""
        return cls.from_bytes(Path(path).read_bytes())

    # ----------------------------------------------------------------- helpers

    def _user_wrap(self, username: str) -> Wrap | None:
        key = _username_key(username)
        return next((w for w in self.wraps if w.kind == "user" and _username_key(w.username) == key), None)

    def _recovery_wrap(self) -> Wrap:
        return next(w for w in self.wraps if w.kind == "recovery")

    def _open(self, wrap: Wrap, secret: bytes, message: str) -> bytes:
        wrap_key = _derive(secret, wrap.salt, wrap.kdf)
        aad = _aad(self.database_id, wrap.kind, wrap.username)
        try:
            data_key = AESGCM(wrap_key).decrypt(wrap.nonce, wrap.ciphertext, aad)
        except InvalidTag:
            raise WrongSecret(message) from None
        if not hmac.compare_digest(_key_check(data_key, self.database_id), self.key_check):
            # Authentic wrap of a key that is not this database's: the file was assembled wrongly.
            raise KeyFileError("a wrap holds a key that does not belong to this database")
        return data_key

    def _require_own_key(self, data_key: bytes) -> None:
        _check_data_key(data_key)
        if not hmac.compare_digest(_key_check(data_key, self.database_id), self.key_check):
            raise ValueError("this is not the data key of this key file")

    def _body(self) -> dict[str, Any]:
        return {
            "format": _FORMAT_NAME,
            "format_version": self.format_version,
            "database_id": self.database_id,
            "key_check": _b64(self.key_check),
            "wraps": [_wrap_to_json(w) for w in self.wraps],
        }


# --------------------------------------------------------------------------- crypto helpers


def _derive(secret: bytes, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
        version=KDF_VERSION,
    )


def _seal(kind: str, username: str, secret: bytes, data_key: bytes, database_id: str, kdf: KdfParams) -> Wrap:
    if not isinstance(kdf, KdfParams):
        raise TypeError("kdf must be KdfParams")
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(_derive(secret, salt, kdf)).encrypt(nonce, data_key, _aad(database_id, kind, username))
    created_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Wrap(kind, username, kdf, salt, nonce, ciphertext, created_at)


def _aad(database_id: str, kind: str, username: str) -> bytes:
    name = _username_key(username).encode("utf-8", "surrogatepass")
    return _AAD_PREFIX + database_id.encode("ascii") + b"|" + kind.encode("ascii") + b"|" + name


def _key_check(data_key: bytes, database_id: str) -> bytes:
    return hmac.new(data_key, _KEY_CHECK_LABEL + database_id.encode("ascii"), hashlib.sha256).digest()


def _password_secret(password: str) -> bytes:
    return normalize_password(password).encode("utf-8", "surrogatepass")


def _recovery_secret(recovery_key: str) -> bytes:
    return base64.b32decode(normalize_recovery_key(recovery_key).replace("-", ""))


def _check_data_key(data_key: bytes) -> None:
    if not isinstance(data_key, bytes) or len(data_key) != DATA_KEY_BYTES:
        raise ValueError(f"the data key must be {DATA_KEY_BYTES} bytes")


def _username_key(username: str) -> str:
    """The form user names are compared and bound in: NFC, stripped, case-folded."""
    if not isinstance(username, str):
        raise TypeError("username must be str")
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", username).strip().casefold())


def _display_username(username: str) -> str:
    """The form stored in the file: the user's own spelling, NFC, without outer spaces."""
    if not _username_key(username):
        raise ValueError("the user name must not be empty")
    return unicodedata.normalize("NFC", username).strip()


def _format_recovery_key(raw: bytes) -> str:
    return _group(base64.b32encode(raw).decode("ascii").rstrip("="))


def _group(compact: str) -> str:
    return "-".join(compact[i : i + _RECOVERY_GROUP] for i in range(0, len(compact), _RECOVERY_GROUP))


def _canonical_uuid(value: object) -> str | None:
    import uuid  # only when a key file is made (see _CANONICAL_UUID)

    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


def _check_utc_timestamp(value: object) -> None:
    if not isinstance(value, str):
        raise ValueError("created_at must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("created_at is not an ISO 8601 time") from None
    if parsed.utcoffset() != timedelta(0):
        raise ValueError("created_at must be in UTC")


# --------------------------------------------------------------------------- serialisation


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _wrap_to_json(wrap: Wrap) -> dict[str, Any]:
    return {
        "kind": wrap.kind,
        "username": wrap.username,
        "kdf": {
            "algorithm": KDF_ALGORITHM,
            "version": KDF_VERSION,
            "time_cost": wrap.kdf.time_cost,
            "memory_kib": wrap.kdf.memory_kib,
            "parallelism": wrap.kdf.parallelism,
        },
        "salt": _b64(wrap.salt),
        "nonce": _b64(wrap.nonce),
        "ciphertext": _b64(wrap.ciphertext),
        "created_at": wrap.created_at,
    }


_TOP_FIELDS = frozenset({"format", "format_version", "database_id", "key_check", "wraps", "checksum"})
_WRAP_FIELDS = frozenset({"kind", "username", "kdf", "salt", "nonce", "ciphertext", "created_at"})
_KDF_FIELDS = frozenset({"algorithm", "version", "time_cost", "memory_kib", "parallelism"})


def _parse(data: bytes) -> KeyFile:
    if not data.strip():
        raise KeyFileError("the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyFileError("the file is not UTF-8 text") from None
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except KeyFileError:
        raise
    except (ValueError, RecursionError):
        raise KeyFileError("the file is not valid JSON") from None
    if not isinstance(document, dict) or document.get("format") != _FORMAT_NAME:
        raise KeyFileError("this is not an Alliance Desktop key file")
    version = document.get("format_version")
    if not _is_int(version):
        raise KeyFileError("the format version is missing or not a number")
    if version != FORMAT_VERSION:
        newer = " (written by a newer Alliance Desktop)" if version > FORMAT_VERSION else ""
        raise KeyFileError(f"format version {version} is not supported{newer}; this app reads {FORMAT_VERSION}")
    _check_fields(document, _TOP_FIELDS, "the file")
    body = {k: v for k, v in document.items() if k != "checksum"}
    stored = document["checksum"]
    try:
        expected = _checksum(body)
    except (ValueError, RecursionError):  # absurdly nested content
        raise KeyFileError("the file structure is not valid") from None
    if not isinstance(stored, str) or not hmac.compare_digest(stored.encode("utf-8", "replace"), expected.encode()):
        raise KeyFileError("the checksum does not match (the file was changed or damaged)")
    wraps_json = document["wraps"]
    if not isinstance(wraps_json, list) or not wraps_json:
        raise KeyFileError("'wraps' must be a non-empty list")
    try:
        wraps = tuple(_wrap_from_json(i, w) for i, w in enumerate(wraps_json))
        database_id = document["database_id"]
        if not isinstance(database_id, str):
            raise ValueError("database_id must be a string")
        return KeyFile(
            database_id=database_id,
            wraps=wraps,
            format_version=version,
            key_check=_b64decode(document["key_check"], "key_check"),
        )
    except KeyFileError:
        raise
    except (ValueError, TypeError) as exc:
        raise KeyFileError(str(exc)) from None


def _wrap_from_json(index: int, obj: object) -> Wrap:
    where = f"wrap {index + 1}"
    if not isinstance(obj, dict):
        raise KeyFileError(f"{where} is not an object")
    _check_fields(obj, _WRAP_FIELDS, where)
    kdf = obj["kdf"]
    if not isinstance(kdf, dict):
        raise KeyFileError(f"{where}: 'kdf' is not an object")
    _check_fields(kdf, _KDF_FIELDS, f"{where} kdf")
    if kdf["algorithm"] != KDF_ALGORITHM or not _is_int(kdf["version"]) or kdf["version"] != KDF_VERSION:
        raise KeyFileError(f"{where}: only {KDF_ALGORITHM} version {KDF_VERSION} is supported")
    try:
        params = KdfParams(kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"])
        return Wrap(
            kind=obj["kind"],
            username=obj["username"],
            kdf=params,
            salt=_b64decode(obj["salt"], "salt"),
            nonce=_b64decode(obj["nonce"], "nonce"),
            ciphertext=_b64decode(obj["ciphertext"], "ciphertext"),
            created_at=obj["created_at"],
        )
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{where}: {exc}") from None


def _check_fields(obj: dict[str, Any], expected: frozenset[str], where: str) -> None:
    missing = sorted(expected - obj.keys())
    if missing:
        raise KeyFileError(f"{where} is missing {', '.join(missing)}")
    extra = sorted(obj.keys() - expected)
    if extra:
        raise KeyFileError(f"{where} has unexpected fields {', '.join(repr(k[:40]) for k in extra[:5])}")


def _b64decode(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be base64 text")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except ValueError:  # binascii.Error and UnicodeEncodeError are ValueErrors
        raise ValueError(f"{name} is not valid base64") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise KeyFileError(f"field {key[:40]!r} appears twice")
        result[key] = value
    return result


def _no_constants(name: str) -> None:
    raise KeyFileError(f"{name} is not allowed in a key file")
