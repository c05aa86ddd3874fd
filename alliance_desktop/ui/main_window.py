"""The staff window: the workspace for the logged-in role, plus lock, log out, change password, kiosk.

Therapists get their caseload (a course opens in its own tab) and their
clients; supervisors every caseload read-only and the clinic overview;
administrators staff accounts, clients, settings, instruments and the audit
log. Every view reads through one ``Workspace`` model (ui.therapist.workspace)
and refreshes when it says something changed. Locking and logging out are
requests to the shell controller, which owns the session; this window never
closes the database itself.
"""

from __future__ import annotations

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
    QTabBar,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop import __version__
from alliance_desktop.core.model import Role
from alliance_desktop.ui import theme
from alliance_desktop.ui.password_dialogs import ChangePasswordDialog
from alliance_desktop.ui.therapist.workspace import Workspace

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession

WELCOME = "Welcome, {name}."

#: The workspace's tabs per role (the services enforce the roles; the tabs only follow them).
THERAPIST_TABS = ("Caseload", "Clients")
SUPERVISOR_TABS = ("Caseloads", "Clinic overview")
ADMIN_TABS = ("Staff accounts", "Clients", "Settings", "Instruments", "Audit log", "Backup")


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
    #: "hand over now": the therapy session id whose questionnaire the kiosk should open
    handOverRequested = Signal(object)
    #: an administrator changed the clinic's auto-lock (minutes)
    autoLockChanged = Signal(int)
    #: a backup was restored: the session is closed, lock with this notice
    clinicRestored = Signal(str)

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
        self.workspace = Workspace(session, self)
        self.workspace.handOverRequested.connect(self.handOverRequested)
        self.courses: dict[object, QWidget] = {}
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
        self.calibrate_action = QAction("Calibrate rating lines on this screen…", self)
        self.calibrate_action.setToolTip("Measure the kiosk's 10 cm rating line with a ruler and correct it "
                                         "for this screen")
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
        self.calibrate_action.triggered.connect(self.open_line_calibration)
        about_action.triggered.connect(self._about)

        clinic_menu = self.menuBar().addMenu("&Clinic")
        clinic_menu.addAction(self.password_action)
        clinic_menu.addAction(self.kiosk_action)
        clinic_menu.addAction(self.calibrate_action)
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
        # What the unlock found when it checked the audit log (RELIABILITY row 36): said to whoever logs in.
        integrity = getattr(session, "audit_integrity", None)
        problem = integrity.message() if integrity is not None and not integrity.intact else ""
        self.audit_warning = theme.set_role(QLabel(problem), theme.ERROR)
        self.audit_warning.setWordWrap(True)
        self.audit_warning.setAccessibleName("Audit log warning")
        self.audit_warning.setVisible(bool(problem))
        self.welcome = theme.set_role(QLabel(WELCOME.format(name=user.display_name)), theme.HINT)
        self.welcome.setTextFormat(Qt.TextFormat.PlainText)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.fixed_tabs = self._build_tabs(user.role)
        close_tab = QAction("Close tab", self)
        close_tab.setShortcut(QKeySequence.StandardKey.Close)
        close_tab.triggered.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        self.addAction(close_tab)

        body = QVBoxLayout()
        body.setContentsMargins(8, 8, 8, 4)
        body.setSpacing(6)
        body.addWidget(self.banner)
        body.addWidget(self.audit_warning)
        body.addWidget(self.tabs, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addLayout(body, 1)
        self.setCentralWidget(central)

        self.statusBar().addPermanentWidget(self.welcome)  # stays while messages come and go on the left
        if idle_minutes:
            self.statusBar().showMessage(
                f"Locks automatically after {idle_minutes:g} minutes without activity.")

    def show_audit_problem(self, message: str) -> None:
        """The walk of the whole audit log after this login found a problem: the same warning as the unlock's."""
        self.audit_warning.setText(message)
        self.audit_warning.setVisible(True)

    # -- the workspace ---------------------------------------------------------------
    def _build_tabs(self, role: Role) -> int:
        """The role's fixed tabs (not closable); returns how many."""
        w = self.workspace
        pages: list[tuple[QWidget, str]] = []
        if role is Role.THERAPIST:
            from alliance_desktop.ui.therapist.caseload_view import CaseloadView
            from alliance_desktop.ui.therapist.clients_view import ClientsView

            self.caseload = CaseloadView(w)
            self.caseload.openCourse.connect(self.open_course)
            self.clients = ClientsView(w)
            self.clients.openCourse.connect(self.open_course)
            pages = [(self.caseload, "&Caseload"), (self.clients, "C&lients")]
        elif role is Role.SUPERVISOR:
            from alliance_desktop.ui.therapist.caseload_view import CaseloadView
            from alliance_desktop.ui.therapist.overview_view import OverviewView

            self.caseload = CaseloadView(w, supervisor=True)
            self.caseload.openCourse.connect(self.open_course)
            self.overview = OverviewView(w)
            pages = [(self.caseload, "&Caseloads"), (self.overview, "Clinic &overview")]
        elif role is Role.ADMIN:
            from alliance_desktop.ui.admin.audit_view import AuditView
            from alliance_desktop.ui.admin.instruments_view import InstrumentsView
            from alliance_desktop.ui.admin.settings_view import SettingsView
            from alliance_desktop.ui.admin.users_view import UsersView
            from alliance_desktop.ui.therapist.clients_view import ClientsView

            self.users = UsersView(w)
            self.clients = ClientsView(w)
            self.settings = SettingsView(w)
            self.settings.autoLockChanged.connect(self.autoLockChanged)
            self.instruments = InstrumentsView(w)
            self.audit = AuditView(w)
            from alliance_desktop.ui.admin.backup_view import BackupView

            self.backup = BackupView(w)
            self.backup.restored.connect(self.clinicRestored)
            pages = [(self.users, "&Staff accounts"), (self.clients, "C&lients"), (self.settings, "S&ettings"),
                     (self.instruments, "&Instruments"), (self.audit, "&Audit log"), (self.backup, "Bac&kup")]
        bar = self.tabs.tabBar()
        for page, title in pages:
            index = self.tabs.addTab(page, title)
            bar.setTabButton(index, QTabBar.ButtonPosition.RightSide, None)  # type: ignore[arg-type]
            bar.setTabButton(index, QTabBar.ButtonPosition.LeftSide, None)  # type: ignore[arg-type]
        return len(pages)

    def open_course(self, episode_id: object) -> QWidget:
        """Show the client's course in its own tab (the same tab again if it is open)."""
        existing = self.courses.get(episode_id)
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        from alliance_desktop.ui.therapist.course_view import CourseView

        view = CourseView(self.workspace, episode_id)  # type: ignore[arg-type]
        title = view.data.pseudonym if view.data is not None else "Course"
        index = self.tabs.addTab(view, title)
        view.titleChanged.connect(lambda text, v=view: self._retitle(v, text))
        self.courses[episode_id] = view
        self.tabs.setCurrentIndex(index)
        return view

    def _retitle(self, view: QWidget, text: str) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self.tabs.setTabText(index, text)

    def close_tab(self, index: int) -> None:
        if index < self.fixed_tabs:
            return
        view = self.tabs.widget(index)
        self.tabs.removeTab(index)
        for key, value in list(self.courses.items()):
            if value is view:
                del self.courses[key]
        retire = getattr(view, "retire", None)
        if retire is not None:
            retire()
        view.deleteLater()

    # -- actions -------------------------------------------------------------------
    def open_change_password(self) -> None:
        if self._dialog is not None:
            self._dialog.raise_()
            return
        dialog = ChangePasswordDialog(self._session, self)
        self._dialog = dialog
        dialog.finished.connect(lambda result: self._password_finished(dialog, result))
        dialog.open()

    def open_line_calibration(self) -> None:
        """The ruler check of the kiosk's 10 cm line, for the screen this window is on."""
        from alliance_desktop.ui.line_calibration_dialog import LineCalibrationDialog

        existing = self.findChild(LineCalibrationDialog)
        if existing is not None:
            existing.raise_()
            return
        dialog = LineCalibrationDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
        for view in list(self.courses.values()):
            view.retire()  # type: ignore[attr-defined]
        if hasattr(self, "backup"):
            self.backup.retire()
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
