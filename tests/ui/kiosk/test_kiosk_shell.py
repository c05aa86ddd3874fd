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
    qtbot.waitUntil(lambda: kiosk.lockdown.installed)  # after the welcome page's first paint
    assert not shell.controller.idle.active  # the staff auto-lock would close the database under a client
    assert kiosk.flow.welcome.clinic.text() == "Praxis am See"
    assert (kiosk.timings.warn_after_s, kiosk.timings.grace_s) == (60, 30)  # the clinic's settings


def test_leaving_with_the_pin_closes_the_clinic_and_asks_for_a_staff_login(qtbot, kiosk_shell, with_pin):
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    qtbot.waitUntil(lambda: shell.controller.session is not None)  # opened after the welcome's first paint
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
    qtbot.waitUntil(lambda: shell.controller.session is not None)
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


def test_the_welcome_screen_is_painted_before_the_database_opens(qtbot, kiosk_shell, with_pin, data_paths):
    """A kiosk started by a staff login shows its welcome screen first; the database opens right after."""
    assert data_paths.display_label.exists()  # sealed at the earlier staff login (the with_pin fixture)
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    opened: list[str] = []
    shell.controller.sessionOpened.connect(lambda: opened.append(
        "painted" if shell.current.flow.welcome.clinic.isVisible() else "not painted"))
    kiosk = log_in(qtbot, shell)
    assert isinstance(kiosk, KioskWindow)
    assert kiosk.flow.welcome.clinic.text() == "Praxis am See"  # from the sealed copy
    qtbot.waitUntil(lambda: shell.controller.session is not None)
    assert opened == ["painted"]
    assert shell.controller.kiosk.ready
    assert (kiosk.timings.warn_after_s, kiosk.timings.grace_s) == (60, 30)


def test_without_a_sealed_name_the_database_opens_first(qtbot, kiosk_shell, with_pin, data_paths):
    data_paths.display_label.unlink()
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    assert isinstance(kiosk, KioskWindow)
    assert shell.controller.session is not None  # opened before the kiosk was built
    assert kiosk.flow.welcome.clinic.text() == "Praxis am See"
    assert data_paths.display_label.exists()  # sealed again for the next start


def test_a_stale_sealed_name_is_corrected_once_the_database_is_open(qtbot, kiosk_shell, with_pin, data_paths):
    """The database is the truth: a sealed name from before a restore is replaced on the welcome screen."""
    from alliance_desktop.storage.display_label import read_label, write_label
    from alliance_desktop.storage.keys import KeyFile

    staff = with_pin.unlock(ADMIN_USER, ADMIN_PASSWORD)
    key, database_id = staff.data_key(), KeyFile.load(data_paths.keyfile).database_id
    staff.lock()
    write_label(data_paths.display_label, key, database_id, "Praxis am Berg")
    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    kiosk = log_in(qtbot, shell)
    assert kiosk.flow.welcome.clinic.text() == "Praxis am Berg"  # painted from the sealed copy
    qtbot.waitUntil(lambda: kiosk.flow.welcome.clinic.text() == "Praxis am See")
    assert kiosk.windowTitle() == "Praxis am See"
    assert read_label(data_paths.display_label, key, database_id) == "Praxis am See"  # sealed afresh


def test_a_database_that_fails_after_the_password_shows_the_problem(qtbot, kiosk_shell, with_pin, data_paths):
    from alliance_desktop.ui.problem_window import ProblemWindow

    shell = kiosk_shell(with_pin, kiosk_on_login=True)
    data_paths.database.write_bytes(b"\0" * 4096)  # damaged between the password check and the open
    log_in(qtbot, shell)
    qtbot.waitUntil(lambda: isinstance(shell.current, ProblemWindow))
    assert shell.controller.session is None and shell.controller.kiosk is None


def test_a_client_quicker_than_the_database_is_served(qtbot, with_pin, data_paths):
    """A call before the deferred open opens the database there and then instead of failing."""
    from alliance_desktop.services.kiosk_errors import InvalidCode
    from alliance_desktop.ui.login import log_in as check_and_open

    controller = ShellController(with_pin, idle_timeout_ms=60_000, kiosk_on_login=True, device_id="t")
    try:
        attempt = check_and_open(with_pin, ADMIN_USER, ADMIN_PASSWORD, kiosk_first=True)
        assert attempt.session is None and attempt.clinic_name == "Praxis am See"
        controller.kiosk_before_open(attempt.checked, attempt.clinic_name)  # no window layer: nothing painted
        assert controller.session is None
        with pytest.raises(InvalidCode):
            controller.kiosk.resolve_code("000000", "en")
        assert controller.session is not None and controller.kiosk.ready
    finally:
        controller.shutdown()


_FIRST_PAINT_CHILD = """
import sys


class Out:
    def write(self, text):
        if text.strip() in ("shown", "ready"):
            # The later pages and the kiosk's value objects: none at the paint, all once warmed up.
            later = {m in sys.modules for m in ("alliance_desktop.ui.kiosk.pages_items",
                                                 "alliance_desktop.core.kiosk_model")}
            later_pages = later.pop() if len(later) == 1 else "some"
            # PySide's Qt namespace (ui.lazy_qt) and its per-import source scan (ui.pyside_loading).
            qt = "Qt" in vars(sys.modules["PySide6.QtCore"])
            from alliance_desktop.ui.pyside_loading import scans_imports
            sys.__stdout__.write(f"{text.strip()} {'sqlalchemy' in sys.modules} {later_pages} {qt} {scans_imports()}\\n")
        return len(text)

    def flush(self):
        pass


sys.stdout = Out()
from alliance_desktop.__main__ import main
code = main(sys.argv[1:])
sys.__stdout__.write("rc " + str(code) + "\\n")
"""


def test_the_database_layer_is_not_loaded_before_the_welcome_paint(with_pin, data_paths):
    """The point of painting first: SQLAlchemy (a third of a second to import) comes after the paint.

    So do the question pages (and the instrument model they import) and the kiosk's value objects:
    the welcome page does not need them, and the window loads them once it is on screen. PySide's
    ``Qt`` namespace (15 ms to build) is built after the paint too, by the lock-down, which comes
    before the database opens; and no module was source-scanned by PySide's import hook.
    """
    assert data_paths.display_label.exists()  # an earlier login sealed the clinic's name
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ALLIANCE_PASSWORD": ADMIN_PASSWORD}
    args = ["--data-dir", str(data_paths.root), "--kiosk", "--bench-login", ADMIN_USER, "--exit-when-shown"]
    done = subprocess.run([sys.executable, "-c", _FIRST_PAINT_CHILD, *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=120)
    shown, ready, code = done.stdout.splitlines()[-3:]
    ready_fields = ready.split()
    assert (shown, ready_fields[:2], ready_fields[3:], code) == (
        "shown False False False False", ["ready", "True"], ["True", "False"], "rc 0"), done.stdout + done.stderr
