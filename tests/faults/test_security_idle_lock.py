"""RELIABILITY row 30: the staff view locks at its idle time and leaves no SQLCipher connection open.

"Open" is checked two ways: every connection the engine's creator made is
closed (using it raises), and the process holds no file descriptor on the
database, its -wal or its -shm any more.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.settings import set_clinic_settings
from alliance_desktop.storage import engine as E
from alliance_desktop.ui.shell import Screen
from tests.support import ADMIN_PASSWORD, ADMIN_USER
from tests.ui.conftest import _private_settings_folder, fake_printer  # noqa: F401
from tests.ui.helpers import log_in
from tests.ui.test_resume_lock import clock_shell, machine  # noqa: F401


def open_database_fds(folder: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)) and Path(target).name.startswith("clinic.db"):
            found.append(target)
    return found


@pytest.fixture
def made(monkeypatch):
    """Every raw SQLCipher connection opened while the test runs."""
    connections: list = []
    real = E.sqlcipher.connect

    def connect(*args, **kwargs):
        con = real(*args, **kwargs)
        connections.append(con)
        return con

    monkeypatch.setattr(E.sqlcipher, "connect", connect)
    return connections


def still_open(connections) -> int:
    alive = 0
    for con in connections:
        try:
            con.execute("SELECT 1")
        except E.sqlcipher.ProgrammingError:
            continue
        alive += 1
    return alive


def test_lock_closes_every_connection_even_after_concurrent_use(clinic, data_paths, made):
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    barrier = threading.Barrier(4)

    def read() -> None:
        with session.read() as s:
            s.execute(E.sa.text("SELECT count(*) FROM audit_events")).scalar()
            barrier.wait(timeout=10)  # four reads hold a connection at once: the pool opens four

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert still_open(made) >= 4 and open_database_fds(data_paths.root)
    session.lock()
    print(f"\nidle lock: {len(made)} connections made, {still_open(made)} open after lock, "
          f"{len(open_database_fds(data_paths.root))} database file descriptors")
    assert still_open(made) == 0
    assert open_database_fds(data_paths.root) == []


@pytest.mark.parametrize("minutes", [2, 5, 30])
def test_auto_lock_fires_at_the_configured_minute_and_closes_everything(qtbot, clock_shell, clinic,  # noqa: F811
                                                                        machine, data_paths, made, minutes):
    shell = clock_shell(clinic, idle_timeout_ms=minutes * 60_000)
    log_in(qtbot, shell)
    session = shell.controller.session
    locked_at = None
    for second in range(1, minutes * 60 + 5):
        machine.run(1)
        shell.controller.idle.poll()
        if shell.controller.screen is Screen.LOGIN:
            locked_at = second
            break
    assert locked_at is not None and abs(locked_at - minutes * 60) <= 1
    assert not session.is_open and still_open(made) == 0
    assert open_database_fds(data_paths.root) == []


def test_the_idle_time_is_configurable_from_2_to_30_minutes_only(session):
    for minutes in (2, 30):
        assert set_clinic_settings(session, auto_lock_minutes=minutes).auto_lock_minutes == minutes
    for minutes in (0, 1, 31, 120):
        with pytest.raises(InvalidInput):
            set_clinic_settings(session, auto_lock_minutes=minutes)
