"""The staff window, still a shell: who is logged in, lock, log out, change password.

It says plainly what works today and what is coming, rather than showing
empty tables that look broken. Locking and logging out are requests to the
shell controller, which owns the session; this window never closes the
database itself.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop import __version__
from alliance_desktop.ui import theme
from alliance_desktop.ui.password_dialogs import ChangePasswordDialog

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession

COMING_NEXT = """
<h2 style="margin-bottom: 4px;">Welcome, {name}</h2>
<p>This first version of Alliance Desktop sets up the clinic's encrypted database and its
staff login. You can lock the window, log out and change your password, and start the
waiting-room kiosk on this device (Clinic &gt; Start kiosk on this device), where clients
rate each session on a touch screen.</p>
<p><b>Coming next</b></p>
<ul>
<li><b>Caseload</b> &mdash; your clients and where each course of therapy stands.</li>
<li><b>Course view</b> &mdash; alliance and outcome ratings across the sessions, as charts.</li>
<li><b>Alerts</b> &mdash; possible ruptures in the alliance and clients who are not on track.</li>
<li><b>Reports</b> &mdash; PDF summaries and exports.</li>
</ul>
"""


def logged_in_text(display_name: str, role_label: str) -> str:
    return f"Logged in as {display_name} — {role_label}"


NO_EXIT_PIN = (
    "No kiosk exit PIN is set for this clinic. Without one, holding the kiosk's top-right corner "
    "for 3 seconds leads straight to the staff login, so anyone could stop the kiosk (nobody can read "
    "data without a staff password). An administrator can set a PIN of at least 6 digits.\n\n"
    "Start the kiosk anyway?"
)


class MainWindow(QMainWindow):
    """Signals ``lockRequested``, ``logoutRequested``, ``quitRequested`` and ``kioskRequested`` to the shell."""

    lockRequested = Signal()
    logoutRequested = Signal()
    quitRequested = Signal()
    kioskRequested = Signal()

    def __init__(
        self,
        session: ClinicSession,
        *,
        banner: str = "",
        idle_minutes: float = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._dialog: ChangePasswordDialog | None = None
        self._kiosk_question: QMessageBox | None = None
        user = session.user
        self.setWindowTitle(f"{session.clinic_name} — Alliance Desktop")
        self.resize(1100, 720)
        self.setMinimumSize(720, 480)

        self.lock_action = QAction("Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip("Lock the window (Ctrl+L); log in again to continue")
        self.logout_action = QAction("Log out", self)
        self.logout_action.setToolTip("Close the clinic and return to an empty login")
        self.password_action = QAction("Change password…", self)
        self.kiosk_action = QAction("Start kiosk on this device", self)
        self.kiosk_action.setToolTip("Turn this screen into the waiting-room kiosk where clients rate their session. "
                                     "To leave it, hold the top-right corner for 3 seconds, then enter the exit PIN.")
        self.quit_action = QAction("Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        about_action = QAction("About Alliance Desktop", self)
        for action in (self.lock_action, self.logout_action, self.quit_action):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.lockRequested)
        self.logout_action.triggered.connect(self.logoutRequested)
        self.quit_action.triggered.connect(self.quitRequested)
        self.password_action.triggered.connect(self.open_change_password)
        self.kiosk_action.triggered.connect(self.start_kiosk)
        about_action.triggered.connect(self._about)

        clinic_menu = self.menuBar().addMenu("&Clinic")
        clinic_menu.addAction(self.password_action)
        clinic_menu.addAction(self.kiosk_action)
        clinic_menu.addSeparator()
        clinic_menu.addAction(self.lock_action)
        clinic_menu.addAction(self.logout_action)
        clinic_menu.addSeparator()
        clinic_menu.addAction(self.quit_action)
        self.menuBar().addMenu("&Help").addAction(about_action)

        toolbar = QToolBar("Session")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.password_action)
        toolbar.addAction(self.kiosk_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)  # Lock and Log out sit on the right, above "Logged in as"
        toolbar.addAction(self.lock_action)
        toolbar.addAction(self.logout_action)
        self.addToolBar(toolbar)

        header = theme.set_role(QFrame(), theme.SESSION_HEADER)
        clinic = theme.set_role(QLabel(session.clinic_name), theme.HEADER_TITLE)
        self.who = QLabel(logged_in_text(user.display_name, user.role.label))
        self.who.setAccessibleName("Logged-in user")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 12, 20, 12)
        row.addWidget(clinic)
        row.addStretch(1)
        row.addWidget(self.who)

        self.banner = theme.set_role(QLabel(banner), theme.BANNER)
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(banner))
        placeholder = theme.set_role(QLabel(COMING_NEXT.format(name=html.escape(user.display_name))), theme.PLACEHOLDER)
        placeholder.setWordWrap(True)
        placeholder.setTextFormat(Qt.TextFormat.RichText)
        placeholder.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A fixed width lets the word-wrapped rich text compute its height (no clipped last lines).
        placeholder.setFixedWidth(720)

        body = QVBoxLayout()
        body.setContentsMargins(28, 20, 28, 20)
        body.setSpacing(14)
        body.addWidget(self.banner)
        body.addWidget(placeholder, 0, Qt.AlignmentFlag.AlignHCenter)
        body.addStretch(1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addLayout(body, 1)
        self.setCentralWidget(central)

        if idle_minutes:
            self.statusBar().showMessage(
                f"Locks automatically after {idle_minutes:g} minutes without activity.")

    # -- actions -------------------------------------------------------------------
    def open_change_password(self) -> None:
        if self._dialog is not None:
            self._dialog.raise_()
            return
        dialog = ChangePasswordDialog(self._session, self)
        self._dialog = dialog
        dialog.finished.connect(lambda result: self._password_finished(dialog, result))
        dialog.open()

    def start_kiosk(self) -> None:
        """Ask the shell for the kiosk; first say so when leaving it would need no PIN."""
        if self._kiosk_question is not None:
            self._kiosk_question.raise_()
            return
        from alliance_desktop.services.kiosk import kiosk_settings

        try:
            pin_set = kiosk_settings(self._session).exit_pin_set
        except Exception:  # noqa: BLE001 - the shell reports a broken database when the kiosk starts
            pin_set = True
        if pin_set:
            self.kioskRequested.emit()
            return
        question = QMessageBox(QMessageBox.Icon.Warning, "Start kiosk", NO_EXIT_PIN,
                               QMessageBox.StandardButton.Cancel, self)
        start = question.addButton("Start kiosk", QMessageBox.ButtonRole.AcceptRole)
        question.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self._kiosk_question = question
        question.finished.connect(lambda _: self._kiosk_answered(question, question.clickedButton() is start))
        question.open()

    def kiosk_question(self) -> QMessageBox | None:
        return self._kiosk_question

    def _kiosk_answered(self, question: QMessageBox, start: bool) -> None:
        self._kiosk_question = None
        question.deleteLater()
        if start:
            self.kioskRequested.emit()

    def change_password_dialog(self) -> ChangePasswordDialog | None:
        return self._dialog

    def _password_finished(self, dialog: ChangePasswordDialog, result: int) -> None:
        self._dialog = None
        dialog.deleteLater()
        if result == ChangePasswordDialog.DialogCode.Accepted.value:
            self.statusBar().showMessage("Password changed. Use the new password from the next login on.", 15000)

    def retire(self) -> None:
        """Called by the shell before this window goes away (lock, log out): close any open dialog."""
        if self._dialog is not None:
            self._dialog.reject()
        if self._kiosk_question is not None:
            question, self._kiosk_question = self._kiosk_question, None
            question.done(0)

    def _about(self) -> None:
        QMessageBox.about(
            self, "About Alliance Desktop",
            f"<b>Alliance Desktop {__version__}</b><p>Routine client feedback on the therapeutic "
            "alliance and outcome, stored encrypted on this computer.</p>")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window quits the app; the shell locks the session on the way out."""
        self.retire()
        super().closeEvent(event)
