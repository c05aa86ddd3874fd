"""Rule parameters come from the bundled definitions, not from code."""

from __future__ import annotations

import pytest

from alliance_desktop.core.change import ClinicalRange
from alliance_desktop.core.course_rules import (
    ClinicRuleSettings,
    MissingParameter,
    outcome_rules_for,
    rupture_rule_for,
)
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instruments import load_bundled


def test_srs_rupture_rule_uses_its_flag_ceiling_and_reliable_change():
    """SRS: flag if total < 36; ceiling 38 (95 % of 40)."""
    srs = load_bundled()["srs"]
    rule = rupture_rule_for(srs)
    assert rule.flag_range == ClinicalRange("<", 36)
    assert rule.ceiling == pytest.approx(38.0)
    assert rule.reliable_change == pytest.approx(srs.reliable_change.threshold())


def test_clinic_reference_sd_overrides_the_definition():
    alliance = load_bundled()["example-alliance"]
    assert rupture_rule_for(alliance, ClinicRuleSettings(alliance_reference_sd=3.5)).reference_sd == 3.5
    assert rupture_rule_for(alliance).reference_sd == alliance.reference_sd.value


def test_phq9_outcome_rules():
    """PHQ-9: lower is better, clinical if total >= 10, reliable change 6, yellow from session 6."""
    rules = outcome_rules_for(load_bundled()["phq9"])
    assert rules.direction is Direction.LOWER_IS_BETTER
    assert rules.clinical_range == ClinicalRange(">=", 10)
    assert rules.reliable_change.threshold == 6
    assert rules.tracking.yellow_from_session == 6


def test_ors_cutoff_depends_on_age():
    """ORS: clinical if < 25 (adults), < 28 (13–17), < 32 (6–12)."""
    ors = load_bundled()["ors"]
    assert outcome_rules_for(ors, age=40).clinical_range == ClinicalRange("<", 25)
    assert outcome_rules_for(ors, age=15).clinical_range == ClinicalRange("<", 28)
    assert outcome_rules_for(ors, age=8).clinical_range == ClinicalRange("<", 32)


def test_an_instrument_without_a_cutoff_is_named_in_the_error():
    wai = load_bundled()["wai-sr"]
    with pytest.raises(MissingParameter, match="wai-sr"):
        rupture_rule_for(wai)
