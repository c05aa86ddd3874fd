"""CSV export of responses in long format: one row per item answer, plus one row per response (totals).

Format decisions, and why:

- **UTF-8 with a byte-order mark.** The people who open these files are
  clinic staff, mostly in Excel, and Excel reads a CSV without a BOM in the
  machine's legacy code page: every umlaut and accent in a pseudonym or comment
  would turn into garbage. With the BOM Excel, LibreOffice, Numbers, pandas
  (``encoding="utf-8-sig"``) and R (``fileEncoding="UTF-8-BOM"``) all read the
  text as written. The cost (one invisible character that a few strict tools
  keep in the first header name) is smaller than silently garbled text.
- **RFC 4180**: comma separated, CRLF line ends, fields with commas, quotes or
  line breaks quoted and quotes doubled (the ``csv`` module with
  ``reports.csv_cells.CSV_FORMAT``).
- **Formula-safe text, numeric numbers**: see ``reports.csv_cells``.
- **Long format**: one answer per row keeps every instrument in one fixed set
  of columns, which is what R, SPSS and pandas reshape from.

The answers and totals files are written in one pass over the episodes and
appear together or not at all (``reports.atomic_output``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from alliance_desktop.core.export_model import NO_FLAGS, EpisodeExport, ResponseExport, SessionFlags
from alliance_desktop.core.instrument_model import TOTAL
from alliance_desktop.reports.atomic_output import atomic_text_files
from alliance_desktop.reports.csv_cells import CSV_FORMAT, number_cell, text_cell

__all__ = ["ANSWER_COLUMNS", "BOM", "Column", "CsvTable", "CsvWritten", "totals_columns", "write_response_csv"]

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    numeric: bool = False


def _cols(spec: str) -> tuple[Column, ...]:
    """``"a b# c"`` -> columns a (text), b (numeric), c (text)."""
    return tuple(Column(n.rstrip("#"), n.endswith("#")) for n in spec.split())


class CsvTable:
    """One CSV table: writes the header, then converts each row by its columns' kinds."""

    def __init__(self, handle: IO[str], columns: Sequence[Column], *, bom: bool = True) -> None:
        if bom:
            handle.write(BOM)
        self.columns = tuple(columns)
        self.rows = 0
        self._writer = csv.writer(handle, **CSV_FORMAT)
        self._writer.writerow([text_cell(c.name) for c in self.columns])

    def convert(self, values: Sequence[Any]) -> list[str]:
        """The cells of one row: numbers for numeric columns, formula-safe text for the rest."""
        if len(values) != len(self.columns):  # pragma: no cover - a programming error, caught by the tests
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        return [number_cell(v) if c.numeric else text_cell(v) for c, v in zip(self.columns, values)]

    def write(self, values: Sequence[Any]) -> None:
        self.write_cells(self.convert(values))

    def write_cells(self, cells: list[str]) -> None:
        """A row already converted by :meth:`convert` (lets a writer reuse the cells many rows share)."""
        self._writer.writerow(cells)
        self.rows += 1


ANSWER_COLUMNS = _cols(
    "client therapist episode_id session_number# session_date instrument_id instrument_version language "
    "licence_id item_id raw_value# item_score# vas_length_px# respondent_role mode status counts# "
    "submission_id response_id completed_at"
)

_TOTALS_HEAD = _cols(
    "client therapist episode_id study_arm session_number# session_date instrument_id instrument_version language "
    "licence_id respondent_role mode status status_reason amends_response_id counts# submission_id response_id "
    "started_at completed_at scoring_version total#"
)
_TOTALS_TAIL = _cols(
    "risk# risk_items change_from_intake# reliable_change clinical_range# not_on_track_colour not_on_track_rule "
    "rupture_severity rupture_rules rupture_repair comment"
)


def totals_columns(subscales: Sequence[str]) -> tuple[Column, ...]:
    """The totals file's columns: one numeric column per subscale id the exported instruments define."""
    return (*_TOTALS_HEAD, *(Column(f"subscale_{s}", True) for s in subscales), *_TOTALS_TAIL)


@dataclass(frozen=True, slots=True)
class CsvWritten:
    paths: tuple[Path, ...]
    rows: tuple[int, ...]
    episodes: int


def _flag_cells(episode: EpisodeExport, r: ResponseExport, flags: SessionFlags) -> list[Any]:
    """Flags on the response that counts; for the outcome / alliance instrument only where they belong."""
    if not r.counts:
        return [None] * 10
    risk = [item for instrument, item in flags.risk_items if instrument == r.instrument_id]
    outcome = r.instrument_id == episode.outcome_instrument
    alliance = r.instrument_id == episode.alliance_instrument
    return [
        bool(risk), ";".join(risk) or None,
        flags.change_from_intake if outcome else None, flags.reliable_change if outcome else None,
        flags.clinical if outcome else None, flags.colour if outcome else None,
        flags.colour_rule if outcome else None,
        flags.rupture_severity if alliance else None,
        ";".join(flags.rupture_rules) if alliance and flags.rupture_rules else None,
        flags.rupture_repair if alliance else None,
    ]


def _write_answers(table: CsvTable, episode: EpisodeExport, r: ResponseExport, held_on: Any) -> None:
    """One row per answer; the response's cells are converted once and shared (a clinic has millions of rows)."""
    if not r.answers:
        return
    shared = table.convert([
        episode.pseudonym, episode.therapist, episode.episode_id, r.session_number, held_on, r.instrument_id,
        r.instrument_version, r.language, r.licence_id, None, None, None, None, r.respondent_role, r.mode, r.status,
        r.counts, r.submission_id, r.id, r.completed_at])
    for a in r.answers:
        cells = shared.copy()
        cells[9:13] = (text_cell(a.item_id), number_cell(a.raw), number_cell(a.value), number_cell(a.vas_length_px))
        table.write_cells(cells)


def _total_row(episode: EpisodeExport, r: ResponseExport, held_on: Any, subscales: Sequence[str],
               flags: SessionFlags) -> list[Any]:
    total = r.score(TOTAL)
    subs = [(v.value if (v := r.score(s)) is not None else None) for s in subscales]
    return [episode.pseudonym, episode.therapist, episode.episode_id, episode.study_arm, r.session_number, held_on,
            r.instrument_id, r.instrument_version, r.language, r.licence_id, r.respondent_role, r.mode, r.status,
            r.status_reason, r.amends_id, r.counts, r.submission_id, r.id, r.started_at, r.completed_at,
            total.scoring_version if total else None, total.value if total else None, *subs,
            *_flag_cells(episode, r, flags), r.comment]


def write_response_csv(episodes: Iterable[EpisodeExport], answers_path: Path, totals_path: Path, *,
                       subscales: Sequence[str] = (), bom: bool = True) -> CsvWritten:
    """Write the answers file and the totals file; both appear complete, or neither does."""
    count = 0
    with atomic_text_files([answers_path, totals_path]) as (answers_out, totals_out):
        answers = CsvTable(answers_out, ANSWER_COLUMNS, bom=bom)
        totals = CsvTable(totals_out, totals_columns(subscales), bom=bom)
        for episode in episodes:
            count += 1
            sessions = {x.number: x for x in episode.sessions}
            for r in episode.responses:
                session = sessions.get(r.session_number)
                held_on = session.held_on if session else None
                _write_answers(answers, episode, r, held_on)
                totals.write(_total_row(episode, r, held_on, subscales, session.flags if session else NO_FLAGS))
    return CsvWritten((answers_path, totals_path), (answers.rows, totals.rows), count)
