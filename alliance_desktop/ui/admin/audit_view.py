"""The audit log: entries newest first, and whether the hash chain holds (or where it first breaks).

Verifying walks the whole chain, which takes a while on a clinic with years
of entries, so it runs off the UI thread. A broken chain names the first
entry whose hash or link does not hold, and the viewer jumps to it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.services import audit_view
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.ui import theme
from alliance_desktop.ui.messages import staff_message
from alliance_desktop.ui.tasks import run_task
from alliance_desktop.ui.widgets.record_table import record_table

if TYPE_CHECKING:
    from alliance_desktop.core.admin_model import AuditPage
    from alliance_desktop.ui.therapist.workspace import Workspace

COLUMNS = ("#", "When", "Who", "Action", "Target", "Details")
PAGE = 100
BAD = "#fbe3d3"


def verdict_text(entries: int, first_bad: int | None, anchor_problem: str = "", earlier_alerts: int = 0) -> str:
    """The chain's verdict; ``anchor_problem``: the outside check's finding (an older copy, cut-off entries)."""
    if anchor_problem:
        text = f"✗ {anchor_problem}"
    elif first_bad is None:
        text = f"✓ Chain verified: all {entries} entries are intact and linked."
    else:
        text = (f"✗ Chain broken: entry #{first_bad} does not match its hash or its link to the entry before. "
                "Entries from there on cannot be trusted; keep this database and contact support.")
    if earlier_alerts:
        text += (f" Earlier log-ins found {earlier_alerts} problem(s) with the log (see the "
                 "'audit.integrity_failed' entries).")
    return text


class AuditView(QWidget):
    verified = Signal(object)  # services.audit_integrity.AuditIntegrity

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.page: AuditPage | None = None
        self.offset = 0
        self.first_bad: int | None = None
        self._task = None
        heading = theme.set_role(QLabel("Audit log"), theme.HEADING)
        self.verify_button = theme.set_role(QPushButton("&Verify chain"), theme.PRIMARY)
        self.verdict = theme.set_role(QLabel("The chain has not been verified in this window yet."), theme.NOTICE)
        self.verdict.setWordWrap(True)
        self.newer_button = QPushButton("◀ &Newer")
        self.older_button = QPushButton("&Older ▶")
        self.position = theme.set_role(QLabel(), theme.HINT)
        self.table = record_table(COLUMNS, "Audit entries", single_selection=False)
        self.table.setWordWrap(False)
        self.error = theme.set_role(QLabel(), theme.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.verify_button)
        nav = QHBoxLayout()
        nav.addWidget(self.newer_button)
        nav.addWidget(self.older_button)
        nav.addWidget(self.position)
        nav.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.error)
        layout.addLayout(nav)
        layout.addWidget(self.table, 1)
        self.verify_button.clicked.connect(self.verify)
        self.newer_button.clicked.connect(lambda: self.load(max(0, self.offset - PAGE)))
        self.older_button.clicked.connect(lambda: self.load(self.offset + PAGE))

    def load(self, offset: int = 0) -> None:
        try:
            page = audit_view.audit_page(self.workspace.session, offset, PAGE)
        except (ServiceError, StorageError) as problem:
            self.error.setText(staff_message(problem))
            self.error.show()
            return
        self.error.hide()
        self.page, self.offset = page, offset
        self.table.setRowCount(len(page.entries))
        for r, e in enumerate(page.entries):
            details = json.dumps(dict(e.details), ensure_ascii=False, default=str) if e.details else ""
            target = f"{e.target_kind or ''} {e.target_id[:8] if e.target_id else ''}".strip()
            cells = (str(e.seq), f"{e.at.astimezone():%d %b %Y %H:%M:%S}", e.actor_name or "—", e.action, target,
                     details)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if self.first_bad is not None and e.seq == self.first_bad:
                    item.setBackground(QBrush(QColor(BAD)))
                    item.setToolTip("First entry whose hash or link does not hold")
                self.table.setItem(r, c, item)
        last = offset + len(page.entries)
        self.position.setText(f"Entries {offset + 1}–{last} of {page.total} (newest first)" if page.entries
                              else "No entries")
        self.newer_button.setEnabled(offset > 0)
        self.older_button.setEnabled(last < page.total)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override: load on first show
        super().showEvent(event)
        if self.page is None:
            self.load(0)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def verify(self) -> None:
        if self._task is not None:
            return
        self.verify_button.setEnabled(False)
        self.verdict.setText("Verifying every entry…")
        session = self.workspace.session
        self._task = run_task(self, lambda: audit_view.verify_audit_chain(session), self._verified, self._failed)

    def _failed(self, problem: Exception) -> None:
        self._task = None
        self.verify_button.setEnabled(True)
        self.verdict.setText(staff_message(problem))
        theme.set_role(self.verdict, theme.ERROR)
        self._restyle()

    def _verified(self, report) -> None:  # noqa: ANN001 - AuditIntegrity
        self._task = None
        self.verify_button.setEnabled(True)
        self.first_bad = report.first_bad_seq
        anchor_problem = report.message() if report.chain_first_bad is None else ""
        self.verdict.setText(verdict_text(report.entries, report.first_bad_seq, anchor_problem,
                                          report.earlier_alerts))
        clean = report.intact and not report.earlier_alerts
        theme.set_role(self.verdict, theme.SUCCESS if clean else theme.ERROR)
        self._restyle()
        total = self.page.total if self.page else 0
        if report.first_bad_seq is not None:
            self.load(0)  # the verification added an entry: recount
            total = self.page.total if self.page else total
            self.load(max(0, ((total - report.first_bad_seq) // PAGE) * PAGE))
            self.select_seq(report.first_bad_seq)
        else:
            self.load(self.offset)
        self.verified.emit(report)

    def select_seq(self, seq: int) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == str(seq):
                self.table.selectRow(r)
                self.table.scrollToItem(self.table.item(r, 0))

    def _restyle(self) -> None:
        style = self.verdict.style()
        style.unpolish(self.verdict)
        style.polish(self.verdict)
