"""Properties (hypothesis): scores stay in range, prorating stops at the limit, fuzzed files never crash.

RELIABILITY.md row 20: a malformed definition gets a field-specific error and
nothing else; here mutated copies of every bundled definition (and of a wording
pack) must either load or raise DefinitionError - never any other exception.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_desktop.core.instruments import (
    DefinitionError,
    Instrument,
    OptionsResponse,
    VasResponse,
    WordingPackError,
    load_bundled,
    parse_definition,
    parse_wording_pack,
)
from alliance_desktop.core.scoring import score_response
from tests.core.instrument_fixtures import (
    BUNDLED_FILES,
    base_definition,
    dump,
    make_pack,
)

INSTRUMENTS: list[Instrument] = [*load_bundled().values(), parse_definition(dump(base_definition()), "test.json")]
RAW_DEFINITIONS: list[dict[str, Any]] = [json.loads(f.read_text(encoding="utf-8")) for f in BUNDLED_FILES]


def _answer(item: Any) -> st.SearchStrategy[int | None]:
    if isinstance(item.response, VasResponse):
        valid: st.SearchStrategy[int] = st.integers(item.response.min_mm, item.response.max_mm)
    else:
        assert isinstance(item.response, OptionsResponse)
        valid = st.sampled_from(item.response.values)
    return st.none() | valid


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[Instrument, dict[str, int | None]]:
    instrument = draw(st.sampled_from(INSTRUMENTS))
    return instrument, {item.id: draw(_answer(item)) for item in instrument.items}


@given(instrument_and_answers())
def test_scores_stay_in_range_and_prorating_stops_at_the_limit(case: tuple[Instrument, dict[str, int | None]]) -> None:
    instrument, answers = case
    scores = score_response(instrument, answers)
    for rule in instrument.scoring.scales:
        score = scores.scale(rule.id)
        missing = sum(answers[i] is None for i in rule.items)
        assert (score.answered, score.missing) == (len(rule.items) - missing, missing)
        if missing > rule.max_missing:
            # never a number past the limit, and the reason says so
            assert score.value is None and not score.scorable and score.reason and str(missing) in score.reason
        else:
            assert score.scorable and score.value is not None and score.reason is None
            assert rule.min <= score.value <= rule.max
            assert score.prorated == (missing > 0)


@given(instrument_and_answers())
def test_prorated_sum_equals_the_mean_of_the_answered_items_times_n(
    case: tuple[Instrument, dict[str, int | None]],
) -> None:
    instrument, answers = case
    scores = score_response(instrument, answers)
    rule = instrument.scoring.total
    if not scores.total.scorable or rule.method != "sum":
        return
    keyed = []
    for item_id in rule.items:
        if answers[item_id] is None:
            continue
        item = instrument.item(item_id)
        value = Fraction(answers[item_id], 10) if isinstance(item.response, VasResponse) else Fraction(answers[item_id])
        if item_id in instrument.scoring.reverse_keyed:
            value = Fraction(item.score_range[0]) + Fraction(item.score_range[1]) - value
        keyed.append(value)
    exact = sum(keyed, Fraction(0)) / len(keyed) * len(rule.items)
    assert abs(scores.total.value - float(exact)) <= 0.5 * 10**-instrument.scoring.decimals + 1e-12  # type: ignore[operator]


# -- fuzzing the loader ----------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [leaf for v in node.values() for leaf in _leaves(v)]
    if isinstance(node, list):
        return [leaf for v in node for leaf in _leaves(v)]
    return [node]


@st.composite
def mutated(draw: st.DrawFn, raw: dict[str, Any]) -> dict[str, Any]:
    """One to three edits: delete a key or element, replace a value, copy a value from elsewhere, duplicate."""
    doc = copy.deepcopy(raw)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "borrow", "duplicate"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "borrow":
            parent[key] = copy.deepcopy(draw(st.sampled_from(_leaves(doc))))
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = [copy.deepcopy(parent[key]), copy.deepcopy(parent[key])]
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(RAW_DEFINITIONS).flatmap(mutated))
def test_mutated_definitions_load_or_fail_with_a_definition_error(doc: dict[str, Any]) -> None:
    try:
        instrument = parse_definition(dump(doc), "fuzz.json")
    except DefinitionError as error:
        assert error.file == "fuzz.json" and error.json_path.startswith("$") and error.message
    else:  # whatever was accepted must behave: complete answers score inside the declared range
        answers = {
            item.id: item.response.max_mm if isinstance(item.response, VasResponse) else item.response.values[-1]
            for item in instrument.items
        }
        total = score_response(instrument, answers).total
        assert total.scorable and instrument.min_total <= total.value <= instrument.max_total  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_fail_with_a_definition_error(data: bytes) -> None:
    try:
        parse_definition(data, "bytes.json")
    except DefinitionError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["srs", "wai-sr"]).flatmap(lambda i: mutated(make_pack(load_bundled()[i])).map(lambda p: (i, p)))
)
def test_mutated_wording_packs_install_or_fail_with_a_pack_error(case: tuple[str, dict[str, Any]]) -> None:
    instrument = load_bundled()[case[0]]
    try:
        pack = parse_wording_pack(dump(case[1]), instrument, "pack.json")
    except WordingPackError as error:
        assert error.json_path.startswith("$") and error.message
    else:
        installed = instrument.with_wording(pack)
        assert installed.administrable(pack.languages[0]) is None
