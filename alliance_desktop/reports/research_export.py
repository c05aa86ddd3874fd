"""The research export: one row per session, instrument and scale (long format), with the rules' flags.

Why this shape: the study the product is built on (CLINICAL.md section 1)
models alliance over sessions 1-24 per client, with arm and instruction as
predictors. Statistical packages take that as long data: one observation per
row, the same columns for every instrument and scale. So:

- every session of every episode appears, also missed and unanswered ones
  (one row with an empty instrument and value): gaps stay visible and are
  never filled in;
- only the response that *counts* for a session and instrument is used
  (amended and entered-in-error versions are in the CSV export's totals file);
- the flags are per session and repeated on each of its rows: rupture
  (severity, rules, repair) from the alliance series, not-on-track colour and
  change from intake from the outcome series, and risk items;
- ``study_arm`` is the episode's arm in research mode (``episodes.study_arm``),
  empty outside a study; ``instruction_delivered`` marks the session at which
  the feedback instruction was delivered.

Same file conventions as the CSV export (UTF-8 with BOM, RFC 4180,
formula-safe text, plain numbers).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alliance_desktop.core.export_model import EpisodeExport, SessionExport
from alliance_desktop.reports.atomic_output import atomic_text_files
from alliance_desktop.reports.csv_export import Column, CsvTable, CsvWritten

__all__ = ["RESEARCH_COLUMNS", "write_research_csv"]


def _cols(spec: str) -> tuple[Column, ...]:
    return tuple(Column(n.rstrip("#"), n.endswith("#")) for n in spec.split())


RESEARCH_COLUMNS = _cols(
    "client therapist episode_id study_arm episode_opened_on episode_closed_on session_number# session_date "
    "session_status instruction_delivered# instrument_id instrument_version instrument_role scale value# "
    "rupture_severity rupture_rules rupture_repair not_on_track_colour not_on_track_rule change_from_intake# "
    "reliable_change clinical_range# risk# risk_items"
)


def _role(episode: EpisodeExport, instrument_id: str | None) -> str | None:
    if instrument_id is None:
        return None
    if instrument_id == episode.alliance_instrument:
        return "alliance"
    if instrument_id == episode.outcome_instrument:
        return "outcome"
    return "other"


def _rows(episode: EpisodeExport, session: SessionExport) -> Iterable[list[Any]]:
    f = session.flags
    tail = [f.rupture_severity, ";".join(f.rupture_rules) or None, f.rupture_repair, f.colour, f.colour_rule,
            f.change_from_intake, f.reliable_change, f.clinical, bool(f.risk_items),
            ";".join(f"{i}/{item}" for i, item in f.risk_items) or None]
    head = [episode.pseudonym, episode.therapist, episode.episode_id, episode.study_arm, episode.opened_on,
            episode.closed_on, session.number, session.held_on, session.status, session.instruction]
    counting = sorted((r for r in episode.responses if r.counts and r.session_number == session.number),
                      key=lambda r: (_role(episode, r.instrument_id) or "", r.instrument_id))
    if not counting:
        yield [*head, None, None, None, None, None, *tail]
        return
    for r in counting:
        role = _role(episode, r.instrument_id)
        if not r.scores:
            yield [*head, r.instrument_id, r.instrument_version, role, None, None, *tail]
        for scale in r.scores:
            yield [*head, r.instrument_id, r.instrument_version, role, scale.scale, scale.value, *tail]


def write_research_csv(episodes: Iterable[EpisodeExport], path: Path, *, bom: bool = True) -> CsvWritten:
    """Write the research file atomically; returns its path, row count and the number of episodes."""
    count = 0
    with atomic_text_files([path]) as (out,):
        table = CsvTable(out, RESEARCH_COLUMNS, bom=bom)
        for episode in episodes:
            count += 1
            for session in episode.sessions:
                for row in _rows(episode, session):
                    table.write(row)
    return CsvWritten((path,), (table.rows,), count)
