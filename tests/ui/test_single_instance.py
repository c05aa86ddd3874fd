"""One running app per data folder; a crashed one does not lock the clinic forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from alliance_desktop.single_instance import InstanceLock

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_second_lock_on_the_same_folder_is_refused_until_the_first_is_released(data_paths):
    data_paths.ensure()
    first, second = InstanceLock(data_paths.lockfile), InstanceLock(data_paths.lockfile)
    assert first.acquire()
    try:
        assert not second.acquire()
        message = second.refusal_message()
        assert message == (
            f"Alliance Desktop is already running with this data folder ({data_paths.root}). "
            "Switch to that window, or close it first."
        )
    finally:
        first.release()
    assert second.acquire()
    second.release()
    assert not data_paths.lockfile.exists()


def test_other_folders_are_independent(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    with InstanceLock(a / "alliance.lock") as first, InstanceLock(b / "alliance.lock") as second:
        assert first.acquire() and second.acquire()


def test_lock_left_by_a_killed_process_is_taken_over(data_paths):
    data_paths.ensure()
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from alliance_desktop.single_instance import InstanceLock\n"
        f"lock = InstanceLock(Path({str(data_paths.lockfile)!r}))\n"
        "print('held' if lock.acquire() else 'refused', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        ours = InstanceLock(data_paths.lockfile)
        assert not ours.acquire()  # alive: refused
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert data_paths.lockfile.exists()  # the crash left its lock file behind...
        assert ours.acquire()  # ...and it is taken over, because its process is gone
        ours.release()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
