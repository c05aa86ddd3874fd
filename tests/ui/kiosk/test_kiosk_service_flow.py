"""Complete client flows against the real kiosk service and an encrypted clinic (cheap KDF)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from alliance_desktop.services.kiosk import set_exit_pin
from alliance_desktop.storage import kiosk_store
from alliance_desktop.storage.errors import StorageError
from alliance_desktop.storage.tables import ItemAnswer, Response
from alliance_desktop.ui.kiosk.idle import KioskTimings
from alliance_desktop.ui.kiosk.pages_items import InstructionPage, ItemPage
from alliance_desktop.ui.kiosk.pages_start import ConfirmPage
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import audit_entries, issue
from tests.ui.kiosk.kiosk_helpers import answer_questions, double_tap, tap, type_code, type_on_keyboard


def responses(session) -> list[tuple]:
    """(instrument id, therapy session id) of every stored response."""
    with session.read() as s:
        return [(r.instrument_id, r.session_id) for r in s.execute(sa.select(Response)).scalars()]


def vas_rows(session) -> list[tuple[str, int | None, float | None]]:
    with session.read() as s:
        return sorted((a.item_id, a.vas_mm, a.vas_length_px) for a in s.execute(sa.select(ItemAnswer)).scalars()
                      if a.vas_mm is not None)


def test_a_client_answers_and_sends_once_even_with_a_double_tap(qtbot, make_kiosk, kiosk, session, course):
    code = issue(session, course, 2).code
    window = make_kiosk(kiosk)
    type_code(qtbot, window, code)
    confirm = window.flow.page()
    assert isinstance(confirm, ConfirmPage)
    assert confirm.therapist.text() == "Dr. Theo Beispiel" and confirm.session.text() == "Session 2"
    tap(qtbot, confirm.yes_button)
    assert isinstance(window.flow.page(), ItemPage)  # session 2: no instruction
    answer_questions(qtbot, window, line_at=0.5, option_index=1)
    type_on_keyboard(qtbot, window, "thank you")
    tap(qtbot, window.flow.comment_page.next_button)
    double_tap(window.flow.review.send_button)
    assert window.flow.page_name() == "thanks"
    stored = responses(session)
    assert sorted(r[0] for r in stored) == ["example-alliance", "phq9"]
    assert {r[1] for r in stored} == {course.session(2)}
    assert len(audit_entries(session, "kiosk.submitted")) == 1
    assert vas_rows(session) == sorted((i, 50, pytest.approx(377.95, abs=0.01))
                                       for i in ("connection", "focus", "approach", "overall"))
    qtbot.waitUntil(lambda: window.flow.page_name() == "welcome")


def test_wrong_expired_reused_and_rate_limited_codes(qtbot, make_kiosk, kiosk, session, course, clock):
    used = issue(session, course, 1).code
    window = make_kiosk(kiosk)
    type_code(qtbot, window, used)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window)
    tap(qtbot, window.flow.comment_page.next_button)
    tap(qtbot, window.flow.review.send_button)
    qtbot.waitUntil(lambda: window.flow.page_name() == "welcome")

    type_code(qtbot, window, used)
    page = window.flow.code_page
    assert page.message.text().startswith("This code has already been used")
    expired = issue(session, course, 3, valid_for=timedelta(minutes=5)).code
    clock.advance(6 * 60)
    type_code(qtbot, window, expired)
    assert page.message.text().startswith("This code has expired")
    for wrong in ("000001", "000002", "000003"):
        type_code(qtbot, window, wrong)
        assert page.message.text().startswith("That code did not work")
    assert not page.paused  # four wrong codes within the last minute (the reused one was 6 minutes ago)
    type_code(qtbot, window, "000004")
    assert page.paused and not page.keypad.isEnabled()
    assert "60 seconds" in page.message.text()
    good = issue(session, course, 4).code
    clock.advance(60)
    page.tick()
    type_code(qtbot, window, good)
    assert isinstance(window.flow.page(), ConfirmPage)


@pytest.mark.parametrize(("number", "shown"), [(5, True), (4, False), (6, False)])
def test_instruction_page_only_on_the_configured_session(qtbot, make_kiosk, kiosk, session, course, number, shown):
    window = make_kiosk(kiosk)
    type_code(qtbot, window, issue(session, course, number).code)
    tap(qtbot, window.flow.page().yes_button)
    page = window.flow.page()
    assert isinstance(page, InstructionPage) is shown
    delivered = audit_entries(session, "instruction.delivered")
    assert len(delivered) == (1 if shown else 0)
    if shown:
        assert "therapist" in page.text.text()
        assert delivered[0].details["channel"] == "kiosk"


def test_walking_away_is_audited_with_the_page_and_no_answers(qtbot, make_kiosk, kiosk, session, course, clock):
    window = make_kiosk(kiosk)
    type_code(qtbot, window, issue(session, course, 2).code)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window)
    type_on_keyboard(qtbot, window, "private words")
    clock.advance(60)
    window.idle.poll()
    assert window.still_there is not None
    clock.advance(30)
    window.idle.poll()
    assert window.flow.page_name() == "welcome"
    (entry,) = audit_entries(session, "kiosk.abandoned")
    assert entry.details["page"] == "comment"
    assert "private" not in repr(entry.details)
    assert responses(session) == []


def test_sending_fails_then_works_with_one_stored_submission(qtbot, make_kiosk, kiosk, session, course, monkeypatch):
    real = kiosk_store.insert_submission
    failures = [StorageError("The disk is full.")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(kiosk_store, "insert_submission", flaky)
    window = make_kiosk(kiosk)
    type_code(qtbot, window, issue(session, course, 2).code)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window, line_at=0.2)
    tap(qtbot, window.flow.comment_page.next_button)
    review = window.flow.review
    tap(qtbot, review.send_button)
    assert review.problem.text() == "Not saved — your answers are kept on screen. Please tell the reception."
    assert window.flow.page() is review and window.flow.entries()[0].line_mm == 20
    assert responses(session) == []
    tap(qtbot, review.send_button)
    assert window.flow.page_name() == "thanks"
    assert len(responses(session)) == 2


def test_exit_pin_backoff_against_the_service(qtbot, make_kiosk, session, clock):
    from alliance_desktop.services.kiosk import KioskService

    set_exit_pin(session, "13579246")
    kiosk = KioskService.start(session, device_id="tablet-2")
    window = make_kiosk(kiosk, timings=KioskTimings(exit_hold_ms=30, thank_you_ms=50))
    qtbot.mousePress(window.corner, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pin_page is not None)
    page = window.pin_page
    for attempt in range(5):
        for digit in "000000":
            tap(qtbot, page.keypad.digit_buttons[digit])
        tap(qtbot, page.keypad.ok_button)
    assert not page.keypad.isEnabled() and "60 seconds" in page.message.text()
    clock.advance(60)
    page.tick()
    with qtbot.waitSignal(window.exitRequested):
        for digit in "13579246":
            tap(qtbot, page.keypad.digit_buttons[digit])
        tap(qtbot, page.keypad.ok_button)
    assert [e.action for e in audit_entries(session) if e.action in ("kiosk.exit_pin_failed", "kiosk.exit_pin_ok")] == \
        ["kiosk.exit_pin_failed"] * 5 + ["kiosk.exit_pin_ok"]
