"""Refuse a data folder on a network share or in a cloud-sync folder (RELIABILITY row 12).

The rules live in ``core.storage_location``; this module asks the operating
system what they need (the mount table on Linux, the drive type on Windows)
and turns a verdict into :class:`UnsafeDataFolder` with a message for staff.

IT departments that know their storage (a locally attached SAN volume with a
network file-system type, say) can set ``ALLIANCE_ALLOW_UNSAFE_DATA_FOLDER=1``:
the folder is then used with a warning on stderr instead of being refused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from alliance_desktop.core.storage_location import LOCAL, Location, Mount, classify, parse_mounts
from alliance_desktop.services.errors import ServiceError

OVERRIDE_ENV = "ALLIANCE_ALLOW_UNSAFE_DATA_FOLDER"
MOUNTS_FILE = Path("/proc/self/mounts")
_DRIVE_REMOTE = 4  # GetDriveTypeW: DRIVE_REMOTE


class UnsafeDataFolder(ServiceError):
    """The data folder is on a network share or in a cloud-sync folder; nothing was opened or created."""

    def __init__(self, root: Path, location: Location) -> None:
        self.root = root
        self.location = location
        super().__init__(refusal_message(root, location))


def refusal_message(root: Path, location: Location) -> str:
    return (
        f"The data folder {root} is in {location.reason}. Alliance Desktop keeps the clinic's encrypted "
        "database in a single file that needs reliable file locks and flushes to disk; network shares and "
        "cloud-sync folders do not provide them, and a sync service may upload a half-written copy or make "
        "conflicting copies, which can damage the clinic's data. Choose a folder on this computer's own disk "
        "(--data-dir or ALLIANCE_DATA_DIR) and use Alliance Desktop's backup to keep copies elsewhere. "
        "Nothing was created or changed."
    )


def _mounts() -> tuple[Mount, ...]:
    try:
        return parse_mounts(MOUNTS_FILE.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ()  # not Linux (or /proc hidden): the name rules still apply


def _windows_drive_is_remote(path: Path) -> bool | None:
    if not sys.platform.startswith("win"):
        return None
    import ctypes

    anchor = path.anchor or str(path)
    try:
        return int(ctypes.windll.kernel32.GetDriveTypeW(anchor)) == _DRIVE_REMOTE  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


def locate(root: Path) -> Location:
    """Where the data folder lives (symlinks resolved, so a link into a share is seen through)."""
    resolved = Path(os.path.realpath(root))
    try:
        home: str | None = str(Path.home())
    except RuntimeError:
        home = None
    return classify(str(resolved), mounts=_mounts(), drive_is_remote=_windows_drive_is_remote(resolved),
                    home=home)


def check_data_folder(root: Path, environ: Mapping[str, str] | None = None) -> Location:
    """Raise :class:`UnsafeDataFolder` for a shared or synced folder unless the override is set.

    Returns the verdict; with the override set, a refused folder is returned
    (and a warning printed) instead of raised.
    """
    env = os.environ if environ is None else environ
    location = locate(root)
    if location.is_local:
        return LOCAL
    if env.get(OVERRIDE_ENV, "").strip() == "1":
        print(f"Warning: {refusal_message(root, location)} Used anyway because {OVERRIDE_ENV}=1.",
              file=sys.stderr)
        return location
    raise UnsafeDataFolder(root, location)
