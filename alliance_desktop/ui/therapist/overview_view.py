"""The supervisor's clinic overview: per therapist and for the clinic, aggregates only.

The first overview of a database computes every course in treatment (seconds
on a large clinic), so the service runs off the UI thread (ui.tasks); later
ones recompute only what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.tasks import run_task
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.overview_model import Overview, TherapistOverview
    from alliance_desktop.ui.therapist.workspace import Workspace

COLUMNS = ("Therapist", "Clients", "Sessions with feedback", "Ruptures", "Repaired", "Unrepaired",
           "Pending", "■ red", "◆ yellow", "○ white", "● green", "· grey", "No score")
COLOUR_KEYS = ("red", "yellow", "white", "green", "grey", "none")


def share_text(o: TherapistOverview) -> str:
    share = o.feedback_share
    return "—" if share is None else f"{share:.0%} ({o.held_with_feedback} of {o.held_sessions})"


def overview_cells(o: TherapistOverview) -> tuple[str, ...]:
    r = o.ruptures
    return (o.display_name, str(o.clients_in_treatment), share_text(o), str(r.events), str(r.repaired),
            str(r.unrepaired), str(r.pending), *(str(o.colours.get(k, 0)) for k in COLOUR_KEYS))


class OverviewView(QWidget):
    loaded = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.overview: Overview | None = None
        self._task = None
        heading = theme.set_role(QLabel("Clinic overview"), theme.HEADING)
        hint = theme.set_role(QLabel("Clients: courses in treatment. Ruptures: repaired = a later session reached the client's "
                                     "earlier level within three sessions. Colours: each client's latest not-on-track "
                                     "colour."), theme.HINT)
        hint.setWordWrap(True)
        self.state = theme.set_role(QLabel(), theme.HINT)
        self.refresh_button = QPushButton("&Refresh")
        self.table = record_table(COLUMNS, "Clinic overview", single_selection=False)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.state)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        if self._task is not None:
            return
        from alliance_desktop.services.supervision import clinic_overview

        self.state.setText("Counting…")
        self.refresh_button.setEnabled(False)
        session = self.workspace.session
        self._task = run_task(self, lambda: clinic_overview(session), self._show, self._fail)

    def _done(self) -> None:
        self._task = None
        self.refresh_button.setEnabled(True)
        self.loaded.emit()

    def _fail(self, problem: Exception) -> None:
        self.error.setText(staff_message(problem))
        self.error.show()
        self.state.setText("")
        self._done()

    def _show(self, overview: Overview) -> None:
        self.overview = overview
        self.error.hide()
        rows = (*overview.therapists, overview.clinic)
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for r, o in enumerate(rows):
            for c, text in enumerate(overview_cells(o)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if o is overview.clinic:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.state.setText(f"{overview.clinic.clients_in_treatment} clients in treatment")
        self._done()
