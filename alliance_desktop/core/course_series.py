"""From stored responses of one episode to the series the clinical rules read.

Why one pure module: the caseload row, the course chart, the supervisor
overview and the kiosk's alerts must agree on *which* answer counts for a
session, so they all go through :func:`standing_responses` (the same rule as
``storage.kiosk_store.earlier_totals``):

- entered-in-error responses never count;
- a response that a later (not entered-in-error) response amends is replaced by it;
- with several standing responses of one instrument in one session, the latest
  completed one counts.

The rest picks the episode's alliance and outcome instrument (the one the
episode's responses use most; ties go to the most recently answered), builds the
two observation series (every session in order, missed or unanswered ones as
gaps, never interpolated) and runs ``core.course_analysis.analyse_course``.
Ids and timestamps are opaque keys here: storage hands them over in their
stored form, which keeps a 2,000-course pass (the supervisor overview) cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from alliance_desktop.core.change import ClinicalRange, ReliableChangeRule
from alliance_desktop.core.course_analysis import CourseAnalysis, analyse_course
from alliance_desktop.core.course_rules import MissingParameter, OutcomeRules, outcome_rules_for, rupture_rule_for
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instrument_model import Instrument
from alliance_desktop.core.ruptures import AllianceObservation, RuptureRule
from alliance_desktop.core.tracking import OutcomeObservation

#: Response statuses (CLINICAL.md section 6).
COMPLETED, AMENDED, ENTERED_IN_ERROR = "completed", "amended", "entered_in_error"


@dataclass(frozen=True, slots=True)
class SessionFact:
    """One therapy session of an episode (held or missed)."""

    key: Hashable
    number: int
    held_on: date
    status: str


@dataclass(frozen=True, slots=True)
class ResponseFact:
    """One stored response as the rules see it.

    ``order`` sorts responses by completion time (the stored ISO text does);
    ``flagged`` holds only the raw answers of risk and rupture items,
    ``(item id, raw answer)`` with millimetres for a line.
    """

    key: Hashable
    session_number: int
    instrument_id: str
    status: str
    amends: Hashable | None
    order: str
    total: float | None
    mode: str = "kiosk"
    flagged: tuple[tuple[str, float], ...] = ()


def standing_responses(responses: Iterable[ResponseFact]) -> dict[tuple[int, str], ResponseFact]:
    """(session number, instrument id) -> the response that counts (see the module docstring)."""
    alive = [r for r in responses if r.status != ENTERED_IN_ERROR]
    superseded = {r.amends for r in alive if r.amends is not None}
    out: dict[tuple[int, str], ResponseFact] = {}
    for r in alive:
        if r.key in superseded:
            continue
        slot = (r.session_number, r.instrument_id)
        held = out.get(slot)
        if held is None or r.order > held.order:
            out[slot] = r
    return out


def pick_instrument(
    standing: Iterable[ResponseFact], instruments: Mapping[str, Instrument], kind: str
) -> Instrument | None:
    """The episode's instrument of ``kind``: the most used, ties to the most recently answered."""
    count: dict[str, int] = {}
    last: dict[str, str] = {}
    for r in standing:
        instrument = instruments.get(r.instrument_id)
        if instrument is None or instrument.kind != kind or instrument.addon_for is not None:
            continue
        count[r.instrument_id] = count.get(r.instrument_id, 0) + 1
        if r.order > last.get(r.instrument_id, ""):
            last[r.instrument_id] = r.order
    if not count:
        return None
    best = max(count, key=lambda i: (count[i], last[i]))
    return instruments[best]


def risk_fired(response: ResponseFact, instrument: Instrument | None) -> tuple[str, ...]:
    """Item ids of ``instrument``'s risk items that fired in ``response``."""
    if not response.flagged or instrument is None or not instrument.risk_items:
        return ()
    answers = dict(response.flagged)
    return tuple(rule.item_id for rule in instrument.risk_items
                 if rule.item_id in answers and rule.fires(answers[rule.item_id]))


def self_report(responses: Iterable[ResponseFact], instruments: Mapping[str, Instrument]) -> bool | None:
    """R4 for one session: True if a rupture item fired, False if asked and not, None if not asked."""
    asked = False
    for r in responses:
        instrument = instruments.get(r.instrument_id)
        if instrument is None or not instrument.rupture_items:
            continue
        answers = dict(r.flagged)
        for rule in instrument.rupture_items:
            if rule.item_id in answers:
                asked = True
                if rule.fires(answers[rule.item_id]):
                    return True
    return False if asked else None


#: Stand-ins for an episode without an alliance or outcome instrument: with an empty
#: series the rules compute nothing, but ``analyse_course`` still needs parameters.
_NO_RUPTURE_RULE = RuptureRule(flag_range=ClinicalRange("<", 0.0), ceiling=0.0, reference_sd=1.0,
                               reliable_change=1.0)
_NO_OUTCOME_RULES = (Direction.LOWER_IS_BETTER, ClinicalRange(">=", 0.0), ReliableChangeRule(fixed=1.0))


