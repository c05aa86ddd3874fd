"""Scoring, checked against arithmetic done by hand (written out in each docstring)."""

from __future__ import annotations

import pytest

from alliance_desktop.core.instruments import load_bundled, parse_definition
from alliance_desktop.core.scoring import (
    ScaleScore,
    risk_flags,
    rupture_reports,
    score_response,
    unanswered_risk_items,
    vas_score,
)
from tests.core.instrument_fixtures import base_definition, dump


def phq9_answers(*values: int | None, difficulty: int | None = None) -> dict[str, int | None]:
    answers: dict[str, int | None] = {str(n): v for n, v in enumerate(values, 1)}
    answers["difficulty"] = difficulty
    return answers


def test_phq9_sum() -> None:
    """1+2+0+3+1+1+2+0+0 = 10: clinical (>= 10), band "moderate"; the functional item does not count."""
    phq9 = load_bundled()["phq9"]
    scores = score_response(phq9, phq9_answers(1, 2, 0, 3, 1, 1, 2, 0, 0, difficulty=3))
    assert scores.total == ScaleScore(10.0, True, None, answered=9, missing=0, prorated=False)
    assert phq9.clinical_cutoff().is_clinical(scores.total.value)  # type: ignore[union-attr, arg-type]
    assert phq9.band(scores.total.value).label == "moderate"  # type: ignore[union-attr, arg-type]
    assert scores.subscales == {}
    assert scores.item_scores["difficulty"] == 3.0


def test_phq9_one_missing_item_is_prorated_and_rounded_half_up() -> None:
    """Items 1-8 = 1+2+0+3+1+1+2+0 = 10, item 9 blank: 10 x 9/8 = 11.25 -> 11.3 (half up, 1 decimal).

    Python's round(11.25, 1) would give 11.2; the exact Fraction arithmetic rounds half up.
    """
    scores = score_response(load_bundled()["phq9"], phq9_answers(1, 2, 0, 3, 1, 1, 2, 0, None))
    assert scores.total == ScaleScore(11.3, True, None, answered=8, missing=1, prorated=True)


def test_phq9_two_missing_items_are_not_scorable() -> None:
    """Only one of nine items may be missing: two blanks give no total and say why."""
    scores = score_response(load_bundled()["phq9"], phq9_answers(1, 2, 0, 3, 1, 1, 2, None, None))
    assert scores.total.value is None and not scores.total.scorable
    assert scores.total.reason == "not scorable: 2 of 9 items unanswered (at most 1 may be missing)"
    assert (scores.total.answered, scores.total.missing) == (7, 2)


def test_gad7_one_missing_item() -> None:
    """3+3+3+3+3+3 = 18 over six answered items: 18 x 7/6 = 21.0, the maximum, never above it."""
    answers = {str(n): 3 for n in range(1, 7)} | {"7": None}
    assert score_response(load_bundled()["gad7"], answers).total.value == 21.0


@pytest.mark.parametrize(("mm", "score"), [(0, 0.0), (1, 0.1), (37, 3.7), (99, 9.9), (100, 10.0)])
def test_vas_millimetres_to_points(mm: int, score: float) -> None:
    """A mark at mm millimetres on the 10 cm line scores mm/10."""
    assert vas_score(mm) == score
    scores = score_response(
        load_bundled()["example-alliance"], {"connection": mm, "focus": 0, "approach": 0, "overall": 0}
    )
    assert scores.item_scores["connection"] == score and scores.total.value == score


def test_vas_total_is_exact_at_the_flag_boundary() -> None:
    """91+90+90+89 mm = 9.1+9.0+9.0+8.9 = 36.0 exactly (floats would give 35.99999999999999): not < 36."""
    example = load_bundled()["example-alliance"]
    scores = score_response(example, {"connection": 91, "focus": 90, "approach": 90, "overall": 89})
    assert scores.total.value == 36.0
    assert not example.clinical_cutoff().is_clinical(36.0)  # type: ignore[union-attr]
    low = score_response(example, {"connection": 90, "focus": 90, "approach": 90, "overall": 89})
    assert low.total.value == 35.9 and example.clinical_cutoff().is_clinical(35.9)  # type: ignore[union-attr]


def test_vas_lines_may_not_be_missing() -> None:
    """The check-in allows no missing line: three of four answered is not scorable."""
    scores = score_response(load_bundled()["example-alliance"], {"connection": 80, "focus": 80, "approach": 80})
    assert scores.total.reason == "not scorable: 1 of 4 items unanswered (none may be missing)"


@pytest.mark.parametrize(
    ("answer", "total"),
    [
        (0, 8.0),  # items 2 and 3 reverse: 4-0 + 4-0 = 8, the other eight items 0
        (4, 32.0),  # eight items x 4 = 32, items 2 and 3: 4-4 = 0 each
        (2, 20.0),  # ten items at the midpoint: 2 x 10 = 20 (reversing 2 gives 2)
    ],
)
def test_core10_reverse_keys(answer: int, total: float) -> None:
    """CORE-10 reverse-keys items 2 and 3 on 0-4: reversed = 0 + 4 - answer."""
    scores = score_response(load_bundled()["core-10"], {str(n): answer for n in range(1, 11)})
    assert scores.total.value == total
    assert scores.item_scores["2"] == answer  # item scores are reported before reverse keying


