"""What the course chart and the session click-through show, as frozen value objects.

Why a value object and not a query result: the chart (alliance panel, outcome
panel, item strip, hover), the PDF and the tests must see the same numbers, so
the service hands over one ``CourseView`` built from the same ``EpisodeCourse``
the caseload uses, plus the chart metadata (scale, cutoff as an explicit
inequality, reliable change, direction, the 'example — not a validated
instrument' label) taken from the definition, never from a constant in a view.
Sessions keep their gaps: a missed or unanswered session has ``None`` totals
and the chart must not interpolate them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from alliance_desktop.core.change import ClinicalRange
from alliance_desktop.core.course_analysis import CourseAnalysis
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instrument_model import TOTAL, FrozenMap, Instrument, OptionsResponse, VasResponse


@dataclass(frozen=True, slots=True)
class ItemMeta:
    id: str
    #: item text in the chart language (a placeholder for a structure-only instrument)
    text: str
    min: float
    max: float
    scored: bool


@dataclass(frozen=True, slots=True)
class InstrumentMeta:
    """Everything a chart axis, cutoff line and legend need about one instrument."""

    id: str
    version: str
    abbreviation: str
    #: the name with the example notice attached, e.g. "Example alliance check-in (example — not a validated instrument)"
    title: str
    kind: str
    example: bool
    min_total: float
    max_total: float
    direction: Direction
    #: the clinical (outcome) or flag (alliance) range as an inequality, e.g. ``< 36``; None if the definition has none
    flag_range: ClinicalRange | None
    flag_label: str | None
    flag_source: str | None
    #: True when the cutoff is a configurable default (CLINICAL.md "(check)"): say so on screen
    flag_check: bool
    reliable_change: float | None
    reliable_change_method: str | None
    items: tuple[ItemMeta, ...]
    attribution: str

    @property
    def flag_value(self) -> float | None:
        return self.flag_range.value if self.flag_range else None

    @classmethod
    def of(cls, instrument: Instrument, *, language: str = "en", age: int | None = None) -> InstrumentMeta:
        cutoff = instrument.clinical_cutoff(age)
        rc = instrument.reliable_change
        items = []
        for item in instrument.items:
            low, high = item.score_range
            text = item.text.get(language) or next(iter(item.text.values()), item.id)
            items.append(ItemMeta(item.id, text, low, high, item.scored))
        return cls(
            id=instrument.id, version=instrument.version, abbreviation=instrument.abbreviation,
            title=instrument.title(language), kind=instrument.kind, example=instrument.example,
            min_total=instrument.min_total, max_total=instrument.max_total, direction=instrument.direction,
            flag_range=cutoff.clinical_range if cutoff else None, flag_label=cutoff.label if cutoff else None,
            flag_source=cutoff.source if cutoff else None, flag_check=bool(cutoff and cutoff.check),
            reliable_change=rc.threshold() if rc else None, reliable_change_method=rc.method if rc else None,
            items=tuple(items), attribution=instrument.licence.attribution,
        )


@dataclass(frozen=True, slots=True)
class RiskMark:
    """A risk item that fired: shown separately and unmissably, never averaged away."""

    instrument_id: str
    item_id: str
    answer: float
    explanation: str


@dataclass(frozen=True, slots=True)
class ResponseMark:
    """One stored response of a session, history included (corrections append, never overwrite)."""

    response_id: uuid.UUID
    instrument_id: str
    status: str
    mode: str
    completed_at: datetime
    amends_id: uuid.UUID | None
    status_reason: str | None
    #: True for the response that counts for this session and instrument
    standing: bool

    @property
    def staff_entered(self) -> bool:
        return self.mode == "staff_paper"

    @property
    def amended(self) -> bool:
        return self.status == "amended"

    @property
    def entered_in_error(self) -> bool:
        return self.status == "entered_in_error"

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None


@dataclass(frozen=True, slots=True)
class SessionPoint:
    """One session on the x-axis (1..24): totals, item values, flags and its history markers."""

    number: int
    therapy_session_id: uuid.UUID
    held_on: date
    status: str
    alliance_total: float | None
    #: item id -> item score (0.0-10.0 for a 10 cm line) of the standing alliance response
    alliance_items: FrozenMap[str, float | None]
    outcome_total: float | None
    outcome_items: FrozenMap[str, float | None]
    risk: tuple[RiskMark, ...]
    self_reported_rupture: bool | None
    comment: str | None
    responses: tuple[ResponseMark, ...]

    @property
    def response_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(r.response_id for r in self.responses)

    @property
    def staff_entered(self) -> bool:
        return any(r.staff_entered and r.standing for r in self.responses)

    @property
    def amended(self) -> bool:
        return any(r.is_amendment and r.standing for r in self.responses)

    @property
    def entered_in_error(self) -> bool:
        return any(r.entered_in_error for r in self.responses)


@dataclass(frozen=True, slots=True)
class InstructionMark:
    """A delivery of the clinic's feedback instruction (the chart's instruction event marker)."""

    session_number: int | None
    delivered_at: datetime
    channel: str
    text_version: str
    language: str


@dataclass(frozen=True)
class CourseView:
    client_id: uuid.UUID
    episode_id: uuid.UUID
    pseudonym: str
    initials: str | None
    therapist_id: uuid.UUID
    therapist_name: str
    opened_on: date
    closed_on: date | None
    planned_sessions: int
    sessions: tuple[SessionPoint, ...]
    alliance: InstrumentMeta | None
    outcome: InstrumentMeta | None
    analysis: CourseAnalysis
    instruction_events: tuple[InstructionMark, ...]
    #: responses whose first viewing this call recorded (the therapist had not seen them yet)
    newly_viewed: tuple[uuid.UUID, ...] = ()

    @property
    def early_alliance_mean(self) -> float | None:
        """Mean of the observed alliance totals of sessions 1-4 (the early-alliance reference line)."""
        return self.analysis.early_alliance_mean

    @property
    def instruction_sessions(self) -> tuple[int, ...]:
        return tuple(sorted({e.session_number for e in self.instruction_events if e.session_number is not None}))

    @property
    def x_max(self) -> int:
        """Last session number the x-axis needs: the planned course, or further if it ran longer."""
        return max([self.planned_sessions, *(s.number for s in self.sessions)])

    def session(self, number: int) -> SessionPoint | None:
        return next((s for s in self.sessions if s.number == number), None)


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One item of a response as the click-through shows it."""

    item_id: str
    text: str
    #: raw answer as stored: millimetres for a line, the option value otherwise (None = unanswered)
    answer: float | None
    #: the option's label, or e.g. "73 mm" for a line
    answer_label: str | None
    score: float | None
    scored: bool


