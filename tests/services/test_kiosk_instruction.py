"""The clinic's feedback instruction (CLINICAL.md section 1): which session, which text, logged delivery."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from alliance_desktop.resources import resource_path
from alliance_desktop.services.kiosk import (
    InvalidInput,
    NotAllowed,
    QuestionnaireClosed,
    kiosk_settings,
    set_instruction,
)
from alliance_desktop.storage.tables import InstructionEvent
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import audit_entries, issue

DEFAULT = json.loads(resource_path("instruction", "default.json").read_text(encoding="utf-8"))


def events(session) -> list[dict]:
    with session.read() as s:
        return [dict(r._mapping) for r in s.execute(sa.select(*InstructionEvent.__table__.columns))]


def test_default_text_is_our_own_paraphrase_in_four_languages_and_labelled():
    assert set(DEFAULT["texts"]) == {"en", "de", "fr", "it"}
    assert "paraphrase" in DEFAULT["label"] and "not the study's wording" in DEFAULT["label"]
    assert DEFAULT["texts"]["en"].startswith("Our clinic values your view of your therapy.")
    assert DEFAULT["version"] == "default-1"


@pytest.mark.parametrize("number", [1, 4, 6, 24])
def test_no_instruction_outside_the_configured_session(session, kiosk, course, number):
    assert kiosk.resolve_code(issue(session, course, number).code, "en").instruction is None


@pytest.mark.parametrize("language", ["en", "de", "fr", "it"])
def test_instruction_comes_at_session_5_in_the_chosen_language(session, kiosk, course, language):
    q = kiosk.resolve_code(issue(session, course, 5).code, language)
    assert q.instruction is not None
    assert q.instruction.text == DEFAULT["texts"][language]
    assert (q.instruction.language, q.instruction.text_version) == (language, "default-1")


def test_showing_the_instruction_is_logged_once(session, kiosk, course, clock):
    q = kiosk.resolve_code(issue(session, course, 5).code, "fr")
    clock.advance(4)
    kiosk.instruction_shown(q)
    kiosk.instruction_shown(q)  # the client went back to it: one delivery
    [event] = events(session)
    assert event["episode_id"] == course.episode_id and event["session_id"] == course.session(5)
    assert (event["text_version"], event["language"], event["channel"]) == ("default-1", "fr", "kiosk")
    assert event["device_id"] == "tablet-1" and event["delivered_at"] == clock.now()
    assert event["delivered_by"] is None  # delivered by the clinic through the kiosk, not by a person
    [entry] = audit_entries(session, "instruction.delivered")
    assert entry.target_id == str(event["id"]) and entry.details["text_version"] == "default-1"


def test_instruction_shown_needs_an_instruction_and_an_open_questionnaire(session, kiosk, course):
    q = kiosk.resolve_code(issue(session, course, 2).code, "en")
    with pytest.raises(InvalidInput):
        kiosk.instruction_shown(q)
    kiosk.abandon(q, "questions")
    with pytest.raises(QuestionnaireClosed):
        kiosk.instruction_shown(q)
    assert events(session) == []


def test_clinic_can_move_switch_off_and_reword_the_instruction(session, kiosk, course):
    settings = set_instruction(session, True, at_session=3, texts={"en": "Tell us.", "de": "Sagen Sie es uns."})
    assert settings.instruction_session == 3 and not settings.instruction_is_default
    version = settings.instruction_text_version
    assert version.startswith("custom-")
    assert kiosk.resolve_code(issue(session, course, 5).code, "en").instruction is None
    q = kiosk.resolve_code(issue(session, course, 3).code, "it")  # no Italian text: English instead
    assert q.instruction is not None
    assert (q.instruction.text, q.instruction.language, q.instruction.text_version) == ("Tell us.", "en", version)
    # The same words keep the same version; other words get another.
    assert set_instruction(session, True, 3, {"de": "Sagen Sie es uns.", "en": "Tell us."}).instruction_text_version \
        == version
    assert set_instruction(session, True, 3, {"en": "Tell us more."}).instruction_text_version != version
    set_instruction(session, False, 3)
    assert kiosk.resolve_code(issue(session, course, 3).code, "en").instruction is None
    back = set_instruction(session, True)
    assert back.instruction_is_default and back.instruction_text_version == "default-1"
    assert back.instruction_session == 5


def test_instruction_settings_are_checked_and_admin_only(session, therapist_session):
    with pytest.raises(NotAllowed):
        set_instruction(therapist_session, False)
    for bad in (0, 101, True):
        with pytest.raises(InvalidInput):
            set_instruction(session, True, at_session=bad)
    for texts in ({}, {"es": "Hola"}, {"en": "   "}, {"en": "x" * 4001}):
        with pytest.raises(InvalidInput):
            set_instruction(session, True, texts=texts)
    settings = kiosk_settings(therapist_session)  # any staff member may read the settings
    assert settings.instruction_enabled and settings.instruction_session == 5
    assert settings.instruction_texts["de"] == DEFAULT["texts"]["de"]
    assert "paraphrase" in settings.instruction_label
