"""What the bundled definitions say: exact public-domain wording, placeholders, parameters.

The expected PHQ-9 and GAD-7 strings are copied from CLINICAL.md appendix A, the
form the project ships; a definition that drifts from them by one character fails.
"""

from __future__ import annotations

import pytest

from alliance_desktop.core.direction import Direction
from alliance_desktop.core.instruments import (
    Instrument,
    NotAdministrable,
    OptionsResponse,
    VasResponse,
    load_bundled,
)

FREQUENCY = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
DIFFICULTY = ["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"]
FUNCTIONAL = (
    "If you checked off any problems, how difficult have these problems made it for you to do your work, "
    "take care of things at home, or get along with other people?"
)
ATTRIBUTION = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
    "educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

PHQ9_ITEMS = [
    ("1", "Little interest or pleasure in doing things", "44250-9"),
    ("2", "Feeling down, depressed, or hopeless", "44255-8"),
    ("3", "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("4", "Feeling tired or having little energy", "44254-1"),
    ("5", "Poor appetite or overeating", "44251-7"),
    ("6", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down", "44258-2"),
    ("7", "Trouble concentrating on things, such as reading the newspaper or watching television", "44252-5"),
    (
        "8",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
        "or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    ("9", "Thoughts that you would be better off dead or of hurting yourself in some way", "44260-8"),
]
GAD7_ITEMS = [
    ("1", "Feeling nervous, anxious, or on edge", "69725-0"),
    ("2", "Not being able to stop or control worrying", "68509-9"),
    ("3", "Worrying too much about different things", "69733-4"),
    ("4", "Trouble relaxing", "69734-2"),
    ("5", "Being so restless that it is hard to sit still", "69735-9"),
    ("6", "Becoming easily annoyed or irritable", "69689-8"),
    ("7", "Feeling afraid, as if something awful might happen", "69736-7"),
]
WORDING_ROWS = [("phq9", *row) for row in PHQ9_ITEMS] + [("gad7", *row) for row in GAD7_ITEMS]
STRUCTURE_ONLY = ["srs", "ors", "csrs", "cors", "wai-sr", "core-10"]


def _labels(instrument: Instrument, item_id: str) -> list[str]:
    response = instrument.item(item_id).response
    assert isinstance(response, OptionsResponse)
    return [option.label["en"] for option in response.options]


@pytest.mark.parametrize(("instrument_id", "item_id", "text", "loinc"), WORDING_ROWS)
def test_public_domain_items_carry_the_published_wording(
    instrument_id: str, item_id: str, text: str, loinc: str
) -> None:
    instrument = load_bundled()[instrument_id]
    item = instrument.item(item_id)
    assert item.text == {"en": text}
    assert item.loinc == loinc
    assert item.scored
    assert _labels(instrument, item_id) == FREQUENCY
    assert [o.value for o in instrument.item(item_id).response.options] == [0, 1, 2, 3]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("instrument_id", "stem", "n_items", "panel", "total"),
    [
        (
            "phq9",
            "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            9,
            "44249-1",
            "44261-6",
        ),
        (
            "gad7",
            "Over the last 2 weeks, how often have you been bothered by the following problems?",
            7,
            "69737-5",
            "70274-6",
        ),
    ],
)
def test_public_domain_questionnaires_as_published(
    instrument_id: str, stem: str, n_items: int, panel: str, total: str
) -> None:
    instrument = load_bundled()[instrument_id]
    assert instrument.wording == "full" and instrument.languages == ("en",)
    assert instrument.instructions == {"en": stem}
    assert [i.id for i in instrument.items] == [str(n) for n in range(1, n_items + 1)] + ["difficulty"]
    functional = instrument.item("difficulty")
    assert functional.text == {"en": FUNCTIONAL} and not functional.scored
    assert _labels(instrument, "difficulty") == DIFFICULTY
    assert instrument.licence.attribution == ATTRIBUTION
    assert (instrument.loinc_panel, instrument.loinc_total) == (panel, total)
    assert instrument.administrable("en") is None
    assert "no wording in language 'de'" in (instrument.administrable("de") or "")


def test_phq9_parameters() -> None:
    phq9 = load_bundled()["phq9"]
    assert phq9.direction is Direction.LOWER_IS_BETTER
    assert (phq9.min_total, phq9.max_total) == (0, 27)
    cutoff = phq9.clinical_cutoff()
    assert cutoff is not None and (cutoff.op, cutoff.value, cutoff.check) == (">=", 10, False)
    assert cutoff.is_clinical(10) and not cutoff.is_clinical(9.9)
    assert [b.min for b in phq9.bands] == [0, 5, 10, 15, 20]
    assert phq9.band(14.9).label == "moderate"  # type: ignore[union-attr]
    assert phq9.reliable_change is not None and phq9.reliable_change.threshold() == 6
    assert [(r.item_id, r.op, r.value) for r in phq9.risk_items] == [("9", ">", 0)]
    assert phq9.item("difficulty").loinc == "69722-7"


def test_gad7_parameters() -> None:
    gad7 = load_bundled()["gad7"]
    cutoff = gad7.clinical_cutoff()
    assert cutoff is not None and (cutoff.op, cutoff.value) == (">=", 8)
    assert [b.min for b in gad7.bands] == [0, 5, 10, 15]
    assert gad7.reliable_change.threshold() == 4  # type: ignore[union-attr]
    assert gad7.max_total == 21 and gad7.risk_items == ()


@pytest.mark.parametrize("instrument_id", STRUCTURE_ONLY)
def test_structure_only_instruments_cannot_be_given_and_say_how_to_install(instrument_id: str) -> None:
    instrument = load_bundled()[instrument_id]
    assert instrument.wording == "structure_only"
    reason = instrument.administrable("en")
    assert reason is not None
    assert "wording" in reason and "not installed" in reason and "wording pack" in reason
    assert f"'{instrument_id}' version {instrument.version}" in reason
    with pytest.raises(NotAdministrable, match="Install wording pack"):
        instrument.require_administrable("en")


@pytest.mark.parametrize("instrument_id", STRUCTURE_ONLY)
def test_structure_only_instruments_ship_placeholders_only(instrument_id: str) -> None:
    """Every client-facing string of a licensed scale is a placeholder, never the licensed text."""
    instrument = load_bundled()[instrument_id]
    for n, item in enumerate(instrument.items, 1):
        assert item.text == {"en": f"Item {n} — wording not installed"}
        if isinstance(item.response, VasResponse):
            wording = [item.response.anchors.low["en"], item.response.anchors.high["en"]]
        else:
            wording = [o.label["en"] for o in item.response.options]
        assert all(w.endswith("— wording not installed") for w in wording), wording
    assert instrument.instructions is None
    assert instrument.licence.holder and instrument.licence.attribution


@pytest.mark.parametrize(
    ("instrument_id", "kind"), [("srs", "alliance"), ("csrs", "alliance"), ("ors", "outcome"), ("cors", "outcome")]
)
def test_visual_analogue_scales(instrument_id: str, kind: str) -> None:
    instrument = load_bundled()[instrument_id]
    assert instrument.kind == kind and len(instrument.items) == 4
    assert all(
        isinstance(i.response, VasResponse) and (i.response.min_mm, i.response.max_mm) == (0, 100)
        for i in instrument.items
    )
    assert (instrument.min_total, instrument.max_total) == (0, 40)
    assert instrument.direction is Direction.HIGHER_IS_BETTER


@pytest.mark.parametrize("instrument_id", ["srs", "csrs"])
def test_session_rating_flags_below_36_with_ceiling_38(instrument_id: str) -> None:
    srs = load_bundled()[instrument_id]
    cutoff = srs.clinical_cutoff()
    assert cutoff is not None and cutoff.rule == "total < 36"
    assert cutoff.is_clinical(35.9) and not cutoff.is_clinical(36)
    assert srs.ceiling is not None and srs.ceiling.value == 38


@pytest.mark.parametrize("instrument_id", ["ors", "cors"])
@pytest.mark.parametrize(
    ("age", "value"), [(None, 25), (40, 25), (18, 25), (17, 28), (13, 28), (12, 32), (6, 32), (5, None)]
)
def test_outcome_rating_cutoff_by_age(instrument_id: str, age: int | None, value: float | None) -> None:
    ors = load_bundled()[instrument_id]
    cutoff = ors.clinical_cutoff(age)
    assert (cutoff.value if cutoff else None) == value
    if cutoff:
        assert cutoff.op == "<" and cutoff.check
    assert ors.reliable_change.threshold() == 5  # type: ignore[union-attr]


def test_wai_sr_subscales() -> None:
    wai = load_bundled()["wai-sr"]
    subscales = {s.id: s.items for s in wai.scoring.subscales}
    assert subscales == {
        "task": ("1", "2", "10", "12"),
        "bond": ("3", "5", "7", "9"),
        "goal": ("4", "6", "8", "11"),
    }
    assert all(s.check for s in wai.scoring.subscales)
    assert (wai.min_total, wai.max_total) == (1, 5)


def test_core10_parameters_are_marked_check() -> None:
    core = load_bundled()["core-10"]
    assert core.max_total == 40 and core.scoring.reverse_keyed == {"2", "3"}
    assert core.clinical_cutoff().check and core.reliable_change.check  # type: ignore[union-attr]
    assert core.licence.id == "cc-by-nd-4.0"


def test_example_check_in_is_labelled_and_our_own() -> None:
    example = load_bundled()["example-alliance"]
    assert example.example and example.kind == "alliance" and example.wording == "full"
    assert example.notice is not None and example.notice["en"] == "example — not a validated instrument"
    assert example.languages == ("en", "de", "fr", "it")  # our own wording, so we may translate it
    assert example.title("en") == "Example alliance check-in (example — not a validated instrument)"
    assert [i.id for i in example.items] == ["connection", "focus", "approach", "overall"]
    for item in example.items:
        assert isinstance(item.response, VasResponse) and item.text["en"].endswith("?")
        assert item.response.anchors.low["en"] and item.response.anchors.high["en"]
    assert example.max_total == 40 and example.direction is Direction.HIGHER_IS_BETTER
    cutoff = example.clinical_cutoff()
    assert cutoff is not None and cutoff.rule == "total < 36" and cutoff.check and "illustrative" in cutoff.label
    assert example.ceiling.value == 38 and example.reference_sd.value == 2.0  # type: ignore[union-attr]
    assert example.reliable_change.threshold() == 5 and example.reliable_change.check  # type: ignore[union-attr]
    assert "not validated" in example.reliable_change.source  # type: ignore[union-attr]
    assert "not a validated instrument" in example.licence.attribution
    assert example.administrable("en") is None


def test_rupture_question_is_an_addon_with_a_self_report_rule() -> None:
    question = load_bundled()["rupture-question"]
    assert question.addon_for == "alliance" and question.kind == "other"
    (item,) = question.items
    assert _labels(question, item.id) == ["No", "Yes"]
    assert [(r.item_id, r.op, r.value) for r in question.rupture_items] == [(item.id, ">=", 1)]
    # our own wording, not the example sentence in CLINICAL.md
    assert item.text["en"] != "Was there a moment today when you felt misunderstood or at odds with your therapist?"


def test_every_bundled_instrument_names_its_licence_and_scoring_version() -> None:
    for instrument in load_bundled().values():
        assert instrument.licence.id and instrument.licence.terms and instrument.licence.attribution
        assert instrument.scoring.version
        if instrument.kind == "alliance":
            assert instrument.ceiling is not None
