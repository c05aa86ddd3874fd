"""Backup and restore, as an administrator (or a recovery-key holder) does them.

Who may do what, and why:

- **Back up**: administrators only (DESIGN.md section 3). The backup carries
  the key file, so it opens with the recovery key or with any password as of
  the backup; it is as well protected as the data folder itself.
- **Restore into this clinic**: an administrator's open session, or the
  clinic's recovery key. The backup must hold *this* clinic's data key
  (checked against the key file's key-check value): a backup of another
  clinic is refused as foreign, even with that clinic's recovery key, so a
  restore can never silently replace one clinic by another. The current key
  file is kept, so everyone's *current* password keeps working.
- **Restore into an empty data folder** (a new computer, or a clinic whose key
  file is gone or damaged): the recovery key stored with the backup opens it,
  and the key file is restored from the backup: users log in with their
  passwords as of the backup.

Restoring is two steps so a screen can ask in between: ``prepare_restore``
verifies everything and stages the database next to the live one (nothing
live is touched), ``PreparedRestore.commit`` swaps it in. The staged file
name is also the one an interrupted setup uses (``.clinic.db.new``), so a
crash between moving the old database aside and renaming the new one in is
finished by ``ClinicAccess.state()`` on the next start.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_desktop import __version__
from alliance_desktop.config import DataPaths
from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.services.authz import require_admin
from alliance_desktop.services.errors import (
    DamagedKeyFile,
    InvalidInput,
    NewerSchema,
    NotOurDatabase,
    ServiceError,
    WrongPassword,
)
from alliance_desktop.storage import audit, repositories
from alliance_desktop.storage import backup as store
from alliance_desktop.storage.atomic import atomic_write_bytes
from alliance_desktop.storage.backup_format import (
    BackupDamaged,
    BackupFileError,
    BackupHeader,
    NotABackupFile,
    UnsupportedBackup,
    read_backup,
)
from alliance_desktop.storage.engine import APPLICATION_ID, SCHEMA_VERSION, OutdatedSchema, open_database
from alliance_desktop.storage.keys import KeyFile, KeyFileError, WrongSecret, normalize_recovery_key

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession

__all__ = [
    "BACKUP_SUFFIX", "BackupDamaged", "BackupFileError", "BackupNotWritten", "BackupSummary", "ForeignBackup",
    "NotABackupFile", "PreparedRestore", "RestoreNotCompleted", "RestoreResult", "UnsupportedBackup",
    "WrongRecoveryKey", "backup_file_name", "create_backup", "prepare_restore", "restore_backup", "verify_backup",
]

BACKUP_SUFFIX = ".adkbackup"
_STAGING_PREFIX = ".clinic.db.restore-"


class ForeignBackup(ServiceError):
    user_message = (
        "This backup belongs to another clinic (it holds a different database key), so it cannot be restored "
        "over this one. Nothing was changed."
    )


class WrongRecoveryKey(WrongPassword):
    user_message = "That recovery key does not open this backup. Nothing was changed."


class BackupNotWritten(ServiceError):
    user_message = "The backup could not be written. Nothing was left behind."


_BACKUP_DRIVE_FULL = (
    "The drive the backup is written to is full, so no backup was made. Free some space there or choose "
    "another place, then try again. Nothing was left behind."
)


class RestoreNotCompleted(ServiceError):
    user_message = "The backup could not be swapped in. The previous clinic database is in place and unchanged."


@dataclass(frozen=True)
class BackupSummary:
    """What a person confirming a restore needs to see: when, from which version, how much."""

    path: Path
    created_at: datetime
    app_version: str
    schema_version: int
    rows: Mapping[str, int]
    size_bytes: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class RestoreResult:
    summary: BackupSummary
    previous_database: Path | None  # the replaced database, kept under this name
    key_file_restored: bool


def backup_file_name(now: datetime) -> str:
    return f"alliance-backup-{now.astimezone(UTC):%Y%m%d-%H%M%S}{BACKUP_SUFFIX}"


def _summary(path: Path, header: BackupHeader) -> BackupSummary:
    return BackupSummary(path=path, created_at=header.created, app_version=header.app_version,
                         schema_version=header.schema_version,
                         rows={name: t.rows for name, t in header.tables.items()},
                         size_bytes=path.stat().st_size)


# ------------------------------------------------------------------------------------- backup


def _target(out: Path, now: datetime) -> Path:
    if out.is_dir():
        return out / backup_file_name(now)
    if out.exists():
        raise InvalidInput("out", "A file with this name already exists; choose another name. Nothing was written.")
    if not out.parent.is_dir():
        raise InvalidInput("out", "The folder for the backup does not exist. Nothing was written.")
    return out


def create_backup(session: ClinicSession, out: Path | None = None) -> BackupSummary:
    """Write a verified, encrypted backup; ``out`` is a file or a folder (default: the data folder's backups)."""
    require_admin(session.user, "make a backup")
    now = session.clock.now()
    if out is None:
        session.paths.backups.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = session.paths.backups
    target = _target(Path(out), now)
    data_key = session.data_key()
    try:
        keyfile_bytes = session.paths.keyfile.read_bytes()
        keyfile = KeyFile.from_bytes(keyfile_bytes)
    except (OSError, KeyFileError):
        raise DamagedKeyFile("The clinic's key file cannot be read, so no backup was made.") from None
    if not keyfile.holds_key(data_key):
        raise DamagedKeyFile("The clinic's key file does not match the open database, so no backup was made.")
    draft = BackupHeader(created_at=now.astimezone(UTC).isoformat(timespec="seconds"), app_version=__version__,
                         database_id=keyfile.database_id, application_id=0, schema_version=0, keyfile=keyfile_bytes)
    try:
        header = store.create_backup(session.database(), data_key, draft, target)
    except OSError as exc:  # the backup's own drive (storage reports a full one during the copy this way too)
        if exc.errno == errno.ENOSPC:
            raise BackupNotWritten(_BACKUP_DRIVE_FULL) from None
        reason = exc.strerror or "input/output error"
        raise BackupNotWritten(f"The backup could not be written ({reason}). Nothing was left behind.") from None
    summary = _summary(target, header)
    session.record("backup.created", details={"schema_version": header.schema_version, "tables": len(header.tables),
                                              "rows": summary.total_rows, "bytes": summary.size_bytes})
    return summary


# ------------------------------------------------------------------------------------- restore


@dataclass
class PreparedRestore:
    """A verified backup staged next to the live database; ``commit`` or ``discard`` it."""

    paths: DataPaths
    summary: BackupSummary
    header: BackupHeader
    staging: Path
    data_key: bytearray
    keyfile_to_write: bytes | None
    via: str
    clock: Clock
    session: ClinicSession | None = None
    done: bool = field(default=False)

    def discard(self) -> None:
        store.remove_database_files(self.staging)
        self._finish()

    def _finish(self) -> None:
        self.done = True
        for i in range(len(self.data_key)):
            self.data_key[i] = 0

    def commit(self) -> RestoreResult:
        """Swap the staged database in; the session (if any) is locked first and stays locked."""
        if self.done:
            raise RestoreNotCompleted("This restore was already finished or cancelled.")
        key = bytes(self.data_key)
        paths, now = self.paths, self.clock.now()
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        user_id = self.session.user.id if self.session is not None else None
        if self.session is not None:
            self.session.lock()  # no connection of ours may stay on the file being replaced
        pending = paths.root / ".clinic.db.new"
        old_keys = paths.root / f"{paths.keyfile.name}.before-restore-{stamp}"
        keys_moved = keys_written = False
        try:
            store.remove_database_files(pending)
            os.replace(self.staging, pending)
            if self.keyfile_to_write is not None:
                if paths.keyfile.exists():
                    os.replace(paths.keyfile, old_keys)
                    keys_moved = True
                atomic_write_bytes(paths.keyfile, self.keyfile_to_write)
                keys_written = True
            if paths.database.exists():
                store.checkpoint(paths.database, key)
            previous = paths.root / f"{paths.database.name}.before-restore-{stamp}"
            had_previous = store.swap_in(pending, paths.database, previous)
        except OSError as exc:
            store.remove_database_files(pending)
            if keys_written:
                paths.keyfile.unlink(missing_ok=True)
            if keys_moved:
                os.replace(old_keys, paths.keyfile)
            self._finish()
            raise RestoreNotCompleted(
                f"The backup could not be swapped in ({exc.strerror or 'input/output error'}). "
                "The previous clinic database is in place and unchanged.") from None
        try:
            self._record(key, now, user_id)
        finally:
            self._finish()
        return RestoreResult(self.summary, previous if had_previous else None, self.keyfile_to_write is not None)

    def _record(self, key: bytes, now: datetime, user_id: object) -> None:
        """``backup.restored`` into the restored database (migrating an older one the usual way first)."""
        try:
            db = open_database(self.paths.database, key)
        except OutdatedSchema:
            from alliance_desktop.services.access import ClinicAccess

            db = ClinicAccess(self.paths, clock=self.clock)._open_or_migrate(key)
        try:
            with db.write() as s:
                actor = user_id if user_id is not None and repositories.user_by_id(s, user_id) else None  # type: ignore[arg-type]
                audit.append(s, at=now, action="backup.restored", actor_id=actor,  # type: ignore[arg-type]
                             details={"backup_created_at": self.header.created_at, "via": self.via,
                                      "schema_version": self.header.schema_version})
        finally:
            db.dispose()


def _resolve_key(paths: DataPaths, header: BackupHeader, session: ClinicSession | None,
                 recovery_key: str | None) -> tuple[bytes, bytes | None, str]:
    """(data key, key file to install or None, how) — or why this person cannot restore this backup here."""
    try:
        backup_keys = KeyFile.from_bytes(header.keyfile)
    except KeyFileError:
        raise BackupDamaged("The key file inside the backup is damaged. Nothing was changed.") from None
    if backup_keys.database_id != header.database_id:
        raise BackupDamaged()
    if session is not None:
        require_admin(session.user, "restore a backup")
        key = session.data_key()
        if not backup_keys.holds_key(key):
            raise ForeignBackup()
        return key, None, "session"
    if not recovery_key:
        raise InvalidInput("recovery_key", "Restoring without an administrator login needs the clinic's recovery key.")
    try:
        canonical = normalize_recovery_key(recovery_key)
    except ValueError as exc:
        raise InvalidInput("recovery_key", str(exc)) from None
    try:
        live: KeyFile | None = KeyFile.load(paths.keyfile)
    except (FileNotFoundError, KeyFileError):
        live = None  # nothing usable to keep: the backup's key file is installed
    try:
        if live is not None:
            try:
                key = live.unlock_recovery(canonical)
            except WrongSecret:
                raise WrongRecoveryKey("That recovery key does not belong to the clinic in this data folder. "
                                       "Nothing was changed.") from None
            if not backup_keys.holds_key(key):
                raise ForeignBackup()
            return key, None, "recovery_key"
        try:
            return backup_keys.unlock_recovery(canonical), header.keyfile, "recovery_key"
        except WrongSecret:
            raise WrongRecoveryKey() from None
    except KeyFileError:
        raise DamagedKeyFile() from None


def prepare_restore(paths: DataPaths, backup: Path, *, session: ClinicSession | None = None,
                    recovery_key: str | None = None, clock: Clock | None = None) -> PreparedRestore:
    """Verify ``backup`` completely and stage it; the live clinic is not touched."""
    if session is not None:
        require_admin(session.user, "restore a backup")
    opened = read_backup(Path(backup))
    header = opened.header
    if header.application_id != APPLICATION_ID:
        raise NotOurDatabase("This backup is not of an Alliance Desktop database. Nothing was changed.")
    if header.schema_version > SCHEMA_VERSION:
        raise NewerSchema("This backup was made by a newer Alliance Desktop. Update the app to restore it. "
                          "Nothing was changed.")
    key, keyfile_bytes, via = _resolve_key(paths, header, session, recovery_key)
    paths.ensure()
    for stale in paths.root.glob(f"{_STAGING_PREFIX}*.tmp"):
        store.remove_database_files(stale)  # left by a restore that was killed half-way
    staging = paths.root / f"{_STAGING_PREFIX}{secrets.token_hex(6)}.tmp"
    store.stage_restore(opened, key, staging)
    return PreparedRestore(paths=paths, summary=_summary(Path(backup), header), header=header, staging=staging,
                           data_key=bytearray(key), keyfile_to_write=keyfile_bytes, via=via,
                           clock=clock or (session.clock if session is not None else SystemClock()), session=session)


def verify_backup(paths: DataPaths, backup: Path, *, session: ClinicSession | None = None,
                  recovery_key: str | None = None) -> BackupSummary:
    """Every check a restore makes, without restoring (the staged copy is removed again)."""
    prepared = prepare_restore(paths, backup, session=session, recovery_key=recovery_key)
    prepared.discard()
    return prepared.summary


def restore_backup(paths: DataPaths, backup: Path, *, session: ClinicSession | None = None,
                   recovery_key: str | None = None, clock: Clock | None = None) -> RestoreResult:
    """Verify, then swap in. With a session it is locked afterwards: log in again."""
    return prepare_restore(paths, backup, session=session, recovery_key=recovery_key, clock=clock).commit()
