"""Loading instrument definitions: one file, a folder, or the bundled set.

Each stage can only reject: size and encoding (json_input), JSON Schema
(resources/instruments/schema/instrument.schema.json), then the semantic checks
in instrument_builder. Nothing is half-loaded: an :class:`InstrumentSet` is
immutable, and :meth:`InstrumentSet.load_directory` builds a new one only when
every file in the folder is good, so a malformed file leaves whatever set the
caller holds exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

from alliance_desktop.core.instrument_builder import build_instrument
from alliance_desktop.core.instrument_model import DefinitionError, Instrument
from alliance_desktop.core.json_input import MAX_BYTES, decode_json, validate
from alliance_desktop.resources import instruments_dir

SCHEMA_FILE = "instrument.schema.json"


def schema_path(name: str = SCHEMA_FILE) -> Path:
    return instruments_dir() / "schema" / name


@cache
def schema_text(name: str = SCHEMA_FILE) -> str:
    """The shipped schema, read once per process."""
    return schema_path(name).read_text(encoding="utf-8")


def read_capped(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read at most one byte past the cap, so a huge file is refused without reading it all."""
    try:
        with open(path, "rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise DefinitionError(path.name, "$", f"cannot read the file: {exc.strerror or exc}") from None


def parse_definition(data: bytes, source_name: str) -> Instrument:
    """Bytes of one definition -> Instrument, or a DefinitionError naming ``source_name``."""
    raw = decode_json(data, source_name)
    validate(raw, schema_text(), source_name)
    return build_instrument(raw, source_name)


def load_definition(path: str | Path) -> Instrument:
    path = Path(path)
    return parse_definition(read_capped(path), path.name)


class InstrumentSet(Mapping[str, Instrument]):
    """An immutable id -> Instrument mapping. "Changing" it returns a new set."""

    __slots__ = ("_by_id",)

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        by_id: dict[str, Instrument] = {}
        for instrument in instruments:
            if instrument.id in by_id:
                raise ValueError(f"instrument id '{instrument.id}' given twice")
            by_id[instrument.id] = instrument
        self._by_id = by_id

    def __getitem__(self, instrument_id: str) -> Instrument:
        return self._by_id[instrument_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"InstrumentSet({', '.join(f'{i.id}@{i.version}' for i in self._by_id.values())})"

    def with_definition(self, instrument: Instrument) -> InstrumentSet:
        """A new set holding ``instrument`` (replacing one with the same id); this set is unchanged."""
        return InstrumentSet([*(i for i in self._by_id.values() if i.id != instrument.id), instrument])

    def of_kind(self, kind: str) -> tuple[Instrument, ...]:
        return tuple(i for i in self._by_id.values() if i.kind == kind)

    @classmethod
    def load_directory(cls, path: str | Path) -> InstrumentSet:
        """Every ``*.json`` in ``path`` (not subfolders), all or nothing.

        The first bad file (in name order) raises its DefinitionError and no set is
        returned; two files with the same instrument id are an error too.
        """
        folder = Path(path)
        loaded: list[Instrument] = []
        origin: dict[str, str] = {}
        for file in sorted(folder.glob("*.json")):
            instrument = load_definition(file)
            if instrument.id in origin:
                raise DefinitionError(
                    file.name, "$.id", f"instrument id '{instrument.id}' is already defined in {origin[instrument.id]}"
                )
            origin[instrument.id] = file.name
            loaded.append(instrument)
        return cls(loaded)


@cache
def load_bundled() -> InstrumentSet:
    """The definitions shipped in resources/instruments (immutable, so cached per process)."""
    return InstrumentSet.load_directory(instruments_dir())
