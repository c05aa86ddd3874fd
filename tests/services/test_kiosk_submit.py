"""Sending feedback from the kiosk: what is stored, retries, bad answers, comments, alerts, abandon."""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid

import pytest
import sqlalchemy as sa

from alliance_desktop.services.kiosk import (
    InvalidInput,
    KioskAnswers,
    KioskService,
    QuestionnaireClosed,
    set_kiosk_limits,
)
from alliance_desktop.storage.tables import Alert, ItemAnswer, KioskTicket, Response, Score
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import STARTED_AT, add_course, answers_for, audit_entries, issue


def stored(session) -> dict[str, list[dict]]:
    out = {}
    with session.read() as s:
        for name, table in (("responses", Response), ("answers", ItemAnswer), ("scores", Score),
                            ("alerts", Alert)):
            out[name] = [dict(r._mapping) for r in s.execute(sa.select(*table.__table__.columns))]
        out["tickets"] = [dict(r._mapping) for r in s.execute(sa.select(KioskTicket.id, KioskTicket.used_at))]
    return out


def open_q(session, kiosk, course, number=1, language="en", **kw):
    return kiosk.resolve_code(issue(session, course, number, **kw).code, language)


def test_submit_stores_one_response_per_instrument_with_scores(session, kiosk, course, clock):
    q = open_q(session, kiosk, course, 2, "de")
    clock.advance(180)
    answers = answers_for(q, alliance_mm=(80, 70, 95, 62), phq=(0, 1, 2, 3, 0, 1, 2, 1, 0), phq_functional=2)
    receipt = kiosk.submit(q, answers)
    assert receipt.submission_id == answers.submission_id and not receipt.duplicate
    data = stored(session)
    by_instrument = {r["instrument_id"]: r for r in data["responses"]}
    assert set(by_instrument) == {"example-alliance", "phq9"}
    alliance, phq = by_instrument["example-alliance"], by_instrument["phq9"]
    assert alliance["submission_id"] == uuid.uuid5(answers.submission_id, "example-alliance")
    assert phq["submission_id"] == uuid.uuid5(answers.submission_id, "phq9")
    for r in (alliance, phq):
        assert r["session_id"] == course.session(2) and r["mode"] == "kiosk" and r["device_id"] == "tablet-1"
        assert r["respondent_role"] == "client" and r["entered_by"] is None and r["status"] == "completed"
        assert r["started_at"] == STARTED_AT and r["completed_at"] == clock.now()
    assert (alliance["language"], phq["language"]) == ("de", "en")
    assert alliance["licence_id"] == "alliance-desktop-example" and phq["licence_id"] == "phq-gad-public-domain"
    lines = {a["item_id"]: a for a in data["answers"] if a["response_id"] == alliance["id"]}
    assert lines["approach"] == {"response_id": alliance["id"], "item_id": "approach", "value": 9.5, "vas_mm": 95,
                                 "vas_length_px": 377.95}
    options = {a["item_id"]: a for a in data["answers"] if a["response_id"] == phq["id"]}
    assert len(options) == 10 and options["9"]["value"] == 0.0 and options["9"]["vas_mm"] is None
    scores = {(s["response_id"], s["scale"]): s for s in data["scores"]}
    assert scores[(alliance["id"], "total")]["value"] == 30.7
    assert scores[(phq["id"], "total")]["value"] == 10.0
    assert scores[(phq["id"], "total")]["scoring_version"] == "phq9@1.0.0/scoring-1/engine-1"
    assert all(t["used_at"] == clock.now() for t in data["tickets"])
    [entry] = audit_entries(session, "kiosk.submitted")
    assert entry.target_id == str(answers.submission_id)
    assert set(entry.details) == {"device", "ticket", "responses", "alerts"}
    assert sorted(entry.details["responses"]) == sorted(str(r["id"]) for r in data["responses"])


def test_skipped_items_are_stored_as_not_answered_and_prorated(session, kiosk, course):
    q = open_q(session, kiosk, course)
    answers = answers_for(q, phq=(1, 1, 1, 1, 1, 1, 1, 1, None))
    kiosk.submit(q, answers)
    data = stored(session)
    phq = next(r for r in data["responses"] if r["instrument_id"] == "phq9")
    assert {a["item_id"] for a in data["answers"] if a["response_id"] == phq["id"]} == set("12345678")
    total = next(s for s in data["scores"] if s["response_id"] == phq["id"] and s["scale"] == "total")
    assert total["value"] == 9.0  # 8 answered x 9/8


