"""Lock on waking from sleep; auto-lock unmoved by clock jumps (RELIABILITY.md rows 16, 17, 30).

Every clock is injected: a ``FakeClock`` (monotonic + wall) and a fake boot-time
clock. A "tick" is a direct ``poll()`` call, so nothing waits for the real 1 s timers.
"""

from __future__ import annotations

import time

import pytest

from alliance_desktop.core.clock import FakeClock
from alliance_desktop.ui.idle import IdleWatcher
from alliance_desktop.ui.kiosk.window import KioskWindow
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.resume import POLL_MS, ResumeWatcher, system_boottime
from alliance_desktop.ui.shell import ASLEEP, Screen, ShellController
from alliance_desktop.ui.windows import ShellWindows, ViewOptions
from tests.support import ADMIN_USER
from tests.ui.helpers import Shell, log_in
from tests.ui.kiosk.conftest import flush_deletes

HOUR = 3600.0
DAY = 24 * HOUR


class Machine:
    """The computer's clocks: monotonic and wall (a ``FakeClock``) and a boot-time clock that counts sleep."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.boot = 500.0

    def boottime(self) -> float:
        return self.boot

    def run(self, seconds: float) -> None:
        """Awake: every clock moves."""
        self.clock.advance(seconds)
        self.boot += seconds

    def sleep(self, seconds: float) -> None:
        """Suspended: monotonic stands still, wall and boot time run on."""
        self.clock.jump_wall(seconds)
        self.boot += seconds


@pytest.fixture
def machine(clock: FakeClock) -> Machine:
    return Machine(clock)


@pytest.fixture
def clock_shell(qtbot, fake_printer, machine):
    """A shell whose auto-lock and resume watcher read the fake clocks."""
    built: list[Shell] = []

    def make(access, *, idle_timeout_ms: int = 0, boottime: bool = True, poll_ms: int = POLL_MS,
             kiosk_on_login: bool = False) -> Shell:
        resume = ResumeWatcher(machine.clock, boottime=machine.boottime if boottime else None, poll_ms=poll_ms)
        controller = ShellController(access, idle_timeout_ms=idle_timeout_ms, clock=machine.clock, resume=resume,
                                     kiosk_on_login=kiosk_on_login, device_id="test-desk")
        shell = Shell(controller, ShellWindows(controller, ViewOptions(print_key=fake_printer)), fake_printer)
        built.append(shell)
        controller.start()
        return shell

    yield make
    for shell in built:
        shell.controller.shutdown()
        shell.windows.close_all()
    flush_deletes()


def assert_locked_after_sleep(shell: Shell, session) -> None:
    assert not session.is_open
    assert shell.controller.session is None
    assert shell.controller.screen is Screen.LOGIN
    login = shell.current
    assert isinstance(login, LoginWindow) and login.isVisible()
    assert login.username.text() == ADMIN_USER  # only the password is needed again
    assert login.notice.text() == ASLEEP
    assert "Locked after the computer was asleep." in login.notice.text()
    assert not shell.controller.resume.running


# -- row 17: suspend / resume --------------------------------------------------------------------
@pytest.mark.parametrize("boottime", [True, False], ids=["boottime-pair", "wall-fallback"])
def test_waking_from_sleep_locks_on_the_next_tick(qtbot, clock_shell, clinic, machine, boottime):
    shell = clock_shell(clinic, boottime=boottime)
    assert isinstance(log_in(qtbot, shell), MainWindow)
    session = shell.controller.session
    watcher = shell.controller.resume
    assert watcher.running and watcher.uses_boottime is boottime
    machine.run(1)
    watcher.poll()
    assert session.is_open

    machine.sleep(HOUR)  # frozen monotonic clock, wall (and boot time) +1 h
    with qtbot.waitSignal(watcher.resumed, timeout=0) as woke:
        watcher.poll()  # the first tick after waking
    assert woke.args[0] == pytest.approx(HOUR)
    assert_locked_after_sleep(shell, session)


def test_locked_within_one_second_of_waking_by_the_timer_itself(qtbot, clock_shell, clinic, machine):
    assert POLL_MS <= 1000  # the real tick: locked at most one second after the resume
    shell = clock_shell(clinic, poll_ms=5)  # the same timer, faster, so the test does not wait a second
    log_in(qtbot, shell)
    session = shell.controller.session
    machine.sleep(HOUR)
    started = time.monotonic()
    qtbot.waitUntil(lambda: shell.controller.screen is Screen.LOGIN, timeout=1000)
    assert time.monotonic() - started < 1.0
    assert_locked_after_sleep(shell, session)


@pytest.mark.parametrize("boottime", [True, False], ids=["boottime-pair", "wall-fallback"])
def test_normal_ticks_do_not_lock(qtbot, clock_shell, clinic, machine, boottime):
    shell = clock_shell(clinic, boottime=boottime)
    log_in(qtbot, shell)
    watcher = shell.controller.resume
    with qtbot.assertNotEmitted(watcher.resumed):
        for _ in range(120):
            machine.run(1)
            watcher.poll()
        machine.run(20)  # a busy event loop: a late tick, but both clocks moved
        watcher.poll()
    assert shell.controller.session is not None and shell.controller.screen is Screen.MAIN


@pytest.mark.parametrize("jump", [HOUR, -HOUR, DAY, -DAY], ids=["+1h", "-1h", "+1d", "-1d"])
def test_wall_clock_jumps_do_not_lock_with_the_boottime_pair(qtbot, clock_shell, clinic, machine, jump):
    shell = clock_shell(clinic, boottime=True)
    log_in(qtbot, shell)
    watcher = shell.controller.resume
    with qtbot.assertNotEmitted(watcher.resumed):
        machine.run(1)
        watcher.poll()
        machine.clock.jump_wall(jump)  # NTP, DST or a user setting the date: not a sleep
        machine.run(1)
        watcher.poll()
        machine.run(1)
        watcher.poll()
    assert shell.controller.screen is Screen.MAIN and shell.controller.session.is_open


def test_wall_clock_going_back_does_not_lock_with_the_fallback(qtbot, clock_shell, clinic, machine):
    shell = clock_shell(clinic, boottime=False)
    log_in(qtbot, shell)
    watcher = shell.controller.resume
    with qtbot.assertNotEmitted(watcher.resumed):
        machine.clock.jump_wall(-HOUR)
        machine.run(1)
        watcher.poll()
    assert shell.controller.screen is Screen.MAIN
    # Forward jumps cannot be told from a sleep without a boot-time clock: that locks, which is safe.


def test_waking_at_the_login_does_nothing(qtbot, clock_shell, clinic, machine):
    shell = clock_shell(clinic)
    watcher = shell.controller.resume
    assert not watcher.running  # only watched while a session is open
    shell.controller.lock_after_sleep(HOUR)
    assert shell.controller.screen is Screen.LOGIN
    assert shell.current.notice.text() == ""


def test_the_kiosk_is_not_locked_by_waking_but_starts_over(qtbot, clock_shell, clinic, machine):
    shell = clock_shell(clinic, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    assert isinstance(kiosk, KioskWindow)
    session = shell.controller.session
    before = kiosk.flow
    machine.sleep(HOUR)
    shell.controller.resume.poll()
    assert shell.controller.screen is Screen.KIOSK and session.is_open  # no staff lock under the kiosk
    # ...but whatever was on screen before the sleep is gone: a fresh welcome page.
    assert kiosk.flow is not before and kiosk.flow.page_name() == "welcome"


def test_the_system_watcher_prefers_the_boot_time_clock():
    watcher = ResumeWatcher()
    assert watcher.uses_boottime is (system_boottime() is not None)
    if hasattr(time, "CLOCK_BOOTTIME"):
        assert watcher.uses_boottime
    assert not ResumeWatcher(FakeClock()).uses_boottime  # a fake clock is never paired with a real one
    watcher.start()
    watcher.poll()
    assert watcher._timer.interval() == POLL_MS
    watcher.stop()


# -- rows 16 and 30: auto-lock on the monotonic clock -------------------------------------------
@pytest.mark.parametrize("jumps", [{60: HOUR}, {60: -HOUR}, {10: DAY, 200: -DAY}, {299: -HOUR, 300: 2 * HOUR}],
                         ids=["+1h", "-1h", "+1d,-1d", "around-the-deadline"])
def test_auto_lock_fires_at_its_time_despite_wall_jumps(qtbot, clock_shell, clinic, machine, jumps):
    shell = clock_shell(clinic, idle_timeout_ms=5 * 60_000)  # boot-time pair: jumps are not sleeps
    log_in(qtbot, shell)
    session = shell.controller.session
    locked_at = None
    for second in range(1, 400):
        if second in jumps:
            machine.clock.jump_wall(jumps[second])
        machine.run(1)
        shell.controller.resume.poll()
        shell.controller.idle.poll()
        if shell.controller.screen is Screen.LOGIN:
            locked_at = second
            break
    assert locked_at is not None and abs(locked_at - 300) <= 1
    assert not session.is_open
    assert "without activity" in shell.current.notice.text()


def test_input_postpones_the_auto_lock_by_monotonic_time(qtbot, machine):
    watcher = IdleWatcher(120_000, clock=machine.clock)
    watcher.start()
    with qtbot.assertNotEmitted(watcher.idle):
        machine.run(100)
        machine.clock.jump_wall(DAY)
        watcher.poll()
        watcher.eventFilter(watcher, _key_press())  # someone typed
        machine.run(100)
        watcher.poll()
    machine.run(20)
    with qtbot.waitSignal(watcher.idle, timeout=0):
        watcher.poll()
    assert not watcher.active


def _key_press():
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
