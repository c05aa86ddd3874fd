"""Scoring one set of answers: item scores, total and subscales, risk and rupture flags.

Everything comes from the definition (CLINICAL.md section 2): which items count,
sum or mean, reverse keys, how many items may be missing, decimals. The
arithmetic is exact (``fractions.Fraction``) and rounded once at the end, half
up, so a total of 35.9 is 35.9 and not 35.900000000000006, and re-scoring the
same answers always gives the same number. Every score set records a scoring
version that names the definition, its scoring rules and this engine, so a
stored score says how it was made.

Answers are raw, as stored: integer millimetres 0-100 for a visual analogue
line (scored mm/10, i.e. 0.0-10.0), the option value for an options item.

Missing items: up to the scale's ``max_missing`` unanswered items are prorated
(a sum becomes the sum of the answered items x n / answered; a mean is the mean
of the answered ones); past that the scale is "not scorable" with the reason.
Risk items are evaluated on the raw answer and are never averaged away.

Speed (the clinic-scale demo scores about a million responses): the first call
for an instrument compiles a lookup plan, kept per instrument object. Every
valid answer of every item is enumerated once through the exact Fraction code
(item score, reverse keying), and the keyed scores are stored as integers in a
common unit 1/D (D = the least common denominator, 10 when a visual analogue
line is involved). A scale is then ``N / Q`` with integers (sum: ``S``; prorated
sum: ``S x n / answered``; mean: ``S / answered``, all over D) and rounding half
up is one integer floor division, ``(2 N 10^d + Q) // 2Q``: the same number
the Fraction arithmetic gives, bit for bit (tests/core/test_scoring_fast_path.py
checks that against the reference for every bundled instrument). Anything the
plan does not know (an unknown item, a bool, a string, an out-of-range or
fractional answer) goes through the reference path, so errors are unchanged.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from alliance_desktop.core.instrument_model import (
    TOTAL,
    FrozenMap,
    Instrument,
    Item,
    OptionsResponse,
    ScaleRule,
    VasResponse,
)
from alliance_desktop.core.instrument_parameters import ItemRule

#: Bump when this module's arithmetic changes in a way that could change a score.
ENGINE_VERSION = "1"

Answer = float | int | None


@dataclass(frozen=True, slots=True)
class ScaleScore:
    value: float | None
    scorable: bool
    reason: str | None
    answered: int
    missing: int
    prorated: bool = False


@dataclass(frozen=True, slots=True)
class ScoreSet:
    total: ScaleScore
    subscales: FrozenMap[str, ScaleScore]
    scoring_version: str
    #: Each item on its own scale (VAS mm/10, option value) before reverse keying; None if unanswered.
    item_scores: FrozenMap[str, float | None]

    def scale(self, scale_id: str) -> ScaleScore:
        return self.total if scale_id == TOTAL else self.subscales[scale_id]


@dataclass(frozen=True, slots=True)
class ItemFlag:
    """An item rule that fired (a risk item, or a rupture self-report)."""

    item_id: str
    answer: int
    rule: ItemRule

    @property
    def explanation(self) -> str:
        return self.rule.explanation

    def __str__(self) -> str:
        return f"item {self.item_id} = {self.answer} ({self.rule.op} {self.rule.value:g}): {self.rule.explanation}"


RiskFlag = ItemFlag


def scoring_version(instrument: Instrument) -> str:
    return f"{instrument.id}@{instrument.version}/scoring-{instrument.scoring.version}/engine-{ENGINE_VERSION}"


def vas_score(mm: int) -> float:
    """Millimetres on the 10 cm line -> 0.0-10.0."""
    return float(Fraction(mm, 10))


def _as_whole_number(item: Item, answer: object) -> int:
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        raise ValueError(f"item '{item.id}': the answer must be a number, not {answer!r}")
    if isinstance(answer, float):
        if not answer.is_integer():
            unit = "whole millimetres" if isinstance(item.response, VasResponse) else "option values"
            raise ValueError(f"item '{item.id}': answers are {unit}, got {answer!r}")
        return int(answer)
    return answer


def validate_answers(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, int | None]:
    """Every item id -> its raw answer as an int (None = unanswered); ValueError for a bad one."""
    for key in answers:
        if not instrument.has_item(key):
            raise ValueError(f"{instrument.id} has no item {key!r}")
    result: dict[str, int | None] = {}
    for item in instrument.items:
        answer = answers.get(item.id)
        if answer is None:
            result[item.id] = None
            continue
        value = _as_whole_number(item, answer)
        response = item.response
        if isinstance(response, VasResponse):
            if not response.min_mm <= value <= response.max_mm:
                raise ValueError(
                    f"item '{item.id}': {value} mm is outside the line ({response.min_mm}-{response.max_mm} mm)"
                )
        elif isinstance(response, OptionsResponse) and response.option(value) is None:
            raise ValueError(f"item '{item.id}': {value} is not one of the options {list(response.values)}")
        result[item.id] = value
    return result


def _item_score(item: Item, answer: int) -> Fraction:
    return Fraction(answer, 10) if isinstance(item.response, VasResponse) else Fraction(answer)


def _round_half_up(value: Fraction, decimals: int) -> float:
    scale = 10**decimals
    return float(Fraction(math.floor(value * scale + Fraction(1, 2)), scale))


def _score_scale(rule: ScaleRule, scores: Mapping[str, Fraction | None], decimals: int) -> ScaleScore:
    answered = [s for s in (scores[i] for i in rule.items) if s is not None]
    n, missing = len(rule.items), len(rule.items) - len(answered)
    if missing > rule.max_missing:
        allowed = "none may be missing" if rule.max_missing == 0 else f"at most {rule.max_missing} may be missing"
        reason = f"not scorable: {missing} of {n} items unanswered ({allowed})"
        return ScaleScore(None, False, reason, len(answered), missing)
    total = sum(answered, Fraction(0))
    value = total / len(answered) if rule.method == "mean" else total * n / len(answered)
    return ScaleScore(_round_half_up(value, decimals), True, None, len(answered), missing, prorated=missing > 0)


def _score_exact(instrument: Instrument, answers: Mapping[str, Answer]) -> ScoreSet:
    """The reference: validate, then exact Fraction arithmetic. The fast path must equal it."""
    raw = validate_answers(instrument, answers)
    item_scores: dict[str, Fraction | None] = {}
    keyed: dict[str, Fraction | None] = {}
    for item in instrument.items:
        answer = raw[item.id]
        score = None if answer is None else _item_score(item, answer)
        item_scores[item.id] = score
        if score is not None and item.id in instrument.scoring.reverse_keyed:
            score = _reverse(item, score)
        keyed[item.id] = score
    scoring = instrument.scoring
    return ScoreSet(
        total=_score_scale(scoring.total, keyed, scoring.decimals),
        subscales=FrozenMap({rule.id: _score_scale(rule, keyed, scoring.decimals) for rule in scoring.subscales}),
        scoring_version=scoring_version(instrument),
        item_scores=FrozenMap({k: None if v is None else float(v) for k, v in item_scores.items()}),
    )


def _reverse(item: Item, score: Fraction) -> Fraction:
    low, high = item.score_range
    return Fraction(low) + Fraction(high) - score


# -- the compiled fast path ------------------------------------------------------------------------

#: Above this many (item, answer) entries an instrument is scored by the reference path only.
_MAX_TABLE_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class _ScalePlan:
    rule: ScaleRule
    positions: tuple[int, ...]  # indexes into the plan's items, in rule order (repeats allowed)
    n: int
    mean: bool
    not_scorable: tuple[str, ...]  # reason by number of missing items (index = missing)


@dataclass(frozen=True, slots=True)
class _Plan:
    item_ids: tuple[str, ...]
    known: frozenset[str]
    #: per item: answer -> (item score as stored, keyed score in units of 1/unit)
    tables: tuple[dict[int, tuple[float, int]], ...]
    unit: int
    scale_10: int  # 10 ** decimals
    total: _ScalePlan
    subscales: tuple[_ScalePlan, ...]
    version: str


def _valid_answers(item: Item) -> range | tuple[int, ...]:
    response = item.response
    if isinstance(response, VasResponse):
        return range(response.min_mm, response.max_mm + 1)
    if isinstance(response, OptionsResponse):
        return response.values
    raise TypeError(f"unknown response kind {type(response).__name__}")


def _compile(instrument: Instrument) -> _Plan | None:
    """The lookup plan of one instrument, built with the reference functions; None = use the reference."""
    scoring = instrument.scoring
    items = instrument.items
    if sum(len(_valid_answers(item)) for item in items) > _MAX_TABLE_ENTRIES:
        return None
    exact: list[dict[int, tuple[float, Fraction]]] = []
    for item in items:
        table: dict[int, tuple[float, Fraction]] = {}
        for answer in _valid_answers(item):
            if isinstance(answer, bool) or not isinstance(answer, int):
                return None
            score = _item_score(item, answer)
            keyed = _reverse(item, score) if item.id in scoring.reverse_keyed else score
            table[answer] = (float(score), keyed)
        exact.append(table)
    unit = 1
    for table in exact:
        for _score, keyed in table.values():
            unit = math.lcm(unit, keyed.denominator)
    tables = tuple({a: (f, int(k * unit)) for a, (f, k) in t.items()} for t in exact)
    position = {item.id: i for i, item in enumerate(items)}
    if len(position) != len(items):
        return None

    def plan(rule: ScaleRule) -> _ScalePlan:
        n = len(rule.items)
        allowed = "none may be missing" if rule.max_missing == 0 else f"at most {rule.max_missing} may be missing"
        reasons = tuple(f"not scorable: {m} of {n} items unanswered ({allowed})" for m in range(n + 1))
        return _ScalePlan(rule, tuple(position[i] for i in rule.items), n, rule.method == "mean", reasons)

    return _Plan(
        item_ids=tuple(item.id for item in items),
        known=frozenset(position),
        tables=tables,
        unit=unit,
        scale_10=10**scoring.decimals,
        total=plan(scoring.total),
        subscales=tuple(plan(rule) for rule in scoring.subscales),
        version=scoring_version(instrument),
    )


#: id(instrument) -> (weak reference to it, its plan). Keyed by identity: an Instrument is frozen,
#: and hashing one (all its fields) would cost more than scoring.
_PLANS: dict[int, tuple[weakref.ref[Instrument], _Plan | None]] = {}
_PLANS_LOCK = threading.Lock()


def _plan_for(instrument: Instrument) -> _Plan | None:
    key = id(instrument)
    entry = _PLANS.get(key)
    if entry is not None and entry[0]() is instrument:
        return entry[1]
    try:
        compiled = _compile(instrument)
    except Exception:  # an odd definition: the reference path will score it (or say what is wrong)
        compiled = None

    def forget(_ref: object, key: int = key) -> None:
        with _PLANS_LOCK:
            current = _PLANS.get(key)
            if current is not None and current[0] is _ref:
                del _PLANS[key]

    with _PLANS_LOCK:
        _PLANS[key] = (weakref.ref(instrument, forget), compiled)
    return compiled


def _scale_fast(p: _ScalePlan, keyed: list[int | None], unit: int, scale_10: int) -> ScaleScore:
    total = answered = 0
    for i in p.positions:
        k = keyed[i]
        if k is not None:
            total += k
            answered += 1
    missing = p.n - answered
    if missing > p.rule.max_missing:
        return ScaleScore(None, False, p.not_scorable[missing], answered, missing)
    if p.mean:
        num, den = total, answered * unit
    elif missing:
        num, den = total * p.n, answered * unit
    else:
        num, den = total, unit
    # floor(num/den * 10^d + 1/2), exactly; then the same correctly rounded int/int division as Fraction.__float__
    rounded = (2 * num * scale_10 + den) // (2 * den)
    return ScaleScore(rounded / scale_10, True, None, answered, missing, missing > 0)


def score_response(instrument: Instrument, answers: Mapping[str, Answer]) -> ScoreSet:
    """Score one completed questionnaire. Unknown items or impossible answers raise ValueError."""
    plan = _plan_for(instrument)
    if plan is None or not plan.known.issuperset(answers):
        return _score_exact(instrument, answers)
    get = answers.get
    item_scores: dict[str, float | None] = {}
    keyed: list[int | None] = []
    for item_id, table in zip(plan.item_ids, plan.tables):
        answer = get(item_id)
        if answer is None:
            item_scores[item_id] = None
            keyed.append(None)
            continue
        kind = type(answer)
        entry = table.get(answer) if kind is int or kind is float else None  # type: ignore[arg-type]
        if entry is None:  # bool, str, out of range, 1.5 ...: the reference raises the right error
            return _score_exact(instrument, answers)
        item_scores[item_id] = entry[0]
        keyed.append(entry[1])
    unit, scale_10 = plan.unit, plan.scale_10
    return ScoreSet(
        total=_scale_fast(plan.total, keyed, unit, scale_10),
        subscales=FrozenMap({p.rule.id: _scale_fast(p, keyed, unit, scale_10) for p in plan.subscales}),
        scoring_version=plan.version,
        item_scores=FrozenMap(item_scores),
    )


def _fired(rules: tuple[ItemRule, ...], raw: Mapping[str, int | None]) -> tuple[ItemFlag, ...]:
    flags = []
    for rule in rules:
        answer = raw[rule.item_id]
        if answer is not None and rule.fires(answer):
            flags.append(ItemFlag(rule.item_id, answer, rule))
    return tuple(flags)


def risk_flags(instrument: Instrument, answers: Mapping[str, Answer]) -> tuple[RiskFlag, ...]:
    """Risk items that fired, judged on the single item whatever the total (PHQ-9 item 9 > 0)."""
    return _fired(instrument.risk_items, validate_answers(instrument, answers))


def unanswered_risk_items(instrument: Instrument, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """Risk items left blank: not a flag, but something a clinician should know and ask about."""
    raw = validate_answers(instrument, answers)
    return tuple(dict.fromkeys(r.item_id for r in instrument.risk_items if raw[r.item_id] is None))


def rupture_reports(instrument: Instrument, answers: Mapping[str, Answer]) -> tuple[ItemFlag, ...]:
    """The client's own report of a rupture (CLINICAL.md section 4, rule R4)."""
    return _fired(instrument.rupture_items, validate_answers(instrument, answers))
