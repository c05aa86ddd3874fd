"""One client's way through the kiosk pages, against the fake service (tests/ui/kiosk/fakes.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from alliance_desktop.ui.kiosk.comment import CommentPage
from alliance_desktop.ui.kiosk.pages_items import InstructionPage, ItemPage
from alliance_desktop.ui.kiosk.pages_start import ConfirmPage, WelcomePage
from tests.ui.kiosk.fakes import INSTRUCTION, questionnaire
from tests.ui.kiosk.kiosk_helpers import answer_questions, double_tap, tap, tap_line, type_code, type_on_keyboard

CODE = "123456"


def test_welcome_shows_the_clinic_languages_and_enter_your_code(make_kiosk, fake_service):
    window = make_kiosk(fake_service)
    page = window.flow.page()
    assert isinstance(page, WelcomePage)
    assert page.clinic.text() == "Praxis am See"
    assert [b.text() for b in page.language_buttons.values()] == ["English", "Deutsch", "Français", "Italiano"]
    assert page.start_button.text() == "Enter your code"
    assert page.start_button.height() >= 44


def test_right_code_shows_only_therapist_and_session_then_the_questions(qtbot, make_kiosk, fake_service):
    fake_service.codes[CODE] = questionnaire(therapist="Dr. Lena Brunner", session=7)
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    confirm = window.flow.page()
    assert isinstance(confirm, ConfirmPage)
    texts = [label.text() for label in confirm.findChildren(type(confirm.therapist))]
    assert "Dr. Lena Brunner" in texts and "Session 7" in texts
    tap(qtbot, confirm.yes_button)
    assert isinstance(window.flow.page(), ItemPage)
    assert fake_service.instruction_log == []  # no instruction in this questionnaire


@pytest.mark.parametrize(("prepare", "message"), [
    (lambda svc: None, "That code did not work"),
    (lambda svc: svc.expired.add(CODE), "This code has expired"),
    (lambda svc: svc.used.add(CODE), "This code has already been used"),
])
def test_wrong_expired_and_used_codes_get_a_gentle_message(qtbot, make_kiosk, fake_service, prepare, message):
    prepare(fake_service)
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    page = window.flow.code_page
    assert window.flow.page() is page
    assert page.message.isVisible() and page.message.text().startswith(message)
    assert page.keypad.digits() == ""  # cleared for the next try
    assert page.keypad.isEnabled()


def test_five_wrong_codes_in_a_minute_pause_the_keypad(qtbot, make_kiosk, fake_service, clock):
    fake_service.codes[CODE] = questionnaire()
    window = make_kiosk(fake_service)
    for wrong in ("111111", "222222", "333333", "444444", "555555"):
        type_code(qtbot, window, wrong)
    page = window.flow.code_page
    assert page.paused and not page.keypad.isEnabled()
    assert "try again in 60 seconds" in page.message.text()
    clock.advance(59)
    page.tick()
    assert "try again in 1 second." in page.message.text()  # English plural forms come from alliance_en.qm
    clock.advance(1)
    page.tick()
    assert page.keypad.isEnabled() and not page.message.isVisible()
    type_code(qtbot, window, CODE)
    assert isinstance(window.flow.page(), ConfirmPage)


def test_instruction_page_comes_first_when_the_questionnaire_has_one(qtbot, make_kiosk, fake_service):
    q = questionnaire(instruction=True)
    fake_service.codes[CODE] = q
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    tap(qtbot, window.flow.page().yes_button)
    page = window.flow.page()
    assert isinstance(page, InstructionPage)
    assert page.text.text() == INSTRUCTION
    assert fake_service.instruction_log == [q.token]  # its delivery is logged when shown
    tap(qtbot, page.continue_button)
    first = window.flow.page()
    assert isinstance(first, ItemPage)
    tap(qtbot, first.back_button)  # back to the instruction: logged once only
    assert window.flow.page() is page
    assert fake_service.instruction_log == [q.token]


def test_declining_the_questionnaire_abandons_it_and_starts_over(qtbot, make_kiosk, fake_service):
    q = questionnaire()
    fake_service.codes[CODE] = q
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    tap(qtbot, window.flow.page().no_button)
    qtbot.waitUntil(lambda: window.flow.page_name() == "welcome")
    assert fake_service.abandoned == [(q, "confirm")]


def test_review_shows_each_answer_and_change_goes_back_and_returns(qtbot, make_kiosk, fake_service):
    fake_service.codes[CODE] = questionnaire(instruments=("example-alliance", "phq9"))
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window, line_at=0.3, option_index=2)
    assert isinstance(window.flow.page(), CommentPage)
    tap(qtbot, window.flow.comment_page.next_button)
    review = window.flow.review
    assert window.flow.page() is review
    rows = window.flow.entries()
    assert len(rows) == 4 + 10 + 1
    assert rows[0].is_line and rows[0].line_mm == 30
    assert rows[4].answer_text == "More than half the days"
    assert rows[-1].answer_text is None  # no comment
    assert all(c.isVisible() is False or c.height() >= 44 for c in review.change_buttons.values())

    tap(qtbot, review.change_buttons["question:example-alliance/focus"])
    page = window.flow.page()
    assert isinstance(page, ItemPage) and page.item_id == "focus"
    assert page.next_button.text() == "Back to review"
    tap_line(qtbot, page.line, 0.9)
    tap(qtbot, page.next_button)
    assert window.flow.page() is window.flow.review
    assert window.flow.entries()[1].line_mm == 90
    answers = window.flow.answers()
    assert answers.answers["example-alliance"]["focus"] == 90
    assert answers.answers["phq9"]["1"] == 2
    assert answers.line_lengths_px["example-alliance/focus"] == pytest.approx(377.95, abs=0.01)


def test_send_twice_quickly_stores_once_and_thanks_only_after_the_commit(qtbot, make_kiosk, fake_service):
    fake_service.codes[CODE] = questionnaire()
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window)
    type_on_keyboard(qtbot, window, "it helped")
    tap(qtbot, window.flow.comment_page.next_button)
    send = window.flow.review.send_button
    double_tap(send)
    qtbot.mouseDClick(send, Qt.MouseButton.LeftButton)
    assert fake_service.submit_calls == 1
    (stored,) = fake_service.submitted.values()
    assert stored.comment == "it helped"
    assert window.flow.page_name() == "thanks"
    assert window.flow.thanks_timer.isActive()
    qtbot.waitUntil(lambda: window.flow.page_name() == "welcome")  # thank_you_ms=50 in these tests


def test_thank_you_stays_five_seconds_by_default(qtbot, make_kiosk, fake_service):
    from alliance_desktop.ui.kiosk.idle import KioskTimings

    fake_service.codes[CODE] = questionnaire(comment_max_chars=0)
    window = make_kiosk(fake_service, timings=KioskTimings())
    type_code(qtbot, window, CODE)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window)
    assert window.flow.comment_page is None  # the clinic turned comments off
    tap(qtbot, window.flow.review.send_button)
    assert window.flow.thanks_timer.interval() == 5000 and window.flow.thanks_timer.isActive()
    assert not window.idle.running  # nothing left to walk away from


def test_a_storage_error_keeps_the_answers_and_a_retry_uses_the_same_submission(qtbot, make_kiosk, fake_service):
    fake_service.codes[CODE] = questionnaire()
    fake_service.fail_submits = 1
    window = make_kiosk(fake_service)
    type_code(qtbot, window, CODE)
    tap(qtbot, window.flow.page().yes_button)
    answer_questions(qtbot, window, line_at=0.25)
    type_on_keyboard(qtbot, window, "keep me")
    tap(qtbot, window.flow.comment_page.next_button)
    review = window.flow.review
    tap(qtbot, review.send_button)
    assert review.problem.isVisible()
    assert review.problem.text() == "Not saved — your answers are kept on screen. Please tell the reception."
    assert window.flow.page() is review and review.send_button.isEnabled()
    assert window.flow.entries()[0].line_mm == 25 and window.flow.comment_page.comment() == "keep me"
    first_id = window.flow.answers().submission_id
    tap(qtbot, review.send_button)
    assert fake_service.submit_calls == 2
    assert list(fake_service.submitted) == [first_id]
    assert window.flow.page_name() == "thanks"


def test_choosing_german_rebuilds_the_pages_in_german(qtbot, make_kiosk, fake_service):
    fake_service.codes[CODE] = questionnaire(language="de")
    window = make_kiosk(fake_service)
    first_flow = window.flow
    tap(qtbot, first_flow.welcome.language_buttons["de"])
    qtbot.waitUntil(lambda: window.flow is not first_flow)
    welcome = window.flow.welcome
    assert welcome.start_button.text() == "Code eingeben"
    assert welcome.language_buttons["de"].isChecked()
    type_code(qtbot, window, CODE)
    confirm = window.flow.page()
    assert confirm.yes_button.text() == "Ja, beginnen"
    assert confirm.session.text() == "Sitzung 3"
    tap(qtbot, confirm.yes_button)
    page = window.flow.page()
    assert page.text.text().startswith("Wie verbunden haben Sie sich heute")  # the instrument's German wording
    assert page.progress.text() == "Frage 1 von 4"
    assert page.next_button.text() == "Weiter"


@pytest.mark.parametrize(("language", "start"), [("fr", "Saisir votre code"), ("it", "Inserire il codice")])
def test_french_and_italian_are_translated_too(qtbot, make_kiosk, fake_service, language, start):
    window = make_kiosk(fake_service)
    first_flow = window.flow
    tap(qtbot, first_flow.welcome.language_buttons[language])
    qtbot.waitUntil(lambda: window.flow is not first_flow)
    assert window.flow.welcome.start_button.text() == start


def test_staff_can_hand_a_questionnaire_over_without_a_code(qtbot, make_kiosk, fake_service):
    window = make_kiosk(fake_service)
    q = questionnaire(therapist="Dr. Theo Beispiel")
    window.hand_over(q)
    page = window.flow.page()
    assert isinstance(page, ConfirmPage) and page.therapist.text() == "Dr. Theo Beispiel"
    assert window.idle.running


def test_the_whole_questionnaire_works_with_a_keyboard(qtbot, make_kiosk, fake_service):
    fake_service.codes[CODE] = questionnaire(instruments=("example-alliance", "phq9"), comment_max_chars=0)
    window = make_kiosk(fake_service)
    flow = window.flow
    start = flow.welcome.start_button
    assert start.hasFocus() or start.focusPolicy() & Qt.FocusPolicy.TabFocus
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.page_name() == "code")
    qtbot.keyClicks(flow.code_page.keypad, CODE)
    qtbot.keyClick(flow.code_page.keypad, Qt.Key.Key_Return)
    yes = flow.page().yes_button
    yes.setFocus()
    qtbot.keyClick(yes, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: isinstance(flow.page(), ItemPage))
    while isinstance(flow.page(), ItemPage):
        page = flow.page()
        if page.line is not None:
            page.line.setFocus()
            qtbot.keyClick(page.line, Qt.Key.Key_End)
            qtbot.keyClick(page.line, Qt.Key.Key_PageDown)
        else:
            page.options.focus_first()
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        page.next_button.setFocus()
        qtbot.keyClick(page.next_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda p=page: flow.page() is not p)
    answers = flow.answers()
    assert set(answers.answers["example-alliance"].values()) == {90}
    assert set(answers.answers["phq9"].values()) == {1}
    send = flow.review.send_button
    send.setFocus()
    qtbot.keyClick(send, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: fake_service.submit_calls == 1)
