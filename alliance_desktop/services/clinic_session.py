"""A logged-in staff member's handle on the clinic: the open database plus who they are.

Services for later issues take a ``ClinicSession``; it is the only way to the
database above the storage layer. ``lock()`` closes every connection and drops
the key material, after which every use raises ``SessionClosed``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from alliance_desktop.config import DataPaths
from alliance_desktop.core.accounts import assess_password
from alliance_desktop.core.clock import Clock
from alliance_desktop.core.model import StaffUser
from alliance_desktop.services.errors import InvalidInput, SessionClosed, WrongPassword
from alliance_desktop.storage import audit
from alliance_desktop.storage.engine import ClinicDatabase
from alliance_desktop.storage.keys import DEFAULT_KDF, KdfParams, KeyFile, WrongSecret

if TYPE_CHECKING:
    from alliance_desktop.services.audit_integrity import AuditIntegrity


class ClinicSession:
    def __init__(
        self,
        *,
        paths: DataPaths,
        db: ClinicDatabase,
        user: StaffUser,
        clinic_name: str,
        data_key: bytes,
        clock: Clock,
        kdf: KdfParams = DEFAULT_KDF,
    ) -> None:
        self.paths = paths
        self.user = user
        self.clinic_name = clinic_name
        self.clock = clock
        self._db: ClinicDatabase | None = db
        self._key: bytearray | None = bytearray(data_key)
        self._kdf = kdf
        #: What the unlock found when it checked the audit log (services.audit_integrity); shown at login.
        self.audit_integrity: AuditIntegrity | None = None

    # -- plumbing for services -------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._db is not None

    def _require_db(self) -> ClinicDatabase:
        if self._db is None:
            raise SessionClosed()
        return self._db

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._require_db().read() as s:
            yield s

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        with self._require_db().write() as s:
            yield s

    def data_key(self) -> bytes:
        if self._key is None:
            raise SessionClosed()
        return bytes(self._key)

    def database(self) -> ClinicDatabase:
        """The open database, for storage-level jobs run by services (backup, demo data)."""
        return self._require_db()

    def record(self, action: str, *, target_kind: str | None = None, target_id: str | None = None,
               details: dict[str, Any] | None = None) -> None:
        """Append one audit entry in its own transaction, as this user."""
        with self.write() as s:
            audit.append(s, at=self.clock.now(), action=action, actor_id=self.user.id,
                         target_kind=target_kind, target_id=target_id, details=details)

    # -- user actions ------------------------------------------------------------
    def change_password(self, old_password: str, new_password: str) -> None:
        """Re-wrap the data key under the new password; the database is not re-encrypted."""
        keyfile = KeyFile.load(self.paths.keyfile)
        try:
            keyfile.unlock_user(self.user.username, old_password)
        except WrongSecret:
            raise WrongPassword("The current password is wrong.") from None
        verdict = assess_password(new_password, username=self.user.username, clinic_name=self.clinic_name)
        if not verdict.acceptable:
            raise InvalidInput("new_password", " ".join(verdict.hints) or "Choose another password.")
        keyfile.with_user(self.user.username, new_password, self.data_key(), kdf=self._kdf).save(self.paths.keyfile)
        self.record("password.changed", target_kind="user", target_id=str(self.user.id))

    def lock(self) -> None:
        """Close all connections and forget the key (auto-lock, log out)."""
        if self._db is not None:
            with contextlib.suppress(Exception):
                self.record("session.locked")
            self._db.dispose()
            self._db = None
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
            self._key = None