#: Rules per instrument (and age), keyed by identity: an Instrument is frozen, and hashing
#: one (all its fields) costs more than building the rules. The instrument is kept with
#: its entry, so an id is never reused while the entry lives.
_RULES: dict[tuple[int, int | None, str], tuple[Instrument, object]] = {}


def _cached(instrument: Instrument, age: int | None, kind: str, make: Callable[[], object]) -> object:
    key = (id(instrument), age, kind)
    hit = _RULES.get(key)
    if hit is not None and hit[0] is instrument:
        return hit[1]
    try:
        value = make()
    except MissingParameter:
        value = None
    if len(_RULES) > 4096:
        _RULES.clear()
    _RULES[key] = (instrument, value)
    return value


def _rupture_rule(alliance: Instrument) -> RuptureRule | None:
    return _cached(alliance, None, "rupture", lambda: rupture_rule_for(alliance))  # type: ignore[return-value]


def _outcome_rules(outcome: Instrument, age: int | None) -> OutcomeRules | None:
    return _cached(outcome, age, "outcome", lambda: outcome_rules_for(outcome, age=age))  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class CourseSeries:
    """One episode's observation series, before any analysis (the overview stops here)."""

    sessions: tuple[SessionFact, ...]
    standing: Mapping[tuple[int, str], ResponseFact]
    alliance: Instrument | None
    outcome: Instrument | None
    alliance_series: tuple[AllianceObservation, ...]
    outcome_series: tuple[OutcomeObservation, ...]
    #: session number -> (instrument id, item id) of every risk item that fired there (any instrument)
    risk: Mapping[int, tuple[tuple[str, str], ...]]
    rupture_rule: RuptureRule | None
    outcome_rules: OutcomeRules | None


@dataclass(frozen=True, slots=True)
class EpisodeCourse(CourseSeries):
    """One episode's series and their analysis, ready for a caseload row or a chart."""

    analysis: CourseAnalysis


def course_series(
    sessions: Iterable[SessionFact],
    responses: Iterable[ResponseFact],
    instruments: Mapping[str, Instrument],
    *,
    age: int | None = None,
) -> CourseSeries:
    """The episode's alliance and outcome series. Sessions may come in any order; numbers are unique."""
    ordered = tuple(sorted(sessions, key=lambda f: f.number))
    standing = standing_responses(responses)
    alliance = pick_instrument(standing.values(), instruments, "alliance")
    outcome = pick_instrument(standing.values(), instruments, "outcome")
    by_session: dict[int, list[ResponseFact]] = {}
    for r in standing.values():
        by_session.setdefault(r.session_number, []).append(r)
    risk: dict[int, tuple[tuple[str, str], ...]] = {}
    for number, rs in by_session.items():
        fired = tuple((r.instrument_id, item) for r in rs for item in risk_fired(r, instruments.get(r.instrument_id)))
        if fired:
            risk[number] = fired
    rule = _rupture_rule(alliance) if alliance is not None else None
    rules = _outcome_rules(outcome, age) if outcome is not None else None
    a_series: list[AllianceObservation] = []
    o_series: list[OutcomeObservation] = []
    asks_r4 = any(instruments[i].rupture_items for _, i in standing if i in instruments)
    for f in ordered:
        number = f.number
        if rule is not None:
            a = standing.get((number, alliance.id))  # type: ignore[union-attr]
            reported = self_report(by_session.get(number, ()), instruments) if asks_r4 else None
            a_series.append(AllianceObservation(number, a.total if a else None, reported))
        if rules is not None:
            o = standing.get((number, outcome.id))  # type: ignore[union-attr]
            fired = risk_fired(o, outcome) if o else ()
            note = "; ".join(f"{outcome.abbreviation} item {i}" for i in fired)  # type: ignore[union-attr]
            o_series.append(OutcomeObservation(number, o.total if o else None, bool(fired), note))
    return CourseSeries(ordered, standing, alliance, outcome, tuple(a_series), tuple(o_series), risk, rule, rules)


def build_course(
    sessions: Iterable[SessionFact],
    responses: Iterable[ResponseFact],
    instruments: Mapping[str, Instrument],
    *,
    age: int | None = None,
) -> EpisodeCourse:
    """Series and analysis (ruptures, running mean, colours, change class) of one episode."""
    cs = course_series(sessions, responses, instruments, age=age)
    rules, alliance, outcome = cs.outcome_rules, cs.alliance, cs.outcome
    direction, rng, rc = (rules.direction, rules.clinical_range, rules.reliable_change) if rules else _NO_OUTCOME_RULES
    analysis = analyse_course(
        cs.alliance_series, cs.outcome_series, rupture_rule=cs.rupture_rule or _NO_RUPTURE_RULE,
        outcome_direction=direction, outcome_range=rng, outcome_reliable_change=rc,
        **({"tracking_rule": rules.tracking} if rules else {}),
        alliance_label=f"{alliance.abbreviation} total" if alliance else "Alliance total",
        outcome_label=f"{outcome.abbreviation} total" if outcome else "Score",
    )
    return EpisodeCourse(cs.sessions, cs.standing, alliance, outcome, cs.alliance_series, cs.outcome_series,
                         cs.risk, cs.rupture_rule, rules, analysis)
