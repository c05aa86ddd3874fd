"""What the kiosk shows and sends: value objects and the pure rules behind them.

Why a separate, Qt-free module: the kiosk UI codes against these objects only,
and they are built so that nothing in them can lead back to other clients'
data. A :class:`KioskQuestionnaire` carries an opaque random token (never a
client, episode or session id), the therapist's display name and the session
number (so the client knows the questionnaire is theirs), and the wording to
show. Everything else about the open questionnaire stays inside the kiosk
service.

The rules here are the ones a reviewer checks by hand: which session gets the
instruction, how a retried submission keeps its ids, what happens to a
comment (NFC-normalised, never cut: over the limit it is refused).
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from alliance_desktop.core.frozen_map import FrozenMap
# Defined apart so the kiosk's welcome page can have them without this module; re-exported here.
from alliance_desktop.core.kiosk_languages import FALLBACK_LANGUAGE, KIOSK_LANGUAGES  # noqa: F401

if TYPE_CHECKING:
    from alliance_desktop.core.instrument_model import Instrument

#: Defaults of the clinic's kiosk settings (each configurable, see services.kiosk_admin).
DEFAULT_KIOSK_INSTRUMENTS: tuple[str, ...] = ("example-alliance", "phq9")
DEFAULT_INSTRUCTION_SESSION = 5
DEFAULT_COMMENT_MAX_CHARS = 2000
MAX_COMMENT_MAX_CHARS = 20_000
DEFAULT_IDLE_WARNING_S = 60
DEFAULT_IDLE_RESET_S = 30
#: WCAG 2.2.1 asks that time limits can be adjusted: both idle times stay within this range.
IDLE_RANGE_S = (30, 300)
MIN_EXIT_PIN_DIGITS = 6
MAX_EXIT_PIN_DIGITS = 32
CODE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class InstructionPage:
    """The clinic's feedback instruction (CLINICAL.md section 1), shown before the questions."""

    text: str
    text_version: str
    language: str


@dataclass(frozen=True)
class KioskQuestionnaire:
    """One open questionnaire on the kiosk: what to show, and nothing about anybody else.

    ``token`` is an opaque random id of this open questionnaire (it means
    something only to the kiosk service that issued it). ``instruments`` hold
    their wording, in the order to ask; ``instrument_languages`` says which
    language each one is actually shown in (e.g. 'en' when PHQ-9 has no German).
    """

    token: str
    clinic_name: str
    therapist_display_name: str
    session_number: int
    language: str
    instruction: InstructionPage | None
    instruments: tuple[Instrument, ...]
    instrument_languages: Mapping[str, str]
    comment_max_chars: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "instruments", tuple(self.instruments))
        object.__setattr__(self, "instrument_languages", FrozenMap(self.instrument_languages))

    @property
    def instrument_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.instruments)

    def __repr__(self) -> str:
        # Short on purpose: the token is a capability (shown truncated) and the
        # instruments' full definitions would drown everything else in a log or test failure.
        return (
            f"KioskQuestionnaire(token={self.token[:6]}…, clinic_name={self.clinic_name!r}, "
            f"therapist_display_name={self.therapist_display_name!r}, session_number={self.session_number}, "
            f"language={self.language!r}, instruction={'yes' if self.instruction else 'no'}, "
            f"instruments={list(self.instrument_ids)}, instrument_languages={dict(self.instrument_languages)}, "
            f"comment_max_chars={self.comment_max_chars})"
        )


@dataclass(frozen=True)
class KioskAnswers:
    """What the client sends: raw answers as the kiosk collected them.

    ``answers``: instrument id -> item id -> integer millimetres for a line, the
    option value for an options item, None for a skipped item.
    ``line_lengths_px``: f"{instrument_id}/{item_id}" -> the drawn length of the
    10 cm line in pixels (kept with the answer so a reader can tell how the
    millimetres were measured).
    ``submission_id``: chosen once per questionnaire by the kiosk and reused on
    every retry, so a retry after a crash or a double tap never duplicates.
    """

    submission_id: uuid.UUID
    started_at: datetime
    answers: Mapping[str, Mapping[str, int | None]]
    line_lengths_px: Mapping[str, float] = field(default_factory=dict)
    comment: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "answers", FrozenMap({k: FrozenMap(v) for k, v in dict(self.answers).items()})
        )
        object.__setattr__(self, "line_lengths_px", FrozenMap(self.line_lengths_px))

    def __repr__(self) -> str:
        # Never print what a client answered or wrote (logs, tracebacks, test output).
        return (
            f"KioskAnswers(submission_id={self.submission_id}, started_at={self.started_at.isoformat()}, "
            f"instruments={list(self.answers)}, comment={'yes' if self.comment else 'no'})"
        )


