"""Login, lock, log out, backoff and the forgotten-password path, as staff see them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from alliance_desktop.services.errors import WrongPassword
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.shell import LOCKED, LOGGED_OUT, Screen
from tests.support import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME
from tests.ui.helpers import click, log_in, sha256, type_text


def test_wrong_password_is_told_and_the_database_is_not_touched(qtbot, make_shell, clinic, data_paths):
    shell = make_shell(clinic)
    login = shell.current
    assert isinstance(login, LoginWindow)
    before, mtime = sha256(data_paths.database), data_paths.database.stat().st_mtime_ns

    log_in(qtbot, shell, ADMIN_USER, "not-the-password-1")

    assert shell.current is login
    assert login.error.isVisible()
    assert login.error.text() == "Wrong user name or password."
    assert login.password.text() == ""
    assert login.username.text() == ADMIN_USER
    assert sha256(data_paths.database) == before
    assert data_paths.database.stat().st_mtime_ns == mtime


def test_unknown_user_gets_the_same_message(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    log_in(qtbot, shell, "nobody", ADMIN_PASSWORD)
    assert shell.current.error.text() == "Wrong user name or password."


def test_empty_fields_are_asked_for(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    login = shell.current
    click(qtbot, login.login_button)
    assert login.error.text() == "Enter your user name."
    type_text(qtbot, login.username, ADMIN_USER)
    qtbot.keyClick(login.username, Qt.Key.Key_Return)  # Enter in the name field moves on to the password
    assert login.focusWidget() is login.password
    click(qtbot, login.login_button)
    assert login.error.text() == "Enter your password."


def test_right_password_opens_the_main_window_with_who_and_role(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    assert isinstance(main, MainWindow)
    assert shell.controller.screen is Screen.MAIN
    assert main.who.text() == "Logged in as Dr. Anna Muster — Administrator"
    assert CLINIC_NAME in main.windowTitle()
    assert main.isVisible()
    assert main.lock_action.shortcut().toString() == "Ctrl+L"


def test_lock_returns_to_login_keeping_the_user_name_and_closes_the_session(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    session = shell.controller.session
    assert session is not None and session.is_open

    main.lock_action.trigger()

    login = shell.current
    assert isinstance(login, LoginWindow)
    assert not session.is_open
    assert shell.controller.session is None
    assert login.username.text() == ADMIN_USER
    assert login.password.text() == ""
    assert login.notice.isVisible() and login.notice.text() == LOCKED
    assert login.focusWidget() is login.password  # only the password is missing
    # And back in with just the password.
    type_text(qtbot, login.password, ADMIN_PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert isinstance(shell.current, MainWindow)


def test_ctrl_l_locks(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    main.activateWindow()
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(shell.current, LoginWindow)


def test_log_out_returns_to_an_empty_login(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    session = shell.controller.session

    main.logout_action.trigger()

    login = shell.current
    assert isinstance(login, LoginWindow)
    assert not session.is_open
    assert login.username.text() == ""
    assert login.password.text() == ""
    assert login.notice.text() == LOGGED_OUT


def test_repeated_failures_count_down_before_the_next_try(qtbot, make_shell, clinic, clock):
    shell = make_shell(clinic)
    login = shell.current
    for _ in range(5):
        log_in(qtbot, shell, ADMIN_USER, "not-the-password-1")
    # Five failures: the next try must wait 1 s; the button says so by being disabled.
    assert login.wait_note.isVisible()
    assert login.wait_note.text() == "Too many failed attempts. Try again in 1 s."
    assert not login.login_button.isEnabled()
    qtbot.keyClick(login.password, Qt.Key.Key_Return)  # Enter does nothing while waiting
    assert shell.current is login

    clock.advance(1.5)
    qtbot.waitUntil(lambda: login.login_button.isEnabled(), timeout=3000)
    assert not login.wait_note.isVisible()
    main = log_in(qtbot, shell)
    assert isinstance(main, MainWindow)


def test_forgot_password_sets_a_new_one_with_the_recovery_key(qtbot, make_shell, clinic, recovery_key):
    shell = make_shell(clinic)
    login = shell.current
    type_text(qtbot, login.username, ADMIN_USER)
    click(qtbot, login.forgot_button)
    dialog = login.recovery_dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.username.text() == ADMIN_USER
    assert not dialog.ok_button.isEnabled()

    type_text(qtbot, dialog.recovery_key, shell.controller.access.new_recovery_key())  # not this clinic's
    type_text(qtbot, dialog.passwords.password, "a-fresh-start-2026")
    type_text(qtbot, dialog.passwords.repeat, "a-fresh-start-2026")
    assert dialog.ok_button.isEnabled()
    click(qtbot, dialog.ok_button)
    assert dialog.error.text() == "That recovery key does not belong to this clinic."
    assert shell.current is login

    type_text(qtbot, dialog.recovery_key, recovery_key.lower().replace("-", " "))
    click(qtbot, dialog.ok_button)
    main = shell.current
    assert isinstance(main, MainWindow)
    assert main.who.text() == "Logged in as Dr. Anna Muster — Administrator"
    shell.controller.log_out()
    with pytest.raises(WrongPassword):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    clinic.unlock(ADMIN_USER, "a-fresh-start-2026").lock()


def test_damaged_key_file_at_login_says_damaged_not_wrong_password(qtbot, make_shell, clinic, data_paths):
    data_paths.keyfile.write_bytes(b"{not json")
    shell = make_shell(clinic)
    log_in(qtbot, shell)
    text = shell.current.error.text()
    assert "key file is damaged" in text
    assert "Wrong user name" not in text


def test_demo_banner_and_prefilled_user_are_shown(qtbot, make_shell, clinic):
    banner = "Demo clinic — made-up data, deleted when you close the app (user admin, password x)"
    shell = make_shell(clinic, banner=banner, initial_user=ADMIN_USER)
    login = shell.current
    assert login.banner.isVisible() and login.banner.text() == banner
    assert login.username.text() == ADMIN_USER
    main = log_in(qtbot, shell)
    assert main.banner.isVisible() and main.banner.text() == banner


def test_the_forgot_password_link_shows_a_hand_under_the_mouse_and_the_folder_can_be_selected(
        qtbot, make_shell, clinic):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QEnterEvent
    from PySide6.QtWidgets import QApplication, QLabel

    login = make_shell(clinic).current
    link = login.forgot_button
    assert link.objectName() == "link"
    assert link.cursor().shape() == Qt.CursorShape.ArrowCursor  # set at the first hover, not when built
    QApplication.sendEvent(link, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))
    assert link.cursor().shape() == Qt.CursorShape.PointingHandCursor
    folder = next(w for w in login.findChildren(QLabel) if w.text().startswith("Data folder:"))
    assert folder.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
