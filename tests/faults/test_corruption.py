"""RELIABILITY.md rows 7-8: truncated database files and random bit flips.

Which layer detects what (the figures are printed with ``pytest -s``):

- Truncation (row 7) is caught when the app opens the clinic, by the first
  read right after keying (storage/engine.py): a 0-byte file is refused before
  SQLite sees it; a file shorter than page 1 fails SQLCipher's decryption;
  any shorter file fails SQLite's own check that the page count in the
  database header is not larger than the file (a partial last page counts as
  missing). Every case is a clear "damaged" StorageError, the file's bytes
  are untouched and no table is created.
- A bit flip (row 8) lands in one 4 KiB page. SQLCipher checks a page's HMAC
  whenever the page is read, so a flip in page 1 or the schema fails the
  open, and a flip in a page the login touches fails the login; a flip in a
  page nobody reads at startup is only found by reading every page. Opening
  does not read every page: ``PRAGMA cipher_integrity_check`` takes seconds
  on a clinic of 1.7 GB, so it belongs to backups (storage/backup.py runs it
  on every backup and restore), not to every unlock. This test runs it (and
  ``quick_check``) after each open that succeeded, to show that every flip is
  detectable, and that none crashes the process.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.errors import StorageError
from alliance_desktop.services.kiosk import KioskService, open_for_session
from tests.faults.crash_harness import make_clinic
from tests.faults.kill_driver import SESSIONS_FILE
from tests.services.kiosk_fixtures import answers_for
from tests.support import ADMIN_PASSWORD, ADMIN_USER, FAST_KDF

PAGE = 4096


@pytest.fixture(scope="module")
def small_clinic(tmp_path_factory) -> Path:
    """A small clinic with some kiosk submissions, closed cleanly (no -wal left), to copy from."""
    root = tmp_path_factory.mktemp("pristine") / "clinic"
    access = make_clinic(root)
    staff = access.unlock(ADMIN_USER, ADMIN_PASSWORD)
    kiosk = KioskService.start(staff, device_id="tablet")
    sessions = json.loads((root / SESSIONS_FILE).read_text())
    for n in range(12):
        q = open_for_session(kiosk, uuid.UUID(sessions[n]), "en")
        kiosk.submit(q, answers_for(q, comment=f"Rückmeldung {n}"))
    staff.lock()
    assert not (root / "clinic.db-wal").exists()
    return root


def copy_clinic(source: Path, target: Path) -> DataPaths:
    target.mkdir(parents=True)
    for name in ("clinic.db", "clinic.keys"):
        shutil.copy2(source / name, target / name)
    return DataPaths(target)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cut(size: int) -> dict[str, int]:
    return {"0 bytes": 0, "16 bytes": 16, "1 page": PAGE, "half": (size // PAGE // 2) * PAGE,
            "-1 page": size - PAGE, "-1 byte": size - 1}


@pytest.mark.parametrize("cut", ["0 bytes", "16 bytes", "1 page", "half", "-1 page", "-1 byte"])
def test_a_truncated_database_is_reported_damaged_and_left_untouched(small_clinic: Path, tmp_path: Path,
                                                                   cut: str) -> None:
    paths = copy_clinic(small_clinic, tmp_path / "clinic")
    size = paths.database.stat().st_size
    assert size >= 8 * PAGE, "the sample clinic should span several pages"
    with paths.database.open("r+b") as fh:
        fh.truncate(_cut(size)[cut])
    before = sha256(paths.database)
    access = ClinicAccess(paths, kdf=FAST_KDF)
    with pytest.raises(StorageError) as damaged:
        access.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert "damaged" in damaged.value.user_message and "backup" in damaged.value.user_message
    assert sha256(paths.database) == before  # never re-initialised, not one byte written
    for side in ("-wal", "-journal"):  # nothing was started on the file
        wal = Path(f"{paths.database}{side}")
        assert not wal.exists() or wal.stat().st_size == 0
    assert access.state().value == "ready"  # still "a clinic that needs a restore", never "new"


@dataclass
class FlipTally:
    flips: int = 0
    at_open: int = 0  # refused by the unlock (page 1, schema, pages the login reads or writes)
    by_full_scan: int = 0  # found by cipher_integrity_check / quick_check after an open that worked
    missed: int = 0
    crashes: list[str] | None = None


def _full_scan_finds_damage(paths: DataPaths) -> bool:
    """Open as the app does, then read every page: HMACs (SQLCipher) and b-trees (SQLite)."""
    staff = ClinicAccess(paths, kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        with staff.database().engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            hmac_failures = raw.execute("PRAGMA cipher_integrity_check").fetchall()
            try:
                btree = raw.execute("PRAGMA quick_check").fetchall()
            except Exception:  # noqa: BLE001 - a page that cannot be decrypted stops the scan: damage found
                btree = [("unreadable",)]
        return bool(hmac_failures) or btree != [("ok",)]
    finally:
        staff.lock()


def flip_bits(source: Path, work: Path, count: int, seed: int) -> FlipTally:
    rng = random.Random(seed)
    tally = FlipTally(crashes=[])
    original = (source / "clinic.db").read_bytes()
    for n in range(count):
        paths = copy_clinic(source, work / f"flip-{n:04d}")
        offset, bit = rng.randrange(len(original)), rng.randrange(8)
        data = bytearray(original)
        data[offset] ^= 1 << bit
        paths.database.write_bytes(bytes(data))
        tally.flips += 1
        try:
            found = _full_scan_finds_damage(paths)
        except StorageError:
            tally.at_open += 1
        except Exception as exc:  # noqa: BLE001 - the row counts these: none allowed
            tally.crashes.append(f"byte {offset} bit {bit}: {type(exc).__name__}: {exc}")
        else:
            if found:
                tally.by_full_scan += 1
            else:
                tally.missed += 1
        shutil.rmtree(paths.root)
    return tally


def _assert_all_detected(tally: FlipTally, count: int) -> None:
    print(f"\nbit flips: {tally.flips}; detected at open {tally.at_open}, by the full scan {tally.by_full_scan}, "
          f"missed {tally.missed}, crashes {len(tally.crashes or [])}")
    assert tally.crashes == []
    assert tally.missed == 0 and tally.flips == count == tally.at_open + tally.by_full_scan


def test_200_random_bit_flips_are_all_detected_without_a_crash(small_clinic: Path, tmp_path: Path) -> None:
    _assert_all_detected(flip_bits(small_clinic, tmp_path, 200, seed=8), 200)


def test_the_original_is_never_touched_by_opening_a_flipped_copy(small_clinic: Path) -> None:
    # The copies above are separate files; the pristine clinic still opens and passes every check.
    assert not _full_scan_finds_damage(DataPaths(small_clinic))


@pytest.mark.slow
def test_1000_random_bit_flips_are_all_detected_without_a_crash(small_clinic: Path, tmp_path: Path) -> None:
    _assert_all_detected(flip_bits(small_clinic, tmp_path, 1000, seed=1008), 1000)



def test_the_damaged_screen_offers_restore_from_backup_with_the_recovery_key(qtbot, clinic, session, recovery_key,
                                                                             tmp_path: Path) -> None:
    from alliance_desktop.services.backup import create_backup
    from alliance_desktop.ui.problem_window import ProblemWindow
    from alliance_desktop.ui.shell import DAMAGED, Screen, ShellController
    from alliance_desktop.ui.windows import ShellWindows

    backup = create_backup(session, tmp_path).path
    session.lock()
    database = clinic.paths.database
    with database.open("r+b") as fh:  # half the file is gone
        fh.truncate(database.stat().st_size // PAGE // 2 * PAGE)
    damaged_sha = sha256(database)

    controller = ShellController(clinic, idle_timeout_ms=0)
    windows = ShellWindows(controller)
    try:
        assert controller.start() is Screen.LOGIN
        login = windows.current
        login.username.setText(ADMIN_USER)
        login.password.setText(ADMIN_PASSWORD)
        login.login_button.click()
        assert controller.screen is Screen.PROBLEM
        problem = windows.current
        assert isinstance(problem, ProblemWindow) and controller.problem_heading == DAMAGED
        assert "damaged" in problem.text() and "backup" in problem.text()
        assert sha256(database) == damaged_sha  # opening it changed nothing

        assert problem.restore_button is not None
        problem.restore_button.click()
        dialog = windows.restore_dialog
        dialog.backup_file.setText(str(backup))
        dialog.recovery_key.setText("not-the-key")
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
        assert dialog.error.isVisible() and "recovery key" in dialog.error.text()
        assert sha256(database) == damaged_sha

        dialog.recovery_key.setText(recovery_key)
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: controller.screen is Screen.LOGIN, timeout=20_000)
        assert "restored from the backup" in windows.current.notice.text()
        kept = list(clinic.paths.root.glob("clinic.db.before-restore-*"))
        assert [sha256(p) for p in kept if not p.name.endswith(("-wal", "-shm"))] == [damaged_sha]
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()  # the restored clinic opens again
    finally:
        controller.shutdown()
        windows.close_all()
