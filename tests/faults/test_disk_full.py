"""RELIABILITY.md row 6: a full disk. "Not saved" with the answers kept, a clear staff message, no damage.

The normal suite fills the database with ``PRAGMA max_page_count`` on the
app's own connections (tests/faults/disk_helpers.full_disk): SQLite then
fails the write with SQLITE_FULL exactly as it does when ``pwrite`` hits
ENOSPC, through the same pager code. The slow test below fills a real
2 MiB tmpfs instead, so the operating system's ENOSPC is what SQLite sees.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

from alliance_desktop.services.alerts import acknowledge_alert, alerts_for_client
from alliance_desktop.services.errors import DiskFull, StorageError
from alliance_desktop.services.kiosk import KioskService, open_for_session
from alliance_desktop.services.sessions import record_session
from tests.faults.disk_helpers import compact, full_disk, incomplete_responses, quick_check, stored_submissions
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import answers_for

NOT_SAVED = "Not saved — your answers are kept on screen. Please tell the reception."


def test_kiosk_submissions_fill_the_disk_fail_cleanly_and_succeed_once_space_is_back(session, kiosk, course):
    # Questionnaires are opened first (their hand-over is a write of its own); then answers are sent
    # until the disk is full.
    opened = [open_for_session(kiosk, course.session(1 + n % 24), "en") for n in range(16)]
    # No free pages left inside the file (with 8 KiB pages a few of them hold all 16 answers): only the
    # room left in pages in use, as on a disk that has filled up.
    compact(session)
    committed = stored_submissions(session)
    failed = None
    with full_disk(session):
        for q in opened:
            # Long comments: an 8 KiB page has room for several answers before one needs a new page.
            answers = answers_for(q, comment="Das war hilfreich. " * 100)
            started = time.perf_counter()
            try:
                kiosk.submit(q, answers)
            except DiskFull as full:
                surfaced_s = time.perf_counter() - started
                failed = (q, answers, full)
                break
            committed += 1
        assert failed is not None, "16 submissions fitted: the page limit did not bite"
        q, answers, full = failed
        print(f"\nSQLITE_FULL surfaced as DiskFull after {surfaced_s * 1000:.1f} ms; {committed} commits before")
        assert isinstance(full, StorageError) and "full" in full.user_message and "Not saved" in full.user_message
        assert quick_check(session) == ["ok"]
        assert stored_submissions(session) == committed and incomplete_responses(session) == 0
        with pytest.raises(DiskFull):  # still full: the retry fails the same way, nothing half-stored
            kiosk.submit(q, answers)
    assert stored_submissions(session) == committed
    receipt = kiosk.submit(q, answers)  # space is back: the same answers, the same submission id
    assert not receipt.duplicate
    assert stored_submissions(session) == committed + 1
    assert quick_check(session) == ["ok"] and incomplete_responses(session) == 0


def test_staff_actions_on_a_full_disk_say_so_and_work_afterwards(session, therapist_session, kiosk, course, qtbot):
    from alliance_desktop.ui.therapist.dialogs import RecordSessionDialog

    staff = therapist_session  # the client's therapist, in their own session
    q = open_for_session(kiosk, course.session(3), "en")
    kiosk.submit(q, answers_for(q, phq=(1,) * 8 + (2,)))  # item 9 > 0: a risk alert to acknowledge
    [alert] = [a for a in alerts_for_client(staff, course.episode_id) if a.kind == "risk"]

    def record_dialog(number: int) -> RecordSessionDialog:
        dialog = RecordSessionDialog(lambda day, n: record_session(staff, course.episode_id, day, n),
                                     date(2026, 3, 2), number)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    with full_disk(staff):
        with pytest.raises(DiskFull) as full:
            for n in range(200):  # notes until the disk is full
                acknowledge_alert(staff, alert.alert_id, note=f"Called the client ({n}). " + "x" * 900)
        assert "disk that holds the clinic data is full" in full.value.user_message
        # A small row may still fit into a page that has room (SQLite reuses it): record sessions until
        # one needs a new page, as on a real full disk.
        for number in range(25, 200):
            dialog = record_dialog(number)
            dialog.ok_button.click()
            if dialog.isVisible():
                break
        assert dialog.isVisible() and dialog.error.isVisible()
        assert dialog.error.text() == DiskFull.user_message
        assert quick_check(staff) == ["ok"]
    dialog.ok_button.click()  # space is back: the same dialog, the same button
    assert not dialog.isVisible() and dialog.result_value.number == number


def test_kiosk_screen_keeps_the_answers_and_sends_them_once_space_is_back(session, kiosk, course, qtbot, clock):
    from alliance_desktop.ui.kiosk.idle import KioskTimings
    from alliance_desktop.ui.kiosk.window import KioskWindow
    from tests.ui.kiosk.kiosk_helpers import answer_questions, tap

    window = KioskWindow(kiosk, timings=KioskTimings(thank_you_ms=50), clock=clock, dpi=96.0)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.hand_over(open_for_session(kiosk, course.session(2), "en"))
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window, line_at=0.3)
    window.flow.comment_page.field.type_text("Thank you for today")
    tap(qtbot, window.flow.comment_page.next_button)
    review = window.flow.review
    filler = KioskService.start(session, device_id="filler")
    compact(session)  # no free pages inside the file: only the room in pages in use
    before = stored_submissions(session)
    with full_disk(session):
        # Fill the remaining room with other submissions, large ones and then ones shaped like this
        # client's, until several in a row find no room: this client's Send is then the one that fails.
        for comment in ("filler " * 200, "Thank you for today"):
            misses = 0
            while misses < 6:
                try:
                    other = open_for_session(filler, course.session(4), "en")
                    filler.submit(other, answers_for(other, comment=comment))
                except DiskFull:
                    misses += 1
                else:
                    before, misses = before + 1, 0
        tap(qtbot, review.send_button)
        assert review.problem.isVisible() and review.problem.text() == NOT_SAVED
        assert window.flow.page() is review and review.send_button.isEnabled()
        assert window.flow.entries()[0].line_mm == 30
        assert window.flow.answers().comment == "Thank you for today"
        assert stored_submissions(session) == before
    tap(qtbot, review.send_button)
    assert window.flow.page_name() == "thanks"
    assert stored_submissions(session) == before + 1 and quick_check(session) == ["ok"]
    window.retire()


# -- the slow suite: a real full file system -----------------------------------------------------------


def _mount_tmpfs(mountpoint: Path, size: str) -> bool:
    mountpoint.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mountpoint)],
                            capture_output=True, text=True, check=False)
    return result.returncode == 0


@pytest.mark.slow
def test_a_real_2_mib_tmpfs_fills_up_and_recovers(tmp_path: Path, monkeypatch) -> None:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess
    from tests.services.kiosk_fixtures import add_course
    from tests.support import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME, FAST_KDF

    mountpoint = tmp_path / "small-disk"
    if os.geteuid() != 0 or not _mount_tmpfs(mountpoint, "2m"):
        pytest.skip("mounting a tmpfs needs root (mount -t tmpfs); this run is not allowed to mount")
    staff = None
    try:
        monkeypatch.setenv("SQLITE_TMPDIR", str(mountpoint))
        access = ClinicAccess(DataPaths(mountpoint / "clinic"), kdf=FAST_KDF)
        access.create_clinic(clinic_name=CLINIC_NAME, username=ADMIN_USER, display_name="Admin",
                             password=ADMIN_PASSWORD, recovery_key=access.new_recovery_key())
        staff = access.unlock(ADMIN_USER, ADMIN_PASSWORD)
        course = add_course(staff, staff.user.id)
        kiosk = KioskService.start(staff, device_id="tmpfs")
        ballast = mountpoint / "other-files"  # something else on the same disk, deleted later to free space
        ballast.write_bytes(b"\0" * (1 << 20))
        committed = stored_submissions(staff)
        failure = None
        for n in range(5000):
            try:
                q = open_for_session(kiosk, course.session(1 + n % 24), "en")
                answers = answers_for(q, comment="Eine längere Rückmeldung. " * 60)
                kiosk.submit(q, answers)
            except StorageError as problem:  # DiskFull, or DiskError when the WAL's fsync hit ENOSPC
                failure = problem
                break
            committed += 1
        assert failure is not None, "the 2 MiB file system never filled up"
        print(f"\ntmpfs full after {committed} submissions: {type(failure).__name__}: {failure.user_message}")
        assert "Not saved" in failure.user_message or "not saved" in failure.user_message
        staff.lock()
        ballast.unlink()  # space is back
        staff = access.unlock(ADMIN_USER, ADMIN_PASSWORD)
        assert quick_check(staff) == ["ok"]
        assert stored_submissions(staff) == committed and incomplete_responses(staff) == 0
        kiosk = KioskService.start(staff, device_id="tmpfs")
        for n in range(10):  # 100% success once space is freed
            q = open_for_session(kiosk, course.session(1 + n), "en")
            kiosk.submit(q, answers_for(q, submission_id=uuid.uuid4()))
        assert stored_submissions(staff) == committed + 10 and quick_check(staff) == ["ok"]
        staff.lock()
    finally:
        with contextlib.suppress(Exception):
            staff.lock()  # no connection may keep the file system busy
        subprocess.run(["umount", str(mountpoint)], check=False)
        shutil.rmtree(mountpoint, ignore_errors=True)
