"""The caseload as a Qt table model, and the proxy that sorts, filters and searches it.

Why the default order is the service's: ``core.caseload_model`` ranks clients
by a documented ladder (risk > red > unrepaired rupture > ...), and the first
column's sort key is that rank, so sorting by "Needs attention" always gives
the service's order back. Every colour here has a word and a shape beside it
(the not-on-track colour is "■ red", "◆ yellow" ...; badges are words), so
nothing depends on seeing the hue (palette.py: Okabe–Ito tones).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from alliance_desktop.core.caseload_model import Attention, CaseloadRow
from alliance_desktop.core.tracking import Colour
from alliance_desktop.core import chart_palette as palette

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Needs attention", "Client", "Last session", "Sessions", "Alliance", "Outcome", "On track", "Alerts")
(ATTENTION_COL, CLIENT_COL, EPISODE_COL, SESSIONS_COL, ALLIANCE_COL, OUTCOME_COL, TRACK_COL,
 ALERTS_COL) = range(len(COLUMNS))

#: shape + word for each not-on-track colour (never the hue alone)
TRACK_GLYPH = {Colour.RED: "■", Colour.YELLOW: "◆", Colour.WHITE: "○", Colour.GREEN: "●", Colour.GREY: "·"}
_TRACK_ORDER = {Colour.RED: 0, Colour.YELLOW: 1, Colour.WHITE: 2, Colour.GREY: 3, Colour.GREEN: 4}
ATTENTION_GLYPH = {
    Attention.RISK: "▲", Attention.RED: "■", Attention.UNREPAIRED_RUPTURE: "✗", Attention.BELOW_CUTOFF: "▼",
    Attention.PENDING_RUPTURE: "◷", Attention.YELLOW: "◆", Attention.UNHANDLED_ALERT: "!", Attention.NONE: "",
}
_URGENT = (Attention.RISK, Attention.RED, Attention.UNREPAIRED_RUPTURE)


def track_text(colour: Colour | None) -> str:
    return f"{TRACK_GLYPH[colour]} {colour.value}" if colour is not None else "—"


def badges_text(row: CaseloadRow) -> str:
    b = row.badges
    parts = []
    if b.risk:
        parts.append("▲ RISK")
    if b.unrepaired_ruptures:
        parts.append(f"✗ unrepaired rupture{'s' if b.unrepaired_ruptures > 1 else ''}"
                     + (f" ×{b.unrepaired_ruptures}" if b.unrepaired_ruptures > 1 else ""))
    if b.below_cutoff:
        parts.append("▼ below cutoff")
    if b.pending_ruptures:
        parts.append(f"◷ rupture pending{f' ×{b.pending_ruptures}' if b.pending_ruptures > 1 else ''}")
    if b.unhandled_alerts:
        parts.append(f"! {b.unhandled_alerts} open alert{'s' if b.unhandled_alerts != 1 else ''}")
    return " · ".join(parts)


def alliance_text(row: CaseloadRow) -> str:
    if row.latest_alliance is None:
        return "—"
    text = f"{row.latest_alliance:.1f}"
    if row.alliance_deviation is not None:
        d = row.alliance_deviation
        arrow = "▼" if d < -0.05 else "▲" if d > 0.05 else "="
        text += f"  {arrow} {d:+.1f} vs mean"
    return text


def outcome_text(row: CaseloadRow) -> str:
    if row.latest_outcome is None:
        return "—"
    text = f"{row.latest_outcome:g}"
    if row.change_class is not None:
        text += f" · {row.change_class.value}"
    return text


def client_text(row: CaseloadRow) -> str:
    return f"{row.pseudonym} ({row.initials})" if row.initials else row.pseudonym


class CaseloadTableModel(QAbstractTableModel):
    """One row per ``CaseloadRow``, in the order given (the service's need-of-attention order)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[CaseloadRow, ...] = ()
        # (row, column, role) -> value. The view asks each cell a dozen times per layout
        # and paint (size hints for ResizeToContents, sorting, every role when painting);
        # the rows are immutable, so each answer is worked out once per reset.
        self._cells: dict[tuple[int, int, int], Any] = {}

    def set_rows(self, rows: Sequence[CaseloadRow]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._cells.clear()
        self.endResetModel()

    @property
    def rows(self) -> tuple[CaseloadRow, ...]:
        return self._rows

    # -- QAbstractTableModel --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == ALLIANCE_COL:
                return "Latest alliance total, and its change against the client's own earlier mean"
        if orientation is Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        key = (index.row(), index.column(), int(role))
        try:
            return self._cells[key]
        except KeyError:
            value = self._cells[key] = self._cell(index.row(), index.column(), int(role))
            return value

    def _cell(self, position: int, col: int, role: int) -> Any:
        row = self._rows[position]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self._sort_key(position, row, col)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return "\n".join(row.reasons) if row.reasons else "Nothing to act on."
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, col)
        if role == Qt.ItemDataRole.FontRole and col == ATTENTION_COL and row.attention in _URGENT:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (SESSIONS_COL,):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, row: CaseloadRow, col: int) -> str:
        if col == ATTENTION_COL:
            glyph = ATTENTION_GLYPH[row.attention]
            return f"{glyph} {row.attention.label}" if row.attention is not Attention.NONE else "—"
        if col == CLIENT_COL:
            return client_text(row)
        if col == EPISODE_COL:
            return _last_session(row)
        if col == SESSIONS_COL:
            return row.sessions_label
        if col == ALLIANCE_COL:
            return alliance_text(row)
        if col == OUTCOME_COL:
            return outcome_text(row)
        if col == TRACK_COL:
            return track_text(row.colour)
        return badges_text(row)

    @staticmethod
    def _sort_key(position: int, row: CaseloadRow, col: int) -> Any:
        missing = float("inf")
        if col == ATTENTION_COL:
            return position
        if col == CLIENT_COL:
            return row.pseudonym.casefold()
        if col == EPISODE_COL:
            return row.last_session_on.toordinal() if row.last_session_on else 0
        if col == SESSIONS_COL:
            return row.sessions_done
        if col == ALLIANCE_COL:
            return row.latest_alliance if row.latest_alliance is not None else missing
        if col == OUTCOME_COL:
            return row.latest_outcome if row.latest_outcome is not None else missing
        if col == TRACK_COL:
            return _TRACK_ORDER.get(row.colour, 9) if row.colour is not None else 9
        b = row.badges
        return -(4 * b.risk + 2 * b.unrepaired_ruptures + b.below_cutoff + b.unhandled_alerts)

    @staticmethod
    def _background(row: CaseloadRow, col: int) -> Any:
        if col == TRACK_COL and row.colour is not None:
            return QBrush(QColor(palette.TRACKING[row.colour].fill))
        if col == ATTENTION_COL and row.attention is Attention.RISK:
            return QBrush(QColor(palette.RISK_SOFT))
        return None

    @staticmethod
    def _foreground(row: CaseloadRow, col: int) -> Any:
        if col == TRACK_COL and row.colour is not None:
            return QBrush(QColor(palette.text_on(palette.TRACKING[row.colour].fill)))
        if col == ATTENTION_COL and row.attention in _URGENT:
            return QBrush(QColor("#8f3e00"))
        return None


