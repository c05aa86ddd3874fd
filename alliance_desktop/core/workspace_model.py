"""Value objects of the therapist workspace's records: clients, sessions, corrections, alerts.

Frozen, so a view can keep one while the database changes underneath; a
screen refreshes by asking the service again. Ids only point at records; the
pseudonym is the only client-identifying text in here, by design.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime

#: Pseudonym codes: at least 2 and at most 64 characters after trimming (the column holds 64).
PSEUDONYM_MIN, PSEUDONYM_MAX = 2, 64
INITIALS_MAX = 8
#: Free text a staff member adds (alert notes, correction reasons).
NOTE_MAX = 2000
PLANNED_DEFAULT, PLANNED_MAX = 24, 100


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Cf") and ch not in "\u200d" for ch in text)


def pseudonym_problem(text: object) -> str | None:
    """Why ``text`` (already trimmed, NFC) cannot be a pseudonym code, or None."""
    if not isinstance(text, str) or not text:
        return "Enter a pseudonym code for the client (for example KL-4821)."
    if len(text) < PSEUDONYM_MIN:
        return f"A pseudonym code needs at least {PSEUDONYM_MIN} characters."
    if len(text) > PSEUDONYM_MAX:
        return f"A pseudonym code can have at most {PSEUDONYM_MAX} characters; this one has {len(text)}."
    if _has_control(text) or "\n" in text or "\t" in text:
        return "A pseudonym code cannot contain line breaks, tabs or invisible control characters."
    return None


def clean_text(text: str | None) -> str | None:
    """Trimmed, NFC-normalised text; None for empty."""
    if text is None:
        return None
    clean = unicodedata.normalize("NFC", text).strip()
    return clean or None


def note_problem(text: str | None, *, required: bool, what: str = "note") -> str | None:
    if text is None:
        return f"Give a {what}." if required else None
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text) or "\x00" in text:
        return f"The {what} contains a broken or invisible character; please retype it."
    if len(text) > NOTE_MAX:
        return f"The {what} is too long: {len(text)} characters, at most {NOTE_MAX}. Nothing was cut."
    return None


@dataclass(frozen=True, slots=True)
class EpisodeSummary:
    episode_id: uuid.UUID
    opened_on: date
    closed_on: date | None
    planned_sessions: int
    sessions_recorded: int

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


@dataclass(frozen=True, slots=True)
class ClientSummary:
    """A client as client administration sees it (no clinical data)."""

    client_id: uuid.UUID
    pseudonym: str
    initials: str | None
    therapist_id: uuid.UUID
    therapist_name: str
    birth_year: int | None
    archived: bool
    episodes: tuple[EpisodeSummary, ...]

    @property
    def open_episode(self) -> EpisodeSummary | None:
        return next((e for e in self.episodes if e.is_open), None)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    therapy_session_id: uuid.UUID
    episode_id: uuid.UUID
    number: int
    held_on: date
    status: str


@dataclass(frozen=True, slots=True)
class SavedResponse:
    """A stored (paper or corrected) questionnaire and the alerts it raised."""

    response_id: uuid.UUID
    therapy_session_id: uuid.UUID
    instrument_id: str
    total: float | None
    alert_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One response in a session's history: nothing is overwritten, corrections append."""

    response_id: uuid.UUID
    instrument_id: str
    instrument_version: str
    mode: str
    status: str
    status_reason: str | None
    amends_id: uuid.UUID | None
    completed_at: datetime
    entered_by_name: str | None
    total: float | None
    #: True for the response that counts for its session and instrument
    standing: bool


@dataclass(frozen=True, slots=True)
class AlertActionView:
    action: str
    user_id: uuid.UUID
    user_name: str
    at: datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert with the rule(s) that fired and its one-sentence explanation."""

    alert_id: uuid.UUID
    episode_id: uuid.UUID
    client_id: uuid.UUID
    pseudonym: str
    session_number: int | None
    response_id: uuid.UUID | None
    kind: str
    rule_ids: tuple[str, ...]
    severity: str
    explanation: str
    created_at: datetime
    actions: tuple[AlertActionView, ...]
    #: the response it was raised on was corrected or marked entered-in-error since
    superseded: bool

    @property
    def handled(self) -> bool:
        """Acknowledged or discussed with the client: the caseload badge clears."""
        return any(a.action in ("acknowledged", "discussed") for a in self.actions)

    @property
    def discussed(self) -> bool:
        return any(a.action == "discussed" for a in self.actions)
