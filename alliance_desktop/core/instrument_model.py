"""Frozen value objects for instrument definitions (CLINICAL.md section 2).

An :class:`Instrument` is what a definition file *means* once the loader has
checked it: every threshold the rest of the app uses (cutoffs, reliable change,
risk items, ceiling, reference SD) lives here, with its source and whether it
is a configurable default (``check``), so no rule elsewhere hides a constant.

Client-facing text (names, instructions, item text, anchors, option labels) is
kept per language in a :class:`FrozenMap`; staff-facing text (sources, band
labels, risk explanations, licence) is plain English.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from alliance_desktop.core.change import at_least
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.frozen_map import FrozenMap
from alliance_desktop.core.instrument_parameters import (
    Band,
    Cutoff,
    ItemRule,
    Licence,
    ReliableChange,
    SourcedValue,
)

if TYPE_CHECKING:  # pragma: no cover
    from alliance_desktop.core.wording_packs import WordingPack


#: The scale id of an instrument's total score (subscales use their own ids).
TOTAL = "total"


LocalText = FrozenMap[str, str]


class DefinitionError(Exception):
    """A definition (or wording pack) is malformed: says where and what, never a stack trace.

    ``str(error)`` reads like ``phq9.json: $.items[3].id: duplicate item id '4'``.
    """

    def __init__(self, file: str, json_path: str, message: str) -> None:
        self.file = file
        self.json_path = json_path
        self.message = message
        super().__init__(file, json_path, message)  # all three, so the error survives pickling

    def __str__(self) -> str:
        return f"{self.file}: {self.json_path}: {self.message}"


class NotAdministrable(Exception):
    """The instrument cannot be given to a client (yet); the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Option:
    value: int
    label: LocalText
    loinc: str | None = None


