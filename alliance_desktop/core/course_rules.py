"""From instrument definitions (and clinic settings) to the parameters of the clinical rules.

The rule modules (ruptures, tracking, change) take small parameter objects and
know nothing about definition files; this is the one place that reads those
parameters out of a definition, so every threshold the charts, alerts and
reports use comes from the definition or from clinic settings — never from a
constant in code.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance_desktop.core.change import ClinicalRange, ReliableChangeRule
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instrument_model import Instrument
from alliance_desktop.core.ruptures import RuptureRule, ceiling_from_range
from alliance_desktop.core.tracking import TrackingRule


class MissingParameter(ValueError):
    """The definition lacks a parameter the rule needs; the message names instrument and parameter."""


@dataclass(frozen=True, slots=True)
class ClinicRuleSettings:
    """Clinic-level choices that override or complete the definitions (CLINICAL.md §3–4)."""

    yellow_from_session: int = 6
    #: the clinic's own typical session-to-session SD of the alliance total, if it has one
    alliance_reference_sd: float | None = None
    repair_window: int = 3


@dataclass(frozen=True, slots=True)
class OutcomeRules:
    direction: Direction
    clinical_range: ClinicalRange
    reliable_change: ReliableChangeRule
    tracking: TrackingRule


def rupture_rule_for(alliance: Instrument, settings: ClinicRuleSettings | None = None) -> RuptureRule:
    """R1–R3 parameters of an alliance instrument (flag range, ceiling, reference SD, reliable drop)."""
    settings = settings or ClinicRuleSettings()
    cutoff = alliance.clinical_cutoff()
    if cutoff is None:
        raise MissingParameter(f"{alliance.id}: no alliance flag cutoff on the total")
    rc = alliance.reliable_change
    if rc is None:
        raise MissingParameter(f"{alliance.id}: no reliable change value for the total")
    sd = settings.alliance_reference_sd
    if sd is None:
        if alliance.reference_sd is None:
            raise MissingParameter(f"{alliance.id}: no reference session-to-session SD")
        sd = alliance.reference_sd.value
    ceiling = (
        alliance.ceiling.value if alliance.ceiling is not None
        else ceiling_from_range(alliance.min_total, alliance.max_total)
    )
    return RuptureRule(
        flag_range=cutoff.clinical_range,
        ceiling=ceiling,
        reference_sd=sd,
        reliable_change=rc.threshold(),
        repair_window=settings.repair_window,
    )


def outcome_rules_for(outcome: Instrument, *, age: int | None = None,
                      settings: ClinicRuleSettings | None = None) -> OutcomeRules:
    """Direction, clinical range (for this age), reliable change and the not-on-track rule."""
    settings = settings or ClinicRuleSettings()
    cutoff = outcome.clinical_cutoff(age)
    if cutoff is None:
        raise MissingParameter(f"{outcome.id}: no clinical cutoff for age {age if age is not None else 'unknown'}")
    rc = outcome.reliable_change
    if rc is None:
        raise MissingParameter(f"{outcome.id}: no reliable change value for the total")
    return OutcomeRules(
        direction=outcome.direction,
        clinical_range=cutoff.clinical_range,
        reliable_change=rc.rule,
        tracking=TrackingRule(yellow_from_session=settings.yellow_from_session),
    )