def test_double_submit_and_retry_store_one_response_each(session, kiosk, course):
    q = open_q(session, kiosk, course)
    answers = answers_for(q)
    first = kiosk.submit(q, answers)
    again = kiosk.submit(q, answers)  # double tap: the questionnaire is closed, the submission is known
    assert (first.duplicate, again.duplicate) == (False, True)
    restarted = KioskService.start(session, device_id="tablet-1")  # retry after a crash, in a new kiosk
    assert restarted.submit(q, answers).duplicate
    assert len(stored(session)["responses"]) == 2
    assert len(audit_entries(session, "kiosk.submitted")) == 1


def test_retry_while_still_open_is_idempotent(session, kiosk, course):
    """Committed but the receipt never reached the UI: the same submission id comes again."""
    a = open_q(session, kiosk, course)
    answers = answers_for(a)
    other = KioskService.start(session, device_id="tablet-2")
    # Another device's questionnaire for another session, sent with the same submission id by mistake:
    b = other.resolve_code(issue(session, course, 2).code, "en")
    kiosk.submit(a, answers)
    with pytest.raises(InvalidInput, match="another questionnaire"):
        other.submit(b, dataclasses.replace(answers_for(b), submission_id=answers.submission_id))
    assert len(stored(session)["responses"]) == 2


