"""Kiosk codes as a client and staff meet them: right, wrong, expired, reused, paused; who may issue."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from alliance_desktop.core.model import Role
from alliance_desktop.services.kiosk import (
    CodeExpired,
    CodePaused,
    CodeUsed,
    InstrumentNotAdministrable,
    InvalidCode,
    InvalidInput,
    KioskAnswers,
    KioskService,
    NotAllowed,
    issue_kiosk_code,
    open_for_session,
)
from alliance_desktop.storage.tables import KioskTicket
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import INITIALS, PSEUDONYM, STARTED_AT, answers_for, audit_entries, issue, staff_session


def test_right_code_opens_the_questionnaire_of_that_session(session, kiosk, course, therapist):
    issued = issue(session, course, 3)
    assert len(issued.code) == 6 and issued.code.isdigit()
    assert issued.expires_at == session.clock.now() + timedelta(hours=2)
    q = kiosk.resolve_code(issued.code, "en")
    assert q.therapist_display_name == "Dr. Theo Beispiel"
    assert q.session_number == 3
    assert q.clinic_name == kiosk.clinic_name == "Praxis am See"
    assert [i.id for i in q.instruments] == ["example-alliance", "phq9"]
    assert q.language == "en" and dict(q.instrument_languages) == {"example-alliance": "en", "phq9": "en"}
    assert q.instruction is None  # session 3: no instruction by default
    assert q.comment_max_chars == 2000


def test_german_kiosk_gets_our_german_check_in_and_english_phq9(session, kiosk, course):
    q = kiosk.resolve_code(issue(session, course).code, "de")
    assert dict(q.instrument_languages) == {"example-alliance": "de", "phq9": "en"}
    alliance = q.instruments[0]
    assert alliance.item("connection").text["de"].startswith("Wie verbunden")
    assert alliance.title("de").endswith("(Beispiel – kein validiertes Instrument)")


def test_questionnaire_says_nothing_about_the_client(session, kiosk, course):
    """Only the therapist's display name and the session number: no pseudonym, initials or ids anywhere."""
    q = kiosk.resolve_code(issue(session, course, 2).code, "en")
    secrets_ = [PSEUDONYM, INITIALS, str(course.client_id), str(course.episode_id), str(course.session(2)),
                course.client_id.hex, course.session(2).hex]
    texts = [repr(q), str(q)] + [repr(getattr(q, f.name)) for f in dataclasses.fields(q)]
    for text in texts:
        for secret in secrets_:
            assert secret not in text
    assert "therapist_display_name='Dr. Theo Beispiel'" in repr(q) and "session_number=2" in repr(q)
    # the token is random, not derived from any id
    assert q.token not in {str(course.session(2)), course.session(2).hex}
    assert len(q.token) >= 24


@pytest.mark.parametrize("typed", ["000000", "12345", "1234567", "abcdef", "", "１２３４５６"])
def test_wrong_code_gets_a_gentle_message(session, kiosk, course, typed):
    issued = issue(session, course)
    if typed == issued.code:  # pragma: no cover - one in a million
        return
    with pytest.raises(InvalidCode) as err:
        kiosk.resolve_code(typed, "en")
    assert type(err.value) is InvalidCode
    assert "did not work" in err.value.user_message and "reception" in err.value.user_message


def test_code_with_spaces_is_read_as_its_digits(session, kiosk, course):
    code = issue(session, course).code
    assert kiosk.resolve_code(f"{code[:3]} {code[3:]}", "en").session_number == 1


def test_code_expires_after_two_hours(session, kiosk, course, clock):
    early, late = issue(session, course, 1), issue(session, course, 2)
    clock.advance(2 * 3600 - 1)
    assert kiosk.resolve_code(early.code, "en").session_number == 1
    clock.advance(2)  # 2 h + 1 s after issue
    with pytest.raises(CodeExpired) as err:
        kiosk.resolve_code(late.code, "en")
    assert "expired" in err.value.user_message


def test_code_is_single_use(session, kiosk, course):
    code = issue(session, course).code
    q = kiosk.resolve_code(code, "en")
    kiosk.submit(q, answers_for(q))
    with pytest.raises(CodeUsed) as err:
        kiosk.resolve_code(code, "en")
    assert "already been used" in err.value.user_message


def test_code_resolved_on_two_devices_can_be_sent_only_once(session, course):
    from alliance_desktop.services.kiosk import QuestionnaireClosed

    code = issue(session, course).code
    a = KioskService.start(session, device_id="tablet-a")
    b = KioskService.start(session, device_id="tablet-b")
    qa, qb = a.resolve_code(code, "en"), b.resolve_code(code, "en")
    assert not a.submit(qa, answers_for(qa)).duplicate
    with pytest.raises(QuestionnaireClosed):
        b.submit(qb, answers_for(qb))


def test_five_wrong_codes_in_a_minute_pause_the_keypad_for_60_s(session, kiosk, course, clock):
    code = issue(session, course).code
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(4):
        clock.advance(5)
        with pytest.raises(InvalidCode):
            kiosk.resolve_code(wrong, "en")
    clock.advance(5)
    with pytest.raises(CodePaused) as paused:
        kiosk.resolve_code(wrong, "en")
    assert paused.value.seconds == 60 and "60 seconds" in paused.value.user_message
    clock.advance(30)
    with pytest.raises(CodePaused) as still:
        kiosk.resolve_code(code, "en")  # even the right code waits
    assert still.value.seconds == 30
    clock.jump_wall(3600)  # moving the wall clock does not lift the pause
    with pytest.raises(CodePaused):
        kiosk.resolve_code(code, "en")
    clock.advance(30)
    assert kiosk.resolve_code(code, "en").session_number == 1


