"""RELIABILITY.md rows 1-2: a kiosk writer killed with SIGKILL mid-submission loses nothing it acknowledged.

A real ``KioskService`` in a child process (tests/faults/kill_driver.py)
submits questionnaires until it is SIGKILLed U(5, 150) ms after it is ready;
the parent reopens the clinic and checks it (tests/faults/crash_harness.py
lists the invariants). 30 kills here, 1000 in the slow suite. The tally is
printed (``pytest -s``) because the number of commits that were durable but
not yet acknowledged is the figure the row reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.crash_harness import CrashTally, run_kills


def _report(tally: CrashTally) -> str:
    return (f"kills={tally.kills} acknowledged={tally.acknowledged} killed_mid_submit={tally.killed_mid_submit} "
            f"committed_unacknowledged={tally.committed_unacknowledged} "
            f"replays: duplicate={tally.replays_duplicate} stored={tally.replays_stored}")


def _assert_clean(tally: CrashTally, kills: int) -> None:
    print(f"\nSIGKILL during kiosk submissions: {_report(tally)}")
    assert tally.failures == []
    assert tally.kills == kills
    # The kills must land among submissions, or the test proves nothing about commits.
    assert tally.acknowledged > 0 and tally.killed_mid_submit > 0


def test_sigkill_during_kiosk_submissions_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    tally = run_kills(tmp_path, 30, seed=20260302)
    _assert_clean(tally, 30)


@pytest.mark.slow
def test_sigkill_during_kiosk_submissions_1000_kills(tmp_path: Path) -> None:
    # A fresh clinic every 250 kills keeps each reopen's checks on a database of ordinary size.
    tally = run_kills(tmp_path, 1000, seed=1000, fresh_every=250)
    _assert_clean(tally, 1000)
