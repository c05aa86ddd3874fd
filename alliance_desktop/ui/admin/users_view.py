"""Staff accounts: add (role + initial password), deactivate, reset a password with the admin's own password.

Adding an account and resetting a password derive a key with Argon2id (half
a second or more by design), so both run off the UI thread (ui.tasks) while
the dialog shows "Working…". There is no backdoor: a reset needs the
administrator's own password (services.admin_users checks it against the key
file); the recovery key path is on the login screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services import admin_users
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.tasks import run_task
from alliance_desktop.ui.therapist.dialogs import FormDialog
from alliance_desktop.ui.widgets.password import NewPasswordFields
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.ui.therapist.workspace import Workspace

COLUMNS = ("User name", "Name", "Role", "Status")


class SlowFormDialog(FormDialog):
    """A form whose service call runs on a worker thread; the dialog stays responsive."""

    def attempt_async(self, call: Callable[[], Any]) -> None:
        self.ok_button.setEnabled(False)
        self.show_error("")
        self._label = self.ok_button.text()
        self.ok_button.setText("Working…")

        def done(result: Any) -> None:
            self.result_value = result
            self.accept()

        def failed(problem: Exception) -> None:
            self.ok_button.setText(self._label)
            self.ok_button.setEnabled(True)
            self.show_error(staff_message(problem))

        self.task = run_task(self, call, done, failed)


class AddUserDialog(SlowFormDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("Add a staff account", "The new account can log in at once with this password; ask the "
                         "person to change it at their first login (Clinic > Change password).", "Add account",
                         parent)
        self.workspace = workspace
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName("Name")
        self.role = QComboBox()
        for role in (Role.THERAPIST, Role.SUPERVISOR, Role.ADMIN):
            self.role.addItem(role.label, role)
        self.passwords = NewPasswordFields(lambda: (self.username.text(), workspace.session.clinic_name))
        self.form.addRow("&User name:", self.username)
        self.form.addRow("&Name:", self.display_name)
        self.form.addRow("&Role:", self.role)
        self.passwords.add_rows(self.form, "Initial &password:", "Re&peat password:")
        self.username.textChanged.connect(lambda _: self.passwords.refresh())

    def submit(self) -> None:
        session = self.workspace.session
        username, name, role, password = (self.username.text(), self.display_name.text(), self.role.currentData(),
                                           self.passwords.text())
        if not self.passwords.matches():
            self.show_error("The two passwords differ.")
            return
        self.attempt_async(lambda: admin_users.add_user(session, username, name, role, password))


class ResetPasswordDialog(SlowFormDialog):
    def __init__(self, workspace: Workspace, user: StaffUser, parent: QWidget | None = None) -> None:
        super().__init__(f"Reset the password of {user.display_name}",
                         "Give the account a new password. Confirm with your own administrator password: there is "
                         "no other way to reset a password (except the clinic's recovery key at the login).",
                         "Reset password", parent)
        self.workspace = workspace
        self.user = user
        self.passwords = NewPasswordFields(lambda: (user.username, workspace.session.clinic_name))
        self.passwords.add_rows(self.form, "&New password:", "Re&peat:")
        self.admin_password = QLineEdit()
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_password.setAccessibleName("Your own password")
        self.form.addRow("&Your password:", self.admin_password)

    def submit(self) -> None:
        session = self.workspace.session
        new, mine, who = self.passwords.text(), self.admin_password.text(), self.user.username
        if not self.passwords.matches():
            self.show_error("The two passwords differ.")
            return
        self.attempt_async(lambda: admin_users.reset_password(session, who, new, mine))


class UsersView(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.users: tuple[StaffUser, ...] = ()
        self._dialog: FormDialog | None = None
        heading = theme.set_role(QLabel("Staff accounts"), theme.HEADING)
        self.table = record_table(COLUMNS, "Staff accounts")
        self.add_button = theme.set_role(QPushButton("&Add account…"), theme.PRIMARY)
        self.reset_button = QPushButton("&Reset password…")
        self.deactivate_button = QPushButton("&Deactivate")
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = theme.set_role(QLabel(), theme.SUCCESS)
        self.status.setWordWrap(True)
        self.status.hide()
        hint = theme.set_role(QLabel("Deactivating removes the account's key: it cannot open the clinic any more, "
                                     "and its name stays on the records it made."), theme.HINT)
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.deactivate_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.add_button.clicked.connect(self.open_add)
        self.reset_button.clicked.connect(self.open_reset)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    def refresh(self) -> None:
        try:
            self.users = tuple(sorted(admin_users.list_users(self.workspace.session),
                                      key=lambda u: (not u.active, u.role.value, u.display_name.casefold())))
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.table.setRowCount(len(self.users))
        for r, u in enumerate(self.users):
            for c, text in enumerate((u.username, u.display_name, u.role.label,
                                      "active" if u.active else "deactivated")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._update_buttons()

    def selected(self) -> StaffUser | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.users[rows[0].row()] if rows else None

    def select_user(self, username: str) -> None:
        for r, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        u = self.selected()
        usable = u is not None and u.active
        self.reset_button.setEnabled(usable)
        self.deactivate_button.setEnabled(usable and u.id != self.workspace.user.id)

    def _open(self, dialog: FormDialog, done: Callable[[FormDialog], None]) -> None:
        self._dialog = dialog

        def finished(result: int) -> None:
            self._dialog = None
            dialog.deleteLater()
            if result:
                done(dialog)

        dialog.finished.connect(finished)
        dialog.open()

    def dialog(self) -> FormDialog | None:
        return self._dialog

    def open_add(self) -> None:
        def added(d: FormDialog) -> None:
            user = d.result_value
            self.refresh()
            self.select_user(user.username)
            self.show_status(f"Account {user.username} ({user.role.label}) added. It can log in now.")
            self.workspace.notify("users")

        self._open(AddUserDialog(self.workspace, self), added)

    def open_reset(self) -> None:
        user = self.selected()
        if user is not None:
            self._open(ResetPasswordDialog(self.workspace, user, self),
                       lambda _: self.show_status(f"The password of {user.username} was reset."))

    def deactivate(self) -> None:
        user = self.selected()
        if user is None:
            return
        try:
            admin_users.deactivate_user(self.workspace.session, user.username)
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.show_error("")
        self.refresh()
        self.show_status(f"{user.username} was deactivated and can no longer log in.")
        self.workspace.notify("users")