def test_unknown_questionnaire_is_closed(session, kiosk, course):
    q = open_q(session, kiosk, course)
    kiosk.abandon(q, "review")
    with pytest.raises(QuestionnaireClosed):
        kiosk.submit(q, answers_for(q))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"example-alliance": {"focus": 101}}, "answers.example-alliance", "101 mm is outside the line"),
        ({"example-alliance": {"focus": -1}}, "answers.example-alliance", "outside the line"),
        ({"example-alliance": {"focus": 35.5}}, "answers.example-alliance", "whole millimetres"),
        ({"example-alliance": {"focus": True}}, "answers.example-alliance", "must be a number"),
        ({"phq9": {"9": 4}}, "answers.phq9", "4 is not one of the options [0, 1, 2, 3]"),
        ({"phq9": {"99": 1}}, "answers.phq9", "no item '99'"),
        ({"gad7": {"1": 1}}, "answers", "'gad7' is not part of this questionnaire"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(session, kiosk, course, change, field, message):
    q = open_q(session, kiosk, course)
    good = answers_for(q)
    answers = {k: dict(v) for k, v in good.answers.items()}
    for instrument_id, items in change.items():
        answers.setdefault(instrument_id, {}).update(items)
    with pytest.raises(InvalidInput) as err:
        kiosk.submit(q, dataclasses.replace(good, answers=answers))
    assert err.value.field == field and message in err.value.user_message
    data = stored(session)
    assert data["responses"] == [] and data["answers"] == [] and data["tickets"][0]["used_at"] is None
    assert kiosk.submit(q, good).duplicate is False  # the questionnaire stays open for a corrected send


@pytest.mark.parametrize(("key", "value"), [("example-alliance/nope", 300.0), ("phq9/1", 300.0),
                                            ("example-alliance/focus", 0.0), ("example-alliance/focus", float("nan"))])
def test_bad_line_lengths_are_refused(session, kiosk, course, key, value):
    q = open_q(session, kiosk, course)
    good = answers_for(q)
    with pytest.raises(InvalidInput) as err:
        kiosk.submit(q, dataclasses.replace(good, line_lengths_px={**good.line_lengths_px, key: value}))
    assert err.value.field == "line_lengths_px"
    assert stored(session)["responses"] == []


def test_naive_start_time_is_refused(session, kiosk, course):
    q = open_q(session, kiosk, course)
    with pytest.raises(InvalidInput, match="timezone"):
        kiosk.submit(q, dataclasses.replace(answers_for(q), started_at=STARTED_AT.replace(tzinfo=None)))


COMMENTS = [
    "Die Sitzung war gut 🙂",
    "היום היה קשה, אבל עזר לי",  # RTL
    "مرحبا — شكراً",  # RTL with punctuation
    "Familie: 👨\u200d👩\u200d👧\u200d👦 und 🏳️\u200d🌈",  # emoji ZWJ sequences
    "  leading and trailing spaces  \nsecond line\ttab",
    "\u202eoverride\u202c and zero\u200bwidth",
]


@pytest.mark.parametrize("comment", COMMENTS)
def test_comment_round_trips_exactly(session, kiosk, course, comment):
    q = open_q(session, kiosk, course)
    kiosk.submit(q, answers_for(q, comment=comment))
    comments = [r["comment"] for r in stored(session)["responses"]]
    assert comments == [comment, None]  # with the first response of the submission only


def test_comment_is_nfc_normalised(session, kiosk, course):
    typed = unicodedata.normalize("NFD", "Ärztin Zoë, ça va; Ǻ")
    assert typed != unicodedata.normalize("NFC", typed)
    q = open_q(session, kiosk, course)
    kiosk.submit(q, answers_for(q, comment=typed))
    assert stored(session)["responses"][0]["comment"] == unicodedata.normalize("NFC", typed)


def test_comment_over_the_limit_is_refused_not_cut(session, kiosk, course):
    set_kiosk_limits(session, comment_max_chars=10)
    q = open_q(session, kiosk, course)
    assert q.comment_max_chars == 10
    # 10 characters after NFC (the NFD form has 11 code points): accepted
    at_limit = unicodedata.normalize("NFD", "abcdefghiä")
    over = "abcdefghijk"
    with pytest.raises(InvalidInput) as err:
        kiosk.submit(q, answers_for(q, comment=over))
    assert err.value.field == "comment" and "11 characters" in err.value.user_message
    assert "nothing was cut" in err.value.user_message
    assert stored(session)["responses"] == []
    kiosk.submit(q, answers_for(q, comment=at_limit))
    assert stored(session)["responses"][0]["comment"] == "abcdefghiä"


@pytest.mark.parametrize("comment", ["a\x00b", "broken \ud800 surrogate"])
def test_unstorable_characters_are_refused_with_a_message(session, kiosk, course, comment):
    q = open_q(session, kiosk, course)
    with pytest.raises(InvalidInput) as err:
        kiosk.submit(q, answers_for(q, comment=comment))
    assert err.value.field == "comment"


def test_empty_comment_is_no_comment(session, kiosk, course):
    q = open_q(session, kiosk, course)
    kiosk.submit(q, answers_for(q, comment="   "))
    assert stored(session)["responses"][0]["comment"] is None


# -- alerts ---------------------------------------------------------------------------------


def send(session, kiosk, course, number, *, alliance_mm=(95, 95, 95, 95), phq=(1,) * 8 + (0,)):
    q = open_q(session, kiosk, course, number)
    kiosk.submit(q, answers_for(q, alliance_mm=alliance_mm, phq=phq))


def alerts(session) -> list[dict]:
    return stored(session)["alerts"]


def test_steady_course_raises_no_alert(session, kiosk, course):
    for n, mm in enumerate((93, 95, 94, 96, 95, 94), start=1):
        send(session, kiosk, course, n, alliance_mm=(mm,) * 4)
    assert alerts(session) == []


def test_big_drop_after_six_sessions_is_a_probable_rupture(session, kiosk, course):
    for n, mm in enumerate((93, 95, 94, 96, 95, 94), start=1):  # totals 37.2 .. 38.4
        send(session, kiosk, course, n, alliance_mm=(mm,) * 4)
    send(session, kiosk, course, 7, alliance_mm=(50, 55, 60, 45))  # total 21.0
    [alert] = alerts(session)
    assert alert["kind"] == "rupture" and alert["rule_ids"] == "R1,R2,R3" and alert["severity"] == "probable"
    assert alert["session_id"] == course.session(7) and alert["episode_id"] == course.episode_id
    assert "Example check-in total 21" in alert["explanation"] and "probable rupture" in alert["explanation"]
    with session.read() as s:
        instrument = s.execute(sa.select(Response.instrument_id).where(Response.id == alert["response_id"])).scalar()
    assert instrument == "example-alliance"


def test_missed_and_unscored_sessions_are_gaps_not_observations(session, kiosk, therapist):
    c = add_course(session, therapist.id, pseudonym="GAP-1", missed=(3,))
    for n in (1, 2, 4, 5):
        send(session, kiosk, c, n, alliance_mm=(95,) * 4)
    q = open_q(session, kiosk, c, 6)
    kiosk.submit(q, answers_for(q, alliance_mm=(95, 95, 95, None)))  # not scorable: no observation
    send(session, kiosk, c, 7, alliance_mm=(60,) * 4)  # 24 after 38, 38, 38, 38
    [alert] = alerts(session)
    assert alert["session_id"] == c.session(7) and "mean of the 4 earlier sessions (38)" in alert["explanation"]


def test_phq9_item_9_above_zero_raises_a_risk_alert(session, kiosk, course):
    send(session, kiosk, course, 1, phq=(0, 0, 0, 0, 0, 0, 0, 0, 1))
    kinds = {a["kind"]: a for a in alerts(session)}
    assert set(kinds) == {"risk", "not_on_track"}
    risk = kinds["risk"]
    assert risk["rule_ids"] == "risk:phq9/9" and risk["severity"] == "high"
    assert "PHQ-9: item 9 = 1" in risk["explanation"] and "risk procedure" in risk["explanation"]
    red = kinds["not_on_track"]
    assert red["rule_ids"] == "T1-risk" and red["severity"] == "red"


def test_reliable_deterioration_is_not_on_track(session, kiosk, course):
    send(session, kiosk, course, 1, phq=(1, 1, 1, 1, 1, 1, 1, 1, 0))  # 8
    send(session, kiosk, course, 2, phq=(2, 2, 2, 2, 2, 2, 1, 1, 0))  # 14: 6 worse = reliable
    [alert] = alerts(session)
    assert alert["kind"] == "not_on_track" and alert["rule_ids"] == "T1-reliable-deterioration"
    assert alert["session_id"] == course.session(2)


def test_rupture_question_yes_is_a_self_reported_rupture(session, kiosk, course):
    q = open_q(session, kiosk, course, 1, instrument_ids=["example-alliance", "rupture-question"])
    base = answers_for(q, alliance_mm=(95,) * 4)
    kiosk.submit(q, dataclasses.replace(base, answers={**base.answers, "rupture-question": {"rupture": 1}}))
    [alert] = alerts(session)
    assert alert["kind"] == "rupture" and alert["rule_ids"] == "R4" and alert["severity"] == "possible"


# -- abandon ----------------------------------------------------------------------------------


def test_abandon_writes_the_page_and_no_answers(session, kiosk, course):
    code = issue(session, course).code
    q = kiosk.resolve_code(code, "en")
    kiosk.abandon(q, "instrument:phq9")
    kiosk.abandon(None, "welcome")
    kiosk.abandon(None, "weird page name with answers 42 ☃")
    entries = audit_entries(session, "kiosk.abandoned")
    assert [e.details["page"] for e in entries] == ["instrument:phq9", "welcome", "other"]
    assert set(entries[0].details) == {"device", "page", "questionnaire"}
    assert entries[0].target_kind == "kiosk_ticket"
    assert stored(session)["responses"] == []
    # The client can start again with the same code (it was never used).
    assert kiosk.resolve_code(code, "en").session_number == 1


def test_kiosk_service_offers_only_the_kiosk_actions(kiosk):
    public = {name for name in dir(kiosk) if not name.startswith("_")}
    assert public == {"abandon", "clinic_name", "exit_pin_is_set", "idle_timeouts", "instruction_shown",
                      "languages", "resolve_code", "start", "submit", "verify_exit_pin"}
    assert "session" not in repr(kiosk).lower()
    with pytest.raises(TypeError):
        KioskService(object(), None, "x", None)  # type: ignore[arg-type]


def test_idle_timeouts_default_and_configurable(session, kiosk):
    assert kiosk.idle_timeouts() == (60, 30)
    set_kiosk_limits(session, idle_warning_s=120, idle_reset_s=45)
    assert kiosk.idle_timeouts() == (120, 45)
    with pytest.raises(InvalidInput):
        set_kiosk_limits(session, idle_warning_s=20)
    with pytest.raises(InvalidInput):
        set_kiosk_limits(session, idle_reset_s=301)


def test_answers_object_never_shows_what_was_answered(session, kiosk, course):
    q = open_q(session, kiosk, course)
    answers = answers_for(q, comment="my secret words", alliance_mm=(13, 14, 15, 16))
    text = repr(answers)
    assert "secret" not in text and "13" not in text.replace(str(answers.submission_id), "")
    assert isinstance(answers, KioskAnswers)
