"""The caseload screen on the seeded demo clinic: order, the Qt model contract, search, filter, isolation."""

from __future__ import annotations

from PySide6.QtCore import Qt

from alliance_desktop.core.caseload_model import Attention
from alliance_desktop.services.caseload import caseload
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.therapist.caseload_table import (
    ATTENTION_COL,
    CLIENT_COL,
    ROW_ROLE,
    SESSIONS_COL,
    TRACK_COL,
    CaseloadTableModel,
    Filter,
)
from tests.ui.helpers import type_text
from tests.ui.therapist.workspace_helpers import enter


def _service_rows(demo_clinic, user: str):
    session = demo_clinic.access.unlock(user, demo_clinic.password)
    try:
        return session.user, caseload(session)
    finally:
        session.lock()


def test_the_caseload_shows_the_services_order_of_need(qtbot, make_shell, demo_clinic):
    therapist = demo_clinic.therapists[0]
    _, expected = _service_rows(demo_clinic, therapist)
    _, main = enter(qtbot, make_shell, demo_clinic.access, therapist, demo_clinic.password)
    assert isinstance(main, MainWindow)
    view = main.caseload
    shown = view.visible_rows()
    assert [r.client_id for r in shown] == [r.client_id for r in expected]
    assert len(shown) >= 5
    levels = [int(r.attention) for r in shown]
    assert levels == sorted(levels)
    # The seeded demo has unrepaired ruptures; they are on top, said in words and with a shape.
    top = view.proxy.index(0, ATTENTION_COL)
    assert shown[0].attention is not Attention.NONE
    assert shown[0].attention.label in top.data()
    assert view.proxy.index(0, SESSIONS_COL).data() == f"{shown[0].sessions_done}/{shown[0].planned_sessions}"
    assert "active clients" in view.count.text()

    # Sorting by another column and back to "Default order" restores the service's order.
    view.table.sortByColumn(CLIENT_COL, Qt.SortOrder.AscendingOrder)
    assert [r.pseudonym for r in view.visible_rows()] == sorted(r.pseudonym for r in expected)
    view.default_order.click()
    assert [r.client_id for r in view.visible_rows()] == [r.client_id for r in expected]


def test_the_caseload_model_passes_qtmodeltester(qtmodeltester, demo_clinic):
    _, rows = _service_rows(demo_clinic, demo_clinic.therapists[1])
    model = CaseloadTableModel()
    qtmodeltester.check(model)
    model.set_rows(rows)
    qtmodeltester.check(model)
    coloured = next(i for i in range(model.rowCount()) if rows[i].colour is not None)
    track = model.index(coloured, TRACK_COL)
    assert rows[coloured].colour.value in track.data()  # the word, not only the hue
    assert track.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 0).data(ROW_ROLE) is rows[0]
    model.set_rows(rows[:2])
    qtmodeltester.check(model)


def test_search_and_filter(qtbot, make_shell, demo_clinic):
    _, main = enter(qtbot, make_shell, demo_clinic.access, demo_clinic.therapists[0], demo_clinic.password)
    view = main.caseload
    everyone = view.visible_rows()
    target = everyone[-1]
    type_text(qtbot, view.search, target.pseudonym[:5].lower())
    assert [r.pseudonym for r in view.visible_rows()] == [r.pseudonym for r in everyone
                                                          if target.pseudonym[:5] in r.pseudonym]
    assert "of" in view.count.text()
    type_text(qtbot, view.search, "no-such-client")
    assert view.visible_rows() == []
    view.search.clear()
    assert len(view.visible_rows()) == len(everyone)

    view.filter.setCurrentIndex(view.filter.findData(Filter.RUPTURES))
    shown = view.visible_rows()
    assert shown and all(r.badges.unrepaired_ruptures or r.badges.pending_ruptures for r in shown)
    view.filter.setCurrentIndex(view.filter.findData(Filter.ATTENTION))
    assert all(r.attention is not Attention.NONE for r in view.visible_rows())
    view.filter.setCurrentIndex(view.filter.findData(Filter.ALL))
    assert len(view.visible_rows()) == len(everyone)


def test_a_therapist_sees_only_their_own_clients(qtbot, make_shell, demo_clinic):
    mine_user, mine = _service_rows(demo_clinic, demo_clinic.therapists[0])
    _, theirs = _service_rows(demo_clinic, demo_clinic.therapists[1])
    _, main = enter(qtbot, make_shell, demo_clinic.access, demo_clinic.therapists[0], demo_clinic.password)
    shown = main.caseload.visible_rows()
    assert {r.client_id for r in shown} == {r.client_id for r in mine}
    assert all(r.therapist_id == mine_user.id for r in shown)
    assert not {r.client_id for r in shown} & {r.client_id for r in theirs}
    clients_tab = {c.client_id for c in main.clients.clients}
    assert clients_tab and not clients_tab & {r.client_id for r in theirs}
    assert not main.caseload.therapist_picker.isVisible()


def test_enter_opens_the_course_with_its_chart(qtbot, make_shell, demo_clinic):
    _, main = enter(qtbot, make_shell, demo_clinic.access, demo_clinic.therapists[0], demo_clinic.password)
    view = main.caseload
    view.table.setFocus()
    view.select_client(view.visible_rows()[0].client_id)
    row = view.current_row()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    course = main.courses[row.episode_id]
    assert main.tabs.currentWidget() is course
    assert main.tabs.tabText(main.tabs.currentIndex()) == row.pseudonym
    assert course.chart is not None and course.chart.data is not None
    xs, ys = course.chart.alliance_curve.getData()
    plotted = {int(x): float(y) for x, y in zip(xs, ys, strict=True) if y == y}
    expected = {p.number: p.alliance_total for p in course.data.sessions if p.alliance_total is not None}
    assert plotted == expected
    assert course.sessions.rowCount() == len(course.data.sessions)
    assert row.pseudonym in course.heading.text()
    # Opening the same client again shows the same tab.
    view.open_current()
    assert main.courses[row.episode_id] is course and main.tabs.count() == 3
