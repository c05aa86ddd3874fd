"""Only the most recently seen course charts stay alive; a tab whose chart was given back draws it again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from alliance_desktop.ui.therapist.chart_budget import ChartBudget
from tests.ui.therapist.workspace_helpers import enter


class Holder:
    def __init__(self, visible: bool = False) -> None:
        self.visible, self.released = visible, False

    def isVisible(self) -> bool:  # noqa: N802 - Qt's name
        return self.visible

    def release_chart(self) -> None:
        self.released = True


def test_the_least_recently_shown_hidden_holders_give_their_chart_back():
    budget = ChartBudget(limit=2)
    a, b, c = Holder(), Holder(), Holder(visible=True)
    for holder in (a, b, c):
        budget.shown(holder)
    assert (a.released, b.released, c.released) == (True, False, False) and budget.live == 2
    budget.shown(b)  # b seen again: now c is the oldest, but it is visible, so nobody else goes
    assert budget.live == 2
    with pytest.raises(ValueError):
        ChartBudget(limit=0)


def _live_charts() -> int:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return sum(1 for w in QApplication.allWidgets() if type(w).__name__ == "CourseChart" and w.parent() is not None)


def test_opening_many_courses_keeps_only_a_few_charts_and_redraws_an_old_one(qtbot, make_shell, demo_clinic):
    shell, main = enter(qtbot, make_shell, demo_clinic.access, demo_clinic.therapists[0], demo_clinic.password)
    main.show()
    rows = main.caseload.visible_rows()
    assert len(rows) > main.workspace.charts.limit + 1, "the demo therapist needs more courses than the budget"
    views = []
    for row in rows[: main.workspace.charts.limit + 2]:
        views.append(main.open_course(row.episode_id))
        QApplication.processEvents()
    assert _live_charts() == main.workspace.charts.limit
    first = views[0]
    assert first.chart is None  # given back while hidden
    sessions_before = first.data.sessions
    main.tabs.setCurrentWidget(first)  # the therapist goes back to the first course
    QApplication.processEvents()
    assert first.chart is not None and first.chart.isVisible()
    assert first.data.sessions == sessions_before  # drawn from the data the tab holds
    assert first.chart.tooltip_text(first.data.sessions[0].number)  # a live chart: it answers for its sessions
    assert _live_charts() == main.workspace.charts.limit
