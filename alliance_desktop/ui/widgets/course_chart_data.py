"""What the course chart draws, as one frozen value: ``ChartData`` (no Qt, no pyqtgraph).

Why a separate input object: the chart must show exactly what the caseload
badges and the PDF report say, so it draws the core's ``CourseAnalysis``
(ruptures, expanding mean/SD, not-on-track colours, change class) and never
recomputes a rule itself. ``ChartData`` bundles that analysis with the raw
series and the parameters the analysis was computed with (cutoffs, reliable
change, titles with the "(example — not a validated instrument)" notice), so
one object fully describes one picture. It lives apart from the widget so the
services and the report can build it without importing pyqtgraph.

Builders: ``chart_data_from_view`` (the services' ``CourseView``) and
``chart_data_from_course`` (instrument definitions + plain series; tests,
screenshots and benchmarks).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from alliance_desktop.core.change import ClinicalRange
from alliance_desktop.core.course_analysis import CourseAnalysis, analyse_course
from alliance_desktop.core.course_rules import ClinicRuleSettings, outcome_rules_for, rupture_rule_for
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instrument_model import Instrument
from alliance_desktop.core.ruptures import AllianceObservation
from alliance_desktop.core.course_view import CourseView
from alliance_desktop.core.tracking import OutcomeObservation, TrackingRuleId, TrackingStatus

#: (session number, value or None for missed), in session order
Series = tuple[tuple[int, float | None], ...]

#: CLINICAL.md section 5: the chart shows sessions 1..24 even while a course is shorter.
PLANNED_SESSIONS = 24


def _series(points: Iterable[tuple[int, float | None]] | Iterable[Any]) -> Series:
    out: list[tuple[int, float | None]] = []
    last = 0
    for p in points:
        s, v = int(p[0]), p[1]
        if s <= last:
            raise ValueError(f"sessions must be strictly increasing and >= 1; got {s} after {last}")
        if v is not None:
            v = float(v)
            if not math.isfinite(v):
                raise ValueError(f"session {s}: value must be finite or None; got {v!r}")
        last = s
        out.append((s, v))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ChartData:
    """One client's course as the chart draws it (sessions are 1-based session numbers)."""

    #: heading above the chart, e.g. "KLM-0412 · episode since 3 Mar 2025"
    title: str
    #: Instrument.title(language): includes "(example — not a validated instrument)" where it applies
    alliance_title: str
    outcome_title: str
    #: short names for axes and tooltips ("Alliance", "PHQ-9")
    alliance_label: str
    outcome_label: str
    #: alliance totals per session, None = missed (a gap, never interpolated)
    alliance: Series
    #: one heat row per item, in display order: (short item label, values on item_scale)
    alliance_items: tuple[tuple[str, Series], ...]
    #: outcome totals per session on the instrument's native scale, None = missed
    outcome: Series
    #: the core's ruptures / expanding stats / tracking colours / change for exactly these series
    analysis: CourseAnalysis
    #: alliance flag range (SRS-style "< 36") and outcome clinical range ("≥ 10") as the rules used them;
    #: None when the definition has none (no line is drawn)
    alliance_cutoff: ClinicalRange | None
    outcome_cutoff: ClinicalRange | None
    outcome_direction: Direction
    #: minimum reliable raw change of the outcome total (PHQ-9: 6): the half-width of the band around intake
    reliable_change: float | None
    alliance_scale: tuple[float, float] = (0.0, 40.0)
    item_scale: tuple[float, float] = (0.0, 10.0)
    outcome_scale: tuple[float, float] = (0.0, 27.0)
    #: True when a cutoff is a configurable default (CLINICAL.md "(check)"): the legend says so
    alliance_cutoff_check: bool = False
    outcome_cutoff_check: bool = False
    #: (session, sentence) for every positive risk item, any instrument; sessions the core's
    #: not-on-track rule coloured red for risk are added automatically, so none is ever lost
    risk: tuple[tuple[int, str], ...] = ()
    #: sessions at which the clinic's instruction event happened (a vertical marker)
    instruction_sessions: tuple[int, ...] = ()
    dates: tuple[tuple[int, date], ...] = ()
    comments: tuple[tuple[int, str], ...] = ()
    #: extra tooltip lines per session, e.g. "entered by staff from paper", "amended"
    session_notes: tuple[tuple[int, str], ...] = ()
    planned_sessions: int = PLANNED_SESSIONS
    #: sessions 1..early_sessions make the early-alliance reference (CourseAnalysis.early_alliance_mean)
    early_sessions: int = 4
    _date_by: dict[int, date] = field(init=False, repr=False, compare=False)
    _comment_by: dict[int, str] = field(init=False, repr=False, compare=False)
    _alliance_by: dict[int, float | None] = field(init=False, repr=False, compare=False)
    _outcome_by: dict[int, float | None] = field(init=False, repr=False, compare=False)
    _items_by: tuple[tuple[str, dict[int, float | None]], ...] = field(init=False, repr=False, compare=False)
    _tracking_by: dict[int, TrackingStatus] = field(init=False, repr=False, compare=False)
    _notes_by: dict[int, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        risk = dict(self.risk)
        for t in self.analysis.tracking:
            if t.rule_id is TrackingRuleId.RISK and t.session not in risk:
                risk[t.session] = t.explanation
        put(self, "risk", tuple(sorted(risk.items())))
        notes: dict[int, list[str]] = {}
        for session, text in self.session_notes:
            notes.setdefault(session, []).append(text)
        put(self, "_notes_by", {k: tuple(v) for k, v in notes.items()})
        put(self, "_date_by", dict(self.dates))
        put(self, "_comment_by", dict(self.comments))
        put(self, "_alliance_by", dict(self.alliance))
        put(self, "_outcome_by", dict(self.outcome))
        put(self, "_items_by", tuple((label, dict(s)) for label, s in self.alliance_items))
        put(self, "_tracking_by", {t.session: t for t in self.analysis.tracking})
        if self.reliable_change is not None and not self.reliable_change > 0:
            raise ValueError(f"reliable_change must be positive; got {self.reliable_change!r}")

    # -- lookups the chart and its tooltips use ---------------------------------------------

    @property
    def sessions(self) -> tuple[int, ...]:
        """Every session number that appears anywhere (a dated session with no answers too)."""
        found = {s for s, _ in self.alliance} | {s for s, _ in self.outcome} | set(self._date_by)
        for _, series in self.alliance_items:
            found.update(s for s, _ in series)
        return tuple(sorted(found))

    @property
    def last_session(self) -> int:
        return max(self.sessions, default=0)

    @property
    def x_max(self) -> int:
        """The right end of the x axis: the planned 24 sessions, or further when the course is longer."""
        return max(self.planned_sessions, self.last_session)

    def date_of(self, session: int) -> date | None:
        return self._date_by.get(session)

    def comment_of(self, session: int) -> str:
        return self._comment_by.get(session, "")

    def alliance_at(self, session: int) -> float | None:
        return self._alliance_by.get(session)

    def outcome_at(self, session: int) -> float | None:
        return self._outcome_by.get(session)

    def items_at(self, session: int) -> tuple[tuple[str, float | None], ...]:
        return tuple((label, by.get(session)) for label, by in self._items_by)

    def tracking_at(self, session: int) -> TrackingStatus | None:
        return self._tracking_by.get(session)

    @property
    def missed_sessions(self) -> tuple[int, ...]:
        """Sessions in the course with neither an alliance nor an outcome total."""
        return tuple(s for s in self.sessions if self._alliance_by.get(s) is None and self._outcome_by.get(s) is None)

    @property
    def risk_sessions(self) -> tuple[int, ...]:
        """Sessions with a positive risk item: shown in their own row, never averaged away."""
        return tuple(s for s, _ in self.risk)

    def notes_of(self, session: int) -> tuple[str, ...]:
        return self._notes_by.get(session, ())

    @property
    def intake(self) -> tuple[int, float] | None:
        """(session, score) of the first observed outcome score: the centre of the reliable-change band."""
        return next(((s, v) for s, v in self.outcome if v is not None), None)


# -- builders ----------------------------------------------------------------------------


def chart_data_from_course(
    *,
    alliance_instrument: Instrument,
    outcome_instrument: Instrument,
    alliance: Iterable[tuple[int, float | None]],
    outcome: Iterable[tuple[int, float | None]],
    alliance_items: Mapping[str, Iterable[tuple[int, float | None]]] | None = None,
    risk_sessions: Mapping[int, str] | Iterable[int] = (),
    self_reported_ruptures: Iterable[int] = (),
    title: str = "",
    language: str = "en",
    age: int | None = None,
    settings: ClinicRuleSettings | None = None,
    instruction_sessions: Iterable[int] = (),
    dates: Mapping[int, date] | None = None,
    comments: Mapping[int, str] | None = None,
    planned_sessions: int = PLANNED_SESSIONS,
) -> ChartData:
    """ChartData from instrument definitions and plain series, running the core rules once.

    ``risk_sessions``: sessions where a risk item was positive (a mapping gives the
    note, e.g. "PHQ-9 item 9 > 0"). ``self_reported_ruptures``: sessions where the
    client answered yes to the rupture question (R4). Item labels default to the
    alliance instrument's item ids.
    """
    a_series = _series(alliance)
    o_series = _series(outcome)
    rupture_rule = rupture_rule_for(alliance_instrument, settings)
    rules = outcome_rules_for(outcome_instrument, age=age, settings=settings)
    said = set(self_reported_ruptures)
    risk_notes = dict(risk_sessions) if isinstance(risk_sessions, Mapping) else dict.fromkeys(risk_sessions, "")
    a_obs = [AllianceObservation(s, v, True if s in said else None) for s, v in a_series]
    known = {s for s, _ in a_series}
    for s in sorted(said - known):  # R4 answered on a session with no alliance row: add it, missed
        a_obs.append(AllianceObservation(s, None, True))
    a_obs.sort(key=lambda o: o.session)
    o_obs = [OutcomeObservation(s, v, s in risk_notes, risk_notes.get(s, "")) for s, v in o_series]
    o_known = {s for s, _ in o_series}
    for s in sorted(set(risk_notes) - o_known):
        o_obs.append(OutcomeObservation(s, None, True, risk_notes[s]))
    o_obs.sort(key=lambda o: o.session)
    outcome_label = outcome_instrument.abbreviation
    analysis = analyse_course(
        a_obs, o_obs,
        rupture_rule=rupture_rule,
        outcome_direction=rules.direction,
        outcome_range=rules.clinical_range,
        outcome_reliable_change=rules.reliable_change,
        tracking_rule=rules.tracking,
        alliance_label="Alliance total",
        outcome_label=outcome_label,
    )
    items: dict[str, Iterable[tuple[int, float | None]]] = dict(alliance_items or {})
    cutoff = outcome_instrument.clinical_cutoff(age)
    acut = alliance_instrument.clinical_cutoff()
    item_lo, item_hi = (alliance_instrument.items[0].score_range if alliance_instrument.items else (0.0, 10.0))
    return ChartData(
        title=title,
        alliance_title=alliance_instrument.title(language),
        outcome_title=outcome_instrument.title(language),
        alliance_label="Alliance",
        outcome_label=outcome_label,
        alliance=a_series,
        alliance_items=tuple((label, _series(s)) for label, s in items.items()),
        outcome=o_series,
        analysis=analysis,
        alliance_cutoff=rupture_rule.flag_range,
        outcome_cutoff=rules.clinical_range,
        outcome_direction=rules.direction,
        reliable_change=rules.reliable_change.threshold,
        alliance_cutoff_check=bool(acut and acut.check),
        outcome_cutoff_check=bool(cutoff and cutoff.check),
        alliance_scale=(alliance_instrument.min_total, alliance_instrument.max_total),
        item_scale=(float(item_lo), float(item_hi)),
        outcome_scale=(outcome_instrument.min_total, outcome_instrument.max_total),
        instruction_sessions=tuple(sorted(set(instruction_sessions))),
        dates=tuple(sorted((dates or {}).items())),
        comments=tuple(sorted((k, v) for k, v in (comments or {}).items() if v)),
        planned_sessions=planned_sessions,
    )


def item_label(item_id: str) -> str:
    """Short row label for an item: "Connection" for a named id, "Item 3" for a numbered one."""
    if item_id.isdigit():
        return f"Item {item_id}"
    return item_id.replace("_", " ").replace("-", " ").capitalize()


def _title_of(view: CourseView) -> str:
    who = view.pseudonym + (f" ({view.initials})" if view.initials else "")
    held = sum(1 for s in view.sessions if s.alliance_total is not None or s.outcome_total is not None)
    last = max((s.number for s in view.sessions), default=0)
    since = f"{view.opened_on.day} {view.opened_on:%b %Y}"
    closed = f", closed {view.closed_on.day} {view.closed_on:%b %Y}" if view.closed_on else ""
    return (f"{who} · episode since {since}{closed} · session {last} of {view.planned_sessions}"
            f" planned ({held} with feedback) · therapist {view.therapist_name}")


def chart_data_from_view(view: CourseView) -> ChartData:
    """ChartData for the services' CourseView (the same analysis the caseload row shows)."""
    a, o = view.alliance, view.outcome
    sessions = view.sessions
    items: tuple[tuple[str, Series], ...] = ()
    if a is not None:
        items = tuple(
            (item_label(meta.id), tuple((s.number, s.alliance_items.get(meta.id)) for s in sessions))
            for meta in a.items if meta.scored
        )
        item_scale = (a.items[0].min, a.items[0].max) if a.items else (0.0, 10.0)
    else:
        item_scale = (0.0, 10.0)
    risk = tuple(
        (s.number, " ".join(m.explanation for m in s.risk)) for s in sessions if s.risk
    )
    notes: list[tuple[int, str]] = []
    for s in sessions:
        if s.staff_entered:
            notes.append((s.number, "Entered by staff from paper"))
        if s.amended:
            notes.append((s.number, "Amended (the original stays in the history)"))
        if s.entered_in_error:
            notes.append((s.number, "A response was marked entered-in-error"))
    return ChartData(
        title=_title_of(view),
        alliance_title=a.title if a is not None else "no alliance instrument in this episode",
        outcome_title=o.title if o is not None else "no outcome instrument in this episode",
        alliance_label="Alliance",
        outcome_label=o.abbreviation if o is not None else "Outcome",
        alliance=tuple((s.number, s.alliance_total) for s in sessions),
        alliance_items=items,
        outcome=tuple((s.number, s.outcome_total) for s in sessions),
        analysis=view.analysis,
        alliance_cutoff=a.flag_range if a is not None else None,
        outcome_cutoff=o.flag_range if o is not None else None,
        outcome_direction=o.direction if o is not None else Direction.LOWER_IS_BETTER,
        reliable_change=o.reliable_change if o is not None else None,
        alliance_scale=(a.min_total, a.max_total) if a is not None else (0.0, 40.0),
        item_scale=item_scale,
        outcome_scale=(o.min_total, o.max_total) if o is not None else (0.0, 27.0),
        alliance_cutoff_check=bool(a and a.flag_check),
        outcome_cutoff_check=bool(o and o.flag_check),
        risk=risk,
        instruction_sessions=view.instruction_sessions,
        dates=tuple((s.number, s.held_on) for s in sessions),
        comments=tuple((s.number, s.comment) for s in sessions if s.comment),
        session_notes=tuple(notes),
        planned_sessions=view.planned_sessions,
    )