@dataclass(frozen=True, slots=True)
class OptionsResponse:
    """Ordered response options; the option value is the item score."""

    options: tuple[Option, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(o.value for o in self.options)

    @property
    def score_range(self) -> tuple[float, float]:
        return float(self.options[0].value), float(self.options[-1].value)

    def option(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True, slots=True)
class Anchors:
    low: LocalText
    high: LocalText


@dataclass(frozen=True, slots=True)
class VasResponse:
    """A 10 cm visual analogue line: answers are integer mm, scored as mm/10 (0.0-10.0)."""

    anchors: Anchors
    min_mm: int = 0
    max_mm: int = 100

    @property
    def score_range(self) -> tuple[float, float]:
        return self.min_mm / 10, self.max_mm / 10


Response = VasResponse | OptionsResponse


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    text: LocalText
    response: Response
    loinc: str | None = None
    scored: bool = True

    @property
    def score_range(self) -> tuple[float, float]:
        return self.response.score_range


@dataclass(frozen=True, slots=True)
class ScaleRule:
    """How one scale (the total or a subscale) is scored.

    Missing items: up to ``max_missing`` unanswered items are prorated (a sum is
    scaled up to all items, a mean is the mean of the answered ones); more than
    that and the scale is not scorable.
    """

    id: str
    name: str
    method: Literal["sum", "mean"]
    items: tuple[str, ...]
    max_missing: int
    min: float
    max: float
    check: bool = False


@dataclass(frozen=True, slots=True)
class Scoring:
    version: str
    decimals: int
    total: ScaleRule
    subscales: tuple[ScaleRule, ...] = ()
    reverse_keyed: frozenset[str] = frozenset()
    note: str | None = None
    check: bool = False

    @property
    def scales(self) -> tuple[ScaleRule, ...]:
        return (self.total, *self.subscales)

    def scale(self, scale_id: str) -> ScaleRule | None:
        return next((s for s in self.scales if s.id == scale_id), None)


@dataclass(frozen=True)
class Instrument:
    """One questionnaire: wording (or placeholders), scoring and every clinical parameter."""

    id: str
    version: str
    name: LocalText
    abbreviation: str
    kind: Literal["alliance", "outcome", "other"]
    languages: tuple[str, ...]
    wording: Literal["full", "structure_only"]
    example: bool
    items: tuple[Item, ...]
    scoring: Scoring
    direction: Direction
    licence: Licence
    cutoffs: tuple[Cutoff, ...] = ()
    bands: tuple[Band, ...] = ()
    reliable_changes: tuple[ReliableChange, ...] = ()
    risk_items: tuple[ItemRule, ...] = ()
    rupture_items: tuple[ItemRule, ...] = ()
    ceiling: SourcedValue | None = None
    reference_sd: SourcedValue | None = None
    instructions: LocalText | None = None
    notice: LocalText | None = None
    addon_for: str | None = None
    loinc_panel: str | None = None
    loinc_total: str | None = None
    #: sha256 of the wording pack installed with :meth:`with_wording` (None when shipped).
    wording_digest: str | None = None
    _by_id: FrozenMap[str, Item] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", FrozenMap({item.id: item for item in self.items}))

    # -- lookups -------------------------------------------------------------------------

    def item(self, item_id: str) -> Item:
        try:
            return self._by_id[item_id]
        except KeyError:
            raise KeyError(f"{self.id} has no item {item_id!r}") from None

    def has_item(self, item_id: str) -> bool:
        return item_id in self._by_id

    @property
    def min_total(self) -> float:
        return self.scoring.total.min

    @property
    def max_total(self) -> float:
        return self.scoring.total.max

    @property
    def higher_is_better(self) -> bool:
        return self.direction is Direction.HIGHER_IS_BETTER

    def oriented_change(self, before: float, after: float) -> float:
        """``after - before`` signed so that a positive number always means better."""
        return self.direction.oriented_change(before, after)

    def clinical_cutoff(self, age: int | None = None, scale: str = TOTAL) -> Cutoff | None:
        """The cutoff for this age: a matching age band first, else the one without a band.

        With no age known, the band-less cutoff, else the one marked ``when_age_unknown``.
        """
        candidates = [c for c in self.cutoffs if c.scale == scale]
        if age is not None:
            for cutoff in candidates:
                if cutoff.age is not None and cutoff.age.contains(age):
                    return cutoff
            return next((c for c in candidates if c.age is None), None)
        return next((c for c in candidates if c.age is None), None) or next(
            (c for c in candidates if c.when_age_unknown), None
        )

    def band(self, score: float, scale: str = TOTAL) -> Band | None:
        """The severity band ``score`` falls in (bands are in ascending order of ``min``)."""
        found = None
        for band in (b for b in self.bands if b.scale == scale):
            if at_least(score, band.min):
                found = band
        return found

    def reliable_change_for(self, scale: str = TOTAL) -> ReliableChange | None:
        return next((rc for rc in self.reliable_changes if rc.scale == scale), None)

    @property
    def reliable_change(self) -> ReliableChange | None:
        """Reliable change of the total score."""
        return self.reliable_change_for(TOTAL)

    def title(self, language: str) -> str:
        """The name to show, with the example notice attached wherever the name appears."""
        name = self.name.get(language) or next(iter(self.name.values()))
        if self.notice:
            note = self.notice.get(language) or next(iter(self.notice.values()))
            return f"{name} ({note})"
        return name

    # -- administration ------------------------------------------------------------------

    def administrable(self, language: str) -> str | None:
        """None when the instrument can be given to a client in ``language``, else the reason."""
        if self.wording == "structure_only":
            return (
                f"{self.abbreviation} cannot be given to clients yet: its wording is licensed by "
                f"{self.licence.holder} and is not installed (this is a structure-only definition). "
                f"A clinic that holds a licence installs the wording with a wording pack for "
                f"'{self.id}' version {self.version} (administrator: Instruments > Install wording "
                f"pack) or types it into the instrument editor."
            )
        if language not in self.languages:
            return (
                f"{self.abbreviation} has no wording in language '{language}'; available: {', '.join(self.languages)}."
            )
        return None

    def require_administrable(self, language: str) -> None:
        reason = self.administrable(language)
        if reason is not None:
            raise NotAdministrable(reason)

    def with_wording(self, pack: WordingPack) -> Instrument:
        """A copy with the licensed wording of ``pack`` installed (see core/wording_packs.py)."""
        from alliance_desktop.core.wording_packs import apply_wording

        return apply_wording(self, pack)

    def evolve(self, **changes: Any) -> Instrument:
        return replace(self, **changes)
