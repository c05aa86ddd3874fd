"""Value objects of the data exports (CSV, research, FHIR): one episode at a time.

Why episode-sized pieces: a clinic export of the large demo holds 575,000
sessions and 4.6 million item answers. Storage reads the episodes in chunks and
hands them on one :class:`EpisodeExport` at a time, so the writers stream to
disk with a bounded amount of memory and every file is ordered by client,
episode and session without the database sorting millions of rows.

Everything here is plain data: ids, dates, numbers and the text as stored.
Making text safe for a spreadsheet is the CSV writer's job, not this module's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

#: Response statuses (CLINICAL.md section 6) and their counterpart in FHIR.
FHIR_RESPONSE_STATUS = {"completed": "completed", "amended": "amended", "entered_in_error": "entered-in-error"}
FHIR_OBSERVATION_STATUS = {"completed": "final", "amended": "amended", "entered_in_error": "entered-in-error"}


@dataclass(frozen=True, slots=True)
class ExportScope:
    """Whose records an export holds: one client, one therapist's caseload, or the whole clinic."""

    kind: str  # "client" | "therapist" | "clinic"
    client_id: uuid.UUID | None = None
    therapist_id: uuid.UUID | None = None
    #: what file names are made from (the pseudonym or user name); never written to the audit log
    label: str = "clinic"


@dataclass(frozen=True, slots=True)
class ItemValue:
    """One item's stored answer: the item score and, for a line, millimetres and drawn length."""

    item_id: str
    value: float | None
    vas_mm: int | None
    vas_length_px: float | None

    @property
    def raw(self) -> float | None:
        """What the client gave: millimetres on a line, else the option value."""
        return float(self.vas_mm) if self.vas_mm is not None else self.value


@dataclass(frozen=True, slots=True)
class ScaleValue:
    scale: str
    value: float | None
    scorable: bool
    reason: str | None
    scoring_version: str


@dataclass(frozen=True, slots=True)
class SessionFlags:
    """What the clinical rules said about one session (empty when they said nothing)."""

    #: rupture event of the alliance series: severity ('possible' / 'probable'), rule ids, repair status
    rupture_severity: str | None = None
    rupture_rules: tuple[str, ...] = ()
    rupture_repair: str | None = None
    #: not-on-track colour of the outcome series and the rule that gave it
    colour: str | None = None
    colour_rule: str | None = None
    #: outcome change from intake, signed so that positive means better
    change_from_intake: float | None = None
    #: 'improvement', 'deterioration' or 'none' (None without an outcome score)
    reliable_change: str | None = None
    #: whether the outcome score is in the clinical range (None without one)
    clinical: bool | None = None
    #: (instrument id, item id) of every risk item that fired
    risk_items: tuple[tuple[str, str], ...] = ()


NO_FLAGS = SessionFlags()


@dataclass(frozen=True, slots=True)
class ResponseExport:
    """One stored response with its scores (and answers when they were asked for)."""

    id: uuid.UUID
    submission_id: uuid.UUID
    session_id: uuid.UUID
    session_number: int
    instrument_id: str
    instrument_version: str
    language: str
    licence_id: str
    respondent_role: str
    mode: str
    status: str
    status_reason: str | None
    amends_id: uuid.UUID | None
    started_at: datetime | None
    completed_at: datetime
    comment: str | None
    scores: tuple[ScaleValue, ...] = ()
    answers: tuple[ItemValue, ...] = ()
    #: True when this is the response that counts for its session and instrument (see core.course_series)
    counts: bool = False

    def score(self, scale: str) -> ScaleValue | None:
        return next((s for s in self.scores if s.scale == scale), None)


@dataclass(frozen=True, slots=True)
class SessionExport:
    id: uuid.UUID
    number: int
    held_on: date
    status: str
    #: the clinic's feedback instruction was delivered at this session
    instruction: bool = False
    flags: SessionFlags = NO_FLAGS


@dataclass(frozen=True, slots=True)
class EpisodeExport:
    """One episode of one client with everything the course exports need."""

    episode_id: uuid.UUID
    client_id: uuid.UUID
    pseudonym: str
    therapist: str  # user name of the episode's therapist
    opened_on: date
    closed_on: date | None
    study_arm: str | None
    sessions: tuple[SessionExport, ...] = ()
    responses: tuple[ResponseExport, ...] = ()
    #: alliance and outcome instrument ids the rules used (None when the episode has none)
    alliance_instrument: str | None = None
    outcome_instrument: str | None = None

    def session(self, number: int) -> SessionExport | None:
        return next((s for s in self.sessions if s.number == number), None)
