"""The compiled fast path of ``score_response`` equals the exact Fraction reference, bit for bit.

``score_response`` scores through integer lookup tables per instrument (see the
module docstring of core/scoring.py); ``_score_exact`` is the original
validate-then-Fraction arithmetic. For random answers of every bundled
instrument (and of made-up scoring rules: other decimals, means, reverse keys,
odd visual analogue ranges) both must give the same ScoreSet, the same float
bits, and the same error for a bad answer.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_desktop.core.instruments import Instrument, OptionsResponse, VasResponse, load_bundled, parse_definition
from alliance_desktop.core.scoring import ScoreSet, _plan_for, _score_exact, score_response
from tests.core.instrument_fixtures import base_definition, dump

BUNDLED: list[Instrument] = list(load_bundled().values())
INSTRUMENTS: list[Instrument] = [*BUNDLED, parse_definition(dump(base_definition()), "test.json")]


def _bits(value: float | None) -> tuple[Any, ...]:
    """A float's exact identity (0.0 and -0.0 differ; 35.9 and 35.900000000000006 differ)."""
    return (None,) if value is None else (value.hex(), math.copysign(1.0, value))


def assert_identical(fast: ScoreSet, exact: ScoreSet) -> None:
    assert fast == exact
    assert fast.scoring_version == exact.scoring_version
    assert list(fast.item_scores) == list(exact.item_scores)
    assert [_bits(v) for v in fast.item_scores.values()] == [_bits(v) for v in exact.item_scores.values()]
    assert list(fast.subscales) == list(exact.subscales)
    for a, b in zip((fast.total, *fast.subscales.values()), (exact.total, *exact.subscales.values()), strict=True):
        assert a == b and _bits(a.value) == _bits(b.value)
        assert type(a.value) is type(b.value)


def _valid(item: Any) -> st.SearchStrategy[int]:
    if isinstance(item.response, VasResponse):
        return st.integers(item.response.min_mm, item.response.max_mm)
    assert isinstance(item.response, OptionsResponse)
    return st.sampled_from(item.response.values)


def _answer(item: Any) -> st.SearchStrategy[Any]:
    """Mostly valid ints; sometimes blank, a whole-number float, or left out of the mapping."""
    valid = _valid(item)
    return st.one_of(valid, valid, valid, st.none(), valid.map(float), st.just(_OMIT))


_OMIT = object()


@st.composite
def answers_for(draw: st.DrawFn, instrument: Instrument) -> dict[str, Any]:
    drawn = {item.id: draw(_answer(item)) for item in instrument.items}
    return {k: v for k, v in drawn.items() if v is not _OMIT}


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[Instrument, dict[str, Any]]:
    instrument = draw(st.sampled_from(INSTRUMENTS))
    return instrument, draw(answers_for(instrument))


def test_every_bundled_instrument_compiles_a_plan() -> None:
    for instrument in BUNDLED:
        assert _plan_for(instrument) is not None, instrument.id


@settings(max_examples=3000, deadline=None)
@given(instrument_and_answers())
def test_fast_path_equals_the_fraction_reference(case: tuple[Instrument, dict[str, Any]]) -> None:
    instrument, answers = case
    assert_identical(score_response(instrument, answers), _score_exact(instrument, answers))


@pytest.mark.parametrize("instrument", BUNDLED, ids=lambda i: i.id)
def test_every_complete_answer_set_on_the_grid_matches(instrument: Instrument) -> None:
    """Deterministic sweep: all items at the same position of their range, and one item blank."""
    for step in range(11):
        answers: dict[str, Any] = {}
        for item in instrument.items:
            values = list(_grid(item))
            answers[item.id] = values[round(step / 10 * (len(values) - 1))]
        assert_identical(score_response(instrument, answers), _score_exact(instrument, answers))
        for blank in instrument.items:
            partial = answers | {blank.id: None}
            assert_identical(score_response(instrument, partial), _score_exact(instrument, partial))


def _grid(item: Any) -> range | tuple[int, ...]:
    if isinstance(item.response, VasResponse):
        return range(item.response.min_mm, item.response.max_mm + 1)
    return item.response.values


# -- made-up scoring rules: the integer arithmetic is general, not tuned to the bundled files ----------------


@st.composite
def odd_instrument(draw: st.DrawFn) -> Instrument:
    """A bundled instrument with other decimals, sum/mean, max_missing, reverse keys and VAS line ends."""
    base = draw(st.sampled_from(BUNDLED))
    items = []
    for item in base.items:
        if isinstance(item.response, VasResponse):
            lo = draw(st.integers(0, 40))
            hi = draw(st.integers(lo, 100))
            item = dataclasses.replace(item, response=dataclasses.replace(item.response, min_mm=lo, max_mm=hi))
        items.append(item)
    ids = [item.id for item in items]

    def rule(r: Any) -> Any:
        return dataclasses.replace(
            r,
            method=draw(st.sampled_from(["sum", "mean"])),
            max_missing=draw(st.integers(0, max(0, len(r.items) - 1))),
        )

    scoring = dataclasses.replace(
        base.scoring,
        decimals=draw(st.integers(0, 4)),
        total=rule(base.scoring.total),
        subscales=tuple(rule(r) for r in base.scoring.subscales),
        reverse_keyed=frozenset(draw(st.lists(st.sampled_from(ids), max_size=len(ids)))),
    )
    return dataclasses.replace(base, items=tuple(items), scoring=scoring)


@settings(max_examples=1500, deadline=None)
@given(st.data())
def test_fast_path_equals_the_reference_for_made_up_rules(data: st.DataObject) -> None:
    instrument = data.draw(odd_instrument())
    answers = data.draw(answers_for(instrument))
    try:
        exact = _score_exact(instrument, answers)
    except ZeroDivisionError:  # every item of a scale blank and allowed to be: both must fail alike
        with pytest.raises(ZeroDivisionError):
            score_response(instrument, answers)
        return
    assert_identical(score_response(instrument, answers), exact)


# -- bad answers take the reference path and get its error ------------------------------------------------

BAD_VALUES = st.one_of(
    st.booleans(),
    st.text(max_size=3),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just([1]),
)


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_bad_answers_raise_the_reference_error(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    answers = data.draw(answers_for(instrument))
    key = data.draw(st.sampled_from([*(item.id for item in instrument.items), "no-such-item"]))
    answers[key] = data.draw(BAD_VALUES)
    try:
        expected: Any = _score_exact(instrument, answers)
    except (ValueError, TypeError) as error:
        with pytest.raises(type(error)) as info:
            score_response(instrument, answers)
        assert str(info.value) == str(error)
    else:
        assert_identical(score_response(instrument, answers), expected)


def test_plans_are_per_instrument_object_and_forgotten_with_it() -> None:
    import gc

    from alliance_desktop.core import scoring

    phq9 = load_bundled()["phq9"]
    copy = dataclasses.replace(phq9, scoring=dataclasses.replace(phq9.scoring, decimals=0))
    answers = {str(n): 1 for n in range(1, 9)}  # item 9 blank: 8 x 9/8 = 9, and 9 either way
    assert score_response(phq9, answers | {"1": 2}).total.value == 10.1  # 9 x 9/8 = 10.125 -> 10.1
    assert score_response(copy, answers | {"1": 2}).total.value == 10.0  # 0 decimals
    assert _plan_for(copy) is not _plan_for(phq9)
    key = id(copy)
    assert key in scoring._PLANS
    del copy
    gc.collect()
    assert key not in scoring._PLANS or scoring._PLANS[key][0]() is not None
