"""First start: name the clinic, create the first administrator, hand over the recovery key.

Nothing is written until the last page is finished: cancelling at any point
leaves the data folder as empty as it was. The recovery key is generated once
per wizard, so Back and Next show the same key (a person who has already
written it down must not be handed a different one); after Finish the wizard
forgets it. Any problem ``create_clinic`` reports is shown on the page where
it can be fixed, with everything typed so far still there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from alliance_desktop.core.accounts import normalize_username, username_problem
from alliance_desktop.services.access import MAX_CLINIC_NAME, MAX_DISPLAY_NAME
from alliance_desktop.services.errors import InvalidInput, ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.busy import busy
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.recovery_print import PrintKey, RecoveryKeyPrinter
from alliance_desktop.ui.widgets.password import NewPasswordFields

if TYPE_CHECKING:
    from alliance_desktop.services.access import ClinicAccess

CLINIC_PAGE, ACCOUNT_PAGE, KEY_PAGE = 0, 1, 2
STORED_SAFELY = "I have stored the recovery key safely."
_PAGE_FOR_FIELD = {
    "clinic_name": CLINIC_PAGE,
    "data_dir": CLINIC_PAGE,
    "username": ACCOUNT_PAGE,
    "display_name": ACCOUNT_PAGE,
    "password": ACCOUNT_PAGE,
    "recovery_key": KEY_PAGE,
}


def _error_label() -> QLabel:
    label = theme.set_role(QLabel(), theme.ERROR)
    label.setWordWrap(True)
    label.hide()
    return label


def _explain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class _Page(QWizardPage):
    """A page with a place to show what went wrong when the clinic was created."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.heading = title
        self.setTitle(f'<span style="font-size: 15pt; font-weight: 600;">{title}</span>')
        self.setSubTitle(subtitle)
        self.error = _error_label()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class ClinicPage(_Page):
    def __init__(self, data_folder: str) -> None:
        super().__init__("Your clinic", "Step 1 of 3 — the name shown in window titles and on reports.")
        self.clinic_name = QLineEdit()
        self.clinic_name.setMaxLength(MAX_CLINIC_NAME)
        self.clinic_name.setPlaceholderText("e.g. Praxis am See")
        self.clinic_name.setAccessibleName("Clinic name")
        self.registerField("clinic_name*", self.clinic_name)
        self.clinic_name.textEdited.connect(lambda _t: self.show_error(""))

        form = theme.form_layout()
        form.addRow("Clinic name:", self.clinic_name)
        folder = theme.set_role(QLabel(f"The clinic's data is kept encrypted in this folder:\n{data_folder}"),
                                theme.HINT)
        folder.setWordWrap(True)
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addWidget(_explain(
            "Welcome to Alliance Desktop. This short setup creates the clinic's encrypted "
            "database and its first administrator account."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(folder)


class AccountPage(_Page):
    def __init__(self) -> None:
        super().__init__("Administrator account",
                         "Step 2 of 3 — the first account; it manages staff, settings and backups.")
        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.username.setPlaceholderText("e.g. anna.muster")
        self.username.setAccessibleName("User name")
        self.username_problem = theme.set_role(QLabel(), theme.FIELD_ERROR)
        self.username_problem.setWordWrap(True)
        self.username_problem.hide()
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(MAX_DISPLAY_NAME)
        self.display_name.setPlaceholderText("e.g. Dr. Anna Muster")
        self.display_name.setAccessibleName("Name shown on screen")
        self.passwords = NewPasswordFields(self._context, self)

        form = theme.form_layout()
        form.addRow("User name:", self.username)
        form.addRow("", self.username_problem)
        form.addRow("Your name:", self.display_name)
        self.passwords.add_rows(form)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(_explain(
            "You will log in with the user name and password. Choose a password only you know: "
            "together with the key file it protects every client's data."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.username.textChanged.connect(self._username_changed)
        self.display_name.textEdited.connect(lambda _t: self.show_error(""))
        self.passwords.changed.connect(self.completeChanged)
        self.passwords.password.textEdited.connect(lambda _t: self.show_error(""))

    def _context(self) -> tuple[str, str]:
        return self.username.text(), str(self.field("clinic_name") or "")

    def _username_changed(self, text: str) -> None:
        problem = username_problem(text) if text.strip() else None
        self.username_problem.setText(problem or "")
        self.username_problem.setVisible(bool(problem))
        self.show_error("")
        self.passwords.refresh()  # a password containing the user name becomes unacceptable

    def initializePage(self) -> None:
        self.passwords.refresh()  # the clinic name may have changed on page 1

    def isComplete(self) -> bool:
        return username_problem(self.username.text()) is None and self.passwords.acceptable()


class RecoveryKeyPage(_Page):
    def __init__(self, access: ClinicAccess, print_key: PrintKey) -> None:
        super().__init__("Recovery key", "Step 3 of 3 — your way back in if every password is lost.")
        self._access = access
        self._print_key = print_key
        self._key: str | None = None

        self.key_label = theme.set_role(QLabel(), theme.RECOVERY_KEY)
        self.key_label.setFont(theme.fixed_font(20))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAccessibleName("Recovery key")
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(self._print)
        self.print_status = theme.set_role(QLabel(), theme.HINT)
        self.stored = QCheckBox(STORED_SAFELY)
        self.stored.toggled.connect(self.completeChanged)

        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.print_status, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(_explain(
            "If every administrator forgets their password, this key is the only way back into the "
            "clinic's data. It is shown <b>only now</b>. Print it or write it down, and keep it "
            "somewhere safe away from this computer. Anyone with this key and the data folder can "
            "read the clinic's data."))
        layout.addWidget(self.key_label)
        layout.addLayout(row)
        layout.addSpacing(6)
        layout.addWidget(self.stored)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        if self._key is None:
            self._key = self._access.new_recovery_key()
        groups = self._key.split("-")
        self.key_label.setText("-".join(groups[:4]) + "\n" + "-".join(groups[4:]))

    def key(self) -> str | None:
        return self._key

    def forget_key(self) -> None:
        """After setup the key exists only on the paper the person took away."""
        self._key = None
        self.key_label.clear()

    def _print(self) -> None:
        if self._key is None:
            return
        if self._print_key(self, str(self.field("clinic_name") or ""), self._key):
            self.print_status.setText("Sent to the printer. Check the sheet is readable before you tick the box.")

    def isComplete(self) -> bool:
        return self.stored.isChecked() and self._key is not None

    def validatePage(self) -> bool:
        wizard = self.wizard()
        return isinstance(wizard, SetupWizard) and wizard.create_clinic()


class SetupWizard(QWizard):
    """Emits ``clinicCreated(user name)`` once the database and key file exist."""

    clinicCreated = Signal(str)

    def __init__(self, access: ClinicAccess, *, print_key: PrintKey | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._access = access
        self._created_user = ""
        self.setWindowTitle("Alliance Desktop — set up your clinic")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Create the clinic")
        self.setMinimumSize(760, 600)
        self.clinic_page = ClinicPage(str(access.paths.root))
        self.account_page = AccountPage()
        self.key_page = RecoveryKeyPage(access, print_key or RecoveryKeyPrinter())
        for page_id, page in ((CLINIC_PAGE, self.clinic_page), (ACCOUNT_PAGE, self.account_page),
                              (KEY_PAGE, self.key_page)):
            self.setPage(page_id, page)
        self.setStartId(CLINIC_PAGE)
        self.accepted.connect(lambda: self.clinicCreated.emit(self._created_user))

    def create_clinic(self) -> bool:
        """Finish: write the clinic. On a problem, go to the page that can fix it and say what."""
        key = self.key_page.key()
        if key is None:
            return False
        for page in (self.clinic_page, self.account_page, self.key_page):
            page.show_error("")
        username = self.account_page.username.text()
        try:
            with busy(self.button(QWizard.WizardButton.FinishButton), self.button(QWizard.WizardButton.BackButton)):
                self._access.create_clinic(
                    clinic_name=self.clinic_page.clinic_name.text(),
                    username=username,
                    display_name=self.account_page.display_name.text(),
                    password=self.account_page.passwords.text(),
                    recovery_key=key,
                )
        except InvalidInput as problem:
            self._show_problem(_PAGE_FOR_FIELD.get(problem.field, KEY_PAGE), problem.user_message)
            return False
        except (StorageError, ServiceError) as problem:
            self._show_problem(KEY_PAGE, f"The clinic could not be created. {staff_message(problem)}")
            return False
        except OSError as problem:
            self._show_problem(KEY_PAGE, "The clinic could not be created: the data folder cannot be "
                                         f"written ({problem.strerror or problem}).")
            return False
        self._created_user = normalize_username(username)
        self.key_page.forget_key()
        return True

    def _show_problem(self, page_id: int, message: str) -> None:
        while self.currentId() > page_id:
            self.back()
        page = self.page(page_id)
        if isinstance(page, _Page):
            page.show_error(message)
