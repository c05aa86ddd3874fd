"""Storage failures a person can act on.

Each carries a ``user_message`` written for clinic staff: what happened and
what to do, never a path with PHI, a key, or a stack trace. Services re-export
these so the UI never imports the storage package.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class: something about the clinic's files stops us from going on."""

    user_message = "The clinic data could not be opened."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        self.detail = detail or self.user_message
        # What a view shows: the specific text when one was given, else the class's general one.
        self.user_message = self.detail


class DatabaseMissing(StorageError):
    user_message = "There is no clinic database in this data folder yet."


class EmptyDatabaseFile(StorageError):
    user_message = (
        "The clinic database file is empty (0 bytes). It is damaged, not a new clinic: "
        "restore it from a backup. Nothing was changed."
    )


class NotOurDatabase(StorageError):
    user_message = "This is not an Alliance Desktop database. Nothing was changed."


class NewerSchema(StorageError):
    user_message = (
        "This database was written by a newer Alliance Desktop. Update the app to open it. "
        "Nothing was changed."
    )


class DamagedDatabase(StorageError):
    user_message = (
        "The clinic database is damaged or does not belong to this key file. "
        "Restore it from a backup. Nothing was changed."
    )


class DamagedKeyFile(StorageError):
    user_message = (
        "The clinic's key file is damaged or missing, so the database cannot be unlocked. "
        "Restore the key file from a backup. Nothing was changed."
    )


class MigrationFailed(StorageError):
    user_message = (
        "Updating the database to this version of Alliance Desktop failed. "
        "The database was left as it was and a backup was made before the attempt."
    )


class DiskFull(StorageError):
    """SQLite reported SQLITE_FULL: the disk (or the database's page limit) has no room for this write."""

    user_message = (
        "Not saved: the disk that holds the clinic data is full. Free some space (or ask IT), then try again. "
        "Everything saved before is intact."
    )


class DiskError(StorageError):
    """SQLite reported an I/O error (SQLITE_IOERR): the disk failed a read, write or flush."""

    user_message = (
        "Not completed: the disk reported an input/output error, so this was not saved. "
        "Everything saved before is intact. Try again; if it keeps happening, check the disk or ask IT."
    )


class UnsafeConfiguration(StorageError):
    """The encryption or database library is set up unsafely: patient data is not opened."""

    user_message = (
        "Alliance Desktop did not open the clinic data because its safety self-test failed: "
        "the encryption or database library on this computer is not set up as required. "
        "Nothing was changed. Reinstall Alliance Desktop or contact your IT support."
    )

    def __init__(self, failures: tuple[str, ...]) -> None:
        super().__init__(f"{self.user_message} ({'; '.join(failures)})")
        self.failures = failures
