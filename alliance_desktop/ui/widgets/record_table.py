"""The read-only table every staff list uses: whole rows selected, nothing editable, no row numbers.

One place for it because staff screens must behave alike: Tab leaves the
table instead of walking its cells (keyboard users reach the buttons below),
columns fit their contents and the last one takes the rest of the width.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def record_table(headers: Sequence[str], name: str, *, single_selection: bool = True) -> QTableWidget:
    """An empty table with ``headers`` and the accessible ``name`` screen readers announce."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single_selection:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