def test_wai_sr_means_and_subscales() -> None:
    """Answers 5,4,3,2,1,5,4,3,2,1,5,4 to items 1-12.

    task (1,2,10,12) = (5+4+1+4)/4 = 3.5; bond (3,5,7,9) = (3+1+4+2)/4 = 2.5;
    goal (4,6,8,11) = (2+5+3+5)/4 = 3.75; total = 39/12 = 3.25.
    """
    values = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]
    scores = score_response(load_bundled()["wai-sr"], {str(n): v for n, v in enumerate(values, 1)})
    assert scores.total.value == 3.25
    assert {k: v.value for k, v in scores.subscales.items()} == {"task": 3.5, "bond": 2.5, "goal": 3.75}


def test_wai_sr_subscale_missing_items() -> None:
    """Item 1 blank: task = (4+1+4)/3 = 3.0 (mean of answered); total = 34/11 = 3.0909.. -> 3.09.

    Items 1 and 2 blank: task has 2 of 4 missing (> 1 allowed): not scorable; total 30/10 = 3.0.
    """
    wai = load_bundled()["wai-sr"]
    values = {str(n): v for n, v in enumerate([5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4], 1)}
    one = score_response(wai, values | {"1": None})
    assert one.subscales["task"] == ScaleScore(3.0, True, None, answered=3, missing=1, prorated=True)
    assert one.total.value == 3.09
    two = score_response(wai, values | {"1": None, "2": None})
    assert not two.subscales["task"].scorable and two.subscales["bond"].value == 2.5
    assert two.total.value == 3.0


def test_sum_and_mean_subscales_with_reverse_key_on_the_test_scale() -> None:
    """Test scale, items 0-4, b reverse-keyed: a=1, b=4 -> 0, c=2, d=3.

    total = 1+0+2+3 = 6; first (mean of a, b) = (1+0)/2 = 0.5; second (sum of c, d) = 5.
    With d blank: total = (1+0+2) x 4/3 = 4.0; second allows no missing item.
    """
    scale = parse_definition(dump(base_definition()), "test.json")
    scores = score_response(scale, {"a": 1, "b": 4, "c": 2, "d": 3})
    assert (scores.total.value, scores.subscales["first"].value, scores.subscales["second"].value) == (6.0, 0.5, 5.0)
    blank = score_response(scale, {"a": 1, "b": 4, "c": 2, "d": None})
    assert blank.total.value == 4.0 and blank.total.prorated
    assert blank.subscales["second"].reason == "not scorable: 1 of 2 items unanswered (none may be missing)"
    assert blank.scale("first").value == 0.5


def test_every_score_records_its_scoring_version() -> None:
    phq9 = load_bundled()["phq9"]
    scores = score_response(phq9, phq9_answers(*[0] * 9))
    assert scores.scoring_version == "phq9@1.0.0/scoring-1/engine-1"


@pytest.mark.parametrize(
    ("instrument_id", "answers", "message"),
    [
        ("phq9", {"10": 1}, "phq9 has no item '10'"),
        ("phq9", {"1": 4}, "item '1': 4 is not one of the options [0, 1, 2, 3]"),
        ("phq9", {"1": -1}, "item '1': -1 is not one of the options"),
        ("phq9", {"1": 1.5}, "item '1': answers are option values, got 1.5"),
        ("phq9", {"1": True}, "item '1': the answer must be a number, not True"),
        ("phq9", {"1": "2"}, "item '1': the answer must be a number, not '2'"),
        ("example-alliance", {"focus": 101}, "item 'focus': 101 mm is outside the line (0-100 mm)"),
        ("example-alliance", {"focus": -1}, "item 'focus': -1 mm is outside the line"),
        ("example-alliance", {"focus": 35.5}, "item 'focus': answers are whole millimetres, got 35.5"),
    ],
)
def test_invalid_answers_raise_a_specific_error(instrument_id: str, answers: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        score_response(load_bundled()[instrument_id], answers)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_whole_number_floats_are_accepted() -> None:
    example = load_bundled()["example-alliance"]
    assert score_response(example, {"connection": 50.0, "focus": 50, "approach": 50, "overall": 50}).total.value == 20.0


def test_phq9_item_9_raises_a_risk_flag_whatever_the_total() -> None:
    """Total 1 (only item 9 = 1): minimal band, yet the risk flag fires."""
    phq9 = load_bundled()["phq9"]
    answers = phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1)
    assert score_response(phq9, answers).total.value == 1.0
    (flag,) = risk_flags(phq9, answers)
    assert (flag.item_id, flag.answer) == ("9", 1)
    assert "risk procedure" in flag.explanation
    assert risk_flags(phq9, phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 0)) == ()


def test_a_blank_risk_item_is_reported_but_not_a_flag() -> None:
    phq9 = load_bundled()["phq9"]
    answers = phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, None)
    assert risk_flags(phq9, answers) == ()
    assert unanswered_risk_items(phq9, answers) == ("9",)
    assert unanswered_risk_items(phq9, phq9_answers(*[0] * 9)) == ()


def test_core10_risk_item() -> None:
    core = load_bundled()["core-10"]
    answers = {str(n): 0 for n in range(1, 11)} | {"6": 2}
    assert [f.item_id for f in risk_flags(core, answers)] == ["6"]


def test_rupture_question_yes_is_a_self_report() -> None:
    question = load_bundled()["rupture-question"]
    assert [f.answer for f in rupture_reports(question, {"rupture": 1})] == [1]
    assert rupture_reports(question, {"rupture": 0}) == ()
    assert rupture_reports(question, {}) == ()
    assert score_response(question, {"rupture": 1}).total.value == 1.0


def test_rescoring_gives_identical_results() -> None:
    wai = load_bundled()["wai-sr"]
    answers = {str(n): (n % 5) + 1 for n in range(1, 13)} | {"7": None}
    assert score_response(wai, answers) == score_response(wai, dict(answers))
