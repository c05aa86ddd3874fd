"""CSV exports: formula-safe text, numeric numbers, RFC 4180, atomic files (RELIABILITY row 22)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_desktop.core.export_model import ItemValue
from alliance_desktop.reports.csv_cells import FORMULA_TRIGGERS, neutralise_text, number_cell, text_cell
from alliance_desktop.reports.csv_export import (
    ANSWER_COLUMNS,
    BOM,
    Column,
    CsvTable,
    totals_columns,
    write_response_csv,
)
from alliance_desktop.reports.research_export import RESEARCH_COLUMNS, write_research_csv
from tests.reports.export_samples import PAYLOADS, episode, response


def parse(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM.encode("utf-8")), "UTF-8 with BOM (see reports/csv_export.py)"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def recover(cell: str) -> str:
    """The original text: the one added apostrophe removed."""
    return cell[1:] if cell.startswith("'") else cell


def check_table(rows: list[list[str]], columns: tuple[Column, ...]) -> None:
    assert rows[0] == [c.name for c in columns]
    for row in rows[1:]:
        assert len(row) == len(columns)
        for column, cell in zip(columns, row, strict=True):
            if column.numeric:
                assert cell == "" or math.isfinite(float(cell)), (column.name, cell)
            else:
                assert not cell or cell[0] not in FORMULA_TRIGGERS, (column.name, cell)


def test_the_corpus_is_large_enough():
    assert len(set(PAYLOADS)) >= 30


@pytest.mark.parametrize("text", PAYLOADS)
def test_neutralised_text_never_starts_with_a_trigger_and_loses_nothing(text):
    safe = neutralise_text(text)
    assert not safe or safe[0] not in FORMULA_TRIGGERS
    assert safe == text or (safe == "'" + text and text[0] in (*FORMULA_TRIGGERS, "'"))
    assert (safe[1:] if safe.startswith("'") else safe) == text


def test_numbers_are_never_prefixed_and_read_back_exactly():
    for value in (-3, -3.0, -0.5, 0, 2.5, 38.7, 1e-7, -1e20, 27):
        cell = number_cell(value)
        assert cell[0] != "'" and float(cell) == value
    assert number_cell(-3) == "-3"
    assert number_cell(None) == "" and number_cell(float("nan")) == "" and number_cell(True) == "1"
    assert text_cell(-3) == "'-3"  # the same value in a *text* column is text


def test_payloads_in_pseudonyms_and_comments_survive_a_round_trip(tmp_path):
    episodes = [episode(p if p.strip() else "blank", [response(1, comment=p, reason=p, total=-3.0)])
                for p in PAYLOADS]
    answers, totals = tmp_path / "a.csv", tmp_path / "t.csv"
    written = write_response_csv(episodes, answers, totals, subscales=("task",))
    assert written.rows == (2 * len(PAYLOADS), len(PAYLOADS))
    assert b"\r\n" in answers.read_bytes() and not answers.read_bytes().replace(b"\r\n", b"").count(b"\r\n")
    columns = totals_columns(("task",))
    rows = parse(totals)
    check_table(rows, columns)
    check_table(parse(answers), ANSWER_COLUMNS)
    names = [c.name for c in columns]
    for payload, row in zip(PAYLOADS, rows[1:], strict=True):
        assert recover(row[names.index("comment")]) == payload
        assert recover(row[names.index("status_reason")]) == payload
        assert row[names.index("total")] == "-3"
        assert row[names.index("change_from_intake")] == "-3"


def test_research_export_is_formula_safe_and_numeric(tmp_path):
    episodes = [episode(p or "blank", [response(1, total=-2.5), response(2, counts=False)], study_arm=p)
                for p in PAYLOADS]
    path = tmp_path / "r.csv"
    written = write_research_csv(episodes, path)
    rows = parse(path)
    check_table(rows, RESEARCH_COLUMNS)
    arm = [c.name for c in RESEARCH_COLUMNS].index("study_arm")
    assert [recover(r[arm]) for r in rows[1:] if r[RESEARCH_COLUMNS.index(Column("session_number", True))] == "1"] \
        == list(PAYLOADS)
    # session 2 has only a response that does not count: one row, no instrument
    assert written.rows[0] == 2 * len(PAYLOADS)


text_values = st.one_of(st.sampled_from(PAYLOADS), st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
number_values = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False))
COLUMNS = (Column("client"), Column("value", True), Column("comment"), Column("raw", True), Column("note"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(text_values, number_values, text_values, number_values, text_values),
                min_size=20, max_size=20))
def test_property_1000_rows_are_formula_safe_recoverable_and_numeric(rows):
    """50 examples x 20 rows: every text recoverable, no trigger first, every number exact."""
    out = io.StringIO(newline="")
    table = CsvTable(out, COLUMNS)
    for row in rows:
        table.write(row)
    parsed = list(csv.reader(io.StringIO(out.getvalue().removeprefix(BOM), newline="")))
    check_table(parsed, COLUMNS)
    for original, cells in zip(rows, parsed[1:], strict=True):
        for column, value, cell in zip(COLUMNS, original, cells, strict=True):
            if column.numeric:
                assert (cell == "") if value is None else float(cell) == value
            else:
                assert recover(cell) == value


def test_a_failure_half_way_leaves_no_file_and_no_temporary_file(tmp_path):
    old = tmp_path / "t.csv"
    old.write_text("previous export")

    def broken():
        yield episode("KL-1", [response(1)])
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_response_csv(broken(), tmp_path / "a.csv", old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
    assert old.read_text() == "previous export"


def test_answers_keep_millimetres_and_item_scores_apart(tmp_path):
    line = (ItemValue("connection", 8.7, 87, 377.9), ItemValue("focus", None, None, None))
    episodes = [episode("KL-2", [response(1, instrument="example-alliance", answers=line)])]
    write_response_csv(episodes, tmp_path / "a.csv", tmp_path / "t.csv")
    rows = parse(tmp_path / "a.csv")
    names = [c.name for c in ANSWER_COLUMNS]
    first = dict(zip(names, rows[1], strict=True))
    assert (first["raw_value"], first["item_score"], first["vas_length_px"]) == ("87", "8.7", "377.9")
    second = dict(zip(names, rows[2], strict=True))
    assert (second["raw_value"], second["item_score"]) == ("", "")
