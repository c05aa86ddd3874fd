"""RELIABILITY.md rows 18-19: long and odd free text in the kiosk comment.

The limit is the clinic's kiosk setting ``comment_max_chars`` (default
2,000, at most 20,000; core.kiosk_model), counted in code points after NFC
normalisation. Within it, what the client typed comes back to the therapist
exactly, in NFC (DB -> services.client_course.session_answers, which the
staff session dialog shows). Past it, the submission is refused with a
message that names the count, and nothing is stored: never cut. Text that
cannot be stored as UTF-8 (lone surrogates) and NUL are refused the same
way, with nothing partially stored.
"""

from __future__ import annotations

import time
import unicodedata
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_desktop.core.kiosk_model import MAX_COMMENT_MAX_CHARS, submission_id_for
from alliance_desktop.services.client_course import session_answers
from alliance_desktop.services.kiosk import InvalidInput, open_for_session, set_kiosk_limits
from alliance_desktop.storage.tables import Response
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import answers_for

LIMIT = 400  # a small limit, so generated text falls on both sides of it

CORPUS = {
    "rtl arabic": "شكراً على الجلسة، كانت مفيدة جداً",
    "rtl hebrew with digits": "תודה רבה 123 על הפגישה",
    "bidi override": "abc\u202edcba\u202c end",
    "emoji zwj family": "👨‍👩‍👧‍👦 und 🏳️‍🌈 und 👍🏽",
    "combining marks": "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "nfd umlauts": unicodedata.normalize("NFD", "Gespräch über Müdigkeit, Ärger"),
    "cjk": "今日はありがとうございました。",
    "newlines and tabs": "line one\nline two\r\n\tindented",
    "zero width": "a\u200bb\u200cc\u200dd\ufeff",
    "astral": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 🀄",
}


def _stored_comments(session, sub: uuid.UUID, q) -> list[tuple[uuid.UUID, str | None]]:
    ids = [submission_id_for(sub, i.id) for i in q.instruments]
    with session.read() as s:
        return [(r.id, r.comment) for r in s.execute(sa.select(Response).where(Response.submission_id.in_(ids))).scalars()]


def _responses(session) -> int:
    with session.read() as s:
        return s.execute(sa.select(sa.func.count()).select_from(Response)).scalar_one()


def _round_trip(session, therapist_session, kiosk, course, text: str) -> str | None:
    """Submit ``text``; the comment as the therapist's session view shows it."""
    q = open_for_session(kiosk, course.session(5), "en")
    answers = answers_for(q, comment=text)
    kiosk.submit(q, answers)
    rows = _stored_comments(session, answers.submission_id, q)
    assert len(rows) == len(q.instruments)
    with_comment = [(rid, c) for rid, c in rows if c is not None]
    if not with_comment:
        return None
    [(response_id, stored)] = with_comment  # the comment goes with the first response only
    shown = session_answers(therapist_session, response_id).comment
    assert shown == stored
    return shown


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_odd_text_comes_back_exactly_in_nfc(session, therapist_session, kiosk, course, name):
    text = CORPUS[name]
    assert _round_trip(session, therapist_session, kiosk, course, text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("text", ["broken \ud800 surrogate", "\udfff", "a\x00b"], ids=["high", "low", "nul"])
def test_unstorable_text_is_refused_and_nothing_is_stored(session, kiosk, course, text):
    before = _responses(session)
    q = open_for_session(kiosk, course.session(6), "en")
    with pytest.raises(InvalidInput) as refused:
        kiosk.submit(q, answers_for(q, comment=text))
    assert refused.value.field == "comment" and refused.value.user_message
    assert _responses(session) == before


def test_at_the_largest_limit_it_fits_and_one_more_is_refused_not_cut(session, therapist_session, kiosk, course):
    set_kiosk_limits(session, comment_max_chars=MAX_COMMENT_MAX_CHARS)
    at_limit = ("Ä👍🏽" * MAX_COMMENT_MAX_CHARS)[:MAX_COMMENT_MAX_CHARS]
    if at_limit[-1] == "\U0001f44d":  # never end on half of an emoji sequence the test itself cut
        at_limit = at_limit[:-1] + "x"
    assert _round_trip(session, therapist_session, kiosk, course, at_limit) == at_limit
    before = _responses(session)
    q = open_for_session(kiosk, course.session(7), "en")
    with pytest.raises(InvalidInput) as refused:
        kiosk.submit(q, answers_for(q, comment=at_limit + "!"))
    assert f"{MAX_COMMENT_MAX_CHARS + 1} characters" in refused.value.user_message
    assert "nothing was cut" in refused.value.user_message
    assert _responses(session) == before


def test_a_1_mb_comment_is_refused_quickly_with_the_limit_named(session, kiosk, course):
    before = _responses(session)
    q = open_for_session(kiosk, course.session(8), "en")
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        kiosk.submit(q, answers_for(q, comment="ü" * 1_000_000))
    print(f"\n1 MB comment refused in {(time.perf_counter() - started) * 1000:.1f} ms")
    assert "1000000 characters" in refused.value.user_message and "at most 2000" in refused.value.user_message
    assert _responses(session) == before


def _generated(max_size: int):
    # Every category but surrogates (Cs: refused, tested below) and NUL (refused, tested above).
    return st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   min_size=1, max_size=max_size)


def _property(session, therapist_session, kiosk, course, text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    before = _responses(session)
    if not nfc.strip():
        assert _round_trip(session, therapist_session, kiosk, course, text) is None  # empty = no comment
    elif len(nfc) <= LIMIT:
        assert _round_trip(session, therapist_session, kiosk, course, text) == nfc
    else:
        q = open_for_session(kiosk, course.session(9), "en")
        with pytest.raises(InvalidInput) as refused:
            kiosk.submit(q, answers_for(q, comment=text))
        assert f"{len(nfc)} characters" in refused.value.user_message
        assert _responses(session) == before


def _surrogate_property(session, kiosk, course, text: str) -> None:
    before = _responses(session)
    q = open_for_session(kiosk, course.session(10), "en")
    with pytest.raises(InvalidInput):
        kiosk.submit(q, answers_for(q, comment=text))
    assert _responses(session) == before


_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
_with_surrogate = st.tuples(_generated(50), st.characters(categories=("Cs",)), _generated(50)).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=_FIXTURES)
@given(text=st.one_of(_generated(LIMIT + 80), _generated(20)))
def test_generated_text_round_trips_or_is_refused_never_cut(session, therapist_session, kiosk, course, text):
    set_kiosk_limits(session, comment_max_chars=LIMIT)
    _property(session, therapist_session, kiosk, course, text)


@settings(max_examples=50, deadline=None, suppress_health_check=_FIXTURES)
@given(text=_with_surrogate)
def test_generated_text_with_a_lone_surrogate_is_refused_with_nothing_stored(session, kiosk, course, text):
    _surrogate_property(session, kiosk, course, text)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=_FIXTURES)
@given(text=st.one_of(_generated(LIMIT + 80), _generated(20), _with_surrogate))
def test_generated_text_2000_examples(session, therapist_session, kiosk, course, text):
    set_kiosk_limits(session, comment_max_chars=LIMIT)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        _surrogate_property(session, kiosk, course, text)
    else:
        _property(session, therapist_session, kiosk, course, text)
