"""The course view on hand-seeded courses: alerts handled for good, corrections that keep history, sessions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from alliance_desktop.core.ruptures import RepairStatus
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.therapist.dialogs import AnswersDialog, KioskCodeDialog, RecordSessionDialog
from alliance_desktop.ui.therapist.session_dialog import SessionDialog
from tests.services.workspace_fixtures import STAFF_PASSWORD
from tests.ui.helpers import click, log_in, type_text


def _open(qtbot, make_shell, clinic, user: str, episode_id):  # noqa: ANN202
    shell = make_shell(clinic)
    main = log_in(qtbot, shell, user, STAFF_PASSWORD)
    return shell, main, main.open_course(episode_id)


def test_the_course_shows_both_ruptures_and_the_alerts_with_their_rules(qtbot, make_shell, clinic, seeded):
    _, main, course = _open(qtbot, make_shell, clinic, "tara", seeded.unrepaired_episode)
    ruptures = {e.session: e.repair for e in course.data.analysis.ruptures}
    assert ruptures.get(6) is RepairStatus.UNREPAIRED
    assert "unrepaired" in course.sessions.item(5, 6).text()
    assert course.alerts.alerts, "paper entries below the cutoff raise alerts"
    first = course.alerts.alerts[0]
    row = [course.alerts.table.item(0, c).text() for c in range(5)]
    assert first.explanation in row[3] and ", ".join(first.rule_ids) == row[2] and row[4] == "OPEN"
    assert course.alerts_link.isVisible() and "open alert" in course.alerts_link.text()

    _, _, repaired = _open(qtbot, make_shell, clinic, "tara", seeded.repaired_episode)
    assert {e.session: e.repair for e in repaired.data.analysis.ruptures}.get(6) is RepairStatus.REPAIRED


def test_acknowledging_an_alert_persists_across_lock_and_login(qtbot, make_shell, clinic, seeded):
    shell, main, course = _open(qtbot, make_shell, clinic, "tara", seeded.unrepaired_episode)
    before = next(r for r in main.caseload.visible_rows() if r.client_id == seeded.unrepaired_client)
    alert = next(a for a in course.alerts.alerts if not a.handled and not a.superseded)
    course.show_alerts()
    course.alerts.select_alert(alert.alert_id)
    type_text(qtbot, course.alerts.note, "Talk about it next time")
    click(qtbot, course.alerts.acknowledge_button)
    handled = next(a for a in course.alerts.alerts if a.alert_id == alert.alert_id)
    assert handled.handled and "acknowledged by Tara Example" in course.alerts.table.item(
        [a.alert_id for a in course.alerts.alerts].index(alert.alert_id), 4).text()
    assert "Talk about it next time" in " ".join(
        course.alerts.table.item(r, 4).text() for r in range(course.alerts.table.rowCount()))
    after = next(r for r in main.caseload.visible_rows() if r.client_id == seeded.unrepaired_client)
    assert after.badges.unhandled_alerts == before.badges.unhandled_alerts - 1  # the caseload listened

    main.lock_action.trigger()
    assert isinstance(shell.current, LoginWindow)
    main = log_in(qtbot, shell, "tara", STAFF_PASSWORD)
    again = main.open_course(seeded.unrepaired_episode)
    stored = next(a for a in again.alerts.alerts if a.alert_id == alert.alert_id)
    assert stored.handled and stored.actions[0].note == "Talk about it next time"
    assert next(r for r in main.caseload.visible_rows()
                if r.client_id == seeded.unrepaired_client).badges.unhandled_alerts == after.badges.unhandled_alerts


def test_amending_keeps_the_original_visible_in_the_history(qtbot, make_shell, clinic, seeded):
    _, main, course = _open(qtbot, make_shell, clinic, "tara", seeded.repaired_episode)
    course.select_session(2)
    click(qtbot, course.answers_button)
    dialog = course.dialog()
    assert isinstance(dialog, SessionDialog)
    alliance_row = next(r for r, e in enumerate(dialog.entries) if e.instrument_id == "example-alliance")
    dialog.history.selectRow(alliance_row)
    original = dialog.selected()
    assert original.standing and dialog.items.rowCount() == 4
    dialog.open_amend()
    amend = dialog.child()
    assert isinstance(amend, AnswersDialog)
    amend.set_answer("connection", 50)
    click(qtbot, amend.ok_button)
    assert "reason" in amend.error.text().lower()  # a reason is required
    type_text(qtbot, amend.reason, "Typo on the paper form")
    click(qtbot, amend.ok_button)
    qtbot.waitUntil(lambda: dialog.child() is None)
    statuses = {e.response_id: e for e in dialog.entries}
    assert statuses[original.response_id].status == "amended"
    newest = next(e for e in dialog.entries if e.amends_id == original.response_id)
    assert newest.standing and newest.mode == "staff_paper"
    texts = [dialog.history.item(r, 4).text() for r in range(dialog.history.rowCount())]
    assert any("replaced by an amendment — Typo on the paper form" in t for t in texts)
    assert any(t.startswith("counts (amends") for t in texts)
    # The chart and the sessions table followed the amendment.
    assert "amended" in course.sessions.item(1, 8).text()

    dialog.history.selectRow([e.response_id for e in dialog.entries].index(newest.response_id))
    dialog.open_entered_in_error()
    error = dialog.child()
    type_text(qtbot, error.reason, "Wrong session")
    click(qtbot, error.ok_button)
    qtbot.waitUntil(lambda: dialog.child() is None)
    by_id = {e.response_id: e for e in dialog.entries}
    assert by_id[newest.response_id].status == "entered_in_error"
    assert by_id[original.response_id].standing  # the original counts again, and all three stay listed
    dialog.reject()


def test_record_a_session_issue_a_code_and_enter_paper_answers(qtbot, make_shell, clinic, seeded):
    _, main, course = _open(qtbot, make_shell, clinic, "tara", seeded.repaired_episode)
    count = len(course.data.sessions)
    click(qtbot, course.record_button)
    record = course.dialog()
    assert isinstance(record, RecordSessionDialog) and record.number.value() == count + 1
    record.number.setValue(1)
    click(qtbot, record.ok_button)
    assert "already recorded" in record.error.text()
    record.number.setValue(count + 1)
    click(qtbot, record.ok_button)
    qtbot.waitUntil(lambda: course.dialog() is None)
    assert len(course.data.sessions) == count + 1 and course.selected_point().number == count + 1

    click(qtbot, course.code_button)
    code = course.dialog()
    assert isinstance(code, KioskCodeDialog)
    digits = code.code.text().replace(" ", "")
    assert len(digits) == 6 and digits.isdigit() and "Valid until" in code.expiry.text()
    assert code.code.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    code.reject()

    click(qtbot, course.paper_button)
    paper = course.dialog()
    assert isinstance(paper, AnswersDialog)
    paper.instrument.setCurrentIndex(paper.instrument.findData("example-alliance"))
    for item in ("connection", "focus", "approach", "overall"):
        paper.set_answer(item, 95)
    click(qtbot, paper.ok_button)
    qtbot.waitUntil(lambda: course.dialog() is None)
    point = course.data.session(count + 1)
    assert point.alliance_total == 38.0 and point.staff_entered
    assert "staff-entered" in course.sessions.item(count, 8).text()


def test_a_supervisor_reads_a_course_but_cannot_write(qtbot, make_shell, clinic, seeded):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell, "sue", STAFF_PASSWORD)
    main.caseload.choose_therapist(seeded.tara.id)
    assert {r.client_id for r in main.caseload.visible_rows()} == {seeded.repaired_client, seeded.unrepaired_client}
    course = main.open_course(seeded.unrepaired_episode)
    assert course.chart.data is not None and "read-only" in course.subheading.text()
    assert not course.record_button.isVisibleTo(course) and not course.alerts.acknowledge_button.isVisibleTo(course)


def test_hand_over_now_opens_this_session_on_the_kiosk(qtbot, make_shell, clinic, seeded):
    from alliance_desktop.ui.kiosk.window import KioskWindow

    shell, main, course = _open(qtbot, make_shell, clinic, "tara", seeded.repaired_episode)
    course.select_session(3)
    click(qtbot, course.hand_over_button)
    kiosk = shell.current
    assert isinstance(kiosk, KioskWindow)
    page = kiosk.flow.page()
    assert page.name == "confirm" and "3" in page.session.text()
