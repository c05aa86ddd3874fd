"""Administration screens: accounts that can log in, the audit chain verdict, settings; the supervisor overview."""

from __future__ import annotations

import sqlalchemy as sa

from alliance_desktop.core.model import Role
from alliance_desktop.services.errors import WrongPassword
from alliance_desktop.services.settings import clinic_settings
from alliance_desktop.services.supervision import clinic_overview
from alliance_desktop.storage.tables import AuditEvent
from alliance_desktop.ui.admin.users_view import AddUserDialog, ResetPasswordDialog
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.therapist.overview_view import overview_cells
from tests.services.workspace_fixtures import STAFF_PASSWORD
from tests.support import ADMIN_PASSWORD, ADMIN_USER
from tests.ui.helpers import click, log_in, type_text

NEW_PASSWORD = "lantern-harbour-meadow-4"


def test_admin_sees_the_admin_tabs_only(qtbot, make_shell, clinic):
    main = log_in(qtbot, make_shell(clinic))
    titles = [main.tabs.tabText(i).replace("&", "") for i in range(main.tabs.count())]
    assert titles == ["Staff accounts", "Clients", "Settings", "Instruments", "Audit log", "Backup"]
    assert not hasattr(main, "caseload")


def test_an_added_user_can_log_in_and_a_reset_needs_the_admins_password(qtbot, make_shell, clinic):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    users = main.users
    click(qtbot, users.add_button)
    dialog = users.dialog()
    assert isinstance(dialog, AddUserDialog)
    type_text(qtbot, dialog.username, "nora")
    type_text(qtbot, dialog.display_name, "Nora Neu")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.THERAPIST))
    type_text(qtbot, dialog.passwords.password, STAFF_PASSWORD)
    type_text(qtbot, dialog.passwords.repeat, STAFF_PASSWORD)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: users.dialog() is None, timeout=10000)
    assert "nora" in users.status.text()
    assert "nora" in [u.username for u in users.users]

    users.select_user("nora")
    click(qtbot, users.reset_button)
    reset = users.dialog()
    assert isinstance(reset, ResetPasswordDialog)
    type_text(qtbot, reset.passwords.password, NEW_PASSWORD)
    type_text(qtbot, reset.passwords.repeat, NEW_PASSWORD)
    type_text(qtbot, reset.admin_password, "not-my-password")
    click(qtbot, reset.ok_button)
    qtbot.waitUntil(lambda: reset.error.isVisible(), timeout=10000)
    assert "Your own password is wrong" in reset.error.text()
    type_text(qtbot, reset.admin_password, ADMIN_PASSWORD)
    click(qtbot, reset.ok_button)
    qtbot.waitUntil(lambda: users.dialog() is None, timeout=10000)

    main.logout_action.trigger()
    nora = log_in(qtbot, shell, "nora", NEW_PASSWORD)
    assert isinstance(nora, MainWindow) and nora.who.text() == "Logged in as Nora Neu — Therapist"
    assert nora.caseload.visible_rows() == []
    nora.logout_action.trigger()
    try:
        clinic.unlock("nora", STAFF_PASSWORD)
    except WrongPassword:
        pass
    else:  # pragma: no cover
        raise AssertionError("the old password still works")


def test_the_audit_viewer_says_the_chain_is_verified(qtbot, make_shell, clinic):
    main = log_in(qtbot, make_shell(clinic))
    main.tabs.setCurrentWidget(main.audit)
    audit = main.audit
    assert audit.page is not None and audit.table.rowCount() > 0
    with qtbot.waitSignal(audit.verified, timeout=10000) as signal:
        click(qtbot, audit.verify_button)
    assert signal.args[0].intact
    assert audit.verdict.text().startswith("✓ Chain verified")
    assert audit.verdict.objectName() == "successText"


def test_a_tampered_chain_shows_the_first_bad_entry(qtbot, make_shell, clinic):
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    for n in range(5):
        session.record("test.filler", details={"n": n})
    with session.database().write() as s:  # tamper below the services, as an attacker with the key would
        s.execute(sa.update(AuditEvent).where(AuditEvent.seq == 4).values(action="tampered"))
    session.lock()
    main = log_in(qtbot, make_shell(clinic))
    main.tabs.setCurrentWidget(main.audit)
    audit = main.audit
    with qtbot.waitSignal(audit.verified, timeout=10000) as signal:
        audit.verify()
    assert signal.args[0].first_bad_seq == 4
    assert "entry #4" in audit.verdict.text() and audit.verdict.text().startswith("✗ Chain broken")
    selected = audit.table.selectionModel().selectedRows()
    assert selected and audit.table.item(selected[0].row(), 0).text() == "4"
    assert audit.table.item(selected[0].row(), 3).text() == "tampered"


