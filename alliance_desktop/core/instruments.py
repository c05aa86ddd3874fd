"""Instrument definitions: the public face of the instrument modules.

Import from here; the work is split for size:
- instrument_model: the frozen value objects (Instrument, Item, Scoring, ...);
- instrument_parameters: cutoffs, bands, reliable change, risk/rupture item rules, licence;
- json_input: size/UTF-8/JSON/depth checks and JSON Schema validation;
- instrument_builder: the semantic checks and construction;
- instrument_loader: files, folders, the bundled set;
- wording_packs: installing licensed wording into a structure-only instrument.
"""

from __future__ import annotations

from alliance_desktop.core.instrument_loader import (
    InstrumentSet,
    load_bundled,
    load_definition,
    parse_definition,
    schema_path,
)
from alliance_desktop.core.instrument_model import (
    TOTAL,
    Anchors,
    DefinitionError,
    FrozenMap,
    Instrument,
    Item,
    NotAdministrable,
    Option,
    OptionsResponse,
    ScaleRule,
    Scoring,
    VasResponse,
)
from alliance_desktop.core.instrument_parameters import (
    AgeBand,
    Band,
    Cutoff,
    ItemRule,
    Licence,
    ReliableChange,
    RiskItem,
    SourcedValue,
)
from alliance_desktop.core.wording_packs import (
    ItemWording,
    WordingPack,
    WordingPackError,
    parse_wording_pack,
)

__all__ = [
    "TOTAL",
    "AgeBand",
    "Anchors",
    "Band",
    "Cutoff",
    "DefinitionError",
    "FrozenMap",
    "Instrument",
    "InstrumentSet",
    "Item",
    "ItemRule",
    "ItemWording",
    "Licence",
    "NotAdministrable",
    "Option",
    "OptionsResponse",
    "ReliableChange",
    "RiskItem",
    "ScaleRule",
    "Scoring",
    "SourcedValue",
    "VasResponse",
    "WordingPack",
    "WordingPackError",
    "load_bundled",
    "load_definition",
    "parse_definition",
    "parse_wording_pack",
    "schema_path",
]
