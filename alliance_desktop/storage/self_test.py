"""The storage self-test: refuse to hold patient data on an unsafe SQLCipher/SQLite setup.

Why it exists (RELIABILITY row 37): the safety of the clinic file rests on a
handful of settings that nothing else checks at run time — a wheel that
bundles an old SQLCipher, a pragma that a future edit drops or a library
default that silently changes would leave the app working while the data is
less safe (plaintext temp files, unsynced commits, dangling foreign keys,
deleted text left in free pages, loadable native extensions). So every new
connection is checked right after its pragmas are applied, before the first
patient row is read, and a failed check raises :class:`UnsafeConfiguration`:
the connection is closed and the clinic is not opened.

What is deliberately *not* asserted:
- ``cipher_memory_security``: off by default since SQLCipher 4.5 for its
  large speed cost; it only wipes freed heap memory of a running, unlocked
  process, which is outside the threat model in docs (a running unlocked app
  is not protected). Its value is reported, not enforced.
- the SQLAlchemy dialect: the engine uses a ``creator`` with the stdlib-free
  sqlcipher3 module, never the ``sqlite+pysqlcipher`` URL dialect; the
  version floor below still guards the rest of SQLAlchemy.

Each check reads one value and compares it; the failure names the setting,
what was found and what is needed — never a key, a path or a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# UnsafeConfiguration lives with the other storage errors, so importing the error types (every
# screen does) does not load the self-test itself; it is re-exported here for its callers.
from alliance_desktop.storage.errors import UnsafeConfiguration

MIN_CIPHER_MAJOR = 4
MIN_SQLALCHEMY = (2, 0, 50)


@dataclass(frozen=True, slots=True)
class Check:
    """One assertion: a query whose single value must satisfy ``ok``; ``need`` says what is required."""

    name: str
    query: str
    ok: Callable[[Any], bool]
    need: str


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cipher_major(value: Any) -> int | None:
    head = str(value or "").strip().split(".", 1)[0]
    return _int(head)


CHECKS: tuple[Check, ...] = (
    Check("cipher_version", "PRAGMA cipher_version",
          lambda v: (_cipher_major(v) or 0) >= MIN_CIPHER_MAJOR, f"SQLCipher {MIN_CIPHER_MAJOR}.x or later"),
    Check("cipher_provider", "PRAGMA cipher_provider", lambda v: bool(v), "a crypto provider (OpenSSL)"),
    Check("cipher_use_hmac", "PRAGMA cipher_use_hmac", lambda v: _int(v) == 1, "1 (every page authenticated)"),
    Check("cipher_plaintext_header_size", "PRAGMA cipher_plaintext_header_size", lambda v: _int(v) == 0,
          "0 (no plaintext header)"),
    Check("journal_mode", "PRAGMA journal_mode", lambda v: str(v).lower() == "wal", "wal"),
    Check("synchronous", "PRAGMA synchronous", lambda v: _int(v) == 2, "2 (FULL)"),
    Check("foreign_keys", "PRAGMA foreign_keys", lambda v: _int(v) == 1, "1 (on)"),
    Check("secure_delete", "PRAGMA secure_delete", lambda v: _int(v) == 1, "1 (on)"),
    Check("temp_store", "PRAGMA temp_store", lambda v: _int(v) == 2, "2 (MEMORY)"),
)


@dataclass(frozen=True, slots=True)
class SelfTestReport:
    """What the self-test saw: ``failures`` is empty when every assertion held."""

    values: dict[str, Any]
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _sqlalchemy_version() -> str:
    import sqlalchemy

    return str(sqlalchemy.__version__)


def _version_tuple(text: str) -> tuple[int, ...]:
    """(2, 1, 9) from "2.1.9" or "2.1.0b1"; unparseable parts count as 0 (and fail the floor)."""
    found = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", text.strip())
    if not found:
        return (0, 0, 0)
    return tuple(int(g or 0) for g in found.groups())


def _extension_loading_refused(con: Any) -> tuple[bool, str]:
    """True when ``load_extension`` is refused as not authorised (the loader is switched off).

    Any other answer — success, or "cannot open shared object" — means the
    loader is on and a crafted file name could run native code in our process.
    """
    try:
        con.execute("SELECT load_extension('alliance-self-test-no-such-extension')").fetchall()
    except Exception as exc:  # noqa: BLE001 - the driver's error class is what we inspect
        text = str(exc)
        return "not authorized" in text.lower(), text[:80]
    return False, "load_extension ran"


def run_self_test(con: Any, *, sqlalchemy_version: Callable[[], str] = _sqlalchemy_version) -> SelfTestReport:
    """Read every setting from an open, keyed connection and compare it with what is required."""
    values: dict[str, Any] = {}
    failures: list[str] = []
    for check in CHECKS:
        try:
            row = con.execute(check.query).fetchone()
            value = row[0] if row else None
        except Exception as exc:  # noqa: BLE001 - a missing pragma is a failed check, not a crash
            value = f"error: {type(exc).__name__}"
        values[check.name] = value
        if not check.ok(value):
            failures.append(f"{check.name} is {value!r}, needs {check.need}")
    try:
        row = con.execute("PRAGMA cipher_memory_security").fetchone()
        values["cipher_memory_security"] = row[0] if row else None  # reported only, see the module docstring
    except Exception:  # noqa: BLE001
        values["cipher_memory_security"] = None
    refused, answer = _extension_loading_refused(con)
    values["load_extension"] = answer
    if not refused:
        failures.append(f"native extension loading is enabled ({answer}), needs it disabled")
    version = sqlalchemy_version()
    values["sqlalchemy"] = version
    if _version_tuple(version) < MIN_SQLALCHEMY:
        need = ".".join(map(str, MIN_SQLALCHEMY))
        failures.append(f"SQLAlchemy is {version}, needs {need} or later")
    return SelfTestReport(values, tuple(failures))


def assert_safe(con: Any) -> None:
    """Raise :class:`UnsafeConfiguration` unless every assertion holds on this connection."""
    report = run_self_test(con)
    if not report.passed:
        raise UnsafeConfiguration(report.failures)
