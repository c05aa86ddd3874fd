"""The kiosk's value objects and pure rules, without a database."""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core.instruments import load_bundled
from alliance_desktop.core.kiosk_model import (
    KIOSK_LANGUAGES,
    CommentProblem,
    InstructionPage,
    IssuedCode,
    KioskAnswers,
    KioskQuestionnaire,
    clean_comment,
    exit_pin_problem,
    instruction_due,
    line_length_problem,
    normalise_code,
    pick_language,
    submission_id_for,
)

STARTED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def questionnaire(**changes) -> KioskQuestionnaire:
    bundled = load_bundled()
    base = dict(token="tok-" + "x" * 30, clinic_name="Praxis", therapist_display_name="Dr. T", session_number=5,
                language="de", instruction=InstructionPage("Text", "default-1", "de"),
                instruments=(bundled["example-alliance"], bundled["phq9"]),
                instrument_languages={"example-alliance": "de", "phq9": "en"}, comment_max_chars=2000)
    base.update(changes)
    return KioskQuestionnaire(**base)


@pytest.mark.parametrize(("enabled", "at", "number", "due"),
                         [(True, 5, 5, True), (True, 5, 4, False), (True, 5, 6, False), (False, 5, 5, False),
                          (True, 1, 1, True)])
def test_instruction_only_at_the_configured_session(enabled, at, number, due):
    assert instruction_due(enabled, at, number) is due


def test_submission_ids_are_stable_per_instrument_and_distinct_between_instruments():
    sub = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert submission_id_for(sub, "phq9") == submission_id_for(sub, "phq9") == uuid.uuid5(sub, "phq9")
    assert submission_id_for(sub, "phq9") != submission_id_for(sub, "example-alliance")
    assert submission_id_for(uuid.uuid4(), "phq9") != submission_id_for(sub, "phq9")


def test_language_falls_back_to_english_then_the_first():
    assert pick_language("de", ("en", "de")) == "de"
    assert pick_language("de", ("en",)) == "en"
    assert pick_language("it", ("fr", "de")) == "fr"
    assert KIOSK_LANGUAGES == ("en", "de", "fr", "it")


def test_questionnaire_is_frozen_hashable_and_its_repr_is_short():
    q = questionnaire()
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.session_number = 6  # type: ignore[misc]
    hash(q)
    text = repr(q)
    assert "x" * 30 not in text  # the token is a capability: only its start is shown
    assert "['example-alliance', 'phq9']" in text and len(text) < 400
    assert q.instrument_ids == ("example-alliance", "phq9")
    with pytest.raises(TypeError):
        q.instrument_languages["phq9"] = "de"  # type: ignore[index]


def test_answers_are_copied_frozen_and_never_printed():
    raw = {"phq9": {"1": 2, "9": 1}}
    answers = KioskAnswers(uuid.uuid4(), STARTED, raw, {"example-alliance/focus": 377.9}, "very private words")
    raw["phq9"]["1"] = 3
    assert answers.answers["phq9"]["1"] == 2
    hash(answers)
    text = repr(answers)
    assert "private" not in text and "'1'" not in text and "phq9" in text


def test_issued_code_repr_hides_the_code():
    assert "123456" not in repr(IssuedCode("123456", STARTED))


@pytest.mark.parametrize(("typed", "digits"), [("123456", "123456"), ("123 456", "123456"), ("123-456", "123456"),
                                               ("12345", None), ("1234567", None), ("12345a", None),
                                               ("１２３４５６", None), ("", None), ("٣٤٥٦٧٨", None)])
def test_codes_are_six_ascii_digits(typed, digits):
    assert normalise_code(typed) == digits


@pytest.mark.parametrize(("pin", "ok"), [("123456", True), ("1" * 32, True), ("12345", False), ("1" * 33, False),
                                         ("12 345", False), ("１２３４５６", False), ("abcdef", False)])
def test_exit_pin_rule(pin, ok):
    assert (exit_pin_problem(pin) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [(377.95, True), (1, True), (0, False), (-3.0, False),
                                           (float("inf"), False), (float("nan"), False), (True, False), ("3", False)])
def test_line_lengths_are_positive_pixels(value, ok):
    assert (line_length_problem(value) is None) is ok


# -- comments: NFC, never cut --------------------------------------------------------------------

storable = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=300)


@given(storable)
def test_comment_is_the_nfc_form_of_what_was_typed(text):
    cleaned = clean_comment(text, 10_000)
    if not text.strip():
        assert cleaned is None
    else:
        assert cleaned == unicodedata.normalize("NFC", text)


@given(storable, st.integers(min_value=0, max_value=50))
def test_comment_is_refused_never_cut(text, limit):
    nfc = unicodedata.normalize("NFC", text)
    if not text.strip():
        return
    if len(nfc) > limit:
        with pytest.raises(CommentProblem, match="nothing was cut"):
            clean_comment(text, limit)
    else:
        assert clean_comment(text, limit) == nfc


def test_comment_with_nul_or_lone_surrogate_is_refused():
    for text in ("a\x00b", "a\udc80b"):
        with pytest.raises(CommentProblem):
            clean_comment(text, 100)
