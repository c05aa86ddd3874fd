"""Starting and leaving the kiosk from the staff side: ``--kiosk``, the main window's action, the exit PIN."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from alliance_desktop.__main__ import build_parser
from alliance_desktop.services.kiosk import set_exit_pin
from alliance_desktop.ui.kiosk.window import KioskWindow
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.shell import KIOSK_CLOSED, Screen, ShellController
from alliance_desktop.ui.windows import ShellWindows
from tests.support import ADMIN_PASSWORD, ADMIN_USER
from tests.ui.helpers import log_in
from tests.ui.helpers import Shell
from tests.ui.kiosk.conftest import flush_deletes
from tests.ui.kiosk.kiosk_helpers import tap

PIN = "24681357"
PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def with_pin(clinic):
    staff = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    set_exit_pin(staff, PIN)
    staff.lock()
    return clinic


@pytest.fixture
def kiosk_shell(qtbot, fake_printer):
    built: list[Shell] = []

    def make(access, *, kiosk_on_login: bool = False) -> Shell:
        controller = ShellController(access, idle_timeout_ms=60_000, kiosk_on_login=kiosk_on_login,
                                     device_id="test-tablet")
        shell = Shell(controller, ShellWindows(controller), fake_printer)
        built.append(shell)
        controller.start()
        return shell

    yield make
    for shell in built:
        shell.controller.shutdown()
        shell.windows.close_all()
    flush_deletes()


def leave_with_pin(qtbot, kiosk: KioskWindow) -> None:
    assert kiosk.timings.exit_hold_ms == 3000
    kiosk.corner.held.emit()  # the 3-second press itself is tested in test_kiosk_lockdown.py
    for digit in PIN:
        tap(qtbot, kiosk.pin_page.keypad.digit_buttons[digit])
    tap(qtbot, kiosk.pin_page.keypad.ok_button)


def test_kiosk_flag_starts_the_kiosk_after_the_staff_login(qtbot, kiosk_shell, with_pin):
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    assert isinstance(kiosk, KioskWindow)
    assert shell.controller.screen is Screen.KIOSK
    assert kiosk.isFullScreen() and kiosk.geometry() == QGuiApplication.primaryScreen().geometry()
    assert kiosk.lockdown.installed
    assert not shell.controller.idle.active  # the staff auto-lock would close the database under a client
    assert kiosk.flow.welcome.clinic.text() == "Praxis am See"
    assert (kiosk.timings.warn_after_s, kiosk.timings.grace_s) == (60, 30)  # the clinic's settings


def test_leaving_with_the_pin_closes_the_clinic_and_asks_for_a_staff_login(qtbot, kiosk_shell, with_pin):
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    session = shell.controller.session
    leave_with_pin(qtbot, kiosk)
    login = shell.current
    assert isinstance(login, LoginWindow)
    assert login.username.text() == "" and login.notice.text() == KIOSK_CLOSED
    assert not session.is_open and shell.controller.kiosk is None
    assert not kiosk.lockdown.installed
    main = log_in(qtbot, shell)
    assert isinstance(main, MainWindow)  # after leaving, staff get their window, not the kiosk again


def test_closing_the_kiosk_does_not_quit_the_app(qtbot, kiosk_shell, with_pin):
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    quits: list[bool] = []
    shell.controller.quitRequested.connect(lambda: quits.append(True))
    assert kiosk.close() is False
    assert quits == [] and kiosk.isVisible() and shell.controller.session.is_open


def test_start_kiosk_from_the_staff_window(qtbot, kiosk_shell, with_pin):
    shell = kiosk_shell(with_pin)
    main = log_in(qtbot, shell)
    assert isinstance(main, MainWindow)
    assert main.kiosk_action.text() == "Start kiosk on this device"
    main.kiosk_action.trigger()
    assert isinstance(shell.current, KioskWindow)


def test_without_an_exit_pin_staff_are_warned_first(qtbot, kiosk_shell, clinic):
    shell = kiosk_shell(clinic)
    main = log_in(qtbot, shell)
    main.kiosk_action.trigger()
    question = main.kiosk_question()
    assert question is not None and "No kiosk exit PIN is set" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: main.kiosk_question() is None)
    assert shell.current is main
    main.kiosk_action.trigger()
    start = next(b for b in main.kiosk_question().buttons() if b.text() == "Start kiosk")
    start.click()
    qtbot.waitUntil(lambda: isinstance(shell.current, KioskWindow))
    shell.current.corner.held.emit()  # no PIN: straight to the staff login
    assert isinstance(shell.current, LoginWindow)


def test_the_kiosk_flag_is_parsed_and_documented():
    assert build_parser().parse_args(["--kiosk"]).kiosk
    assert "--kiosk" in build_parser().format_help()


def test_pyqtgraph_is_not_imported_on_the_kiosk_path(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        sys.path.insert(0, {str(PROJECT_ROOT)!r})
        from alliance_desktop.app import create_application
        from alliance_desktop.config import DataPaths
        from alliance_desktop.services.access import ClinicAccess
        from alliance_desktop.ui.shell import ShellController
        from alliance_desktop.ui.windows import ShellWindows
        from tests.support import FAST_KDF
        app = create_application()
        access = ClinicAccess(DataPaths(__import__("pathlib").Path({str(tmp_path)!r}) / "c"), kdf=FAST_KDF)
        access.create_clinic(clinic_name="K", username="anna", display_name="A", password="pw-kiosk-12345",
                             recovery_key=access.new_recovery_key())
        controller = ShellController(access, kiosk_on_login=True, device_id="t")
        windows = ShellWindows(controller)
        controller.start()
        controller.open_session(access.unlock("anna", "pw-kiosk-12345"))
        app.processEvents()
        print(type(windows.current).__name__, "pyqtgraph" in sys.modules)
        windows.close_all()
        controller.shutdown()
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "KioskWindow False"


def test_hand_over_now_opens_the_session_on_this_device(qtbot, kiosk_shell, with_pin, session):
    from tests.services.kiosk_fixtures import add_course

    course = add_course(session, session.user.id)
    shell = kiosk_shell(with_pin)
    main = log_in(qtbot, shell)
    assert isinstance(main, MainWindow)
    shell.controller.hand_over(course.session(3), "de")
    kiosk = shell.current
    assert isinstance(kiosk, KioskWindow)
    page = kiosk.flow.page()
    assert page.name == "confirm" and page.session.text() == "Sitzung 3"
    assert page.therapist.text() == "Dr. Anna Muster"