def test_settings_are_saved_and_refused_through_the_services(qtbot, make_shell, clinic):
    main = log_in(qtbot, make_shell(clinic))
    view = main.settings
    view.auto_lock.setValue(12)
    view.warning.setValue(90)
    view.languages["it"].setChecked(False)
    assert view.paper.currentData() == "A4"
    view.paper.setCurrentIndex(view.paper.findData("Letter"))
    with qtbot.waitSignal(main.autoLockChanged) as changed:
        click(qtbot, view.save_button)
    assert changed.args == [12] and view.settings_ok.text() == "Settings saved."
    for lang in view.languages.values():
        lang.setChecked(False)
    click(qtbot, view.save_button)
    assert "Choose at least one" in view.settings_error.text() and view.settings_error.isVisibleTo(view)
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        stored = clinic_settings(session)
    finally:
        session.lock()
    assert stored.auto_lock_minutes == 12 and stored.kiosk_idle_warning_s == 90 and "it" not in stored.languages
    assert stored.paper_size == "Letter"

    view.pin.setText("123")
    view.pin_repeat.setText("123")
    click(qtbot, view.pin_button)
    qtbot.waitUntil(lambda: view.pin_error.isVisibleTo(view), timeout=10000)
    view.pin.setText("482913")
    view.pin_repeat.setText("482913")
    click(qtbot, view.pin_button)
    qtbot.waitUntil(lambda: view.pin_ok.isVisibleTo(view), timeout=10000)
    assert "An exit PIN is set" in view.pin_state.text()


def test_instruments_list_licences_and_can_be_disabled(qtbot, make_shell, clinic):
    main = log_in(qtbot, make_shell(clinic))
    view = main.instruments
    assert view.statuses and view.table.rowCount() == len(view.statuses)
    phq = next(s for s in view.statuses if s.id == "phq9")
    assert phq.enabled
    view.set_enabled("phq9", False)
    assert not next(s for s in view.statuses if s.id == "phq9").enabled
    assert "phq9 disabled" in view.status.text()


def test_the_supervisor_overview_matches_the_service(qtbot, make_shell, clinic, seeded):
    main = log_in(qtbot, make_shell(clinic), "sue", STAFF_PASSWORD)
    overview = main.overview
    qtbot.waitUntil(lambda: overview.overview is not None and not overview.busy, timeout=10000)
    session = clinic.unlock("sue", STAFF_PASSWORD)
    try:
        expected = clinic_overview(session)
    finally:
        session.lock()
    rows = (*expected.therapists, expected.clinic)
    shown = [tuple(overview.table.item(r, c).text() for c in range(overview.table.columnCount()))
             for r in range(overview.table.rowCount())]
    assert shown == [overview_cells(o) for o in rows]
    clinic_row = shown[-1]
    assert clinic_row[0] == "Clinic" and clinic_row[1] == "3"
    assert int(clinic_row[3]) >= 2 and int(clinic_row[4]) >= 1  # the seeded repaired and unrepaired ruptures


def test_the_clinics_auto_lock_setting_drives_the_shell(qtbot, clinic, fake_printer):
    from alliance_desktop.services.settings import set_clinic_settings
    from alliance_desktop.ui.shell import ShellController
    from alliance_desktop.ui.windows import ShellWindows, ViewOptions
    from tests.ui.helpers import Shell

    admin = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    set_clinic_settings(admin, auto_lock_minutes=7)
    admin.lock()
    controller = ShellController(clinic)  # the default: the clinic's own setting applies
    windows = ShellWindows(controller, ViewOptions(print_key=fake_printer))
    try:
        controller.start()
        main = log_in(qtbot, Shell(controller, windows, fake_printer))
        assert controller.idle.timeout_ms == 7 * 60_000 and controller.idle.active
        assert "7 minutes" in main.statusBar().currentMessage()
        main.settings.auto_lock.setValue(3)
        click(qtbot, main.settings.save_button)
        assert controller.idle.timeout_ms == 3 * 60_000 and controller.idle.active
    finally:
        controller.shutdown()
        windows.close_all()