def test_wrong_codes_spread_over_more_than_a_minute_do_not_pause(session, kiosk, course, clock):
    code = issue(session, course).code
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(8):
        clock.advance(16)  # 4 tries per 64 s: never 5 within 60 s
        with pytest.raises(InvalidCode) as err:
            kiosk.resolve_code(wrong, "en")
        assert not isinstance(err.value, CodePaused)
    assert kiosk.resolve_code(code, "en")


def test_pause_is_per_device(session, kiosk, course, clock):
    code = issue(session, course).code
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(4):
        with pytest.raises(InvalidCode):
            kiosk.resolve_code(wrong, "en")
    with pytest.raises(CodePaused):
        kiosk.resolve_code(wrong, "en")
    other = KioskService.start(session, device_id="tablet-2")
    assert other.resolve_code(code, "en").session_number == 1


def test_code_is_stored_only_as_a_keyed_hash_and_never_logged(session, kiosk, course):
    code = issue(session, course).code
    with pytest.raises(InvalidCode):
        kiosk.resolve_code("000000" if code != "000000" else "111111", "en")
    kiosk.resolve_code(code, "en")
    with session.read() as s:
        hashes = s.execute(sa.select(KioskTicket.code_hash)).scalars().all()
    assert len(hashes) == 1
    stored = hashes[0]
    assert code not in stored and stored != hashlib.sha256(code.encode()).hexdigest()
    for row in audit_entries(session):
        assert code not in repr(row.details) and code not in (row.target_id or "")
    rejected = audit_entries(session, "kiosk.code_rejected")
    assert [r.details["reason"] for r in rejected] == ["unknown"]


def test_codes_default_to_the_configured_instruments_and_can_be_chosen(session, kiosk, course):
    q = kiosk.resolve_code(issue(session, course, instrument_ids=["phq9"]).code, "fr")
    assert q.instrument_ids == ("phq9",) and dict(q.instrument_languages) == {"phq9": "en"}


def test_structure_only_instruments_cannot_be_issued(session, course):
    with pytest.raises(InstrumentNotAdministrable) as err:
        issue(session, course, instrument_ids=["example-alliance", "srs"])
    message = err.value.user_message
    assert "structure-only" in message and "wording pack" in message and "SRS" in message
    with session.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(KioskTicket)).scalar() == 0


def test_unknown_instrument_and_missed_session_are_refused(session, therapist):
    from tests.services.kiosk_fixtures import add_course

    c = add_course(session, therapist.id, sessions=3, pseudonym="X-1", missed=(2,))
    with pytest.raises(InvalidInput, match="Unknown instrument"):
        issue_kiosk_code(session, c.session(1), ["no-such-thing"])
    with pytest.raises(InvalidInput, match="missed"):
        issue_kiosk_code(session, c.session(2))
    with pytest.raises(InvalidInput, match="does not exist"):
        issue_kiosk_code(session, uuid.uuid4())


def test_therapist_issues_for_own_clients_only(clinic, session, course, therapist_session):
    assert issue_kiosk_code(therapist_session, course.session(1)).code
    other = staff_session(clinic, session, "olga", Role.THERAPIST)
    supervisor = staff_session(clinic, session, "sven", Role.SUPERVISOR)
    try:
        for who in (other, supervisor):
            with pytest.raises(NotAllowed):
                issue_kiosk_code(who, course.session(1))
    finally:
        other.lock()
        supervisor.lock()


def test_hand_over_now_opens_the_questionnaire_without_a_code(session, kiosk, course):
    q = open_for_session(kiosk, course.session(4), "it")
    assert q.session_number == 4 and dict(q.instrument_languages)["example-alliance"] == "it"
    receipt = kiosk.submit(q, answers_for(q))
    assert not receipt.duplicate
    [entry] = audit_entries(session, "kiosk.handed_over")
    assert entry.details["device"] == "tablet-1"


def test_hand_over_is_refused_for_another_therapists_client(clinic, session, course):
    other = staff_session(clinic, session, "olga", Role.THERAPIST)
    try:
        k = KioskService.start(other, device_id="tablet-9")
        with pytest.raises(NotAllowed):
            open_for_session(k, course.session(1), "en")
    finally:
        other.lock()


def test_language_must_be_a_kiosk_language(session, kiosk, course):
    assert kiosk.languages() == ("en", "de", "fr", "it")
    with pytest.raises(InvalidInput):
        kiosk.resolve_code(issue(session, course).code, "es")


def test_structure_only_instrument_with_an_installed_wording_pack_can_be_given(session, kiosk, course):
    from alliance_desktop.core.instruments import load_bundled
    from alliance_desktop.storage.tables import WordingPack
    from tests.core.instrument_fixtures import make_pack

    srs = load_bundled()["srs"]
    with session.write() as s:
        s.add(WordingPack(instrument_id="srs", instrument_version=srs.version, language="en",
                          content={**make_pack(srs, ("en", "de")), "name": {"en": "SRS", "de": "SRS"}},
                          installed_by=session.user.id,
                          installed_at=session.clock.now()))
    q = kiosk.resolve_code(issue(session, course, instrument_ids=["srs"]).code, "de")
    [installed] = q.instruments
    assert installed.wording == "full" and installed.item(installed.items[0].id).text["de"].startswith("Test line")
    assert dict(q.instrument_languages) == {"srs": "de"}
    answers = {"srs": {item.id: 90 for item in installed.items}}
    receipt = kiosk.submit(q, KioskAnswers(submission_id=uuid.uuid4(), started_at=STARTED_AT, answers=answers))
    assert not receipt.duplicate