@dataclass(frozen=True, slots=True)
class SubmitReceipt:
    """The commit happened (now or, with ``duplicate``, on an earlier try): show the thank-you page."""

    submission_id: uuid.UUID
    duplicate: bool


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A one-time kiosk code, shown once to staff; only its keyed hash is stored."""

    code: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"IssuedCode(code=******, expires_at={self.expires_at.isoformat()})"


@dataclass(frozen=True)
class KioskSettings:
    """The clinic's kiosk configuration as staff see and change it."""

    instruments: tuple[str, ...]
    instruction_enabled: bool
    instruction_session: int
    #: language -> instruction text of the current version
    instruction_texts: Mapping[str, str]
    instruction_text_version: str
    #: True while the clinic uses the shipped default text (our own paraphrase, labelled as such)
    instruction_is_default: bool
    instruction_label: str
    comment_max_chars: int
    idle_warning_s: int
    idle_reset_s: int
    exit_pin_set: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "instruction_texts", FrozenMap(self.instruction_texts))


# -- rules -------------------------------------------------------------------------------


def instruction_due(enabled: bool, at_session: int, session_number: int) -> bool:
    """The instruction is shown when the clinic has it on and this is the configured session."""
    return enabled and session_number == at_session


def submission_id_for(submission_id: uuid.UUID, instrument_id: str) -> uuid.UUID:
    """The stored response's submission id: the same on every retry of the same submission."""
    return uuid.uuid5(submission_id, instrument_id)


def pick_language(wanted: str, available: tuple[str, ...] | list[str]) -> str:
    """``wanted`` if available, else English, else the first available language."""
    if wanted in available:
        return wanted
    if FALLBACK_LANGUAGE in available:
        return FALLBACK_LANGUAGE
    return available[0]


def line_key(instrument_id: str, item_id: str) -> str:
    return f"{instrument_id}/{item_id}"


class CommentProblem(ValueError):
    """The comment cannot be stored as it is; the message says why (it is never cut)."""


def clean_comment(comment: str | None, max_chars: int) -> str | None:
    """NFC-normalised comment, None for an empty one; CommentProblem when it cannot be stored.

    Characters are counted after NFC normalisation, as code points. Nothing is
    stripped or cut: the text stored is the text typed (in NFC). Only an
    all-whitespace comment counts as no comment.
    """
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise CommentProblem("The comment must be text.")
    if not comment.strip():
        return None
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in comment):
        raise CommentProblem("The comment contains a broken character and cannot be saved. Please retype it.")
    if "\x00" in comment:
        raise CommentProblem("The comment contains an invisible control character (NUL) and cannot be saved.")
    text = unicodedata.normalize("NFC", comment)
    if len(text) > max_chars:
        raise CommentProblem(
            f"The comment is too long: {len(text)} characters, at most {max_chars} are possible. "
            "Please shorten it; nothing was cut."
        )
    return text


def line_length_problem(value: object) -> str | None:
    """A drawn line length must be a positive, finite number of pixels."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number of pixels, not {value!r}"
    if not math.isfinite(value) or value <= 0 or value > 1_000_000:
        return f"must be a positive number of pixels, not {value!r}"
    return None


def exit_pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be the kiosk's exit PIN, or None (RELIABILITY row 28: at least 6 digits)."""
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        return "The exit PIN must consist of digits 0-9 only."
    if len(pin) < MIN_EXIT_PIN_DIGITS:
        return f"The exit PIN needs at least {MIN_EXIT_PIN_DIGITS} digits."
    if len(pin) > MAX_EXIT_PIN_DIGITS:
        return f"The exit PIN can have at most {MAX_EXIT_PIN_DIGITS} digits."
    return None


def normalise_code(code: str) -> str | None:
    """The 6 digits of a typed code (spaces and dashes ignored), or None when it cannot be a code."""
    if not isinstance(code, str):
        return None
    compact = "".join(ch for ch in code if ch not in " -\u00a0")
    if len(compact) != CODE_DIGITS or not compact.isascii() or not compact.isdigit():
        return None
    return compact
