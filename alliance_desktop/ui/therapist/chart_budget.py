"""How many course charts stay alive at once; the others are drawn again when their tab comes back.

Why: every open course tab used to keep its chart (a pyqtgraph scene with four
panels, axes, marks and text) for as long as the tab stayed open. A therapist
who opens twenty courses in a morning held twenty of them, about 3-4 MB each,
although only one can be seen at a time (RELIABILITY/issue 8: under 300 MB with
20 courses open). Redrawing a chart from the course data the tab already holds
takes a few tens of milliseconds and reads nothing from the database, so the
tabs seen least recently give their chart back once more than ``limit`` exist.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol


class HoldsChart(Protocol):
    def release_chart(self) -> None: ...

    def isVisible(self) -> bool: ...  # noqa: N802 - Qt's name


class ChartBudget:
    """Least-recently-shown order of the views that hold a chart."""

    def __init__(self, limit: int = 3) -> None:
        if limit < 1:
            raise ValueError("at least one chart must stay alive")
        self.limit = limit
        self._holders: OrderedDict[int, HoldsChart] = OrderedDict()

    @property
    def live(self) -> int:
        return len(self._holders)

    def shown(self, view: HoldsChart) -> None:
        """``view`` holds a chart and was just shown: it is the most recent; release beyond the limit."""
        self._holders[id(view)] = view
        self._holders.move_to_end(id(view))
        for key, holder in list(self._holders.items()):
            if len(self._holders) <= self.limit:
                break
            if holder is view or holder.isVisible():
                continue
            del self._holders[key]
            holder.release_chart()

    def forget(self, view: HoldsChart) -> None:
        """``view`` released its chart or is closing."""
        self._holders.pop(id(view), None)
