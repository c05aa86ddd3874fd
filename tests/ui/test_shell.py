"""Which screen comes first, and how the flow moves between screens."""

from __future__ import annotations

from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.problem_window import ProblemWindow
from alliance_desktop.ui.setup_wizard import SetupWizard
from alliance_desktop.ui.shell import SET_UP, Screen
from tests.support import ADMIN_USER
from tests.ui.helpers import click, log_in, tick, type_text


def test_empty_folder_starts_the_setup_wizard(make_shell, access):
    shell = make_shell(access)
    assert isinstance(shell.current, SetupWizard)
    assert shell.current.isVisible()


def test_a_clinic_starts_at_the_login(make_shell, clinic):
    shell = make_shell(clinic)
    assert isinstance(shell.current, LoginWindow)
    assert shell.current.username.text() == ""


def test_missing_key_file_shows_the_problem_not_the_wizard(make_shell, clinic, data_paths):
    data_paths.keyfile.unlink()
    shell = make_shell(clinic)
    window = shell.current
    assert isinstance(window, ProblemWindow)
    assert shell.controller.screen is Screen.PROBLEM
    assert "key file is missing" in window.message.text()
    assert str(data_paths.root) in window.folder.text()
    assert window.isVisible()


def test_missing_database_shows_the_problem_not_the_wizard(make_shell, clinic, data_paths):
    data_paths.database.unlink()
    shell = make_shell(clinic)
    assert isinstance(shell.current, ProblemWindow)
    assert "database file is missing" in shell.current.message.text()
    assert data_paths.keyfile.exists()  # nothing was replaced


def test_setup_leads_to_a_login_for_the_new_admin(qtbot, make_shell, access):
    shell = make_shell(access)
    wizard = shell.current
    type_text(qtbot, wizard.clinic_page.clinic_name, "Praxis am See")
    wizard.next()
    type_text(qtbot, wizard.account_page.username, "Anna")
    type_text(qtbot, wizard.account_page.passwords.password, "tea-kettle-harbour-42")
    type_text(qtbot, wizard.account_page.passwords.repeat, "tea-kettle-harbour-42")
    wizard.next()
    tick(qtbot, wizard.key_page.stored)
    click(qtbot, wizard.button(wizard.WizardButton.FinishButton))

    login = shell.current
    assert isinstance(login, LoginWindow)
    assert login.username.text() == "anna"
    assert login.notice.text() == SET_UP
    main = log_in(qtbot, shell, "anna", "tea-kettle-harbour-42")
    assert main.who.text() == "Logged in as Anna — Administrator"


def test_idle_staff_window_locks_itself(qtbot, make_shell, clinic):
    shell = make_shell(clinic, idle_timeout_ms=300)
    main = log_in(qtbot, shell)
    assert isinstance(main, MainWindow)
    session = shell.controller.session
    assert "Locks automatically" in main.statusBar().currentMessage()
    qtbot.waitUntil(lambda: isinstance(shell.current, LoginWindow), timeout=5000)
    assert not session.is_open
    assert shell.current.username.text() == ADMIN_USER
    assert "without activity" in shell.current.notice.text()


def test_closing_the_main_window_quits_and_locks(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    session = shell.controller.session
    with qtbot.waitSignal(shell.controller.quitRequested):
        main.close()
    assert not session.is_open


def test_cancelling_setup_quits(qtbot, make_shell, access):
    shell = make_shell(access)
    with qtbot.waitSignal(shell.controller.quitRequested):
        shell.current.reject()


def test_the_heap_is_frozen_after_a_login_and_released_on_lock(qtbot, make_shell, clinic):
    """Full garbage-collector passes must not land inside clicks (ui/heap.py); a lock gives it all back."""
    import gc

    shell = make_shell(clinic)
    log_in(qtbot, shell)
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 10_000, timeout=3000)  # the session's long-lived objects
    shell.controller.lock()
    assert gc.get_freeze_count() == 0
    assert isinstance(shell.current, LoginWindow)
