"""Errors a view can show as they are: each has a ``user_message`` for staff.

The storage errors are re-exported here so the UI never imports storage.
"""

from __future__ import annotations

from alliance_desktop.storage.errors import (
    DamagedDatabase,
    DamagedKeyFile,
    DatabaseMissing,
    DiskError,
    DiskFull,
    EmptyDatabaseFile,
    MigrationFailed,
    NewerSchema,
    NotOurDatabase,
    StorageError,
    UnsafeConfiguration,
)

__all__ = [
    "DamagedDatabase",
    "DamagedKeyFile",
    "DatabaseMissing",
    "DiskError",
    "DiskFull",
    "EmptyDatabaseFile",
    "InvalidInput",
    "MigrationFailed",
    "NewerSchema",
    "NotOurDatabase",
    "ServiceError",
    "SessionClosed",
    "StorageError",
    "UnlockBackoff",
    "UnsafeConfiguration",
    "WrongPassword",
]


class ServiceError(Exception):
    user_message = "The action could not be completed."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        self.detail = detail or self.user_message
        # What a view shows: the specific text when one was given, else the class's general one.
        self.user_message = self.detail


class WrongPassword(ServiceError):
    """Wrong user name or password (deliberately not told apart)."""

    user_message = "Wrong user name or password."


class UnlockBackoff(ServiceError):
    """Too many failed unlocks in a row: wait before the next try."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(1, int(round(seconds)))
        super().__init__(f"Too many failed attempts. Try again in {self.seconds} s.")
        self.user_message = self.detail


class InvalidInput(ServiceError):
    """Input that cannot be stored; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.user_message = message


class SessionClosed(ServiceError):
    user_message = "The clinic is locked. Log in again."
