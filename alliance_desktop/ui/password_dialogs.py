"""Setting a password after setup: with the recovery key (forgotten) or the old one (change).

Both dialogs are opened with ``open()`` rather than ``exec()``: no nested event
loop, so an auto-lock or a quit can close them cleanly, and tests drive them
like any other window. Both only call services; the new password's rules come
from the same widget the setup wizard uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services.errors import ServiceError, StorageError, WrongPassword
from alliance_desktop.ui import theme
from alliance_desktop.ui.busy import busy
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.widgets.password import NewPasswordFields

if TYPE_CHECKING:
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.clinic_session import ClinicSession


class _PasswordDialog(QDialog):
    """Form + error line + a primary button that is enabled only when the form is complete."""

    def __init__(self, title: str, intro: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.form = theme.form_layout()
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = theme.set_role(QPushButton(action), theme.PRIMARY)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(self.submit)
        explanation = QLabel(intro)
        explanation.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(explanation)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def update_button(self) -> None:
        self.ok_button.setEnabled(self.complete())

    def complete(self) -> bool:
        raise NotImplementedError

    def submit(self) -> None:
        raise NotImplementedError


class RecoveryDialog(_PasswordDialog):
    """Recovery key + user name + new password; on success ``session`` holds the open clinic."""

    def __init__(self, access: ClinicAccess, *, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(
            "Reset a password with the recovery key",
            "The recovery key was shown once when the clinic was set up, usually printed and kept "
            "in a safe place. With it you can choose a new password for an account.",
            "Set password and log in",
            parent,
        )
        self._access = access
        self.session: ClinicSession | None = None
        self.recovery_key = QLineEdit()
        self.recovery_key.setFont(theme.fixed_font(13))
        self.recovery_key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.recovery_key.setAccessibleName("Recovery key")
        self.username = QLineEdit(username)
        self.username.setAccessibleName("User name")
        self.passwords = NewPasswordFields(lambda: (self.username.text(), ""), self)
        self.form.addRow("Recovery key:", self.recovery_key)
        self.form.addRow("User name:", self.username)
        self.passwords.add_rows(self.form, "New password:", "Repeat password:")
        for edit in (self.recovery_key, self.username):
            edit.textChanged.connect(self._edited)
        self.passwords.changed.connect(self.update_button)
        (self.passwords.password if username else self.recovery_key).setFocus()
        self.update_button()

    def _edited(self) -> None:
        self.show_error("")
        self.passwords.refresh()

    def complete(self) -> bool:
        return bool(self.recovery_key.text().strip() and self.username.text().strip()) and self.passwords.acceptable()

    def submit(self) -> None:
        if not self.complete():
            return
        self.show_error("")
        try:
            with busy(self.ok_button, self.recovery_key, self.username):
                session = self._access.unlock_with_recovery_key(
                    self.recovery_key.text(), self.username.text(), self.passwords.text()
                )
        except (StorageError, ServiceError) as problem:
            # Here a wrong key and an unknown account are told apart: the key holder may know.
            self.show_error(staff_message(problem))
            return
        self.session = session
        self.passwords.clear()
        self.recovery_key.clear()
        self.accept()


class ChangePasswordDialog(_PasswordDialog):
    """Current password + new one twice; the data key is re-wrapped, the database untouched."""

    def __init__(self, session: ClinicSession, parent: QWidget | None = None) -> None:
        super().__init__(
            "Change password",
            f"Choose a new password for {session.user.display_name} ({session.user.username}). "
            "It takes effect at the next login.",
            "Change password",
            parent,
        )
        self._session = session
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.current.setAccessibleName("Current password")
        self.passwords = NewPasswordFields(lambda: (session.user.username, session.clinic_name), self)
        self.form.addRow("Current password:", self.current)
        self.passwords.add_rows(self.form, "New password:", "Repeat password:")
        self.current.textChanged.connect(lambda _t: (self.show_error(""), self.update_button()))
        self.passwords.changed.connect(self.update_button)
        self.current.setFocus()
        self.update_button()

    def complete(self) -> bool:
        return bool(self.current.text()) and self.passwords.acceptable()

    def submit(self) -> None:
        if not self.complete():
            return
        self.show_error("")
        try:
            with busy(self.ok_button, self.current):
                self._session.change_password(self.current.text(), self.passwords.text())
        except WrongPassword as wrong:
            self.current.clear()
            self.current.setFocus()
            self.show_error(staff_message(wrong))
            return
        except (StorageError, ServiceError) as problem:
            self.show_error(staff_message(problem))
            return
        except OSError as problem:
            self.show_error(f"The password could not be saved: {problem.strerror or problem}.")
            return
        self.current.clear()
        self.passwords.clear()
        self.accept()
