"""One client's course: the 24-session chart, the sessions, the alerts, and what staff do with them.

The chart widget (pyqtgraph) is imported here, on the first course opened,
never on the login or kiosk path (pyqtgraph costs ~150 ms to load). Opening a
course is one service call (``client_course.course_view``), which also
records the therapist's first viewing of new answers. Every write goes
through the workspace, which tells all views to refresh.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.ruptures import RepairStatus
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.therapist.alerts_panel import AlertsPanel
from alliance_desktop.ui.therapist.caseload_table import TRACK_GLYPH
from alliance_desktop.ui.therapist.dialogs import AnswersDialog, KioskCodeDialog, RecordSessionDialog
from alliance_desktop.ui.therapist.session_dialog import SessionDialog
from alliance_desktop.ui.therapist.workspace import ALERTS, CLIENTS, COURSE
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.course_view import CourseView as CourseData
    from alliance_desktop.core.course_view import SessionPoint
    from alliance_desktop.ui.therapist.workspace import Workspace

SESSION_COLUMNS = ("Session", "Date", "Status", "Alliance", "Outcome", "On track", "Rupture", "Risk", "Entry")
CHART_MIN_HEIGHT = 600
REPAIR = {RepairStatus.REPAIRED: "✓ repaired", RepairStatus.UNREPAIRED: "✗ unrepaired",
          RepairStatus.PENDING: "◷ pending"}


def _cell(text: str, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tip:
        item.setToolTip(tip)
    return item


def entry_text(point: SessionPoint) -> str:
    marks = []
    if point.staff_entered:
        marks.append("paper (staff-entered)")
    if point.amended:
        marks.append("amended")
    if point.entered_in_error:
        marks.append("has entries in error")
    if not point.responses and point.status == "held":
        marks.append("no feedback")
    return ", ".join(marks)


class CourseView(QWidget):
    """``titleChanged(str)`` when the pseudonym is known (the tab's title)."""

    titleChanged = Signal(str)

    def __init__(self, workspace: Workspace, episode_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.episode_id = episode_id
        self.data: CourseData | None = None
        self.chart: Any = None
        self._chart_released = False  # given back to workspace.charts while hidden: redrawn on show
        self._dialog: QDialog | None = None
        self.writable = False

        self.heading = theme.set_role(QLabel("Course"), theme.HEADING)
        self.subheading = theme.set_role(QLabel(), theme.SUBHEADING)
        self.subheading.setWordWrap(True)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = theme.set_role(QLabel(), theme.SUCCESS)
        self.status.setWordWrap(True)
        self.status.hide()

        self.record_button = QPushButton("&Record session…")
        self.code_button = QPushButton("&Kiosk code…")
        self.code_button.setToolTip("A one-time code the client types on the waiting-room kiosk")
        self.hand_over_button = QPushButton("&Hand over now")
        self.hand_over_button.setToolTip("Open this session's questionnaire on this device and give it to the client")
        self.paper_button = QPushButton("&Paper questionnaire…")
        self.paper_button.setToolTip("Type in a questionnaire the client filled in on paper (marked staff-entered)")
        self.answers_button = QPushButton("&Answers && history…")
        self.missed_button = QPushButton("Mark &missed")
        buttons = QHBoxLayout()
        for b in (self.record_button, self.code_button, self.hand_over_button, self.paper_button,
                  self.answers_button, self.missed_button):
            buttons.addWidget(b)
        self.pdf_button = QPushButton("E&xport PDF…")  # what it does: ui/therapist/report_actions.py
        self.pdf_button.setToolTip("A printable summary of this course (PDF, not encrypted)")
        self.pdf_button.clicked.connect(self.export_pdf)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        self.alerts_link = theme.set_role(QPushButton(), theme.LINK)
        self.alerts_link.setToolTip("Show the alerts below the chart")
        self.alerts_link.hide()
        buttons.addWidget(self.alerts_link)

        self.chart_holder = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_holder)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.sessions = record_table(SESSION_COLUMNS, "Sessions")
        self.sessions.setAlternatingRowColors(True)
        self.alerts = AlertsPanel(workspace, episode_id, writable=False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.sessions, "&Sessions")
        self.tabs.addTab(self.alerts, "A&lerts")
        self.alerts.countChanged.connect(self._alert_count)
        # The chart needs its height (three panels and the item strip): the page scrolls rather
        # than squeezing it; the sessions and alerts sit below it, their tab says how many are open.
        self.tabs.setMinimumHeight(360)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.chart_holder, 3)
        column.addWidget(self.tabs, 2)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(8)
        title = QHBoxLayout()
        title.setSpacing(16)
        title.addWidget(self.heading)
        title.addWidget(self.subheading, 1)
        layout.addLayout(title)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll, 1)

        self.record_button.clicked.connect(self.open_record_session)
        self.code_button.clicked.connect(self.issue_code)
        self.hand_over_button.clicked.connect(self.hand_over)
        self.paper_button.clicked.connect(self.open_paper_entry)
        self.answers_button.clicked.connect(self.open_selected_session)
        self.missed_button.clicked.connect(self.mark_missed)
        self.alerts_link.clicked.connect(self.show_alerts)
        self.sessions.activated.connect(lambda index: self.open_session(self._point_at(index.row())))
        self.sessions.doubleClicked.connect(lambda index: self.open_session(self._point_at(index.row())))
        self.sessions.itemSelectionChanged.connect(self._update_buttons)
        workspace.changed.connect(self._on_changed)
        self.reload()

    # -- loading ----------------------------------------------------------------------------------
    def _ensure_chart(self) -> Any:
        if self.chart is None:
            from alliance_desktop.ui.widgets.course_chart import CourseChart  # pyqtgraph: first chart only

            self.chart = CourseChart()
            self.chart.setMinimumHeight(CHART_MIN_HEIGHT)
            self.chart.sessionClicked.connect(self._chart_clicked)
            self.chart_layout.addWidget(self.chart)
        return self.chart

    def release_chart(self) -> None:
        """Give the chart back while this tab is hidden (workspace.charts); it is drawn again on show."""
        chart, self.chart = self.chart, None
        self._chart_released = True
        if chart is not None:
            self.chart_layout.removeWidget(chart)
            chart.hide()
            chart.deleteLater()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._chart_released and self.data is not None:
            self._chart_released = False
            from alliance_desktop.ui.widgets.course_chart_data import chart_data_from_view

            self._ensure_chart().set_data(chart_data_from_view(self.data))  # from the data held: no database read
        if self.chart is not None:
            self.workspace.charts.shown(self)

    def reload(self) -> None:
        try:
            data = self.workspace.course(self.episode_id)
            alerts = self.workspace.alerts(self.episode_id)
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.show_error("")
        self.data = data
        self.writable = self.workspace.can_write(data.therapist_id) and data.closed_on is None
        self.alerts.acknowledge_button.setVisible(self.writable)
        self.alerts.discussed_button.setVisible(self.writable)
        self.alerts.note.setVisible(self.writable)
        for w in self.alerts.findChildren(QLabel):
            if w.buddy() is self.alerts.note:
                w.setVisible(self.writable)
        for b in (self.record_button, self.code_button, self.hand_over_button, self.paper_button, self.missed_button):
            b.setVisible(self.writable)
        name = f"{data.pseudonym} ({data.initials})" if data.initials else data.pseudonym
        self.heading.setText(name)
        held = sum(1 for s in data.sessions if s.status == "held")
        episode = f"Episode since {data.opened_on:%d %b %Y}" + (
            f", closed {data.closed_on:%d %b %Y}" if data.closed_on else "")
        change = data.analysis.change
        words = [episode, f"{held} of {data.planned_sessions} sessions", f"therapist {data.therapist_name}"]
        if change is not None:
            words.append(f"outcome {change.change_class.value}")
        if not self.writable:
            words.append("read-only")
        self.subheading.setText(" · ".join(words))
        self.titleChanged.emit(data.pseudonym)
        from alliance_desktop.ui.widgets.course_chart_data import chart_data_from_view

        if not self._chart_released:  # a tab that gave its chart back draws it when shown again
            self._ensure_chart().set_data(chart_data_from_view(data))
        self._fill_sessions(data)
        self.alerts.set_alerts(alerts)
        self._update_buttons()

    def _fill_sessions(self, data: CourseData) -> None:
        keep = self.selected_point()
        colours = {t.session: t for t in data.analysis.tracking}
        ruptures = {e.session: e for e in data.analysis.ruptures}
        points = sorted(data.sessions, key=lambda p: p.number)
        self.sessions.setRowCount(len(points))
        for r, p in enumerate(points):
            status = colours.get(p.number)
            rupture = ruptures.get(p.number)
            risk = ", ".join(f"▲ {m.instrument_id} item {m.item_id}" for m in p.risk)
            risk_tip = "\n".join(m.explanation for m in p.risk)
            cells = [
                _cell(str(p.number)),
                _cell(f"{p.held_on:%d %b %Y}"),
                _cell(p.status),
                _cell("—" if p.alliance_total is None else f"{p.alliance_total:g}"),
                _cell("—" if p.outcome_total is None else f"{p.outcome_total:g}"),
                _cell(f"{TRACK_GLYPH[status.colour]} {status.colour.value}" if status else "",
                      status.explanation if status else None),
                _cell(f"{rupture.severity.value}, {REPAIR[rupture.repair]}" if rupture else "",
                      f"{rupture.explanation} {rupture.repair_explanation}" if rupture else None),
                _cell(risk, risk_tip or None),
                _cell(entry_text(p)),
            ]
            for c, item in enumerate(cells):
                self.sessions.setItem(r, c, item)
        self._points = points
        if keep is not None:
            self.select_session(keep.number)
        elif points:
            self.sessions.selectRow(len(points) - 1)

    def _point_at(self, row: int) -> SessionPoint | None:
        points = getattr(self, "_points", [])
        return points[row] if 0 <= row < len(points) else None

    def selected_point(self) -> SessionPoint | None:
        model = self.sessions.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self._point_at(rows[0].row()) if rows else None

    def select_session(self, number: int) -> None:
        for r, p in enumerate(getattr(self, "_points", [])):
            if p.number == number:
                self.sessions.selectRow(r)

    def _update_buttons(self) -> None:
        p = self.selected_point()
        held = p is not None and p.status == "held"
        for b in (self.code_button, self.hand_over_button, self.paper_button):
            b.setEnabled(held)
        self.missed_button.setEnabled(held and not any(r.standing for r in p.responses) if p else False)
        self.answers_button.setEnabled(p is not None and bool(p.responses))

    def _alert_count(self, open_count: int) -> None:
        self.tabs.setTabText(1, f"A&lerts ({open_count} open)" if open_count else "A&lerts")
        self.alerts_link.setText(f"{open_count} open alert{'s' if open_count != 1 else ''} ↓")
        self.alerts_link.setVisible(open_count > 0)

    def show_alerts(self) -> None:
        self.tabs.setCurrentWidget(self.alerts)
        self.scroll.ensureWidgetVisible(self.tabs)
        self.alerts.table.setFocus()

    def _on_changed(self, kind: str, episode_id: object) -> None:
        if kind in (COURSE, ALERTS, CLIENTS) and (episode_id is None or episode_id == self.episode_id):
            self.reload()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    # -- chart ------------------------------------------------------------------------------------
    def _chart_clicked(self, number: int) -> None:
        self.select_session(number)
        point = self.data.session(number) if self.data else None
        self.open_session(point)

    def open_session(self, point: SessionPoint | None) -> None:
        if point is None or not point.responses:
            return
        dialog = SessionDialog(self.workspace, self.episode_id, point, writable=self.writable, parent=self)
        self._open(dialog)

    def open_selected_session(self) -> None:
        self.open_session(self.selected_point())

    # -- sessions ---------------------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accept=None) -> QDialog:  # noqa: ANN001
        if self._dialog is not None:
            self._dialog.reject()
        self._dialog = dialog

        def finished(result: int) -> None:
            if self._dialog is dialog:
                self._dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted.value and on_accept is not None:
                on_accept(dialog)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def dialog(self) -> QDialog | None:
        return self._dialog

    def open_record_session(self) -> None:
        if self.data is None:
            return
        numbers = [p.number for p in self.data.sessions]
        dialog = RecordSessionDialog(
            lambda day, number: self.workspace.record_session(self.episode_id, day, number),
            self.workspace.session.clock.now().date(), max(numbers, default=0) + 1, self)
        self._open(dialog, lambda d: self._recorded(d.result_value))

    def _recorded(self, record: Any) -> None:
        self.select_session(record.number)
        self.show_status(f"Session {record.number} recorded. Issue a kiosk code, hand over now, or enter a paper "
                         "questionnaire for it.")

    def issue_code(self) -> None:
        p = self.selected_point()
        if p is None:
            return
        try:
            issued = self.workspace.issue_code(p.therapy_session_id)
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        self.show_error("")
        self._open(KioskCodeDialog(p.number, issued.code, issued.expires_at, self))

    def hand_over(self) -> None:
        p = self.selected_point()
        if p is not None:
            self.workspace.hand_over(p.therapy_session_id)

    def open_paper_entry(self) -> None:
        p = self.selected_point()
        if p is None:
            return
        try:
            instruments = {i.id: i for i in self.workspace.instruments().values()}
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))
            return
        order = sorted(instruments.values(), key=lambda i: (i.kind != "alliance", i.kind != "outcome", i.abbreviation))
        dialog = AnswersDialog(
            f"Paper questionnaire — session {p.number}",
            "Type in the answers exactly as the client gave them on paper. The entry is marked as staff-entered, "
            "with your name.", "Save answers", {i.id: i for i in order},
            lambda instrument_id, answers, comment: self.workspace.enter_paper(
                self.episode_id, p.therapy_session_id, instrument_id, answers, comment),
            parent=self)
        self._open(dialog, lambda d: self.show_status(
            f"Answers saved for session {p.number} (total {d.result_value.total:g})."
            if d.result_value.total is not None else f"Answers saved for session {p.number}."))

    def mark_missed(self) -> None:
        p = self.selected_point()
        if p is None:
            return
        try:
            self.workspace.mark_missed(self.episode_id, p.therapy_session_id)
        except (ServiceError, StorageError) as problem:
            self.show_error(staff_message(problem))

    def export_pdf(self) -> None:
        from alliance_desktop.ui.therapist.report_actions import export_client_pdf

        if self.data is not None:
            export_client_pdf(self, self.workspace, self.episode_id, self.data.pseudonym)

    def retire(self) -> None:
        self.workspace.charts.forget(self)
        if self._dialog is not None:
            self._dialog.reject()
