"""Turning a kiosk submission into stored rows: validation, scores and the alerts it raises.

Everything the client sent is checked *before* the write transaction opens
(core.scoring refuses an unknown item, a value off the line or not among the
options; the comment is NFC-normalised and refused, never cut, when too long),
so a bad submission stores nothing. The alerts use the core rules on the
episode's earlier observed totals, exactly as the course view does:

- ``risk``: a risk item fired (PHQ-9 item 9 > 0), judged on the single item;
- ``rupture``: core.ruptures on the alliance series (R1-R3), plus the client's
  own answer to the rupture question (R4) when it was asked;
- ``not_on_track``: the session's not-on-track colour is red (core.tracking:
  a risk item, or a reliable deterioration since intake).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from alliance_desktop.core.course_rules import MissingParameter, outcome_rules_for, rupture_rule_for
from alliance_desktop.core.instruments import TOTAL, VasResponse
from alliance_desktop.core.kiosk_model import (
    CommentProblem,
    KioskAnswers,
    clean_comment,
    line_key,
    line_length_problem,
)
from alliance_desktop.core.ruptures import AllianceObservation, detect_ruptures
from alliance_desktop.core.scoring import (
    ItemFlag,
    ScoreSet,
    risk_flags,
    rupture_reports,
    score_response,
    validate_answers,
    vas_score,
)
from alliance_desktop.core.tracking import Colour, OutcomeObservation, track_outcome
from alliance_desktop.services.kiosk_errors import InvalidInput
from alliance_desktop.services.kiosk_open import OpenQuestionnaire
from alliance_desktop.storage import kiosk_store
from alliance_desktop.storage.kiosk_store import AlertRow, ResponseRow

#: (instrument id or None, kind, rule ids, severity, explanation) -> an alert row of this session
_MakeAlert = Callable[[str | None, str, str, str, str], AlertRow]


@dataclass(frozen=True, slots=True)
class CheckedAnswers:
    """A submission that passed every check: raw answers, scores and flags per instrument."""

    raw: Mapping[str, Mapping[str, int | None]]
    scores: Mapping[str, ScoreSet]
    risks: Mapping[str, tuple[ItemFlag, ...]]
    self_reports: tuple[ItemFlag, ...]
    line_lengths: Mapping[str, float]
    comment: str | None
    started_at: datetime
    submission_id: uuid.UUID


def check_answers(record: OpenQuestionnaire, answers: KioskAnswers) -> CheckedAnswers:
    """Validate a submission against its instruments; InvalidInput names the first problem."""
    if not isinstance(answers.submission_id, uuid.UUID):
        raise InvalidInput("submission_id", "The submission id must be a UUID.")
    started = answers.started_at
    if not isinstance(started, datetime) or started.tzinfo is None:
        raise InvalidInput("started_at", "The start time must be a timezone-aware date and time.")
    by_id = {i.id: i for i in record.instruments}
    extra = [k for k in answers.answers if k not in by_id]
    if extra:
        raise InvalidInput("answers", f"'{extra[0]}' is not part of this questionnaire.")
    raw: dict[str, dict[str, int | None]] = {}
    scores: dict[str, ScoreSet] = {}
    risks: dict[str, tuple[ItemFlag, ...]] = {}
    self_reports: list[ItemFlag] = []
    for instrument in record.instruments:
        given = answers.answers.get(instrument.id, {})
        try:
            clean = validate_answers(instrument, given)
            scored = score_response(instrument, clean)
            risks[instrument.id] = risk_flags(instrument, clean)
            self_reports.extend(rupture_reports(instrument, clean))
        except ValueError as exc:
            raise InvalidInput(f"answers.{instrument.id}", f"{instrument.abbreviation}: {exc}") from None
        raw[instrument.id] = clean
        scores[instrument.id] = scored
    lengths: dict[str, float] = {}
    for key, value in answers.line_lengths_px.items():
        instrument_id, _, item_id = str(key).partition("/")
        instrument = by_id.get(instrument_id)
        if instrument is None or not instrument.has_item(item_id) or not isinstance(
            instrument.item(item_id).response, VasResponse
        ):
            raise InvalidInput("line_lengths_px", f"'{key}' is not a line of this questionnaire.")
        problem = line_length_problem(value)
        if problem:
            raise InvalidInput("line_lengths_px", f"The drawn length of '{key}' {problem}.")
        lengths[key] = float(value)
    try:
        comment = clean_comment(answers.comment, record.comment_max_chars)
    except CommentProblem as exc:
        raise InvalidInput("comment", str(exc)) from None
    return CheckedAnswers(raw, scores, risks, tuple(self_reports), lengths, comment, started, answers.submission_id)


def response_rows(
    record: OpenQuestionnaire, checked: CheckedAnswers, *, device_id: str, now: datetime
) -> list[ResponseRow]:
    """One response per instrument, in questionnaire order; the comment goes with the first."""
    rows = []
    sub_ids = record.submission_ids(checked.submission_id)
    for index, instrument in enumerate(record.instruments):
        answers = []
        for item in instrument.items:
            value = checked.raw[instrument.id][item.id]
            if value is None:
                continue
            if isinstance(item.response, VasResponse):
                answers.append(dict(item_id=item.id, value=vas_score(value), vas_mm=value,
                                    vas_length_px=checked.line_lengths.get(line_key(instrument.id, item.id))))
            else:
                answers.append(dict(item_id=item.id, value=float(value), vas_mm=None, vas_length_px=None))
        scored = checked.scores[instrument.id]
        scores = [dict(scale=scale, value=sc.value, scorable=sc.scorable, reason=sc.reason,
                       scoring_version=scored.scoring_version)
                  for scale, sc in ((TOTAL, scored.total), *scored.subscales.items())]
        rows.append(ResponseRow(
            id=uuid.uuid4(), submission_id=sub_ids[instrument.id], session_id=record.ctx.session_id,
            instrument_id=instrument.id, instrument_version=instrument.version,
            language=record.languages[instrument.id], licence_id=instrument.licence.id, device_id=device_id,
            started_at=checked.started_at, completed_at=now, comment=checked.comment if index == 0 else None,
            answers=tuple(answers), scores=tuple(scores),
        ))
    return rows


def alert_rows(
    s: Session, record: OpenQuestionnaire, checked: CheckedAnswers, responses: list[ResponseRow], now: datetime
) -> list[AlertRow]:
    """The alerts this session raises, computed with the core rules on the episode's earlier totals."""
    ctx = record.ctx
    response_of = {r.instrument_id: r.id for r in responses}

    def alert(instrument_id: str | None, kind: str, rule_ids: str, severity: str, explanation: str) -> AlertRow:
        return AlertRow(ctx.episode_id, ctx.session_id, response_of.get(instrument_id) if instrument_id else None,
                        kind, rule_ids[:64], severity, explanation, now)

    out: list[AlertRow] = []
    for instrument in record.instruments:
        for flag in checked.risks[instrument.id]:
            out.append(alert(instrument.id, "risk", f"risk:{instrument.id}/{flag.item_id}", "high",
                             f"{instrument.abbreviation}: {flag}"))
    followed = [i.id for i in record.instruments if i.kind in ("alliance", "outcome")]
    earlier = kiosk_store.earlier_totals(s, ctx.episode_id, followed, ctx.number)
    out.extend(_rupture_alerts(record, checked, earlier, alert))
    out.extend(_tracking_alerts(record, checked, earlier, alert, now))
    return out


