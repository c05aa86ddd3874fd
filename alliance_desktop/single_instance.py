"""One running Alliance Desktop per data folder.

Two processes writing one SQLCipher file would each believe they own the
audit chain and the key file, so a second instance is refused (DESIGN.md §4).
The lock is a ``QLockFile`` inside the data folder: it holds the PID, the host
name and the program name, and Qt takes over a lock whose process is gone
(crash, power cut, SIGKILL) on the next ``tryLock``. The stale-lock *time* is
set to 0 so that a live instance that has been idle for days is never
mistaken for a dead one: only "that process no longer exists" frees the lock,
as Qt's documentation advises for long-lived locks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

#: How long ``acquire`` waits for a lock another process is just releasing.
ACQUIRE_TIMEOUT_MS = 200


class InstanceLock:
    """The data folder's single-instance lock; release it on every way out."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = QLockFile(str(self.path))
        self._lock.setStaleLockTime(0)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def acquire(self) -> bool:
        """True if this process now holds the lock (a lock left by a dead process is taken over)."""
        if self._lock.isLocked():
            return True
        return bool(self._lock.tryLock(ACQUIRE_TIMEOUT_MS))

    def release(self) -> None:
        """Free the lock; harmless when it is not held."""
        if self._lock.isLocked():
            self._lock.unlock()

    @property
    def held(self) -> bool:
        return bool(self._lock.isLocked())

    def refusal_message(self) -> str:
        """What staff see when another instance already has this folder."""
        return refusal_message(self.folder)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def refusal_message(folder: Path) -> str:
    return (
        f"Alliance Desktop is already running with this data folder ({folder}). "
        "Switch to that window, or close it first."
    )
