"""Schema-valid JSON -> :class:`Instrument`, with the checks a JSON Schema cannot express.

The input has already passed instrument.schema.json, so types and required
fields are known to be right; what is checked here is meaning: references
between parts (items named by subscales, reverse keys, rules), duplicate ids,
text for every declared language, option values in order, cutoffs pointing the
way the scale points and lying inside its range, age bands and severity bands in
order. Each failure names the JSON path of the offending value.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, NoReturn

from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instrument_model import (
    TOTAL,
    Anchors,
    DefinitionError,
    FrozenMap,
    Instrument,
    Item,
    LocalText,
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
    SourcedValue,
)
from alliance_desktop.core.json_input import json_path

Path = tuple[str | int, ...]


def language_problem(value: dict[str, str], languages: tuple[str, ...]) -> str | None:
    """Per-language text must cover exactly the declared languages: what is wrong, or None."""
    for lang in languages:
        if lang not in value:
            return f"no text for language '{lang}' (declared in $.languages)"
    for lang in value:
        if lang not in languages:
            return f"text in '{lang}', which is not among the declared languages ({', '.join(languages)})"
    return None


class _Builder:
    def __init__(self, raw: dict[str, Any], source_name: str) -> None:
        self.raw = raw
        self.source = source_name
        self.languages: tuple[str, ...] = tuple(raw["languages"])

    def fail(self, path: Path, message: str) -> NoReturn:
        raise DefinitionError(self.source, json_path(*path), message)

    # -- text ----------------------------------------------------------------------------

    def text(self, value: dict[str, str], path: Path) -> LocalText:
        problem = language_problem(value, self.languages)
        if problem:
            self.fail(path, problem)
        return FrozenMap({lang: value[lang] for lang in self.languages})

    def optional_text(self, key: str) -> LocalText | None:
        return self.text(self.raw[key], (key,)) if key in self.raw else None

    # -- items ---------------------------------------------------------------------------

    def option_sets(self) -> dict[str, OptionsResponse]:
        sets: dict[str, OptionsResponse] = {}
        for name, options in self.raw.get("option_sets", {}).items():
            built: list[Option] = []
            for i, opt in enumerate(options):
                path: Path = ("option_sets", name, i)
                value = int(opt["value"])
                if built and value <= built[-1].value:
                    self.fail(
                        (*path, "value"), f"option values must be strictly increasing ({value} after {built[-1].value})"
                    )
                built.append(Option(value, self.text(opt["label"], (*path, "label")), opt.get("loinc")))
            sets[name] = OptionsResponse(tuple(built))
        return sets

    def items(self) -> tuple[Item, ...]:
        sets = self.option_sets()
        items: list[Item] = []
        seen: set[str] = set()
        for i, raw_item in enumerate(self.raw["items"]):
            path: Path = ("items", i)
            item_id = raw_item["id"]
            if item_id in seen:
                self.fail((*path, "id"), f"duplicate item id '{item_id}'")
            seen.add(item_id)
            response_raw = raw_item["response"]
            response: VasResponse | OptionsResponse
            if response_raw["type"] == "vas":
                anchors = response_raw["anchors"]
                apath = (*path, "response", "anchors")
                response = VasResponse(
                    Anchors(self.text(anchors["low"], (*apath, "low")), self.text(anchors["high"], (*apath, "high")))
                )
            else:
                set_name = response_raw["option_set"]
                if set_name not in sets:
                    known = ", ".join(sorted(sets)) or "none"
                    self.fail((*path, "response", "option_set"), f"unknown option set '{set_name}' (defined: {known})")
                response = sets[set_name]
            text = self.text(raw_item["text"], (*path, "text"))
            items.append(Item(item_id, text, response, raw_item.get("loinc"), raw_item.get("scored", True)))
        if not any(item.scored for item in items):
            self.fail(("items",), "no scored item: at least one item must count towards the total")
        return tuple(items)

    # -- scoring -------------------------------------------------------------------------

    def scale(
        self, scale_id: str, name: str, raw: dict[str, Any], ids: list[str], items: dict[str, Item], path: Path
    ) -> ScaleRule:
        seen: set[str] = set()
        for j, item_id in enumerate(ids):
            if item_id not in items:
                self.fail((*path, "items", j), f"unknown item '{item_id}'")
            if not items[item_id].scored:
                self.fail((*path, "items", j), f"item '{item_id}' is marked \"scored\": false")
            if item_id in seen:
                self.fail((*path, "items", j), f"item '{item_id}' is listed twice")
            seen.add(item_id)
        max_missing = raw["max_missing"]
        if max_missing >= len(ids):
            self.fail(
                (*path, "max_missing"), f"max_missing {max_missing} must be less than the number of items ({len(ids)})"
            )
        ranges = [tuple(Fraction(x) for x in items[i].score_range) for i in ids]
        if max_missing > 0 and len(set(ranges)) > 1:
            self.fail(
                (*path, "max_missing"),
                "prorating missing items needs items with the same score range; "
                "set max_missing to 0 or split the scale",
            )
        low: Fraction = sum((r[0] for r in ranges), Fraction(0))
        high: Fraction = sum((r[1] for r in ranges), Fraction(0))
        if raw["method"] == "mean":
            low, high = low / len(ids), high / len(ids)
        declared = raw.get("range")
        if declared is not None and (
            abs(declared["min"] - float(low)) > 1e-9 or abs(declared["max"] - float(high)) > 1e-9
        ):
            self.fail(
                (*path, "range"),
                f"declared range {declared['min']:g} to {declared['max']:g} does not match the items "
                f"({float(low):g} to {float(high):g})",
            )
        return ScaleRule(
            scale_id, name, raw["method"], tuple(ids), max_missing, float(low), float(high), raw.get("check", False)
        )

    def scoring(self, items: tuple[Item, ...]) -> Scoring:
        raw = self.raw["scoring"]
        by_id = {item.id: item for item in items}
        scored = [item.id for item in items if item.scored]
        total = self.scale(TOTAL, "Total", raw["total"], scored, by_id, ("scoring", "total"))
        subscales: list[ScaleRule] = []
        for k, sub in enumerate(raw.get("subscales", [])):
            path: Path = ("scoring", "subscales", k)
            if sub["id"] == TOTAL or any(s.id == sub["id"] for s in subscales):
                self.fail((*path, "id"), f"duplicate scale id '{sub['id']}'")
            subscales.append(self.scale(sub["id"], sub["name"], sub, sub["items"], by_id, path))
        reverse: set[str] = set()
        for j, item_id in enumerate(raw.get("reverse_keyed", [])):
            path = ("scoring", "reverse_keyed", j)
            if item_id not in by_id:
                self.fail(path, f"unknown item '{item_id}'")
            if not by_id[item_id].scored:
                self.fail(path, f"item '{item_id}' is not scored, so it cannot be reverse-keyed")
            if item_id in reverse:
                self.fail(path, f"item '{item_id}' is listed twice")
            reverse.add(item_id)
        return Scoring(
            raw["version"],
            raw["decimals"],
            total,
            tuple(subscales),
            frozenset(reverse),
            raw.get("note"),
            raw.get("check", False),
        )

    # -- clinical parameters ---------------------------------------------------------------

    def in_range(self, value: float, scale: ScaleRule, path: Path, what: str) -> None:
        if not scale.min <= value <= scale.max:
            self.fail(path, f"{what} {value:g} is outside the {scale.id} score range {scale.min:g} to {scale.max:g}")

    def known_scale(self, scoring: Scoring, scale_id: str, path: Path) -> ScaleRule:
        scale = scoring.scale(scale_id)
        if scale is None:
            known = ", ".join(s.id for s in scoring.scales)
            self.fail(path, f"unknown scale '{scale_id}' (known: {known})")
        return scale

    def cutoffs(self, scoring: Scoring, direction: str) -> tuple[Cutoff, ...]:
        cutoffs: list[tuple[Cutoff, Path]] = []
        clinical_ops = ("<", "<=") if direction == "higher_is_better" else (">", ">=")
        for i, raw in enumerate(self.raw.get("cutoffs", [])):
            path: Path = ("cutoffs", i)
            scale = self.known_scale(scoring, raw["scale"], (*path, "scale"))
            if raw["op"] not in clinical_ops:
                self.fail(
                    (*path, "op"),
                    f"reversed cutoff: on a {direction} scale the clinical range lies "
                    f"{'below' if direction == 'higher_is_better' else 'above'} the cutoff, so op must be "
                    f"{' or '.join(repr(op) for op in clinical_ops)}, not {raw['op']!r}",
                )
            self.in_range(raw["value"], scale, (*path, "value"), "cutoff")
            age = None
            if "age" in raw:
                age = AgeBand(raw["age"].get("min"), raw["age"].get("max"))
                if age.min is not None and age.max is not None and age.min > age.max:
                    self.fail((*path, "age"), f"age band is reversed (min {age.min} > max {age.max})")
            cutoff = Cutoff(
                scale.id,
                raw["op"],
                raw["value"],
                raw["label"],
                raw["source"],
                age,
                raw.get("when_age_unknown", False),
                raw.get("check", False),
            )
            for other, other_path in cutoffs:
                if other.scale != cutoff.scale:
                    continue
                where = json_path(*other_path)
                if age is None and other.age is None:
                    self.fail(path, f"a second cutoff without an age band for scale '{scale.id}' (first at {where})")
                if age is not None and other.age is not None and _overlap(age, other.age):
                    self.fail((*path, "age"), f"age band overlaps the one at {where}.age")
                if cutoff.when_age_unknown and other.when_age_unknown:
                    self.fail(
                        (*path, "when_age_unknown"),
                        f"only one cutoff per scale may apply when the age is unknown (first at {where})",
                    )
            cutoffs.append((cutoff, path))
        return tuple(c for c, _ in cutoffs)

    def bands(self, scoring: Scoring) -> tuple[Band, ...]:
        bands: list[Band] = []
        for i, raw in enumerate(self.raw.get("bands", [])):
            path: Path = ("bands", i)
            scale = self.known_scale(scoring, raw["scale"], (*path, "scale"))
            self.in_range(raw["min"], scale, (*path, "min"), "band start")
            previous = [b for b in bands if b.scale == scale.id]
            if not previous and raw["min"] != scale.min:
                self.fail(
                    (*path, "min"),
                    f"the first {scale.id} band must start at the scale minimum {scale.min:g}, not {raw['min']:g}",
                )
            if previous and raw["min"] <= previous[-1].min:
                self.fail((*path, "min"), f"bands out of order: {raw['min']:g} after {previous[-1].min:g}")
            bands.append(Band(scale.id, raw["min"], raw["label"]))
        return tuple(bands)

    def reliable_changes(self, scoring: Scoring) -> tuple[ReliableChange, ...]:
        result: list[ReliableChange] = []
        for i, raw in enumerate(self.raw.get("reliable_change", [])):
            path: Path = ("reliable_change", i)
            scale = self.known_scale(scoring, raw["scale"], (*path, "scale"))
            if any(rc.scale == scale.id for rc in result):
                self.fail((*path, "scale"), f"a second reliable-change entry for scale '{scale.id}'")
            rc = ReliableChange(
                scale.id,
                raw["source"],
                raw.get("fixed"),
                raw.get("sd"),
                raw.get("reliability"),
                raw.get("check", False),
            )
            width = scale.max - scale.min
            if rc.threshold() > width:
                self.fail(
                    path, f"reliable change {rc.threshold():.4g} is larger than the whole {scale.id} range ({width:g})"
                )
            result.append(rc)
        return tuple(result)

    def item_rules(self, key: str, items: tuple[Item, ...]) -> tuple[ItemRule, ...]:
        by_id = {item.id: item for item in items}
        rules: list[ItemRule] = []
        for i, raw in enumerate(self.raw.get(key, [])):
            path: Path = (key, i)
            item = by_id.get(raw["item"])
            if item is None:
                self.fail((*path, "item"), f"unknown item '{raw['item']}'")
            rule = ItemRule(item.id, raw["op"], raw["value"], raw["explanation"])
            answers = _answer_range(item)
            if not answers[0] <= rule.value <= answers[1]:
                self.fail(
                    (*path, "value"),
                    f"{rule.value:g} is outside the answers of item '{item.id}' ({answers[0]} to {answers[1]})",
                )
            if isinstance(item.response, OptionsResponse):
                fires = any(rule.fires(v) for v in item.response.values)
            else:
                fires = rule.fires(answers[0]) or rule.fires(answers[1])
            if not fires:
                self.fail(path, f"rule '{item.id} {rule.op} {rule.value:g}' can never fire")
            rules.append(rule)
        return tuple(rules)

    def sourced(self, key: str, scale: ScaleRule) -> SourcedValue | None:
        raw = self.raw.get(key)
        if raw is None:
            return None
        value = SourcedValue(raw["value"], raw["source"], raw.get("check", False))
        if key == "ceiling":
            self.in_range(value.value, scale, (key, "value"), "ceiling")
        elif value.value > scale.max - scale.min:
            self.fail((key, "value"), f"{value.value:g} is larger than the whole {scale.id} range")
        return value

    def build(self) -> Instrument:
        raw = self.raw
        name = self.text(raw["name"], ("name",))
        instructions, notice = self.optional_text("instructions"), self.optional_text("notice")
        items = self.items()
        scoring = self.scoring(items)
        licence = raw["licence"]
        loinc = raw.get("loinc", {})
        return Instrument(
            id=raw["id"],
            version=raw["version"],
            name=name,
            abbreviation=raw["abbreviation"],
            kind=raw["kind"],
            languages=self.languages,
            wording=raw["wording"],
            example=raw["example"],
            items=items,
            scoring=scoring,
            direction=Direction(raw["direction"]),
            licence=Licence(licence["id"], licence["holder"], licence["terms"], licence["attribution"]),
            cutoffs=self.cutoffs(scoring, raw["direction"]),
            bands=self.bands(scoring),
            reliable_changes=self.reliable_changes(scoring),
            risk_items=self.item_rules("risk_items", items),
            rupture_items=self.item_rules("rupture_items", items),
            ceiling=self.sourced("ceiling", scoring.total),
            reference_sd=self.sourced("reference_sd", scoring.total),
            instructions=instructions,
            notice=notice,
            addon_for=raw.get("addon_for"),
            loinc_panel=loinc.get("panel"),
            loinc_total=loinc.get("total"),
        )


def _overlap(a: AgeBand, b: AgeBand) -> bool:
    a_lo, a_hi = a.min if a.min is not None else 0, a.max if a.max is not None else 10**6
    b_lo, b_hi = b.min if b.min is not None else 0, b.max if b.max is not None else 10**6
    return a_lo <= b_hi and b_lo <= a_hi


def _answer_range(item: Item) -> tuple[int, int]:
    """Raw answers, as stored: option values, or millimetres on a visual analogue line."""
    if isinstance(item.response, OptionsResponse):
        return item.response.values[0], item.response.values[-1]
    return item.response.min_mm, item.response.max_mm


def build_instrument(raw: dict[str, Any], source_name: str) -> Instrument:
    """Schema-valid definition JSON -> Instrument, or DefinitionError for a semantic fault."""
    return _Builder(raw, source_name).build()
