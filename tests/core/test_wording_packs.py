"""Wording packs: made-up test wording installed into the structure-only definitions.

The wording used here is our own test text ("Test line 1 ..."), never a
licensed scale's items.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from alliance_desktop.core.instruments import (
    OptionsResponse,
    VasResponse,
    WordingPackError,
    load_bundled,
    parse_wording_pack,
)
from alliance_desktop.core.scoring import score_response
from tests.core.instrument_fixtures import make_pack


def _bytes(pack: Any) -> bytes:
    return json.dumps(pack).encode("utf-8")


@pytest.mark.parametrize("instrument_id", ["srs", "ors", "csrs", "cors", "wai-sr", "core-10"])
def test_a_matching_pack_makes_the_instrument_administrable(instrument_id: str) -> None:
    structure = load_bundled()[instrument_id]
    data = _bytes(make_pack(structure))
    pack = parse_wording_pack(data, structure, "clinic-pack.json")
    installed = structure.with_wording(pack)
    assert structure.administrable("en") is not None  # the original is untouched
    assert installed.administrable("en") is None
    assert installed.wording == "full" and installed.wording_digest == hashlib.sha256(data).hexdigest()
    first = installed.items[0]
    assert first.text == {"en": f"Test line {first.id} [en]"}
    if isinstance(first.response, VasResponse):
        assert first.response.anchors.low == {"en": "Test low end [en]"}
    else:
        assert isinstance(first.response, OptionsResponse)
        assert first.response.options[0].label == {"en": f"Test option {first.response.options[0].value} [en]"}
    assert installed.instructions == {"en": "Test instructions [en]"}
    # the structure is unchanged: same items, scoring and parameters
    assert [i.id for i in installed.items] == [i.id for i in structure.items]
    assert (installed.scoring, installed.cutoffs, installed.reliable_changes) == (
        structure.scoring,
        structure.cutoffs,
        structure.reliable_changes,
    )
    answers = {i.id: (50 if isinstance(i.response, VasResponse) else i.response.values[0]) for i in structure.items}
    assert score_response(installed, answers) == score_response(structure, answers)


def test_a_two_language_pack_needs_a_name_for_the_new_language() -> None:
    srs = load_bundled()["srs"]
    pack = make_pack(srs, ("en", "de"))
    with pytest.raises(WordingPackError, match=r"^pack\.json: \$\.name: no name for language 'de'"):
        parse_wording_pack(_bytes(pack), srs, "pack.json")
    pack["name"] = {"en": "Session rating (test)", "de": "Sitzungsbewertung (Test)"}
    installed = srs.with_wording(parse_wording_pack(_bytes(pack), srs, "pack.json"))
    assert installed.languages == ("en", "de")
    assert installed.name == {"en": "Session rating (test)", "de": "Sitzungsbewertung (Test)"}
    assert installed.administrable("de") is None and installed.administrable("fr") is not None


Change = Callable[[dict[str, Any]], Any]


def _drop_item(pack: dict[str, Any]) -> None:
    del pack["items"][2]


def _extra_item(pack: dict[str, Any]) -> None:
    pack["items"].append(copy.deepcopy(pack["items"][0]) | {"id": "5"})


def _duplicate_item(pack: dict[str, Any]) -> None:
    pack["items"][1]["id"] = pack["items"][0]["id"]


def _missing_language(pack: dict[str, Any]) -> None:
    pack["languages"] = ["en", "de"]
    pack["name"] = {"de": "Name"}


# (case, instrument, change, path, message)
REJECT: list[tuple[str, str, Change, str, str]] = [
    (
        "wrong-instrument",
        "srs",
        lambda p: p["instrument"].update(id="ors"),
        "$.instrument.id",
        "this pack is for 'ors', not 'srs'",
    ),
    (
        "wrong-version",
        "srs",
        lambda p: p["instrument"].update(version="2.0.0"),
        "$.instrument.version",
        "this pack is for srs version 2.0.0; the definition is version 1.0.0",
    ),
    ("missing-item", "srs", _drop_item, "$.items", "no wording for item(s) '3': a pack must cover every item"),
    ("extra-item", "srs", _extra_item, "$.items[4].id", "item '5' is not part of srs 1.0.0"),
    ("duplicate-item", "srs", _duplicate_item, "$.items[1].id", "duplicate item id '1'"),
    ("language-missing", "srs", _missing_language, "$.items[0].text", "no text for language 'de'"),
    (
        "undeclared-language",
        "srs",
        lambda p: p["items"][3]["text"].update(fr="x"),
        "$.items[3].text",
        "text in 'fr', which is not among the declared languages (en)",
    ),
    (
        "vas-without-anchors",
        "ors",
        lambda p: p["items"][0].pop("anchors"),
        "$.items[0]",
        "item '1' is a visual analogue line: give its anchors",
    ),
    (
        "vas-with-options",
        "ors",
        lambda p: p["items"][0].update(
            options=[{"value": 0, "label": {"en": "a"}}, {"value": 1, "label": {"en": "b"}}]
        ),
        "$.items[0].options",
        "it has anchors, not options",
    ),
    (
        "options-without-labels",
        "wai-sr",
        lambda p: p["items"][4].pop("options"),
        "$.items[4]",
        "give a label for each of [1, 2, 3, 4, 5]",
    ),
    (
        "options-mismatch",
        "wai-sr",
        lambda p: p["items"][0]["options"].pop(),
        "$.items[0].options",
        "option values [1, 2, 3, 4] do not match the structure's [1, 2, 3, 4, 5]",
    ),
    (
        "anchors-on-options-item",
        "core-10",
        lambda p: p["items"][0].update(anchors={"low": {"en": "a"}, "high": {"en": "b"}}),
        "$.items[0].anchors",
        "has response options, not anchors",
    ),
    ("missing-format", "srs", lambda p: p.pop("format"), "$", "'format' is a required property"),
    ("wrong-type", "srs", lambda p: p.update(languages="en"), "$.languages", "'en' is not of type 'array'"),
    ("unknown-field", "srs", lambda p: p.update(scoring={}), "$", "('scoring' was unexpected)"),
]


@pytest.mark.parametrize(("case", "instrument_id", "change", "path", "message"), REJECT, ids=[r[0] for r in REJECT])
def test_a_pack_that_does_not_match_is_rejected(
    case: str, instrument_id: str, change: Change, path: str, message: str
) -> None:
    instrument = load_bundled()[instrument_id]
    pack = make_pack(instrument)
    change(pack)
    with pytest.raises(WordingPackError) as info:
        parse_wording_pack(_bytes(pack), instrument, f"{case}.json")
    assert (info.value.file, info.value.json_path) == (f"{case}.json", path), str(info.value)
    assert message in info.value.message


def test_a_pack_for_a_full_instrument_is_rejected() -> None:
    phq9 = load_bundled()["phq9"]
    with pytest.raises(WordingPackError, match=r"\$\.instrument: PHQ-9 already ships its full wording"):
        parse_wording_pack(_bytes(make_pack(phq9)), phq9, "phq9-pack.json")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not valid UTF-8 at byte 0"),
        (b"{", "not valid JSON"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b" " * (1024 * 1024 + 1), "file is larger than 1 MB"),
    ],
)
def test_unreadable_packs_are_rejected(data: bytes, message: str) -> None:
    with pytest.raises(WordingPackError, match=message):
        parse_wording_pack(data, load_bundled()["srs"], "pack.json")


def test_with_wording_refuses_a_pack_made_for_another_instrument() -> None:
    bundled = load_bundled()
    pack = parse_wording_pack(_bytes(make_pack(bundled["srs"])), bundled["srs"])
    with pytest.raises(ValueError, match="does not fit csrs"):
        bundled["csrs"].with_wording(pack)
