"""First start: the setup wizard, driven like a person would drive it."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QWizard

from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess, ClinicState
from alliance_desktop.ui.setup_wizard import SetupWizard
from tests.support import FAST_KDF
from tests.ui.helpers import FakePrinter, click, tick, type_text

STRONG = "tea-kettle-harbour-42"
GROUPED_KEY = re.compile(r"^([A-Z2-7]{4}-){3}[A-Z2-7]{4}\n([A-Z2-7]{4}-){3}[A-Z2-7]{4}$")


@pytest.fixture
def wizard(qtbot, access, fake_printer):
    w = SetupWizard(access, print_key=fake_printer)
    qtbot.addWidget(w)
    w.show()
    return w


def button(wizard: SetupWizard, which: QWizard.WizardButton):
    return wizard.button(which)


NEXT, BACK, FINISH = QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton


def fill_clinic_and_account(qtbot, wizard: SetupWizard, password: str = STRONG) -> None:
    type_text(qtbot, wizard.clinic_page.clinic_name, "Praxis am See")
    click(qtbot, button(wizard, NEXT))
    page = wizard.account_page
    type_text(qtbot, page.username, "anna")
    type_text(qtbot, page.display_name, "Dr. Anna Muster")
    type_text(qtbot, page.passwords.password, password)
    type_text(qtbot, page.passwords.repeat, password)


def test_clinic_name_is_required(qtbot, wizard):
    assert "Your clinic" in wizard.currentPage().title()
    assert not button(wizard, NEXT).isEnabled()
    type_text(qtbot, wizard.clinic_page.clinic_name, "Praxis am See")
    assert button(wizard, NEXT).isEnabled()


def test_weak_password_keeps_next_disabled_and_says_why(qtbot, wizard):
    type_text(qtbot, wizard.clinic_page.clinic_name, "Praxis am See")
    click(qtbot, button(wizard, NEXT))
    page = wizard.account_page
    assert "Administrator account" in wizard.currentPage().title()
    type_text(qtbot, page.username, "anna")
    type_text(qtbot, page.passwords.password, "short")
    type_text(qtbot, page.passwords.repeat, "short")
    assert not button(wizard, NEXT).isEnabled()
    assert page.passwords.hints.isVisible()
    assert "Use at least 10 characters (5 so far)." in page.passwords.hints.text()
    assert page.passwords.strength.text() == "Strength: Very weak"

    type_text(qtbot, page.passwords.password, "anna-anna-anna-1")  # contains the user name
    type_text(qtbot, page.passwords.repeat, "anna-anna-anna-1")
    assert not button(wizard, NEXT).isEnabled()
    assert "Do not include your user name." in page.passwords.hints.text()

    type_text(qtbot, page.passwords.password, STRONG)
    type_text(qtbot, page.passwords.repeat, STRONG[:-1])
    assert not button(wizard, NEXT).isEnabled()
    assert page.passwords.mismatch.isVisible()

    type_text(qtbot, page.passwords.repeat, STRONG)
    assert not page.passwords.mismatch.isVisible()
    assert button(wizard, NEXT).isEnabled()
    assert page.passwords.strength.text().startswith("Strength: ")
    assert page.passwords.bar.value() >= 2


def test_bad_user_name_is_explained(qtbot, wizard):
    fill_clinic_and_account(qtbot, wizard)
    type_text(qtbot, wizard.account_page.username, "anna muster")
    assert wizard.account_page.username_problem.isVisible()
    assert "no spaces" in wizard.account_page.username_problem.text()
    assert not button(wizard, NEXT).isEnabled()


def test_recovery_key_page_print_confirm_finish_and_the_key_unlocks(qtbot, wizard, access, fake_printer):
    fill_clinic_and_account(qtbot, wizard)
    click(qtbot, button(wizard, NEXT))
    page = wizard.key_page
    assert "Recovery key" in wizard.currentPage().title()
    shown = page.key_label.text()
    assert GROUPED_KEY.match(shown), shown
    key = shown.replace("\n", "-")
    assert not button(wizard, FINISH).isEnabled()

    click(qtbot, page.print_button)
    assert fake_printer.calls == [("Praxis am See", key)]
    assert "Sent to the printer" in page.print_status.text()

    # Back and forward again: the same key, not a new one.
    click(qtbot, button(wizard, BACK))
    assert "Administrator account" in wizard.currentPage().title()
    click(qtbot, button(wizard, NEXT))
    assert page.key_label.text() == shown

    tick(qtbot, page.stored)
    assert page.stored.isChecked()
    assert button(wizard, FINISH).isEnabled()
    assert button(wizard, FINISH).text() == "Create the clinic"
    with qtbot.waitSignal(wizard.clinicCreated, timeout=5000) as created:
        click(qtbot, button(wizard, FINISH))
    assert created.args == ["anna"]
    assert access.state() is ClinicState.READY
    # Shown once: the wizard has forgotten it.
    assert page.key_label.text() == ""
    assert page.key() is None

    session = access.unlock_with_recovery_key(shown, "anna", "a-brand-new-secret-7")
    try:
        assert session.user.display_name == "Dr. Anna Muster"
        assert session.clinic_name == "Praxis am See"
    finally:
        session.lock()
    access.unlock("anna", "a-brand-new-secret-7").lock()


def test_a_problem_at_finish_is_shown_where_it_can_be_fixed_and_nothing_typed_is_lost(
    qtbot, wizard, data_paths, access
):
    fill_clinic_and_account(qtbot, wizard)
    click(qtbot, button(wizard, NEXT))
    shown = wizard.key_page.key_label.text()
    tick(qtbot, wizard.key_page.stored)
    # Meanwhile somebody else set up a clinic in the same folder.
    other = ClinicAccess(DataPaths(data_paths.root), kdf=FAST_KDF)
    other.create_clinic(clinic_name="Other", username="other", display_name="O",
                        password="long-enough-pass-1", recovery_key=other.new_recovery_key())
    click(qtbot, button(wizard, FINISH))

    assert wizard.isVisible()
    assert "Your clinic" in wizard.currentPage().title()
    assert wizard.clinic_page.error.isVisible()
    assert wizard.clinic_page.error.text() == "This data folder already holds a clinic."
    assert wizard.clinic_page.clinic_name.text() == "Praxis am See"
    click(qtbot, button(wizard, NEXT))
    assert wizard.account_page.username.text() == "anna"
    assert wizard.account_page.passwords.text() == STRONG
    click(qtbot, button(wizard, NEXT))
    assert wizard.key_page.key_label.text() == shown  # still the same key: nothing was created


def test_cancel_creates_nothing(qtbot, wizard, access, data_paths):
    with qtbot.waitSignal(wizard.rejected):
        click(qtbot, button(wizard, QWizard.WizardButton.CancelButton))
    assert access.state() is ClinicState.NEW
    assert not data_paths.database.exists()


def test_print_button_goes_through_the_injected_printer_only(qtbot, access):
    printer = FakePrinter()
    w = SetupWizard(access, print_key=printer)
    qtbot.addWidget(w)
    w.show()
    fill_clinic_and_account(qtbot, w)
    click(qtbot, w.button(NEXT))
    click(qtbot, w.key_page.print_button)
    click(qtbot, w.key_page.print_button)
    assert len(printer.calls) == 2
    assert printer.calls[0] == printer.calls[1]
