"""Wording packs: licensed wording installed into a structure-only instrument.

The repository ships licensed scales (SRS, ORS, WAI-SR, CORE-10, ...) as
structure only, with placeholder text. A clinic that holds a licence imports a
small JSON file (resources/instruments/schema/wording-pack.schema.json) that
supplies *all* client-facing wording for one definition version: item text,
visual analogue anchors, option labels, optionally name and instructions.

A pack is checked against the structure it is for: same instrument id and
version, every item exactly once and no other, anchors for every line, labels
for exactly the structure's option values, each declared language everywhere.
A pack that does not match is rejected as a whole; nothing is half-installed.
Where the pack is stored (encrypted, in the clinic database) is storage's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from alliance_desktop.core.instrument_builder import language_problem
from alliance_desktop.core.instrument_loader import schema_text
from alliance_desktop.core.instrument_model import (
    Anchors,
    DefinitionError,
    FrozenMap,
    Instrument,
    Item,
    LocalText,
    Option,
    OptionsResponse,
    VasResponse,
)
from alliance_desktop.core.json_input import decode_json, json_path, validate

PACK_SCHEMA_FILE = "wording-pack.schema.json"


class WordingPackError(DefinitionError):
    """A wording pack is malformed or does not match its instrument (file, JSON path, message)."""


@dataclass(frozen=True, slots=True)
class ItemWording:
    text: LocalText
    anchors: Anchors | None = None
    option_labels: FrozenMap[int, LocalText] | None = None


@dataclass(frozen=True, slots=True)
class WordingPack:
    instrument_id: str
    instrument_version: str
    languages: tuple[str, ...]
    items: FrozenMap[str, ItemWording]
    name: LocalText | None
    instructions: LocalText | None
    licensee: str | None
    licence_reference: str | None
    source_name: str
    #: sha256 of the pack file: stored with the instrument so a response can name its wording.
    digest: str


class _PackReader:
    def __init__(self, raw: dict[str, Any], instrument: Instrument, source_name: str) -> None:
        self.raw = raw
        self.instrument = instrument
        self.source = source_name
        self.languages: tuple[str, ...] = tuple(raw["languages"])

    def fail(self, path: tuple[str | int, ...], message: str) -> NoReturn:
        raise WordingPackError(self.source, json_path(*path), message)

    def text(self, value: dict[str, str], path: tuple[str | int, ...]) -> LocalText:
        problem = language_problem(value, self.languages)
        if problem:
            self.fail(path, problem)
        return FrozenMap({lang: value[lang] for lang in self.languages})

    def check_target(self) -> None:
        instr, target = self.instrument, self.raw["instrument"]
        if target["id"] != instr.id:
            self.fail(("instrument", "id"), f"this pack is for '{target['id']}', not '{instr.id}'")
        if target["version"] != instr.version:
            self.fail(
                ("instrument", "version"),
                f"this pack is for {instr.id} version {target['version']}; the definition is version {instr.version}",
            )
        if instr.wording != "structure_only":
            self.fail(
                ("instrument",),
                f"{instr.abbreviation} already ships its full wording; packs are for structure-only instruments",
            )

    def name(self) -> LocalText | None:
        pack_name = self.text(self.raw["name"], ("name",)) if "name" in self.raw else None
        known = ", ".join(self.instrument.name)
        for lang in self.languages:
            if (pack_name is None or lang not in pack_name) and lang not in self.instrument.name:
                self.fail(("name",), f"no name for language '{lang}': the definition has names in {known} only")
        return pack_name

    def item(self, raw: dict[str, Any], item: Item, path: tuple[str | int, ...]) -> ItemWording:
        text = self.text(raw["text"], (*path, "text"))
        if isinstance(item.response, VasResponse):
            if "options" in raw:
                self.fail(
                    (*path, "options"), f"item '{item.id}' is a visual analogue line: it has anchors, not options"
                )
            if "anchors" not in raw:
                self.fail(path, f"item '{item.id}' is a visual analogue line: give its anchors (low and high)")
            anchors = raw["anchors"]
            low = self.text(anchors["low"], (*path, "anchors", "low"))
            return ItemWording(text, Anchors(low, self.text(anchors["high"], (*path, "anchors", "high"))))
        if "anchors" in raw:
            self.fail((*path, "anchors"), f"item '{item.id}' has response options, not anchors")
        if "options" not in raw:
            self.fail(
                path, f"item '{item.id}' has response options: give a label for each of {list(item.response.values)}"
            )
        values = [opt["value"] for opt in raw["options"]]
        if values != list(item.response.values):
            self.fail(
                (*path, "options"), f"option values {values} do not match the structure's {list(item.response.values)}"
            )
        labels = {
            opt["value"]: self.text(opt["label"], (*path, "options", k, "label"))
            for k, opt in enumerate(raw["options"])
        }
        return ItemWording(text, option_labels=FrozenMap(labels))

    def items(self) -> FrozenMap[str, ItemWording]:
        result: dict[str, ItemWording] = {}
        for i, raw in enumerate(self.raw["items"]):
            path: tuple[str | int, ...] = ("items", i)
            item_id = raw["id"]
            if item_id in result:
                self.fail((*path, "id"), f"duplicate item id '{item_id}'")
            if not self.instrument.has_item(item_id):
                known = ", ".join(item.id for item in self.instrument.items)
                self.fail(
                    (*path, "id"),
                    f"item '{item_id}' is not part of {self.instrument.id} {self.instrument.version} (items: {known})",
                )
            result[item_id] = self.item(raw, self.instrument.item(item_id), path)
        missing = [item.id for item in self.instrument.items if item.id not in result]
        if missing:
            self.fail(
                ("items",),
                f"no wording for item(s) {', '.join(repr(m) for m in missing)}: a pack must cover every item",
            )
        return FrozenMap(result)


def parse_wording_pack(data: bytes, instrument: Instrument, source_name: str = "wording pack") -> WordingPack:
    """Bytes of a pack -> WordingPack checked against ``instrument``, or WordingPackError."""
    import hashlib  # only here: keeps importing the core cheap

    try:
        raw = decode_json(data, source_name)
        validate(raw, schema_text(PACK_SCHEMA_FILE), source_name)
    except DefinitionError as exc:
        raise WordingPackError(exc.file, exc.json_path, exc.message) from None
    reader = _PackReader(raw, instrument, source_name)
    reader.check_target()
    return WordingPack(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        languages=reader.languages,
        items=reader.items(),
        name=reader.name(),
        instructions=reader.text(raw["instructions"], ("instructions",)) if "instructions" in raw else None,
        licensee=raw.get("licensee"),
        licence_reference=raw.get("licence_reference"),
        source_name=source_name,
        digest=hashlib.sha256(data).hexdigest(),
    )


def apply_wording(instrument: Instrument, pack: WordingPack) -> Instrument:
    """A copy of ``instrument`` with the pack's wording; the structure (and scoring) is untouched."""
    if (pack.instrument_id, pack.instrument_version) != (instrument.id, instrument.version):
        raise ValueError(
            f"wording pack for {pack.instrument_id} {pack.instrument_version} "
            f"does not fit {instrument.id} {instrument.version}"
        )
    if instrument.wording != "structure_only":
        raise ValueError(f"{instrument.id} already ships its full wording")
    items = []
    for item in instrument.items:
        wording = pack.items[item.id]
        response = item.response
        if isinstance(response, VasResponse):
            assert wording.anchors is not None
            response = VasResponse(wording.anchors, response.min_mm, response.max_mm)
        else:
            assert wording.option_labels is not None
            response = OptionsResponse(
                tuple(Option(o.value, wording.option_labels[o.value], o.loinc) for o in response.options)
            )
        items.append(Item(item.id, wording.text, response, item.loinc, item.scored))
    pack_name = pack.name or FrozenMap()
    name = FrozenMap({lang: pack_name.get(lang) or instrument.name[lang] for lang in pack.languages})
    return instrument.evolve(
        items=tuple(items),
        languages=pack.languages,
        name=name,
        instructions=pack.instructions,
        wording="full",
        wording_digest=pack.digest,
    )
