"""Write export files so that a failure leaves no partial file behind.

Why not write in place: an export of a whole clinic streams hundreds of
megabytes; a full disk or an error half-way would leave a truncated CSV that
looks complete to whoever opens it. So each target is written to a temporary
file in the *same* folder (``os.replace`` is atomic only within one file
system), flushed and fsynced, and only when every file of the export is
complete are they renamed onto their targets. On any error the temporary files
are removed and the targets are left as they were (absent, or the previous
export). This is the streaming sibling of ``storage.atomic`` (reports may not
import storage).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

__all__ = ["atomic_text_files"]

#: Exports hold health data: owner read/write only.
FILE_MODE = 0o600


@contextlib.contextmanager
def atomic_text_files(targets: Sequence[Path], *, encoding: str = "utf-8",
                      newline: str | None = "") -> Iterator[list[IO[str]]]:
    """Text handles for ``targets``; all are renamed into place together when the block ends without error."""
    opened: list[tuple[Path, Path, IO[str]]] = []
    try:
        for target in targets:
            folder = target.parent
            if not folder.is_dir():
                raise FileNotFoundError(f"The folder {folder} does not exist.")
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            if os.name != "nt":
                os.fchmod(fd, FILE_MODE)
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
            opened.append((target, Path(name), handle))
        yield [handle for _, _, handle in opened]
        for _, _, handle in opened:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        for target, temp, _ in opened:
            os.replace(temp, target)
        for folder in {target.parent for target, _, _ in opened}:
            _fsync_folder(folder)
    except BaseException:
        for _, temp, handle in opened:
            with contextlib.suppress(OSError):
                handle.close()
            with contextlib.suppress(OSError):
                temp.unlink()
        raise


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
