"""Crash-safe replacement of small files (key file, settings, exported reports).

Why: writing a file in place (``open(path, "wb").write(...)``) first truncates
it. A crash, SIGKILL or power cut between the truncate and the last byte leaves
a short or empty file. For the key file that means a clinic can no longer open
its own database. So every non-SQLite file that matters is written here
instead (RELIABILITY.md row 4): after a crash at any point the target holds
either the complete old bytes or the complete new bytes, never a mix and never
a truncated file.

How, in the order that makes it hold:

1. write the new bytes to a uniquely named temporary file in the *same*
   folder (``os.replace`` is only atomic within one file system);
2. ``fsync`` that file, so its contents are on disk before any name points
   at them;
3. ``os.replace`` it onto the target (an atomic rename on POSIX and Windows);
4. ``fsync`` the folder, so the rename itself survives a power cut
   (not possible, and not needed in the same way, on Windows: skipped there).

If anything fails before the rename, the temporary file is removed and the
target is untouched. A process killed with SIGKILL cannot clean up after
itself, so a stale ``.<name>.*.tmp`` file may remain next to the target after
a hard crash; it never replaces the target and is safe to delete.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "FILE_MODE"]

#: Owner read/write only: these files belong to the clinic's OS account.
FILE_MODE = 0o600

_IS_WINDOWS = os.name == "nt"

# Some file systems (certain network and FUSE mounts) cannot fsync a
# directory and say so with one of these. The data file itself was fsynced;
# refusing to save for this reason would only lose the user's change.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, getattr(errno, "ENOTSUP", errno.EINVAL), getattr(errno, "EOPNOTSUPP", errno.EINVAL)}


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file.

    Raises ``OSError`` (or whatever the failing step raised) if the write
    could not be completed; in that case the previous contents of ``path``
    (or its absence) are left exactly as they were and no temporary file is
    left behind.
    """
    target = Path(path)
    folder = target.parent
    data = bytes(data)

    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp_path = Path(tmp_name)
    try:
        try:
            if not _IS_WINDOWS:
                # mkstemp already uses 0o600; make it explicit so a future
                # change of mkstemp or umask cannot widen access.
                os.fchmod(fd, FILE_MODE)
            _write_all(fd, data)
            _fsync_file(fd)
        finally:
            os.close(fd)
        os.replace(tmp_path, target)
    except BaseException:
        # Also on KeyboardInterrupt: never leave a half-written temp file.
        try:
            tmp_path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # the original error is the one worth reporting
        raise

    # The new file is in place; make the rename itself durable.
    _fsync_folder(folder)


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte: ``os.write`` may write fewer bytes than asked."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_file(fd: int) -> None:
    """Flush the file's contents to stable storage.

    On macOS plain ``fsync`` only reaches the drive's cache; ``F_FULLFSYNC``
    asks the drive to flush too.
    """
    if sys.platform == "darwin":
        import fcntl

        full_fsync = getattr(fcntl, "F_FULLFSYNC", None)
        if full_fsync is not None:
            try:
                fcntl.fcntl(fd, full_fsync)
                return
            except OSError:
                pass  # not supported by this file system: fall back to fsync
    os.fsync(fd)


def fsync_path(path: Path) -> None:
    """Flush a file that was written through another handle (SQLite's) to stable storage.

    Opened for writing although nothing is written: Windows flushes a file
    only through a handle that may write.
    """
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        _fsync_file(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Persist the directory entry written by ``os.replace`` (POSIX only)."""
    if _IS_WINDOWS:
        return  # directories cannot be opened for fsync on Windows
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    dir_fd = os.open(folder, flags)
    try:
        os.fsync(dir_fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(dir_fd)
