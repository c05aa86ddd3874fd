"""The definition loader: a corpus of broken files, all-or-nothing folders, the bundled set.

Every broken case is written to a real file and loaded with ``load_definition``;
the error must name that file, the JSON path of the fault and what is wrong.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from alliance_desktop.core.instruments import (
    DefinitionError,
    Instrument,
    InstrumentSet,
    load_bundled,
    load_definition,
    parse_definition,
    schema_path,
)
from alliance_desktop.resources import instruments_dir
from tests.core.instrument_fixtures import BUNDLED_FILES, base_definition, dump, write

Mutation = Callable[[dict[str, Any]], Any]


def _set(path: tuple[str | int, ...], value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def _delete(path: tuple[str | int, ...]) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return mutate


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def _unsorted_bands(d: dict[str, Any]) -> None:
    d["bands"][2]["min"] = 4


def _second_language(d: dict[str, Any]) -> None:
    d["languages"] = ["en", "de"]


def _two_unbanded_cutoffs(d: dict[str, Any]) -> None:
    d["cutoffs"].append(dict(d["cutoffs"][0]))


def _overlapping_age_bands(d: dict[str, Any]) -> None:
    d["cutoffs"] = [
        {"scale": "total", "op": ">=", "value": 8, "age": {"min": 18}, "label": "adults", "source": "t"},
        {"scale": "total", "op": ">=", "value": 9, "age": {"min": 13, "max": 18}, "label": "teens", "source": "t"},
    ]


def _mixed_ranges_with_prorating(d: dict[str, Any]) -> None:
    d["option_sets"]["yes_no"] = [{"value": 0, "label": {"en": "no"}}, {"value": 1, "label": {"en": "yes"}}]
    d["items"][3]["response"]["option_set"] = "yes_no"
    d["scoring"]["total"]["range"] = {"min": 0, "max": 13}
    d["risk_items"] = []


def _unscored_c(d: dict[str, Any]) -> None:
    d["items"][2]["scored"] = False
    d["scoring"]["total"]["range"]["max"] = 12


def _alliance_without_ceiling(d: dict[str, Any]) -> None:
    d["kind"] = "alliance"
    d["direction"] = "higher_is_better"


# (case id, change, expected JSON path, expected message fragment)
CASES: list[tuple[str, Mutation, str, str]] = [
    ("missing-field", _delete(("direction",)), "$", "'direction' is a required property"),
    ("missing-item-id", _delete(("items", 1, "id")), "$.items[1]", "'id' is a required property"),
    (
        "missing-licence-attribution",
        _delete(("licence", "attribution")),
        "$.licence",
        "'attribution' is a required property",
    ),
    ("wrong-type-bool", _set(("items", 0, "scored"), "yes"), "$.items[0].scored", "'yes' is not of type 'boolean'"),
    ("wrong-type-int", _set(("scoring", "decimals"), "2"), "$.scoring.decimals", "'2' is not of type 'integer'"),
    ("wrong-type-text", _set(("name",), "Test scale"), "$.name", "'Test scale' is not of type 'object'"),
    ("unknown-field", _set(("colour",), "red"), "$", "('colour' was unexpected)"),
    ("bad-enum", _set(("direction",), "up"), "$.direction", "'up' is not one of"),
    (
        "bad-response-type",
        _set(("items", 0, "response", "type"), "slider"),
        "$.items[0].response.type",
        "'slider' is not one of",
    ),
    ("bad-item-id", _set(("items", 0, "id"), "a b"), "$.items[0].id", "does not match"),
    (
        "rc-fixed-and-sd",
        _set(("reliable_change", 0, "fixed"), 4),
        "$.reliable_change[0]",
        'give either "fixed" (a published value) or both "sd" and "reliability", not both',
    ),
    (
        "rc-sd-without-reliability",
        _delete(("reliable_change", 0, "reliability")),
        "$.reliable_change[0]",
        'give either "fixed"',
    ),
    (
        "reliability-one",
        _set(("reliable_change", 0, "reliability"), 1),
        "$.reliable_change[0].reliability",
        "greater than or equal to the maximum of 1",
    ),
    ("example-without-notice", _set(("example",), True), "$", "'notice' is a required property"),
    ("alliance-without-ceiling", _alliance_without_ceiling, "$", "'ceiling' is a required property"),
    ("duplicate-item-id", _set(("items", 3, "id"), "c"), "$.items[3].id", "duplicate item id 'c'"),
    (
        "subscale-unknown-item",
        _set(("scoring", "subscales", 0, "items", 1), "zz"),
        "$.scoring.subscales[0].items[1]",
        "unknown item 'zz'",
    ),
    (
        "subscale-item-twice",
        _set(("scoring", "subscales", 0, "items", 1), "a"),
        "$.scoring.subscales[0].items[1]",
        "item 'a' is listed twice",
    ),
    ("subscale-unscored-item", _unscored_c, "$.scoring.subscales[1].items[0]", "item 'c' is marked \"scored\": false"),
    (
        "subscale-named-total",
        _set(("scoring", "subscales", 1, "id"), "total"),
        "$.scoring.subscales[1].id",
        "duplicate scale id 'total'",
    ),
    (
        "reverse-key-unknown-item",
        _set(("scoring", "reverse_keyed"), ["q"]),
        "$.scoring.reverse_keyed[0]",
        "unknown item 'q'",
    ),
    ("risk-item-unknown", _set(("risk_items", 0, "item"), "z"), "$.risk_items[0].item", "unknown item 'z'"),
    (
        "risk-value-outside-answers",
        _set(("risk_items", 0, "value"), 9),
        "$.risk_items[0].value",
        "9 is outside the answers of item 'd' (0 to 4)",
    ),
    (
        "risk-rule-never-fires",
        _set(("risk_items", 0), {"item": "d", "op": ">", "value": 4, "explanation": "x"}),
        "$.risk_items[0]",
        "rule 'd > 4' can never fire",
    ),
    (
        "reversed-cutoff",
        _set(("cutoffs", 0, "op"), "<"),
        "$.cutoffs[0].op",
        "reversed cutoff: on a lower_is_better scale",
    ),
    (
        "cutoff-outside-range",
        _set(("cutoffs", 0, "value"), 99),
        "$.cutoffs[0].value",
        "cutoff 99 is outside the total score range 0 to 16",
    ),
    (
        "cutoff-unknown-scale",
        _set(("cutoffs", 0, "scale"), "third"),
        "$.cutoffs[0].scale",
        "unknown scale 'third' (known: total, first, second)",
    ),
    (
        "reversed-age-band",
        _set(("cutoffs", 0, "age"), {"min": 17, "max": 13}),
        "$.cutoffs[0].age",
        "age band is reversed (min 17 > max 13)",
    ),
    (
        "overlapping-age-bands",
        _overlapping_age_bands,
        "$.cutoffs[1].age",
        "age band overlaps the one at $.cutoffs[0].age",
    ),
    ("two-unbanded-cutoffs", _two_unbanded_cutoffs, "$.cutoffs[1]", "a second cutoff without an age band"),
    ("bands-out-of-order", _unsorted_bands, "$.bands[2].min", "bands out of order: 4 after 5"),
    ("first-band-not-at-minimum", _set(("bands", 0, "min"), 1), "$.bands[0].min", "must start at the scale minimum 0"),
    (
        "rc-larger-than-range",
        _set(("reliable_change", 0), {"scale": "total", "fixed": 17, "source": "t"}),
        "$.reliable_change[0]",
        "larger than the whole total range",
    ),
    (
        "declared-range-wrong",
        _set(("scoring", "total", "range", "max"), 20),
        "$.scoring.total.range",
        "declared range 0 to 20 does not match the items (0 to 16)",
    ),
    (
        "max-missing-too-large",
        _set(("scoring", "total", "max_missing"), 4),
        "$.scoring.total.max_missing",
        "must be less than the number of items (4)",
    ),
    (
        "prorating-mixed-ranges",
        _mixed_ranges_with_prorating,
        "$.scoring.total.max_missing",
        "needs items with the same score range",
    ),
    (
        "options-not-increasing",
        _set(("option_sets", "freq", 2, "value"), 1),
        "$.option_sets.freq[2].value",
        "strictly increasing (1 after 1)",
    ),
    (
        "unknown-option-set",
        _set(("items", 1, "response", "option_set"), "nope"),
        "$.items[1].response.option_set",
        "unknown option set 'nope'",
    ),
    ("language-declared-text-missing", _second_language, "$.name", "no text for language 'de'"),
    (
        "text-in-undeclared-language",
        _set(("items", 2, "text", "fr"), "Question"),
        "$.items[2].text",
        "text in 'fr', which is not among the declared languages",
    ),
    (
        "no-scored-item",
        lambda d: [item.__setitem__("scored", False) for item in d["items"]],
        "$.items",
        "no scored item",
    ),
    (
        "deep-nesting-inside",
        _set(("notice",), _nested(40)),
        "$.notice" + "[0]" * 20,
        "nested too deeply (more than 20 levels)",
    ),
]

RAW_CASES: list[tuple[str, bytes, str, str]] = [
    ("invalid-utf8", b'{"id": "caf\xe9"}', "$", "not valid UTF-8 at byte 11"),
    ("invalid-utf8-after-bom", b'\xef\xbb\xbf{"a": "\xff"}', "$", "not valid UTF-8 at byte 10"),
    ("truncated-json", b'{"id": "x",\n  "version": ', "$", "not valid JSON: Expecting value at line 2, column 14"),
    ("empty-file", b"", "$", "not valid JSON: Expecting value at line 1, column 1"),
    ("nan", b'{"id": NaN}', "$", "NaN is not allowed in JSON"),
    ("huge-number", b'{"id": 1e999}', "$", "number 1e999 is out of range"),
    ("huge-integer", b'{"id": ' + b"9" * 400 + b"}", "$", "is too large"),
    (
        "duplicate-json-key",
        b'{"languages": ["en"], "items": [{"id": "a", "id": "b"}]}',
        "$.items[0]",
        "duplicate key 'id'",
    ),
    ("not-an-object", b"[]", "$", "[] is not of type 'object'"),
    ("ten-megabytes", b'{"padding": "' + b"x" * (10 * 1024 * 1024) + b'"}', "$", "file is larger than 1 MB"),
    ("deep-nesting-10000", b"[" * 10_000 + b"]" * 10_000, "$", "nested too deeply"),
    ("deep-nesting-objects", b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "$", "nested too deeply"),
]


def test_the_base_definition_is_valid() -> None:
    instrument = parse_definition(dump(base_definition()), "base.json")
    assert isinstance(instrument, Instrument)
    assert instrument.max_total == 16


@pytest.mark.parametrize(("case", "mutate", "path", "message"), CASES, ids=[c[0] for c in CASES])
def test_broken_definition_is_rejected_with_file_path_and_reason(
    tmp_path: Path, case: str, mutate: Mutation, path: str, message: str
) -> None:
    definition = base_definition()
    mutate(definition)
    file = write(tmp_path, f"{case}.json", definition)
    with pytest.raises(DefinitionError) as info:
        load_definition(file)
    error = info.value
    assert (error.file, error.json_path) == (f"{case}.json", path), str(error)
    assert message in error.message
    assert str(error) == f"{case}.json: {path}: {error.message}"


@pytest.mark.parametrize(("case", "content", "path", "message"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_unreadable_file_is_rejected_with_file_path_and_reason(
    tmp_path: Path, case: str, content: bytes, path: str, message: str
) -> None:
    file = write(tmp_path, f"{case}.json", content)
    with pytest.raises(DefinitionError) as info:
        load_definition(file)
    assert (info.value.file, info.value.json_path) == (f"{case}.json", path), str(info.value)
    assert message in info.value.message
    assert len(str(info.value)) < 400, "messages stay short even for huge inputs"


def test_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"^gone\.json: \$: cannot read the file"):
        load_definition(tmp_path / "gone.json")


def test_an_error_message_quoting_a_huge_value_is_shortened() -> None:
    definition = base_definition()
    definition["abbreviation"] = "x" * 100_000  # longer than maxLength: jsonschema quotes it back
    with pytest.raises(DefinitionError) as info:
        parse_definition(dump(definition), "long.json")
    assert info.value.json_path == "$.abbreviation"
    assert len(info.value.message) <= 100 and info.value.message.endswith(" ... is too long")


def test_a_huge_list_of_wrong_items_is_reported_briefly() -> None:
    definition = base_definition()
    definition["items"] = [{"id": "x"}] * 60_000  # 0.8 MB, 180,000 schema violations
    with pytest.raises(DefinitionError) as info:
        parse_definition(dump(definition), "many.json")
    assert info.value.json_path == "$.items" and info.value.message.endswith("is too long")


# -- folders: all or nothing ---------------------------------------------------------------


def _copy_bundled(folder: Path) -> None:
    for file in BUNDLED_FILES:
        shutil.copy(file, folder / file.name)


def test_a_folder_with_one_bad_file_loads_nothing(tmp_path: Path) -> None:
    _copy_bundled(tmp_path)
    current = InstrumentSet.load_directory(tmp_path)
    bad = json.loads((tmp_path / "gad7.json").read_text(encoding="utf-8"))
    bad["items"][3]["id"] = "3"
    write(tmp_path, "gad7.json", bad)
    with pytest.raises(DefinitionError, match=r"^gad7\.json: \$\.items\[3\]\.id: duplicate item id '3'$"):
        InstrumentSet.load_directory(tmp_path)
    assert current == InstrumentSet.load_directory(instruments_dir())  # what the caller holds is untouched


def test_two_files_with_the_same_id_are_rejected(tmp_path: Path) -> None:
    shutil.copy(instruments_dir() / "phq9.json", tmp_path / "a.json")
    shutil.copy(instruments_dir() / "phq9.json", tmp_path / "b.json")
    with pytest.raises(DefinitionError, match=r"^b\.json: \$\.id: instrument id 'phq9' is already defined in a\.json$"):
        InstrumentSet.load_directory(tmp_path)


def test_schema_folder_and_other_files_are_not_definitions(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    write(tmp_path / "schema", "broken.json", b"not json")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    shutil.copy(instruments_dir() / "phq9.json", tmp_path / "phq9.json")
    assert list(InstrumentSet.load_directory(tmp_path)) == ["phq9"]


def test_with_definition_returns_a_new_set_and_leaves_the_old_one() -> None:
    bundled = load_bundled()
    custom = parse_definition(dump(base_definition()), "custom.json")
    bigger = bundled.with_definition(custom)
    assert "test-scale" in bigger and "test-scale" not in bundled
    assert len(bigger) == len(bundled) + 1
    newer = bigger.with_definition(custom.evolve(version="1.1.0"))
    assert newer["test-scale"].version == "1.1.0" and bigger["test-scale"].version == "1.0.0"


# -- the schema and the bundled files -----------------------------------------------------


@pytest.mark.parametrize("name", ["instrument.schema.json", "wording-pack.schema.json"])
def test_the_shipped_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("file", BUNDLED_FILES, ids=[f.name for f in BUNDLED_FILES])
def test_every_bundled_file_validates_and_loads(file: Path) -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    raw = json.loads(file.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(raw)) == []  # the schema as shipped, refs unresolved
    instrument = load_definition(file)
    assert instrument.id == file.stem
    assert load_bundled()[instrument.id] == instrument


def test_the_bundled_set_is_complete() -> None:
    assert sorted(load_bundled()) == [
        "core-10",
        "cors",
        "csrs",
        "example-alliance",
        "gad7",
        "ors",
        "phq9",
        "rupture-question",
        "srs",
        "wai-sr",
    ]
