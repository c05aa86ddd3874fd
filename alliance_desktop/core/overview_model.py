"""The supervisor's clinic overview: per therapist and for the clinic, from every course in treatment.

Why a lean rupture count next to ``core.ruptures``: the overview runs the
rupture rules over every active course (about 2,000 on the large clinic)
within half a second, and the reference implementation spends most of its
time writing the explanations a chart shows and the overview does not. So
:func:`count_ruptures` applies the same rules (R1-R4, expanding mean, repair
within three observed sessions; CLINICAL.md section 4) without words. A
hypothesis test holds it equal to ``core.ruptures.detect_ruptures`` on random
courses, as the scoring fast path is held equal to its reference.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from alliance_desktop.core.change import EPSILON
from alliance_desktop.core.course_series import CourseSeries
from alliance_desktop.core.instrument_model import FrozenMap
from alliance_desktop.core.ruptures import AllianceObservation, RuptureRule
from alliance_desktop.core.tracking import OutcomeObservation, evaluate_session

#: Colour keys of the overview; "none" = no outcome score yet.
COLOURS = ("red", "yellow", "grey", "white", "green", "none")


@dataclass(frozen=True, slots=True)
class RuptureCounts:
    events: int = 0
    repaired: int = 0
    unrepaired: int = 0
    pending: int = 0

    def __add__(self, other: RuptureCounts) -> RuptureCounts:
        return RuptureCounts(self.events + other.events, self.repaired + other.repaired,
                             self.unrepaired + other.unrepaired, self.pending + other.pending)


def count_ruptures(series: Sequence[AllianceObservation | tuple], rule: RuptureRule) -> RuptureCounts:
    """Rupture events and their repair status, exactly as ``detect_ruptures`` would list them."""
    n = 0
    total_sum = mean = m2 = 0.0
    prev: float | None = None
    ref, rc, ceiling = rule.reference_sd, rule.reliable_change, rule.ceiling - EPSILON
    strict_ok, lenient_k = rule.min_prior_for_sharp_drop, rule.lenient_k
    flag = rule.flag_range
    observed: list[tuple[int, float]] = []
    events: list[tuple[int, float | None]] = []  # (session, prior mean or None)
    for t, a, reported in series:
        fired = bool(reported)
        if a is not None and not fired:
            if flag.is_clinical(a):
                fired = True
            elif n >= strict_ok and a < ceiling:
                sw = math.sqrt(m2 / (n - 1)) if n >= 2 else 0.0
                s = sw if sw > ref else ref
                fired = mean - a >= lenient_k * s - EPSILON
            if not fired and prev is not None and prev - a >= rc - EPSILON:
                fired = True
        if fired:
            events.append((t, mean if n else None))
        if a is not None:
            n += 1
            total_sum += a
            new_mean = total_sum / n
            m2 += (a - mean) * (a - new_mean) if n > 1 else 0.0
            mean = new_mean
            prev = a
            observed.append((t, a))
    repaired = unrepaired = pending = 0
    window = rule.repair_window
    j = 0
    for t, level in events:
        while j < len(observed) and observed[j][0] <= t:
            j += 1
        after = observed[j:j + window]
        if level is not None:
            hit = any(x >= level - EPSILON for _, x in after)
        else:
            hit = any(not flag.is_clinical(x) for _, x in after)
        if hit:
            repaired += 1
        elif len(after) == window:
            unrepaired += 1
        else:
            pending += 1
    return RuptureCounts(len(events), repaired, unrepaired, pending)


def latest_colour(series: CourseSeries) -> str:
    """The not-on-track colour of the latest outcome session with a score or a risk flag ("none" without)."""
    rules = series.outcome_rules
    obs: Sequence[OutcomeObservation] = series.outcome_series
    if rules is None:
        return "none"
    intake = next((o.score for o in obs if o.score is not None), None)
    last = next((o for o in reversed(obs) if o.score is not None or o.risk), None)
    if last is None:
        return "none"
    status = evaluate_session(last.session, last.score, last.risk, intake, rule=rules.tracking,
                              reliable_change=rules.reliable_change, clinical_range=rules.clinical_range,
                              direction=rules.direction, is_intake=False)
    return status.colour.value


@dataclass(frozen=True, slots=True)
class EpisodeTally:
    held_sessions: int
    held_with_feedback: int
    ruptures: RuptureCounts
    colour: str


def tally(series: CourseSeries) -> EpisodeTally:
    answered = {n for n, _ in series.standing}
    held = [f.number for f in series.sessions if f.status == "held"]
    ruptures = count_ruptures(series.alliance_series, series.rupture_rule) if series.rupture_rule else RuptureCounts()
    return EpisodeTally(len(held), sum(1 for n in held if n in answered), ruptures, latest_colour(series))


@dataclass(frozen=True, slots=True)
class TherapistOverview:
    """One therapist's (or, with ``therapist_id`` None, the whole clinic's) courses in treatment."""

    therapist_id: uuid.UUID | None
    display_name: str
    clients_in_treatment: int = 0
    held_sessions: int = 0
    held_with_feedback: int = 0
    ruptures: RuptureCounts = RuptureCounts()
    #: colour -> number of clients whose latest outcome session has it (keys: COLOURS)
    colours: FrozenMap[str, int] = field(default_factory=lambda: FrozenMap({c: 0 for c in COLOURS}))

    @property
    def feedback_share(self) -> float | None:
        """Share of held sessions with at least one questionnaire (None without held sessions)."""
        return self.held_with_feedback / self.held_sessions if self.held_sessions else None

    def plus(self, t: EpisodeTally) -> TherapistOverview:
        colours = dict(self.colours)
        colours[t.colour] = colours.get(t.colour, 0) + 1
        return TherapistOverview(self.therapist_id, self.display_name, self.clients_in_treatment + 1,
                                 self.held_sessions + t.held_sessions, self.held_with_feedback + t.held_with_feedback,
                                 self.ruptures + t.ruptures, FrozenMap(colours))


@dataclass(frozen=True, slots=True)
class Overview:
    therapists: tuple[TherapistOverview, ...]
    clinic: TherapistOverview


def build_overview(names: Mapping[uuid.UUID, str], tallies: Iterable[tuple[uuid.UUID, EpisodeTally]]) -> Overview:
    """Sum episode tallies per therapist (every therapist in ``names``, even with no clients) and clinic-wide."""
    sums = {tid: TherapistOverview(tid, name) for tid, name in names.items()}
    clinic = TherapistOverview(None, "Clinic")
    for therapist_id, t in tallies:
        sums[therapist_id] = sums.get(therapist_id, TherapistOverview(therapist_id, "?")).plus(t)
        clinic = clinic.plus(t)
    rows = sorted(sums.values(), key=lambda o: o.display_name.casefold())
    return Overview(tuple(rows), clinic)