def _last_session(row: CaseloadRow) -> str:
    # CaseloadRow carries no episode opening date; the last session's date is what a
    # therapist scans for, and the course view shows the episode itself.
    return row.last_session_on.strftime("%d %b %Y") if row.last_session_on else "no session yet"


class Filter(enum.Enum):
    ALL = "All clients"
    ATTENTION = "Needs attention"
    ALERTS = "Open alerts"
    NOT_ON_TRACK = "Not on track (red or yellow)"
    RUPTURES = "Ruptures (unrepaired or pending)"


class CaseloadProxy(QSortFilterProxyModel):
    """Sort on ``SORT_ROLE``; filter by a ``Filter`` and a pseudonym/initials search."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._search = ""
        self._filter = Filter.ALL

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_search", text.strip().casefold()))

    def set_filter(self, which: Filter) -> None:
        self._refilter(lambda: setattr(self, "_filter", which))

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() by begin/endFilterChange(); older Qt has only the former.
        begin = getattr(self, "beginFilterChange", None)
        if begin is None:
            change()
            self.invalidateRowsFilter()
            return
        begin()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        row: CaseloadRow | None = model.index(source_row, 0, source_parent).data(ROW_ROLE) if model else None
        if row is None:
            return False
        if self._search and self._search not in row.pseudonym.casefold() \
                and self._search not in (row.initials or "").casefold():
            return False
        b = row.badges
        if self._filter is Filter.ATTENTION:
            return row.attention is not Attention.NONE
        if self._filter is Filter.ALERTS:
            return b.unhandled_alerts > 0
        if self._filter is Filter.NOT_ON_TRACK:
            return row.colour in (Colour.RED, Colour.YELLOW)
        if self._filter is Filter.RUPTURES:
            return b.unrepaired_ruptures > 0 or b.pending_ruptures > 0
        return True

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
