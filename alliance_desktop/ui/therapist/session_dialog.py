"""One session's answers and their history: what counts now, what it replaced, and why.

Corrections append (services.sessions): an amendment is a new response and
the original stays, marked "amended" with the reason; "entered in error"
stays listed too. This dialog shows every version, the items of the one
selected, and (for the client's own therapist) Amend / Entered in error.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.therapist.dialogs import AnswersDialog, ReasonDialog, short_id
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.course_view import SessionPoint
    from alliance_desktop.core.workspace_model import HistoryEntry
    from alliance_desktop.ui.therapist.workspace import Workspace

MODES = {"kiosk": "kiosk", "staff_paper": "paper, entered by staff"}


def status_text(entry: HistoryEntry) -> str:
    if entry.status == "amended":
        return f"replaced by an amendment — {entry.status_reason or ''}".rstrip(" —")
    if entry.status == "entered_in_error":
        return f"entered in error — {entry.status_reason or ''}".rstrip(" —")
    text = "counts" if entry.standing else entry.status
    if entry.amends_id is not None:
        text += f" (amends {short_id(entry.amends_id)}: {entry.status_reason or ''})"
    return text


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


class SessionDialog(QDialog):
    HISTORY = ("Stored", "Questionnaire", "Total", "How", "Status", "Id")
    ITEMS = ("Item", "Question", "Answer", "Score")

    def __init__(self, workspace: Workspace, episode_id: uuid.UUID, point: SessionPoint, *, writable: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.episode_id = episode_id
        self.point = point
        self.writable = writable
        self.entries: tuple[HistoryEntry, ...] = ()
        self._child: QDialog | None = None
        self.setWindowTitle(f"Session {point.number} — answers and history")
        heading = theme.set_role(QLabel(f"Session {point.number}, {point.held_on:%d %b %Y} ({point.status})"),
                                 theme.HEADING)
        self.history = record_table(self.HISTORY, "Answer history")
        self.items = record_table(self.ITEMS, "Answers")
        self.items.setWordWrap(True)
        self.items.horizontalHeader().setStretchLastSection(False)
        self.items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.detail = theme.set_role(QLabel(), theme.HINT)
        self.detail.setWordWrap(True)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.amend_button = QPushButton("&Amend…")
        self.error_button = QPushButton("Mark &entered in error…")
        for button in (self.amend_button, self.error_button):
            button.setVisible(writable)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.amend_button)
        row.addWidget(self.error_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(heading)
        layout.addWidget(QLabel("History (nothing is overwritten; the version that counts is marked):"))
        layout.addWidget(self.history, 2)
        layout.addWidget(self.detail)
        layout.addWidget(self.items, 3)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.resize(900, 640)
        self.history.itemSelectionChanged.connect(self._show_selected)
        self.amend_button.clicked.connect(self.open_amend)
        self.error_button.clicked.connect(self.open_entered_in_error)
        self.reload()

    def _fail(self, problem: Exception) -> None:
        self.error.setText(staff_message(problem))
        self.error.show()

    def reload(self, select: uuid.UUID | None = None) -> None:
        try:
            self.entries = self.workspace.history(self.point.therapy_session_id)
        except (ServiceError, StorageError) as problem:
            self._fail(problem)
            return
        self.history.setRowCount(len(self.entries))
        chosen = 0
        for r, e in enumerate(self.entries):
            total = "—" if e.total is None else f"{e.total:g}"
            how = MODES.get(e.mode, e.mode) + (f" ({e.entered_by_name})" if e.entered_by_name else "")
            cells = (f"{e.completed_at.astimezone():%d %b %Y %H:%M}", e.instrument_id, total, how, status_text(e),
                     short_id(e.response_id))
            for c, text in enumerate(cells):
                self.history.setItem(r, c, _item(text))
            if (select is not None and e.response_id == select) or (select is None and e.standing and not chosen):
                chosen = r
        if self.entries:
            self.history.selectRow(chosen)

    def selected(self) -> HistoryEntry | None:
        rows = self.history.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        entry = self.selected()
        live = entry is not None and entry.status == "completed"
        self.amend_button.setEnabled(live)
        self.error_button.setEnabled(entry is not None and entry.status != "entered_in_error")
        if entry is None:
            return
        try:
            answers = self.workspace.answers(entry.response_id)
        except (ServiceError, StorageError) as problem:
            self._fail(problem)
            return
        self.error.hide()
        words = [answers.instrument.title]
        if answers.comment:
            words.append(f"Comment: “{answers.comment}”")
        for risk in answers.risk:
            words.append(f"▲ RISK: {risk.explanation}")
        self.detail.setText("\n".join(words))
        self.items.setRowCount(len(answers.items))
        for r, line in enumerate(answers.items):
            score = "—" if line.score is None else f"{line.score:g}"
            for c, text in enumerate((line.item_id, line.text, line.answer_label or "not answered", score)):
                self.items.setItem(r, c, _item(text))
        self.items.resizeRowsToContents()
        self._answers = answers

    # -- corrections --------------------------------------------------------------------------------
    def open_amend(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        try:
            instruments = {i.id: i for i in self.workspace.instruments().values()}
            answers = self.workspace.answers(entry.response_id)
        except (ServiceError, StorageError) as problem:
            self._fail(problem)
            return
        if entry.instrument_id not in instruments:
            self.error.setText("This questionnaire is not enabled in the clinic; an administrator can enable it.")
            self.error.show()
            return
        initial = {line.item_id: line.answer for line in answers.items}

        def save(_: str, values: dict[str, int | None], reason: str | None) -> object:
            return self.workspace.amend(self.episode_id, entry.response_id, values, reason or "")

        dialog = AnswersDialog("Amend answers", "Correct the answers. The original stays in the history, marked "
                               "as amended with your reason.", "Save amendment", {entry.instrument_id:
                               instruments[entry.instrument_id]}, save, fixed_instrument=entry.instrument_id,
                               initial=initial, reason_required=True, parent=self)
        self._open_child(dialog, lambda: self.reload(dialog.result_value.response_id))

    def open_entered_in_error(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        dialog = ReasonDialog("Entered in error", "This response will stop counting but stays visible in the "
                              "history with your reason (for example: wrong client, wrong session).",
                              "Mark entered in error",
                              lambda reason: self.workspace.entered_in_error(self.episode_id, entry.response_id,
                                                                             reason), self)
        self._open_child(dialog, lambda: self.reload(entry.response_id))

    def _open_child(self, dialog: QDialog, on_accept) -> None:  # noqa: ANN001
        self._child = dialog

        def finished(result: int) -> None:
            self._child = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted.value:
                on_accept()

        dialog.finished.connect(finished)
        dialog.open()

    def child(self) -> QDialog | None:
        return self._child
