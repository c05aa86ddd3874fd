"""Bringing a clinic database written by an older version up to this one, with progress for whoever waits.

Why it is its own step: an update of the app can change the schema (revision
0003 halved the size of every UUID), and on a large clinic converting it
takes minutes (the 920 MB demo clinic: a pre-update copy 18 s, the rebuild
65 s, compacting 15 s). Done inside the login, on the UI thread, the window
would look frozen for all of that. The login opens with
``ClinicAccess.open_checked(update_inline=False)``; on ``SchemaUpdateDue`` the
window shows what is happening and runs ``update_schema`` on a worker thread
(``ui.tasks``), reporting each step, then opens again.

The same update rewrites a database written in an older page layout
(storage/cipher_layout.py, storage/relayout.py: 4 KiB pages and HMAC-SHA512
before) in the current one, after a migration or on its own
(``LAYOUT_STEP``), as best effort: the old layout still works.

What makes it safe: the steps are those of every migration (DESIGN.md §4).
A consistent encrypted copy of the database as it is goes into the backups
folder first; the revisions then run in one transaction (a crash or power
cut leaves the old schema or the new one, never a mixture); compacting comes
after the commit and is optional. The connection is this function's own
and is closed at the end, so nothing of it is left to the thread that ran it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alliance_desktop.config import DataPaths
from alliance_desktop.core.clock import Clock
from alliance_desktop.services.errors import MigrationFailed
from alliance_desktop.storage.schema_version import SCHEMA_VERSION

_log = logging.getLogger(__name__)

__all__ = ["LAYOUT_STEP", "SCHEMA_VERSION", "STEPS", "SchemaUpdateDue", "UpdateStep", "update_schema"]

#: What each step does, as the person waiting reads it.
STEPS = (
    "Keeping a copy of the clinic as it is now",
    "Converting the database to the new version",
    "Compacting the database file",
)


#: The one step of an update that only rewrites the file in the current page layout (storage/cipher_layout.py).
LAYOUT_STEP = "Rewriting the database file in a faster format"


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
    """Tell ``progress`` that step ``number`` of a migration begins."""
    _announce(progress, UpdateStep(number, len(STEPS), STEPS[number - 1]))


def _announce(progress: Progress | None, step: UpdateStep) -> None:
    """Tell ``progress`` that ``step`` begins. Only shown: whatever it raises cannot stop the update."""
    if progress is None:
        return
    try:
        progress(step)
    except Exception:  # noqa: BLE001, S110 - a window closed meanwhile must not leave the update half done
        pass


def update_schema(paths: DataPaths, data_key: bytes, from_version: int, clock: Clock,
                  progress: Progress | None = None) -> Path | None:
    """Copy, then migrate the clinic database to this build's schema; returns the copy's path.

    Raises ``MigrationFailed`` (the database as it was, the copy kept) when any
    step fails. A database at this schema already is only rewritten in the
    current page layout (``LAYOUT_STEP``; no copy: the original stays until
    the checked new file replaces it; returns None). That rewrite is best
    effort, after a migration too: if it cannot be done now (another program
    has the file open, too little disk space, a check fails), the clinic
    works in its old layout and a login in a later run of the app tries again.
    """
    copy = None
    if from_version < SCHEMA_VERSION:
        copy = _migrate(paths, data_key, from_version, clock, progress)
    else:
        _announce(progress, UpdateStep(1, 1, LAYOUT_STEP))
    _rewrite_layout(paths, data_key)
    return copy


def _migrate(paths: DataPaths, data_key: bytes, from_version: int, clock: Clock, progress: Progress | None) -> Path:
    from alliance_desktop.storage.engine import PARTIAL_SUFFIX, export_encrypted_copy, open_for_migration
    from alliance_desktop.storage.migrate import upgrade_to_head

    try:
        db = open_for_migration(paths.database, data_key)
        try:
            _step(progress, 1)
            paths.backups.mkdir(parents=True, exist_ok=True, mode=0o700)
            for stale in paths.backups.glob(f"before-migration-*.db{PARTIAL_SUFFIX}"):  # an update stopped mid-copy
                stale.unlink(missing_ok=True)
            stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
            copy = unused_path(paths.backups, f"before-migration-v{from_version}-{stamp}", ".db")
            export_encrypted_copy(db, copy, data_key)  # named so only once whole
            _step(progress, 2)
            upgrade_to_head(db, before_compacting=lambda: _step(progress, 3))
        finally:
            db.dispose()
    except Exception as exc:
        raise MigrationFailed() from exc
    return copy


def _rewrite_layout(paths: DataPaths, data_key: bytes) -> None:
    """Rewrite an older page layout (storage/relayout.py) with every connection closed; never fails the update."""
    from alliance_desktop.storage.relayout import rewrite_in_current_layout

    try:
        rewrite_in_current_layout(paths.database, data_key)
    except Exception as exc:  # noqa: BLE001 - the old layout works; only backups stay slower until the next try
        _log.warning("The clinic database stays in its older page layout for now (%s)", type(exc).__name__)


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
