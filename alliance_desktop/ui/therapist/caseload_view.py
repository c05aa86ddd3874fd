"""The caseload screen: who needs attention and why, searchable, sortable; Enter opens a course.

A therapist sees their own caseload; a supervisor picks a therapist and
reads theirs (the services enforce both: a therapist asking for another
caseload gets ``NotAllowed``). The table refreshes whenever the workspace
says a course, an alert or a client changed.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.therapist.caseload_table import (
    ATTENTION_COL,
    ROW_ROLE,
    CaseloadProxy,
    CaseloadTableModel,
    Filter,
)
from alliance_desktop.ui.therapist.workspace import Workspace

LEGEND = ("Order: ▲ risk item · ■ not on track (red) · ✗ unrepaired rupture · ▼ alliance below cutoff · "
          "◷ rupture, repair pending · ◆ not on track (yellow) · ! open alert. Hover a row for the reasons; "
          "Enter or double-click opens the course.")


class CaseloadView(QWidget):
    """``openCourse(episode_id)`` when a client is opened (Enter / double-click / Open button)."""

    openCourse = Signal(object)

    def __init__(self, workspace: Workspace, *, supervisor: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.supervisor = supervisor
        self.model = CaseloadTableModel(self)
        self.proxy = CaseloadProxy(self)
        self.proxy.setSourceModel(self.model)

        self.heading = theme.set_role(QLabel("Caseload"), theme.HEADING)
        self.therapist_picker = QComboBox()
        self.therapist_picker.setAccessibleName("Therapist")
        self.therapist_picker.setVisible(supervisor)
        picker_label = QLabel("&Therapist:")
        picker_label.setBuddy(self.therapist_picker)
        picker_label.setVisible(supervisor)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by pseudonym or initials")
        self.search.setAccessibleName("Search clients")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show")
        for which in Filter:
            self.filter.addItem(which.value, which)
        filter_label = QLabel("S&how:")
        filter_label.setBuddy(self.filter)
        self.default_order = QPushButton("&Default order")
        self.default_order.setToolTip("Sort by need of attention again")
        self.open_button = theme.set_role(QPushButton("&Open course"), theme.PRIMARY)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Caseload")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ATTENTION_COL, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)

        self.count = theme.set_role(QLabel(), theme.HINT)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        legend = theme.set_role(QLabel(LEGEND), theme.HINT)
        legend.setWordWrap(True)

        tools = QHBoxLayout()
        tools.addWidget(picker_label)
        tools.addWidget(self.therapist_picker)
        tools.addWidget(search_label)
        tools.addWidget(self.search, 1)
        tools.addWidget(filter_label)
        tools.addWidget(self.filter)
        tools.addWidget(self.default_order)
        tools.addWidget(self.open_button)
        self.report_button = QPushButton("Caseload &report…")  # what it does: ui/therapist/report_actions.py
        self.report_button.setToolTip("All clients of this caseload as one PDF (not encrypted)")
        self.report_button.clicked.connect(self.export_report)
        tools.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.heading)
        layout.addLayout(tools)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(legend, 1)
        bottom.addWidget(self.count)
        layout.addLayout(bottom)

        self.search.textChanged.connect(self._search_changed)
        self.filter.currentIndexChanged.connect(lambda _: self._filter_changed())
        self.default_order.clicked.connect(
            lambda: self.table.sortByColumn(ATTENTION_COL, Qt.SortOrder.AscendingOrder))
        self.open_button.clicked.connect(self.open_current)
        self.table.activated.connect(self._open_index)
        self.table.doubleClicked.connect(self._open_index)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_current)
        self.therapist_picker.currentIndexChanged.connect(lambda _: self.refresh())
        workspace.changed.connect(lambda *_: self.refresh())
        if supervisor:
            self._fill_picker()
        self.refresh()

    def _fill_picker(self) -> None:
        try:
            therapists = self.workspace.therapists()
        except (ServiceError, StorageError) as problem:
            self._show_error(staff_message(problem))
            return
        self.therapist_picker.blockSignals(True)
        for t in therapists:
            self.therapist_picker.addItem(t.display_name, str(t.id))  # str: findData compares it
        self.therapist_picker.blockSignals(False)

    @property
    def therapist_id(self) -> uuid.UUID | None:
        chosen = self.therapist_picker.currentData() if self.supervisor else None
        return uuid.UUID(chosen) if chosen else None

    def choose_therapist(self, therapist_id: uuid.UUID) -> None:
        self.therapist_picker.setCurrentIndex(self.therapist_picker.findData(str(therapist_id)))

    def refresh(self) -> None:
        """Ask the service again (fast: one query set for the whole caseload)."""
        if self.supervisor and self.therapist_id is None:
            self.model.set_rows(())
            self._update_count()
            return
        try:
            rows = self.workspace.caseload(self.therapist_id)
        except (ServiceError, StorageError) as problem:
            self._show_error(staff_message(problem))
            return
        self._show_error("")
        selected = self.current_row()
        self.model.set_rows(rows)
        if selected is not None:
            self.select_client(selected.client_id)
        self._update_count()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        word = "client" if total == 1 else "clients"
        self.count.setText(f"{total} active {word}" if shown == total else f"{shown} of {total} active {word}")

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _filter_changed(self) -> None:
        self.proxy.set_filter(self.filter.currentData())
        self._update_count()

    def current_row(self):  # noqa: ANN201 - CaseloadRow | None
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_client(self, client_id: uuid.UUID) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ROW_ROLE).client_id == client_id:
                self.table.setCurrentIndex(index)
                self.table.selectRow(r)
                return True
        return False

    def visible_rows(self) -> list:  # noqa: ANN201 - list[CaseloadRow]
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def _open_index(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE) if index.isValid() else None
        if row is not None:
            self.openCourse.emit(row.episode_id)

    def open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def export_report(self) -> None:
        from alliance_desktop.ui.therapist.report_actions import export_caseload_pdf

        export_caseload_pdf(self, self.workspace, self.therapist_id)
