"""A client's alerts: the rule that fired, its one-sentence explanation, and how it was handled.

"Acknowledge" and "Discussed with client" append an action (with the note,
if any) through services.alerts; the caseload badge clears only once an
alert is handled. Handled and superseded alerts stay listed, greyed, with
who handled them and when: nothing disappears.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.workspace_model import AlertView
    from alliance_desktop.ui.therapist.workspace import Workspace

KIND = {"risk": "▲ Risk item", "rupture": "✗ Alliance rupture", "not_on_track": "■ Not on track"}
ACTIONS = {"acknowledged": "acknowledged", "discussed": "discussed with client"}


def state_text(alert: AlertView) -> str:
    if alert.superseded:
        return "superseded (its answers were corrected)"
    if not alert.actions:
        return "OPEN"
    parts = []
    for a in alert.actions:
        note = f": “{a.note}”" if a.note else ""
        parts.append(f"{ACTIONS.get(a.action, a.action)} by {a.user_name}, {a.at.astimezone():%d %b %H:%M}{note}")
    return "; ".join(parts)


class AlertsPanel(QWidget):
    COLUMNS = ("Session", "Alert", "Rule", "Why", "Handled")
    countChanged = Signal(int)

    def __init__(self, workspace: Workspace, episode_id: uuid.UUID, *, writable: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.episode_id = episode_id
        self.alerts: tuple[AlertView, ...] = ()
        self.table = record_table(self.COLUMNS, "Alerts")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the explanation (3) stretches; the handling column (4) is sized
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 260)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note (optional), e.g. what you will do")
        self.note.setAccessibleName("Note")
        note_label = QLabel("&Note:")
        note_label.setBuddy(self.note)
        self.acknowledge_button = QPushButton("&Acknowledge")
        self.discussed_button = QPushButton("Discussed with &client")
        self.summary = theme.set_role(QLabel(), theme.HINT)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        actions = QHBoxLayout()
        actions.addWidget(note_label)
        actions.addWidget(self.note, 1)
        actions.addWidget(self.acknowledge_button)
        actions.addWidget(self.discussed_button)
        for w in (note_label, self.note, self.acknowledge_button, self.discussed_button):
            w.setVisible(writable)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.acknowledge_button.clicked.connect(lambda: self.handle("acknowledged"))
        self.discussed_button.clicked.connect(lambda: self.handle("discussed"))

    def set_alerts(self, alerts: tuple[AlertView, ...]) -> None:
        keep = self.selected()
        self.alerts = alerts
        self.table.setRowCount(len(alerts))
        bold = QFont()
        bold.setBold(True)
        first_open = None
        for r, a in enumerate(alerts):
            open_ = not a.handled and not a.superseded
            if open_ and first_open is None:
                first_open = r
            cells = (str(a.session_number or "—"), KIND.get(a.kind, a.kind) + (f" ({a.severity})" if a.severity else ""),
                     ", ".join(a.rule_ids), a.explanation, state_text(a))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if open_:
                    item.setFont(bold)
                else:
                    item.setForeground(QBrush(QColor(theme.MUTED)))
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        open_count = sum(1 for a in alerts if not a.handled and not a.superseded)
        self.summary.setText(f"{open_count} open of {len(alerts)} alert(s). An alert's caseload badge clears once it "
                             "is acknowledged or discussed with the client." if alerts else "No alerts for this episode.")
        row = next((i for i, a in enumerate(alerts) if keep is not None and a.alert_id == keep.alert_id), first_open)
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()
        self.countChanged.emit(open_count)

    def selected(self) -> AlertView | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.alerts[rows[0].row()] if rows and rows[0].row() < len(self.alerts) else None

    def select_alert(self, alert_id: uuid.UUID) -> None:
        for r, a in enumerate(self.alerts):
            if a.alert_id == alert_id:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        a = self.selected()
        usable = a is not None and not a.superseded
        self.acknowledge_button.setEnabled(usable)
        self.discussed_button.setEnabled(usable)

    def handle(self, action: str) -> bool:
        alert = self.selected()
        if alert is None:
            return False
        note = self.note.text() or None
        call = self.workspace.acknowledge if action == "acknowledged" else self.workspace.discussed
        try:
            call(self.episode_id, alert.alert_id, note)  # the workspace's ``changed`` reloads this panel
        except (ServiceError, StorageError) as problem:
            self.error.setText(staff_message(problem))
            self.error.show()
            return False
        self.error.hide()
        self.note.clear()
        return True

