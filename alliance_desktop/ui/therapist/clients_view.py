"""Client administration: new client (pseudonym code), therapist, episodes, archive. No clinical data.

A therapist manages their own clients; an administrator everyone's and is
the only one who assigns a client to another therapist (services.clients
decides; the buttons only follow).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.model import Role
from alliance_desktop.core.workspace_model import PLANNED_DEFAULT, PLANNED_MAX
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.therapist.dialogs import FormDialog
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.workspace_model import ClientSummary
    from alliance_desktop.ui.therapist.workspace import Workspace

COLUMNS = ("Pseudonym", "Initials", "Therapist", "Episode", "Sessions", "Status")


class NewClientDialog(FormDialog):
    def __init__(self, workspace: Workspace, therapists: list, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__("New client", "Clients are known only by a pseudonym code (for example KL-4821). Initials "
                         "are optional. A course of 24 sessions is opened for the client.", "Create client", parent)
        self.workspace = workspace
        self.pseudonym = QLineEdit()
        self.pseudonym.setAccessibleName("Pseudonym code")
        self.initials = QLineEdit()
        self.initials.setMaxLength(8)
        self.therapist = QComboBox()
        for t in therapists:
            self.therapist.addItem(t.display_name, str(t.id))
        self.planned = QSpinBox()
        self.planned.setRange(1, PLANNED_MAX)
        self.planned.setValue(PLANNED_DEFAULT)
        self.open_episode = QCheckBox("Open an episode now")
        self.open_episode.setChecked(True)
        self.form.addRow("&Pseudonym code:", self.pseudonym)
        self.form.addRow("&Initials (optional):", self.initials)
        if workspace.role is Role.ADMIN:
            self.form.addRow("&Therapist:", self.therapist)
        self.form.addRow("Planned &sessions:", self.planned)
        self.form.addRow("", self.open_episode)

    def submit(self) -> None:
        chosen = self.therapist.currentData() if self.workspace.role is Role.ADMIN else None
        therapist = uuid.UUID(chosen) if chosen else None

        def create():  # noqa: ANN202
            client = self.workspace.create_client(self.pseudonym.text(), self.initials.text() or None, therapist)
            if self.open_episode.isChecked():
                client = self.workspace.open_episode(client.client_id, self.planned.value())
            return client

        self.attempt(create)


class ClientsView(QWidget):
    """``openCourse(episode_id)`` for a client with an episode (therapists only)."""

    openCourse = Signal(object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.clients: tuple[ClientSummary, ...] = ()
        self._dialog: NewClientDialog | None = None
        self._therapists: list = []
        admin = workspace.role is Role.ADMIN
        heading = theme.set_role(QLabel("Clients"), theme.HEADING)
        hint = theme.set_role(QLabel("Pseudonyms, therapists and episodes only; no answers or scores here."),
                              theme.HINT)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by pseudonym")
        self.search.setAccessibleName("Search clients")
        self.search.setClearButtonEnabled(True)
        self.show_archived = QCheckBox("Show &archived")
        self.new_button = theme.set_role(QPushButton("&New client…"), theme.PRIMARY)
        self.table = record_table(COLUMNS, "Clients")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.therapist = QComboBox()
        self.therapist.setAccessibleName("Assign to therapist")
        self.assign_button = QPushButton("A&ssign")
        self.planned = QSpinBox()
        self.planned.setRange(1, PLANNED_MAX)
        self.planned.setValue(PLANNED_DEFAULT)
        self.planned.setPrefix("planned ")
        self.open_button = QPushButton("&Open episode")
        self.close_button = QPushButton("&Close episode")
        self.archive_button = QPushButton("Arc&hive client")
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = theme.set_role(QLabel(), theme.HINT)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        top.addWidget(self.new_button)
        actions = QHBoxLayout()
        if admin:
            assign_label = QLabel("&Therapist:")
            assign_label.setBuddy(self.therapist)
            actions.addWidget(assign_label)
            actions.addWidget(self.therapist)
            actions.addWidget(self.assign_button)
            actions.addSpacing(16)
        else:
            self.therapist.hide()
            self.assign_button.hide()
        actions.addWidget(self.planned)
        actions.addWidget(self.open_button)
        actions.addWidget(self.close_button)
        actions.addWidget(self.archive_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)

        self.search.textChanged.connect(lambda _: self._apply_search())
        self.show_archived.toggled.connect(lambda _: self.refresh())
        self.new_button.clicked.connect(self.open_new_client)
        self.assign_button.clicked.connect(self.assign)
        self.open_button.clicked.connect(self.open_episode)
        self.close_button.clicked.connect(self.close_episode)
        self.archive_button.clicked.connect(self.archive)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.activated.connect(lambda _: self._open_course())
        workspace.changed.connect(self._on_changed)
        if admin:
            self._load_therapists()
        self.refresh()

    def _load_therapists(self) -> None:
        try:
            self._therapists = list(self.workspace.therapists())
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.therapist.clear()
        for t in self._therapists:
            self.therapist.addItem(t.display_name, str(t.id))

    def _on_changed(self, kind: str, _: object) -> None:
        if kind == "clients":
            self.refresh()
        if kind == "users" and self.workspace.role is Role.ADMIN:
            self._load_therapists()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def refresh(self) -> None:
        keep = self.selected()
        try:
            self.clients = self.workspace.clients(include_archived=self.show_archived.isChecked())
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.clients))
        for r, c in enumerate(self.clients):
            episode = c.open_episode
            latest = episode or (c.episodes[-1] if c.episodes else None)
            cells = (
                c.pseudonym, c.initials or "", c.therapist_name,
                (f"open since {episode.opened_on:%d %b %Y}" if episode else
                 f"closed {latest.closed_on:%d %b %Y}" if latest and latest.closed_on else "none"),
                f"{latest.sessions_recorded}/{latest.planned_sessions}" if latest else "",
                "archived" if c.archived else "in treatment" if episode else "no open episode",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(c.client_id))
                self.table.setItem(r, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(self.table.horizontalHeader().sortIndicatorSection(),
                                self.table.horizontalHeader().sortIndicatorOrder())
        self._apply_search()
        if keep is not None:
            self.select_client(keep.client_id)
        self._update_buttons()

    def _apply_search(self) -> None:
        text = self.search.text().strip().casefold()
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            self.table.setRowHidden(r, bool(text) and text not in item.text().casefold())

    def selected(self) -> ClientSummary | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows:
            return None
        client_id = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((c for c in self.clients if str(c.client_id) == client_id), None)

    def select_client(self, client_id: uuid.UUID) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == str(client_id):
                self.table.selectRow(r)
                return

    def _update_buttons(self) -> None:
        c = self.selected()
        live = c is not None and not c.archived
        self.open_button.setEnabled(live and c.open_episode is None)
        self.close_button.setEnabled(live and c.open_episode is not None)
        self.archive_button.setEnabled(live)
        self.assign_button.setEnabled(live)
        self.planned.setEnabled(live and c.open_episode is None)

    def _run(self, call, done: str) -> None:  # noqa: ANN001
        try:
            call()
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.show_error("")
        self.status.setText(done)

    def open_new_client(self) -> None:
        dialog = NewClientDialog(self.workspace, self._therapists, self)
        self._dialog = dialog

        def finished(result: int) -> None:
            self._dialog = None
            dialog.deleteLater()
            if result and dialog.result_value is not None:
                self.select_client(dialog.result_value.client_id)
                self.status.setText(f"Client {dialog.result_value.pseudonym} created.")

        dialog.finished.connect(finished)
        dialog.open()

    def dialog(self) -> NewClientDialog | None:
        return self._dialog

    def assign(self) -> None:
        c = self.selected()
        chosen = self.therapist.currentData()
        therapist = uuid.UUID(chosen) if chosen else None
        if c is not None and therapist is not None:
            self._run(lambda: self.workspace.assign(c.client_id, therapist),
                      f"{c.pseudonym} is now with {self.therapist.currentText()}.")

    def open_episode(self) -> None:
        c = self.selected()
        if c is not None:
            self._run(lambda: self.workspace.open_episode(c.client_id, self.planned.value()),
                      f"Episode opened for {c.pseudonym} ({self.planned.value()} sessions planned).")

    def close_episode(self) -> None:
        c = self.selected()
        if c is None or c.open_episode is None:
            return
        episode = c.open_episode.episode_id
        self._run(lambda: self.workspace.close_episode(episode), f"Episode of {c.pseudonym} closed.")

    def archive(self, *, confirm: bool = True) -> None:
        c = self.selected()
        if c is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self, "Archive client", f"Archive {c.pseudonym}? An open episode is closed today. The records are "
                "kept and stay readable; the client leaves every active list.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._run(lambda: self.workspace.archive(c.client_id), f"{c.pseudonym} archived.")

    def _open_course(self) -> None:
        c = self.selected()
        if c is not None and c.episodes and self.workspace.is_therapist:
            latest = c.open_episode or c.episodes[-1]
            self.openCourse.emit(latest.episode_id)
