"""The staff window shell: change password, and what happens when it goes away."""

from __future__ import annotations

import pytest

from alliance_desktop.services.errors import WrongPassword
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from tests.support import ADMIN_PASSWORD, ADMIN_USER
from tests.ui.helpers import click, log_in, type_text

NEW_PASSWORD = "moss-lantern-river-88"


def test_change_password_checks_the_old_one_then_rewraps(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    main.password_action.trigger()
    dialog = main.change_password_dialog()
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()

    type_text(qtbot, dialog.current, "not-the-old-one")
    type_text(qtbot, dialog.passwords.password, "short")
    type_text(qtbot, dialog.passwords.repeat, "short")
    assert not dialog.ok_button.isEnabled()
    assert "Use at least 10 characters" in dialog.passwords.hints.text()

    type_text(qtbot, dialog.passwords.password, NEW_PASSWORD)
    type_text(qtbot, dialog.passwords.repeat, NEW_PASSWORD)
    assert dialog.ok_button.isEnabled()
    click(qtbot, dialog.ok_button)
    assert dialog.error.text() == "The current password is wrong."
    assert dialog.isVisible()

    type_text(qtbot, dialog.current, ADMIN_PASSWORD)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: main.change_password_dialog() is None)
    assert "Password changed" in main.statusBar().currentMessage()

    main.logout_action.trigger()
    with pytest.raises(WrongPassword):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert isinstance(log_in(qtbot, shell, ADMIN_USER, NEW_PASSWORD), MainWindow)


def test_locking_closes_an_open_dialog(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    main.password_action.trigger()
    dialog = main.change_password_dialog()
    main.lock_action.trigger()
    assert not dialog.isVisible()
    assert isinstance(shell.current, LoginWindow)


def test_the_status_bar_welcomes_by_name_and_promises_nothing_stale(qtbot, make_shell, clinic):
    main = log_in(qtbot, make_shell(clinic))
    texts = " ".join(label.text() for label in main.findChildren(type(main.who)))
    assert "Welcome, Dr. Anna Muster" in texts
    assert "Coming next" not in texts  # PDF summaries and exports exist now