def _rupture_alerts(
    record: OpenQuestionnaire, checked: CheckedAnswers, earlier: Mapping[str, list[tuple[int, float]]],
    alert: _MakeAlert,
) -> list[AlertRow]:
    ctx = record.ctx
    reported = bool(checked.self_reports)
    out = []
    judged = False
    for instrument in (i for i in record.instruments if i.kind == "alliance"):
        try:
            rule = rupture_rule_for(instrument)
        except MissingParameter:
            continue
        judged = True
        total = checked.scores[instrument.id].total.value
        series = [AllianceObservation(n, v) for n, v in earlier[instrument.id]]
        series.append(AllianceObservation(ctx.number, total, True if reported else None))
        events = detect_ruptures(series, rule, label=f"{instrument.abbreviation} total")
        event = next((e for e in events if e.session == ctx.number), None)
        if event is not None:
            out.append(alert(instrument.id, "rupture", ",".join(event.rule_ids), event.severity.value,
                             event.explanation))
    if reported and not judged:
        # The rupture question was asked without an alliance instrument: R4 stands on its own.
        for flag in checked.self_reports:
            out.append(alert(None, "rupture", "R4", "possible", f"R4: {flag.explanation}"))
    return out


def _tracking_alerts(
    record: OpenQuestionnaire, checked: CheckedAnswers, earlier: Mapping[str, list[tuple[int, float]]],
    alert: _MakeAlert, now: datetime,
) -> list[AlertRow]:
    ctx = record.ctx
    age = now.year - ctx.client_birth_year if ctx.client_birth_year else None
    out = []
    for instrument in (i for i in record.instruments if i.kind == "outcome"):
        try:
            rules = outcome_rules_for(instrument, age=age)
        except MissingParameter:
            continue
        total = checked.scores[instrument.id].total.value
        flags = checked.risks[instrument.id]
        if total is None and not flags:
            continue
        note = "; ".join(f"{instrument.abbreviation} item {f.item_id} = {f.answer}" for f in flags)
        series = [OutcomeObservation(n, v) for n, v in earlier[instrument.id]]
        series.append(OutcomeObservation(ctx.number, total, bool(flags), note))
        status = track_outcome(series, rule=rules.tracking, reliable_change=rules.reliable_change,
                               clinical_range=rules.clinical_range, direction=rules.direction,
                               label=f"{instrument.abbreviation} total")[-1]
        if status.colour is Colour.RED:
            out.append(alert(instrument.id, "not_on_track", status.rule_id.value, "red", status.explanation))
    return out
