"""The first login after an update that changed the schema shows the conversion and stays responsive."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer

from alliance_desktop.services.errors import MigrationFailed
from alliance_desktop.storage import engine as E
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from tests.services.test_schema_update import make_schema_2
from tests.support import ADMIN_PASSWORD, ADMIN_USER
from tests.ui.helpers import log_in


def test_the_database_is_converted_behind_a_progress_window_then_the_clinic_opens(qtbot, make_shell, clinic):
    make_schema_2(clinic)
    shell = make_shell(clinic)
    login = shell.current
    log_in(qtbot, shell)
    dialog = login.update_dialog()  # the update's end comes back through the event loop: not yet run
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: isinstance(shell.current, MainWindow), timeout=30_000)
    assert login.update_dialog() is None
    key = shell.controller.session.data_key()
    assert E.schema_version_of(clinic.paths.database, key) == E.SCHEMA_VERSION
    assert len(list(clinic.paths.backups.glob("before-migration-v2-*.db"))) == 1


def test_while_it_runs_the_window_answers_and_the_progress_window_cannot_be_closed(qtbot, make_shell, clinic):
    make_schema_2(clinic)
    shell = make_shell(clinic)
    login: LoginWindow = shell.current
    release = threading.Event()
    original = clinic.update_schema

    def slow(checked, progress=None):
        release.wait(20)  # a large clinic: minutes
        original(checked, progress)

    clinic.update_schema = slow
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    try:
        log_in(qtbot, shell)
        dialog = login.update_dialog()
        assert dialog is not None and dialog.isVisible()
        assert "format 2 to 3" in " ".join(w.text() for w in dialog.findChildren(type(dialog.step_label)))
        assert not login.login_button.isEnabled() and not login.password.isEnabled()
        qtbot.wait(200)
        assert len(ticks) >= 5  # the event loop runs: nothing waits on the UI thread
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.close()
        assert dialog.isVisible()
    finally:
        release.set()
        timer.stop()
    qtbot.waitUntil(lambda: isinstance(shell.current, MainWindow), timeout=30_000)


def test_a_failed_conversion_is_told_on_the_login_window(qtbot, make_shell, clinic):
    make_schema_2(clinic)
    shell = make_shell(clinic)
    login: LoginWindow = shell.current

    def failing(checked, progress=None):
        raise MigrationFailed()

    clinic.update_schema = failing
    log_in(qtbot, shell)
    qtbot.waitUntil(lambda: login.update_dialog() is None and login.error.isVisible(), timeout=10_000)
    assert shell.current is login
    assert "Updating the database to this version of Alliance Desktop failed" in login.error.text()
    assert login.login_button.isEnabled() and login.username.isEnabled()
    key = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD).data_key
    assert E.schema_version_of(clinic.paths.database, key) == 2  # as it was


def test_a_kiosk_login_converts_first_then_starts_the_kiosk(qtbot, make_shell, clinic, monkeypatch):
    """A name sealed by the previous build is not used: the kiosk does not paint before the update."""
    from alliance_desktop.storage import display_label
    from alliance_desktop.ui.kiosk.window import KioskWindow

    make_schema_2(clinic)
    login_2 = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    with monkeypatch.context() as old_build:  # the schema-2 app sealed the clinic's name for its kiosk
        old_build.setattr(display_label, "SCHEMA_VERSION", 2)
        display_label.write_label(clinic.paths.display_label, login_2.data_key, login_2.database_id, "Praxis")
        assert clinic.sealed_clinic_name(login_2) == "Praxis"
    assert clinic.sealed_clinic_name(login_2) is None  # not for this build
    shell = make_shell(clinic, kiosk_on_login=True)
    login = shell.current
    log_in(qtbot, shell)
    assert login.update_dialog() is not None  # the update runs before any kiosk
    qtbot.waitUntil(lambda: isinstance(shell.current, KioskWindow), timeout=30_000)
    key = shell.controller.session.data_key()
    assert E.schema_version_of(clinic.paths.database, key) == E.SCHEMA_VERSION


def test_a_database_in_the_older_page_layout_is_rewritten_behind_the_same_window(qtbot, make_shell, clinic):
    from alliance_desktop.storage.cipher_layout import CURRENT, LEGACY
    from tests.storage.test_relayout import layout, to_legacy

    login_key = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD).data_key
    to_legacy(clinic.paths.database, login_key)
    assert layout(clinic.paths.database, login_key) == LEGACY
    shell = make_shell(clinic)
    login = shell.current
    log_in(qtbot, shell)
    dialog = login.update_dialog()
    assert dialog is not None and dialog.isVisible()
    words = " ".join(w.text() for w in dialog.findChildren(type(dialog.step_label)))
    assert "rewritten in a faster format" in words and "format 3 to 3" not in words
    assert "copy of the clinic" not in words  # a layout rewrite keeps no copy: it says nothing it does not do
    qtbot.waitUntil(lambda: isinstance(shell.current, MainWindow), timeout=30_000)
    assert layout(clinic.paths.database, login_key) == CURRENT
    assert not clinic.paths.backups.exists() or not list(clinic.paths.backups.glob("before-migration-*"))
