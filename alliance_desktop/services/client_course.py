"""The client course view (the 24-session chart) and the click-through to one session's answers.

Why it records first viewings here: CLINICAL.md section 6 stores "when the
therapist first viewed it" with every response, and the course view is where a
therapist sees new answers. Only the client's own therapist stamps it (a
supervisor reading along is not the therapist seeing the feedback); an
existing stamp is never moved. Every call is audited as ``client.viewed``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from alliance_desktop.core.course_series import EpisodeCourse
from alliance_desktop.core.course_view import (
    AnswerLine,
    CourseView,
    InstrumentMeta,
    ResponseMark,
    RiskMark,
    SessionAnswers,
    SessionPoint,
    answer_label,
)
from alliance_desktop.core.instrument_model import FrozenMap, Instrument
from alliance_desktop.services.authz import (
    NotFound,
    audit_read,
    can_write_clinical,
    client_of_episode,
    client_of_response,
    require_read,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.course_loading import age_of, load_courses, rule_instruments
from alliance_desktop.services.kiosk_config import clinic_instruments
from alliance_desktop.storage import client_records, course_queries
from alliance_desktop.storage.caseload_queries import episode_heads
from alliance_desktop.storage.course_queries import ResponseDetail
from alliance_desktop.storage.types import uuid_from_stored

__all__ = ["CourseView", "SessionAnswers", "course_view", "session_answers"]

ItemValues = Mapping[uuid.UUID, Mapping[str, tuple[float | None, int | None]]]



def course_view(session: ClinicSession, episode_id: uuid.UUID, *, language: str = "en",
                record_viewing: bool = True) -> CourseView:
    """Everything the course chart shows for one episode; records the therapist's first viewing.

    ``record_viewing=False`` (a PDF export) leaves first viewings unstamped: writing a
    caseload report is not the therapist looking at each new answer.
    """
    user = session.user
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_episode(s, episode_id)
        require_read(user, ref, "open this course")
        head = episode_heads(s, episode_ids=[episode_id], active_only=False)[0]
        course = load_courses(s, [head], now.date(), all_risk=True)[episode_id]
        details = course_queries.episode_responses(s, episode_id)
        values = course_queries.item_answers(s, [d.id for d in details])
        marks = course_queries.instruction_marks(s, episode_id)
        wanted = [i.id for i in (course.alliance, course.outcome) if i is not None]
        worded = clinic_instruments(s, wanted) if wanted else {}
        new = [d.id for d in details if d.first_viewed_at is None] \
            if record_viewing and can_write_clinical(user, ref.therapist_id) else []
        if new:
            client_records.mark_first_viewed(s, new, user.id, now)
        audit_read(s, user, now, "course", [ref.client_id], episode=episode_id,
                   **({"first_viewed": ",".join(str(i) for i in new)} if new else {}))
    age = age_of(head.birth_year, now.date())

    def meta(instrument: Instrument | None) -> InstrumentMeta | None:
        if instrument is None:
            return None
        return InstrumentMeta.of(worded.get(instrument.id, instrument), language=language, age=age)

    return CourseView(
        client_id=head.client_id, episode_id=head.episode_id, pseudonym=head.pseudonym, initials=head.initials,
        therapist_id=head.therapist_id, therapist_name=head.therapist_name, opened_on=head.opened_on,
        closed_on=head.closed_on, planned_sessions=head.planned_sessions,
        sessions=_points(course, details, values), alliance=meta(course.alliance), outcome=meta(course.outcome),
        analysis=course.analysis, instruction_events=tuple(marks), newly_viewed=tuple(new),
    )


def _points(course: EpisodeCourse, details: list[ResponseDetail], values: ItemValues) -> tuple[SessionPoint, ...]:
    instruments = rule_instruments()
    standing = {uuid_from_stored(r.key) for r in course.standing.values()}
    by_session: dict[int, list[ResponseDetail]] = {}
    for d in details:
        by_session.setdefault(d.session_number, []).append(d)
    self_reports = {o.session: o.self_reported_rupture for o in course.alliance_series}

    def series(number: int, instrument: Instrument | None) -> tuple[float | None, FrozenMap[str, float | None]]:
        fact = course.standing.get((number, instrument.id)) if instrument else None
        if fact is None or instrument is None:
            return None, FrozenMap()
        given = values.get(uuid_from_stored(fact.key), {})
        return fact.total, FrozenMap({i.id: given[i.id][0] if i.id in given else None for i in instrument.items})

    points = []
    for f in course.sessions:
        here = by_session.get(f.number, [])
        risk = []
        for instrument_id, item_id in course.risk.get(f.number, ()):
            fact = course.standing[(f.number, instrument_id)]
            value, mm = values.get(uuid_from_stored(fact.key), {}).get(item_id, (None, None))
            rule = next(r for r in instruments[instrument_id].risk_items if r.item_id == item_id)
            risk.append(RiskMark(instrument_id, item_id, float(mm if mm is not None else value or 0), rule.explanation))
        a_total, a_items = series(f.number, course.alliance)
        o_total, o_items = series(f.number, course.outcome)
        comment = next((d.comment for d in here if d.comment and d.id in standing), None)
        points.append(SessionPoint(
            number=f.number, therapy_session_id=uuid_from_stored(f.key), held_on=f.held_on, status=f.status,
            alliance_total=a_total, alliance_items=a_items, outcome_total=o_total, outcome_items=o_items,
            risk=tuple(risk), self_reported_rupture=self_reports.get(f.number), comment=comment,
            responses=tuple(ResponseMark(d.id, d.instrument_id, d.status, d.mode, d.completed_at, d.amends_id,
                                         d.status_reason, d.id in standing) for d in here),
        ))
    return tuple(points)


def session_answers(session: ClinicSession, response_id: uuid.UUID, *, language: str = "en") -> SessionAnswers:
    """One response's items with their text and answer (the click-through from a chart point)."""
    user = session.user
    now = session.clock.now()
    with session.write() as s:
        ref = client_of_response(s, response_id)
        require_read(user, ref, "see these answers")
        detail = course_queries.response_detail(s, response_id)
        if detail is None:  # pragma: no cover - resolved above
            raise NotFound("response_id", "questionnaire")
        given = course_queries.item_answers(s, [response_id]).get(response_id, {})
        amended_by = course_queries.amendments_of(s, response_id)
        record = client_records.session_record(s, detail.session_id)
        known = rule_instruments()
        instrument = clinic_instruments(s, [detail.instrument_id])[detail.instrument_id] \
            if detail.instrument_id in known else None
        first = detail.first_viewed_at is None and can_write_clinical(user, ref.therapist_id)
        if first:
            client_records.mark_first_viewed(s, [response_id], user.id, now)
        audit_read(s, user, now, "answers", [ref.client_id], episode=ref.episode_id, response=response_id)
    if instrument is None:
        raise NotFound("response_id", f"definition of '{detail.instrument_id}'")
    assert record is not None
    lines = []
    for item in instrument.items:
        value, mm = given.get(item.id, (None, None))
        raw = float(mm) if mm is not None else value
        text = item.text.get(language) or next(iter(item.text.values()), item.id)
        lines.append(AnswerLine(item.id, text, raw, answer_label(instrument, item.id, raw, language), value,
                                item.scored))
    raw_by_item = {line.item_id: line.answer for line in lines}
    risk = tuple(RiskMark(instrument.id, rule.item_id, raw_by_item[rule.item_id], rule.explanation)
                 for rule in instrument.risk_items
                 if raw_by_item.get(rule.item_id) is not None and rule.fires(raw_by_item[rule.item_id]))  # type: ignore[arg-type]
    return SessionAnswers(
        response_id=detail.id, episode_id=ref.episode_id or record.episode_id, session_number=detail.session_number,
        held_on=record.held_on, instrument=InstrumentMeta.of(instrument, language=language), language=detail.language,
        mode=detail.mode, status=detail.status, status_reason=detail.status_reason, amends_id=detail.amends_id,
        amended_by=tuple(amended_by), entered_by_name=detail.entered_by_name, completed_at=detail.completed_at,
        comment=detail.comment, items=tuple(lines), scores=FrozenMap(detail.scores), risk=risk,
    )
