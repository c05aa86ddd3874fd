"""Getting into a clinic: first-time setup, unlock with a password or the recovery key.

``ClinicAccess`` knows the data folder but holds no key; a successful unlock
returns a ``ClinicSession``. Wrong passwords are told apart from damaged files:
the password is checked against the key file's AES-GCM wrap *before* the
database is touched, so a wrong password never reads or writes the database.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_desktop.config import DataPaths
# Account rules (core.accounts) and the domain model are imported by the methods that use them:
# the login window is built on this class and must not wait for what only a login click needs.
from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.services.backoff import FailureLog
from alliance_desktop.services.errors import (
    DamagedKeyFile,
    DatabaseMissing,
    InvalidInput,
    UnlockBackoff,
    WrongPassword,
)

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession
    from alliance_desktop.services.schema_update import Progress
    from alliance_desktop.storage.engine import ClinicDatabase
    from alliance_desktop.storage.keys import KdfParams, KeyFile

MAX_CLINIC_NAME = 200
MAX_DISPLAY_NAME = 200


class ClinicState(enum.Enum):
    NEW = "new"  # empty folder: run the setup wizard
    READY = "ready"  # database and key file present: log in


@dataclass(frozen=True, slots=True)
class CheckedLogin:
    """A user whose password opened their wrap of the data key; the database is not open yet."""

    username: str
    data_key: bytes = field(repr=False)
    database_id: str


class ClinicAccess:
    def __init__(self, paths: DataPaths, *, clock: Clock | None = None, kdf: KdfParams | None = None,
                 schema_progress: Progress | None = None) -> None:
        self.paths = paths
        self.clock = clock or SystemClock()
        self._kdf = kdf
        #: Told each step of a schema update that an unlock runs by itself (the command line prints them).
        self.schema_progress = schema_progress
        self.failures = FailureLog(paths.unlock_failures)
        #: An older page layout is rewritten at most once per run: if that fails, the clinic opens as it is.
        self._layout_update_tried = False

    @property
    def kdf(self) -> KdfParams:
        """Argon2id parameters for new wraps (the defaults unless a test or benchmark chose others)."""
        if self._kdf is None:
            from alliance_desktop.storage.keys import DEFAULT_KDF

            self._kdf = DEFAULT_KDF
        return self._kdf

    @property
    def _pending_db(self) -> Path:
        return self.paths.root / ".clinic.db.new"

    # -- state -------------------------------------------------------------------
    def state(self) -> ClinicState:
        """NEW for an empty folder, READY when both files exist; otherwise a StorageError.

        Never "new" when either file is there: a half-present clinic is damaged,
        not a fresh start (DESIGN.md §4).
        """
        db, keys = self.paths.database, self.paths.keyfile
        if keys.exists() and not db.exists() and self._pending_db.exists():
            # Setup was interrupted after the key file was written: finish it.
            os.replace(self._pending_db, db)
        if not db.exists() and not keys.exists():
            return ClinicState.NEW
        if not keys.exists():
            raise DamagedKeyFile("The clinic's key file is missing. Restore it from a backup. Nothing was changed.")
        if not db.exists():
            raise DatabaseMissing(
                "The clinic database file is missing but its key file is there. "
                "Restore the database from a backup. Nothing was changed."
            )
        return ClinicState.READY

    # -- setup -------------------------------------------------------------------
    @staticmethod
    def new_recovery_key() -> str:
        from alliance_desktop.storage.keys import generate_recovery_key

        return generate_recovery_key()

    def create_clinic(
        self, *, clinic_name: str, username: str, display_name: str, password: str, recovery_key: str
    ) -> None:
        """Create the encrypted database, its first admin account and the key file."""
        from alliance_desktop.core.accounts import assess_password, normalize_username, username_problem
        from alliance_desktop.core.model import Role
        from alliance_desktop.services import audit_integrity
        from alliance_desktop.storage import audit, repositories
        from alliance_desktop.storage.engine import create_database
        from alliance_desktop.storage.keys import KeyFile, new_data_key, normalize_recovery_key
        from alliance_desktop.storage.migrate import upgrade_to_head

        name = clinic_name.strip()
        if not name:
            raise InvalidInput("clinic_name", "Enter the clinic's name.")
        if len(name) > MAX_CLINIC_NAME:
            raise InvalidInput("clinic_name", f"The clinic's name can have at most {MAX_CLINIC_NAME} characters.")
        problem = username_problem(username)
        if problem:
            raise InvalidInput("username", problem)
        shown = display_name.strip() or username.strip()
        if len(shown) > MAX_DISPLAY_NAME:
            raise InvalidInput("display_name", f"A name can have at most {MAX_DISPLAY_NAME} characters.")
        verdict = assess_password(password, username=username, clinic_name=name)
        if not verdict.acceptable:
            raise InvalidInput("password", " ".join(verdict.hints))
        try:
            recovery = normalize_recovery_key(recovery_key)
        except ValueError as exc:
            raise InvalidInput("recovery_key", str(exc)) from None
        if self.state() is not ClinicState.NEW:
            raise InvalidInput("data_dir", "This data folder already holds a clinic.")

        self.paths.ensure()
        data_key = new_data_key()
        import uuid

        database_id = str(uuid.uuid4())
        now = self.clock.now()
        pending = self._pending_db
        for stale in (pending, Path(f"{pending}-wal"), Path(f"{pending}-shm")):
            stale.unlink(missing_ok=True)
        db = create_database(pending, data_key)
        try:
            upgrade_to_head(db)
            audit_integrity.anchor_new_clinic(db, self.paths, data_key)
            with db.write() as s:
                audit.append(s, at=now, action=audit_integrity.ANCHOR_CREATED, details={"reason": "new"})
                repositories.set_setting(s, "clinic_name", name, now)
                repositories.set_setting(s, "database_id", database_id, now)
                admin = repositories.add_user(
                    s, username=username, display_name=shown, role=Role.ADMIN, now=now
                )
                audit.append(s, at=now, action="clinic.created", actor_id=admin.id)
                audit.append(s, at=now, action="user.created", actor_id=admin.id,
                             target_kind="user", target_id=str(admin.id), details={"role": "admin"})
        finally:
            db.dispose()
        keyfile = KeyFile.create(
            data_key, database_id, normalize_username(username), password, recovery, kdf=self.kdf
        )
        keyfile.save(self.paths.keyfile)
        os.replace(pending, self.paths.database)

    # -- unlock ------------------------------------------------------------------
    def backoff_seconds(self) -> float:
        return self.failures.wait_seconds(self.clock.now())

    def _load_keyfile(self) -> KeyFile:
        from alliance_desktop.storage.keys import KeyFile, KeyFileError

        try:
            return KeyFile.load(self.paths.keyfile)
        except FileNotFoundError:
            raise DamagedKeyFile("The clinic's key file is missing. Restore it from a backup.") from None
        except KeyFileError:
            raise DamagedKeyFile() from None

    def unlock(self, username: str, password: str) -> ClinicSession:
        """Password → data key → open database → session. Wrong password never touches the database."""
        return self.open_checked(self.check_password(username, password))

    def check_password(self, username: str, password: str) -> CheckedLogin:
        """The first half of :meth:`unlock`: the password opens this user's wrap of the data key.

        Nothing of the database layer is imported or opened here, so a kiosk
        can paint its first screen between this and :meth:`open_checked`.
        """
        self.state()
        wait = self.backoff_seconds()
        if wait > 0:
            raise UnlockBackoff(wait)
        from alliance_desktop.core.accounts import normalize_username
        from alliance_desktop.storage.keys import WrongSecret

        keyfile = self._load_keyfile()
        try:
            data_key = keyfile.unlock_user(normalize_username(username), password)
        except WrongSecret:
            self.failures.record(self.clock.now())
            raise WrongPassword() from None
        return CheckedLogin(normalize_username(username), data_key, keyfile.database_id)

    def open_checked(self, login: CheckedLogin, *, update_inline: bool = True) -> ClinicSession:
        """The second half of :meth:`unlock`: open (or migrate) the database and start the session.

        With ``update_inline`` False a database older than this build is left
        as it is and ``SchemaUpdateDue`` raised, so the caller can run
        :meth:`update_schema` with its progress on screen, off the UI thread.
        """
        return self._open_session(login.username, login.data_key, "login", update_inline)

    def sealed_clinic_name(self, login: CheckedLogin) -> str | None:
        """The clinic's name as last sealed beside the database, or None (then open the database to know it)."""
        from alliance_desktop.storage.display_label import read_label

        return read_label(self.paths.display_label, login.data_key, login.database_id)

    def unlock_with_recovery_key(self, recovery_key: str, username: str, new_password: str) -> ClinicSession:
        """Set a new password for ``username`` using the clinic's recovery key."""
        from alliance_desktop.core.accounts import assess_password, normalize_username
        from alliance_desktop.storage.keys import WrongSecret, normalize_recovery_key

        self.state()
        wait = self.backoff_seconds()
        if wait > 0:
            raise UnlockBackoff(wait)
        try:
            canonical = normalize_recovery_key(recovery_key)
        except ValueError as exc:
            raise InvalidInput("recovery_key", str(exc)) from None
        keyfile = self._load_keyfile()
        try:
            data_key = keyfile.unlock_recovery(canonical)
        except WrongSecret:
            self.failures.record(self.clock.now())
            raise WrongPassword("That recovery key does not belong to this clinic.") from None
        name = normalize_username(username)
        session = self._open_session(name, data_key, "login.recovery_key")
        verdict = assess_password(new_password, username=name, clinic_name=session.clinic_name)
        if not verdict.acceptable:
            session.lock()
            raise InvalidInput("new_password", " ".join(verdict.hints))
        keyfile.with_user(name, new_password, data_key, kdf=self.kdf).save(self.paths.keyfile)
        session.record("password.reset", target_kind="user", target_id=str(session.user.id),
                       details={"via": "recovery_key"})
        return session

    def _open_session(self, username: str, data_key: bytes, action: str,
                      update_inline: bool = True) -> ClinicSession:
        from alliance_desktop.services.clinic_session import ClinicSession
        from alliance_desktop.storage import audit, repositories

        from alliance_desktop.services import audit_integrity

        db = self._open_or_migrate(data_key, update_inline)
        now = self.clock.now()
        try:
            # Before this login writes anything: is the audit log as it was left? (RELIABILITY row 36)
            integrity = audit_integrity.check(db, self.paths, data_key)
            audit_integrity.start_anchoring(db, self.paths, data_key, integrity, now)
            with db.write() as s:
                user = repositories.user_by_username(s, username)
                if user is None or not user.active:
                    raise WrongPassword("This account does not exist or has been disabled.")
                for failed_at in self.failures.load():
                    audit.append(s, at=failed_at, action="login.failed")
                name = repositories.get_setting(s, "clinic_name", "")
                audit.append(s, at=now, action=action, actor_id=user.id)
        except BaseException:
            db.dispose()
            raise
        self.failures.clear()
        self._refresh_sealed_name(data_key, name)
        session = ClinicSession(paths=self.paths, db=db, user=user, clinic_name=name, data_key=data_key,
                                clock=self.clock, kdf=self.kdf)
        session.audit_integrity = integrity
        return session

    def _refresh_sealed_name(self, data_key: bytes, name: str) -> None:
        """Keep the kiosk's sealed copy of the clinic name in step with the database (best effort)."""
        from alliance_desktop.storage.display_label import read_label, write_label

        try:
            database_id = self._load_keyfile().database_id
            if read_label(self.paths.display_label, data_key, database_id) != name:
                write_label(self.paths.display_label, data_key, database_id, name)
        except (OSError, DamagedKeyFile):
            pass  # only the kiosk's first paint waits for the database then; nothing is lost

    def _open_or_migrate(self, data_key: bytes, update_inline: bool = True) -> ClinicDatabase:
        from alliance_desktop.storage.engine import OutdatedSchema, open_database

        from alliance_desktop.services.schema_update import SCHEMA_VERSION, SchemaUpdateDue

        try:
            db = open_database(self.paths.database, data_key)
        except OutdatedSchema as old:
            if not update_inline:
                raise SchemaUpdateDue(old.version) from None
            self._update_schema(data_key, old.version, self.schema_progress)
            return open_database(self.paths.database, data_key)
        if not db.layout_current and not update_inline and not self._layout_update_tried:
            # Works as it is; rewritten in the faster layout while the login shows progress (storage/relayout.py).
            db.dispose()
            raise SchemaUpdateDue(SCHEMA_VERSION)
        return db

    # -- an older database after an update of the app ---------------------------------
    def schema_behind(self, login: CheckedLogin) -> int | None:
        """The database's schema version when this build must update it first, else None.

        An update is due for an older schema version or an older page layout
        (storage/cipher_layout.py). Reads without writing (the login learns
        it from ``open_checked`` instead, in the same open).
        """
        from alliance_desktop.storage.engine import update_due

        return update_due(self.paths.database, login.data_key)

    def update_schema(self, login: CheckedLogin, progress: Progress | None = None) -> None:
        """Bring an older database up to this build's schema (after a copy), reporting each step.

        Safe on a worker thread: it uses a connection of its own and closes it.
        Nothing happens when the database is already current.
        """
        behind = self.schema_behind(login)
        if behind is not None:
            self._update_schema(login.data_key, behind, progress)

    def _update_schema(self, data_key: bytes, from_version: int, progress: Progress | None) -> None:
        from alliance_desktop.services.schema_update import update_schema

        self._layout_update_tried = True
        update_schema(self.paths, data_key, from_version, self.clock, progress)