@dataclass(frozen=True)
class SessionAnswers:
    response_id: uuid.UUID
    episode_id: uuid.UUID
    session_number: int
    held_on: date
    instrument: InstrumentMeta
    language: str
    mode: str
    status: str
    status_reason: str | None
    amends_id: uuid.UUID | None
    amended_by: tuple[uuid.UUID, ...]
    entered_by_name: str | None
    completed_at: datetime
    comment: str | None
    items: tuple[AnswerLine, ...]
    #: scale id -> score ("total" and any subscales); None when not scorable
    scores: FrozenMap[str, float | None]
    risk: tuple[RiskMark, ...]

    @property
    def total(self) -> float | None:
        return self.scores.get(TOTAL)


def answer_label(instrument: Instrument, item_id: str, raw: float | None, language: str = "en") -> str | None:
    """How an answer reads: the option label in ``language`` (or its value), or millimetres on a line."""
    if raw is None or not instrument.has_item(item_id):
        return None
    response = instrument.item(item_id).response
    if isinstance(response, VasResponse):
        return f"{raw:g} mm"
    if isinstance(response, OptionsResponse):
        option = response.option(int(raw))
        if option is not None:
            return option.label.get(language) or next(iter(option.label.values()), f"{raw:g}")
    return f"{raw:g}"
