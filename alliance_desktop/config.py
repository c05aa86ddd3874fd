"""Where things live on disk.

The data folder defaults to the platform's per-user data directory
(platformdirs) and can be overridden with ``--data-dir`` or the
``ALLIANCE_DATA_DIR`` environment variable. Everything the app writes for a
clinic stays inside that one folder, so that a backup or a move is one folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "AllianceDesktop"
APP_AUTHOR = "AllianceDesktop"
DATA_DIR_ENV = "ALLIANCE_DATA_DIR"


@dataclass(frozen=True, slots=True)
class DataPaths:
    """The files of one clinic data folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "clinic.db"

    @property
    def keyfile(self) -> Path:
        """The data key, wrapped once per user and once for the recovery key."""
        return self.root / "clinic.keys"

    @property
    def display_label(self) -> Path:
        """The clinic's name sealed under the data key, for the kiosk's first screen (storage/display_label.py)."""
        return self.root / "clinic.label"

    @property
    def unlock_failures(self) -> Path:
        """Failed-unlock counter; holds no PHI. Moved into the audit log on the next unlock."""
        return self.root / "unlock-failures.json"

    @property
    def lockfile(self) -> Path:
        """QLockFile that keeps a second instance off this folder."""
        return self.root / "alliance.lock"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def ensure(self) -> None:
        """Create the folder (private to the user where the OS allows it)."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)


def default_data_dir() -> Path:
    """The per-user data folder, unless the environment names another."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, roaming=False)
