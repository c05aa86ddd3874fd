"""Bringing a clinic database written by an older version up to this one, with progress for whoever waits.

Why it is its own step: an update of the app can change the schema (revision
0003 halved the size of every UUID), and on a large clinic converting it
takes minutes (the 920 MB demo clinic: a pre-update copy 18 s, the rebuild
65 s, compacting 15 s). Done inside the login, on the UI thread, the window
would look frozen for all of that. The login opens with
``ClinicAccess.open_checked(update_inline=False)``; on ``SchemaUpdateDue`` the
window shows what is happening and runs ``update_schema`` on a worker thread
(``ui.tasks``), reporting each step, then opens again.

What makes it safe: the steps are those of every migration (DESIGN.md §4).
A consistent encrypted copy of the database as it is goes into the backups
folder first; the revisions then run in one transaction (a crash or power
cut leaves the old schema or the new one, never a mixture); compacting comes
after the commit and is optional. The connection is this function's own
and is closed at the end, so nothing of it is left to the thread that ran it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alliance_desktop.config import DataPaths
from alliance_desktop.core.clock import Clock
from alliance_desktop.services.errors import MigrationFailed
from alliance_desktop.storage.schema_version import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "STEPS", "SchemaUpdateDue", "UpdateStep", "update_schema"]

#: What each step does, as the person waiting reads it.
STEPS = (
    "Keeping a copy of the clinic as it is now",
    "Converting the database to the new version",
    "Compacting the database file",
)


@dataclass(frozen=True, slots=True)
class UpdateStep:
    """Step ``number`` of ``total`` has begun; ``text`` says what it does."""

    number: int
    total: int
    text: str

    def __str__(self) -> str:
        return f"Step {self.number} of {self.total}: {self.text.lower()[:1]}{self.text[1:]}…"


Progress = Callable[[UpdateStep], None]


class SchemaUpdateDue(Exception):  # noqa: N818 - an outcome the login acts on, not a failure
    """The database is at schema ``version``, older than this build's, and was left unopened."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema version {version} < {SCHEMA_VERSION}")
        self.version = version


def _step(progress: Progress | None, number: int) -> None:
    """Tell ``progress`` that step ``number`` begins. Only shown: whatever it raises cannot stop the update."""
    if progress is None:
        return
    try:
        progress(UpdateStep(number, len(STEPS), STEPS[number - 1]))
    except Exception:  # noqa: BLE001, S110 - a window closed meanwhile must not leave the update half done
        pass


def update_schema(paths: DataPaths, data_key: bytes, from_version: int, clock: Clock,
                  progress: Progress | None = None) -> Path:
    """Copy, then migrate the clinic database to this build's schema; returns the copy's path.

    Raises ``MigrationFailed`` (the database as it was, the copy kept) when any step fails.
    """
    from alliance_desktop.storage.engine import PARTIAL_SUFFIX, export_encrypted_copy, open_for_migration
    from alliance_desktop.storage.migrate import upgrade_to_head

    db = open_for_migration(paths.database, data_key)
    try:
        _step(progress, 1)
        paths.backups.mkdir(parents=True, exist_ok=True)
        for stale in paths.backups.glob(f"before-migration-*.db{PARTIAL_SUFFIX}"):  # an earlier update stopped mid-copy
            stale.unlink(missing_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        copy = unused_path(paths.backups, f"before-migration-v{from_version}-{stamp}", ".db")
        export_encrypted_copy(db, copy, data_key)  # named so only once whole
        _step(progress, 2)
        upgrade_to_head(db, before_compacting=lambda: _step(progress, 3))
    except Exception as exc:
        raise MigrationFailed() from exc
    finally:
        db.dispose()
    return copy


def unused_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... when that is taken.

    Pre-migration copies are named to the second: the live clinic migrated at a
    login and an older backup restored within the same second must both keep
    their copy (the export refuses to overwrite, and the restore would fail).
    """
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate
