"""The login screen: user name and password, or the recovery key when both are gone.

Wrong user name and wrong password get the same message on purpose (nobody
learns which accounts exist). After repeated failures the service imposes a
wait; the screen counts it down instead of letting people hammer a button
that cannot work. A damaged file is reported as such, never as "wrong
password", so nobody keeps retrying a password that was right all along.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services.errors import (
    DamagedDatabase,
    EmptyDatabaseFile,
    ServiceError,
    StorageError,
    UnlockBackoff,
    WrongPassword,
)
from alliance_desktop.ui import theme
from alliance_desktop.ui.busy import busy
from alliance_desktop.ui.messages import staff_message

if TYPE_CHECKING:
    from alliance_desktop.services.access import CheckedLogin, ClinicAccess
    from alliance_desktop.ui.password_dialogs import RecoveryDialog
    from alliance_desktop.ui.schema_update_dialog import SchemaUpdateDialog
    from alliance_desktop.services.clinic_session import ClinicSession

COUNTDOWN_TICK_MS = 500
#: Errors after the right password that only a restore from backup can fix (RELIABILITY row 7).
#: (A damaged key file stays on this screen: it is reported here, and a restore from the start screen fixes it.)
_RESTORABLE = (DamagedDatabase, EmptyDatabaseFile)


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """A right password: an open session; or (kiosk first) the checked login and the sealed clinic name;
    or (``update_from``) the checked login of a database that needs a schema update before it opens."""

    checked: CheckedLogin
    session: ClinicSession | None
    clinic_name: str = ""
    update_from: int | None = None


def log_in(access: ClinicAccess, username: str, password: str, *, kiosk_first: bool = False,
           update_inline: bool = True) -> LoginAttempt:
    """Check the password, then open the database, unless a kiosk can paint its welcome screen first.

    With ``kiosk_first`` and a sealed copy of the clinic's name at hand, the
    database stays closed: the shell shows the kiosk and opens it after the
    first paint (``ShellController.kiosk_before_open``). A database older than
    this build is updated inside the open, unless ``update_inline`` is False:
    then the attempt says so (``update_from``) and the caller runs the update
    with its progress on screen. Raises what ``ClinicAccess.unlock`` raises.
    """
    from alliance_desktop.services.schema_update import SchemaUpdateDue

    checked = access.check_password(username, password)
    name = access.sealed_clinic_name(checked) if kiosk_first else None
    if name is not None:
        return LoginAttempt(checked, None, name)
    try:
        return LoginAttempt(checked, access.open_checked(checked, update_inline=update_inline))
    except SchemaUpdateDue as due:
        return LoginAttempt(checked, None, update_from=due.version)


def backoff_text(seconds: float) -> str:
    whole = max(1, int(seconds + 0.999))
    return f"Too many failed attempts. Try again in {whole} s."


class LoginWindow(QWidget):
    """Emits ``unlocked(ClinicSession)``; the shell decides what comes next."""

    unlocked = Signal(object)
    #: (CheckedLogin, clinic name): the password is right and, as asked with ``kiosk_first``, the
    #: database is left closed for the kiosk to open after its first paint
    checkedForKiosk = Signal(object, str)
    #: the password was right but the clinic's files are damaged: the shell shows the damaged screen
    damaged = Signal(str)

    def __init__(
        self,
        access: ClinicAccess,
        *,
        username: str = "",
        notice: str = "",
        banner: str = "",
        kiosk_first: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._access = access
        self._kiosk_first = kiosk_first
        self._recovery: RecoveryDialog | None = None
        self._update_dialog: SchemaUpdateDialog | None = None
        self.setWindowTitle("Alliance Desktop — log in")
        self.setMinimumWidth(600)

        heading = theme.set_role(QLabel("Alliance Desktop"), theme.HEADING)
        sub = theme.set_role(QLabel("Log in to open the clinic."), theme.SUBHEADING)
        self.banner = theme.set_role(QLabel(banner), theme.BANNER)
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(banner))
        self.notice = theme.set_role(QLabel(notice), theme.NOTICE)
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(notice))

        self.username = QLineEdit(username)
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        form = theme.form_layout()
        form.addRow("User name:", self.username)
        form.addRow("Password:", self.password)

        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.wait_note = theme.set_role(QLabel(), theme.NOTICE)
        self.wait_note.setWordWrap(True)
        self.wait_note.hide()
        self.login_button = theme.set_role(QPushButton("Log in"), theme.PRIMARY)
        self.forgot_button = theme.LinkButton("Forgot password?")
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)

        folder = theme.set_role(QLabel(f"Data folder: {access.paths.root}"), theme.HINT)
        folder.setWordWrap(True)
        theme.make_selectable(folder)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 32, 36, 24)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addWidget(sub)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.wait_note)
        layout.addLayout(buttons)
        layout.addStretch(1)
        layout.addWidget(folder)

        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_TICK_MS)
        self._countdown.timeout.connect(self._tick)

        self.login_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self._username_entered)
        self.forgot_button.clicked.connect(self.open_recovery)
        (self.password if username else self.username).setFocus()
        self._tick()  # a wait imposed before this window opened still applies

    # -- actions -------------------------------------------------------------------
    def _username_entered(self) -> None:
        if self.password.text():
            self.submit()
        else:
            self.password.setFocus()

    def submit(self) -> None:
        if self._countdown.isActive():
            return
        if not self.username.text().strip():
            self._show_error("Enter your user name.")
            self.username.setFocus()
            return
        if not self.password.text():
            self._show_error("Enter your password.")
            self.password.setFocus()
            return
        self._show_error("")
        self.notice.hide()
        try:
            with busy(*self._inputs()):
                attempt = log_in(self._access, self.username.text(), self.password.text(),
                                 kiosk_first=self._kiosk_first, update_inline=False)
        except UnlockBackoff:
            self._tick()
            return
        except WrongPassword as wrong:
            self._show_error(wrong.user_message)
            self.password.clear()
            self.password.setFocus()
            self._tick()  # that may have been the failure that starts a wait
            return
        except (StorageError, ServiceError) as problem:
            self.password.clear()
            self._refused(problem)
            return
        self.password.clear()
        if attempt.update_from is not None:
            self._update_then_open(attempt.checked, attempt.update_from)
        elif attempt.session is not None:
            self.unlocked.emit(attempt.session)
        else:
            self.checkedForKiosk.emit(attempt.checked, attempt.clinic_name)

    def _inputs(self) -> tuple[QWidget, ...]:
        return self.login_button, self.username, self.password, self.forgot_button

    def _refused(self, problem: Exception) -> None:
        if isinstance(problem, _RESTORABLE):  # not fixable by retyping: offer the restore
            self.damaged.emit(staff_message(problem))
        else:
            self._show_error(staff_message(problem))

    # -- the first login after an update that changed the database's schema ---------------------
    def _update_then_open(self, checked: CheckedLogin, from_version: int) -> None:
        """Convert the database on a worker thread behind a progress window, then open it here."""
        from alliance_desktop.services.schema_update import SCHEMA_VERSION
        from alliance_desktop.ui.schema_update_dialog import SchemaUpdateDialog, StepRelay
        from alliance_desktop.ui.tasks import run_task

        dialog = SchemaUpdateDialog(from_version, SCHEMA_VERSION, parent=self)
        # Not parented: the worker emits through it until the update returns, even if this window and
        # its dialog are deleted meanwhile (the lambda below keeps it alive; see ui.tasks._Relay).
        relay = StepRelay()
        relay.step.connect(dialog.show_step)
        for widget in self._inputs():
            widget.setEnabled(False)
        self._update_dialog = dialog
        dialog.open()

        def done(_: object) -> None:
            self._update_ended()
            try:
                with busy(*self._inputs()):
                    session = self._access.open_checked(checked)
            except (StorageError, ServiceError) as problem:
                self._refused(problem)
                return
            self.unlocked.emit(session)

        def failed(problem: Exception) -> None:
            self._update_ended()
            self._refused(problem)

        run_task(self, lambda: self._access.update_schema(checked, relay.step.emit), done, failed)

    def _update_ended(self) -> None:
        dialog, self._update_dialog = self._update_dialog, None
        if dialog is not None:
            dialog.finish()
            dialog.deleteLater()
        for widget in self._inputs():
            widget.setEnabled(True)
        self._tick()

    def update_dialog(self) -> SchemaUpdateDialog | None:
        """The schema update's progress window while it is open (tests look at it)."""
        return self._update_dialog

    def open_recovery(self) -> None:
        """Forgot password: the recovery key sets a new one and logs in."""
        if self._recovery is not None:
            self._recovery.raise_()
            return
        from alliance_desktop.ui.password_dialogs import RecoveryDialog

        dialog = RecoveryDialog(self._access, username=self.username.text(), parent=self)
        self._recovery = dialog
        dialog.finished.connect(lambda result: self._recovery_finished(dialog, result))
        dialog.open()

    def recovery_dialog(self) -> RecoveryDialog | None:
        return self._recovery

    def _recovery_finished(self, dialog: RecoveryDialog, result: int) -> None:
        self._recovery = None
        session: ClinicSession | None = dialog.session
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted.value and session is not None:
            self.unlocked.emit(session)
        else:
            self._tick()

    # -- feedback ------------------------------------------------------------------
    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _tick(self) -> None:
        """Show the remaining wait, and give the button back when it is over."""
        try:
            wait = self._access.backoff_seconds()
        except OSError:
            wait = 0.0
        waiting = wait > 0
        self.login_button.setEnabled(not waiting)
        self.wait_note.setVisible(waiting)
        if waiting:
            self.wait_note.setText(backoff_text(wait))
            if not self._countdown.isActive():
                self._countdown.start()
        elif self._countdown.isActive():
            self._countdown.stop()
            self.password.setFocus()
