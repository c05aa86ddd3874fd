"""Instruments: licence status, enabled in this clinic, and installing a licensed wording pack from a file.

A wording pack is the licensed item text of a structure-only instrument; the
service checks it against the definition and stores it encrypted in the
clinic database (never next to the app). Picking the file is the only place
the staff UI uses a file dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services import instrument_admin
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.admin_model import InstrumentStatus
    from alliance_desktop.ui.therapist.workspace import Workspace

COLUMNS = ("Enabled", "Instrument", "Version", "Kind", "Wording", "Licence", "Can be given to clients")


def wording_text(s: InstrumentStatus) -> str:
    if s.wording_installed:
        return "installed (wording pack)"
    return "shipped" if s.wording == "full" else "structure only (needs a wording pack)"


class InstrumentsView(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.statuses: tuple[InstrumentStatus, ...] = ()
        self._filling = False
        heading = theme.set_role(QLabel("Instruments"), theme.HEADING)
        hint = theme.set_role(QLabel("Tick an instrument to let staff use it in this clinic (paper entry, kiosk "
                                     "questionnaires). Licensed wording is installed from the pack your licence "
                                     "holder supplies."), theme.HINT)
        hint.setWordWrap(True)
        self.table = record_table(COLUMNS, "Instruments")
        self.table.setWordWrap(True)
        self.toggle_button = QPushButton("&Enable / disable")
        self.install_button = QPushButton("&Install wording pack…")
        self.detail = theme.set_role(QLabel(), theme.HINT)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = theme.set_role(QLabel(), theme.SUCCESS)
        self.status.setWordWrap(True)
        self.status.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.toggle_button)
        buttons.addWidget(self.install_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.install_button.clicked.connect(self.choose_pack)
        self.table.itemChanged.connect(self._checked)
        self.table.itemSelectionChanged.connect(self._show_detail)
        self.refresh()

    def _say(self, error: str = "", done: str = "") -> None:
        self.error.setText(error)
        self.error.setVisible(bool(error))
        self.status.setText(done)
        self.status.setVisible(bool(done))

    def refresh(self) -> None:
        keep = self.selected()
        try:
            self.statuses = instrument_admin.instrument_statuses(self.workspace.session)
        except (ServiceError, StorageError) as problem:
            self._say(staff_message(problem))
            return
        self._filling = True
        self.table.setRowCount(len(self.statuses))
        for r, s in enumerate(self.statuses):
            check = QTableWidgetItem("enabled" if s.enabled else "off")
            check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            check.setCheckState(Qt.CheckState.Checked if s.enabled else Qt.CheckState.Unchecked)
            name = QTableWidgetItem(s.abbreviation)
            name.setToolTip(s.title)
            licence = QTableWidgetItem(s.licence_id)
            licence.setToolTip(f"{s.licence_holder}: {s.licence_terms}")
            cells = [check, name, QTableWidgetItem(s.version), QTableWidgetItem(s.kind),
                     QTableWidgetItem(wording_text(s)), licence,
                     QTableWidgetItem("yes" if s.administrable else "no (see below)")]
            cells[-1].setToolTip(s.not_administrable_reason or "Can be given to clients on the kiosk")
            for c, item in enumerate(cells):
                if c in (2, 3, 4):
                    item.setToolTip(item.text())
                self.table.setItem(r, c, item)
        self._filling = False
        if keep is not None:
            self.select(keep.id)

    def selected(self) -> InstrumentStatus | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.statuses[rows[0].row()] if rows and rows[0].row() < len(self.statuses) else None

    def select(self, instrument_id: str) -> None:
        for r, s in enumerate(self.statuses):
            if s.id == instrument_id:
                self.table.selectRow(r)

    def _show_detail(self) -> None:
        s = self.selected()
        self.detail.setText("" if s is None else
                            f"{s.title}. Licence {s.licence_id} ({s.licence_holder}): {s.licence_terms} Attribution: {s.attribution} "
                            f"Languages: {', '.join(s.languages)}."
                            + (f" Not available to clients: {s.not_administrable_reason}"
                               if s.not_administrable_reason else ""))

    def _checked(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0:
            return
        status = self.statuses[item.row()]
        self.set_enabled(status.id, item.checkState() == Qt.CheckState.Checked)

    def toggle_selected(self) -> None:
        s = self.selected()
        if s is not None:
            self.set_enabled(s.id, not s.enabled)

    def set_enabled(self, instrument_id: str, enabled: bool) -> None:
        try:
            instrument_admin.set_instrument_enabled(self.workspace.session, instrument_id, enabled)
        except (ServiceError, StorageError) as problem:
            self._say(staff_message(problem))
            self.refresh()
            return
        self._say(done=f"{instrument_id} {'enabled' if enabled else 'disabled'} for this clinic.")
        self.refresh()
        self.workspace.notify("instruments")

    def choose_pack(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Install a wording pack", "", "Wording packs (*.json)")
        if name:
            self.install(Path(name))

    def install(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as problem:
            self._say(f"The file cannot be read ({problem.strerror or problem}).")
            return
        try:
            status = instrument_admin.install_wording_pack(self.workspace.session, data, path.name)
        except (ServiceError, StorageError) as problem:
            self._say(staff_message(problem))
            return
        self._say(done=f"Wording for {status.abbreviation} installed.")
        self.refresh()
        self.select(status.id)
        self.workspace.notify("instruments")
