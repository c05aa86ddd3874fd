"""A small, valid test definition and wording-pack builder (our own made-up text), and file helpers.

Broken-file cases start from ``base_definition()`` and change one thing, so each
case shows exactly what makes a file bad.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from alliance_desktop.core.instruments import Instrument, VasResponse
from alliance_desktop.resources import instruments_dir

BUNDLED_FILES = sorted(instruments_dir().glob("*.json"))


def _options() -> list[dict[str, Any]]:
    return [{"value": v, "label": {"en": f"{v} points"}} for v in range(5)]


BASE: dict[str, Any] = {
    "format_version": 1,
    "id": "test-scale",
    "version": "1.0.0",
    "name": {"en": "Test scale"},
    "abbreviation": "TS",
    "kind": "outcome",
    "example": False,
    "languages": ["en"],
    "wording": "full",
    "instructions": {"en": "Answer the test questions."},
    "option_sets": {"freq": _options()},
    "items": [
        {"id": i, "text": {"en": f"Test question {i}"}, "response": {"type": "options", "option_set": "freq"}}
        for i in ("a", "b", "c", "d")
    ],
    "scoring": {
        "version": "7",
        "decimals": 2,
        "total": {"method": "sum", "max_missing": 1, "range": {"min": 0, "max": 16}},
        "subscales": [
            {"id": "first", "name": "First", "items": ["a", "b"], "method": "mean", "max_missing": 1},
            {"id": "second", "name": "Second", "items": ["c", "d"], "method": "sum", "max_missing": 0},
        ],
        "reverse_keyed": ["b"],
    },
    "direction": "lower_is_better",
    "cutoffs": [{"scale": "total", "op": ">=", "value": 8, "label": "clinical", "source": "test"}],
    "bands": [
        {"scale": "total", "min": 0, "label": "low"},
        {"scale": "total", "min": 5, "label": "middle"},
        {"scale": "total", "min": 10, "label": "high"},
    ],
    "reliable_change": [{"scale": "total", "sd": 3.0, "reliability": 0.8, "source": "test"}],
    "risk_items": [{"item": "d", "op": ">=", "value": 3, "explanation": "test risk"}],
    "licence": {"id": "test", "holder": "Test holder", "terms": "Test terms", "attribution": "Test attribution"},
}


def base_definition() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def dump(definition: Any) -> bytes:
    return json.dumps(definition, ensure_ascii=False).encode("utf-8")


def write(folder: Path, name: str, content: bytes | dict[str, Any]) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else dump(content))
    return path


def _text(label: str, languages: tuple[str, ...]) -> dict[str, str]:
    return {lang: f"{label} [{lang}]" for lang in languages}


def make_pack(instrument: Instrument, languages: tuple[str, ...] = ("en",)) -> dict[str, Any]:
    """A complete, correct pack for ``instrument`` with test wording."""
    items = []
    for item in instrument.items:
        entry: dict[str, Any] = {"id": item.id, "text": _text(f"Test line {item.id}", languages)}
        if isinstance(item.response, VasResponse):
            entry["anchors"] = {"low": _text("Test low end", languages), "high": _text("Test high end", languages)}
        else:
            entry["options"] = [
                {"value": o.value, "label": _text(f"Test option {o.value}", languages)} for o in item.response.options
            ]
        items.append(entry)
    return {
        "format": "alliance-desktop-wording-pack",
        "format_version": 1,
        "instrument": {"id": instrument.id, "version": instrument.version},
        "languages": list(languages),
        "licensee": "Test Clinic",
        "instructions": _text("Test instructions", languages),
        "items": items,
    }
