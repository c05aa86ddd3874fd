"""The alerts a demo clinic's kiosk would have raised, so the demo's alert lists are not empty.

The demo writer loads courses in bulk, without going through the kiosk, so no
rule ran when its sessions were "submitted". This module runs the same core
rules afterwards on every course in treatment — the course analysis the
caseload and the chart use, which never looks ahead of a session, so an alert
at session *n* is the one the kiosk would have raised at *n* — and stores:

- a ``rupture`` alert per rupture event, a ``not_on_track`` alert per red
  session, a ``risk`` alert per risk item that fired, each dated the evening
  of its session;
- an ``acknowledged`` action by the client's therapist the next day for every
  alert older than the client's last two sessions, as a clinic that works
  through its alerts would have; the recent ones stay open, so the caseload
  shows badges a visitor can handle.

Only for the demo: real alerts come from ``kiosk_submit`` at the moment of
submission.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from alliance_desktop.core.caseload_model import EpisodeHead
from alliance_desktop.core.course_series import EpisodeCourse
from alliance_desktop.core.instruments import Instrument
from alliance_desktop.core.scoring import ItemFlag
from alliance_desktop.core.tracking import Colour
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.course_loading import load_courses, rule_instruments
from alliance_desktop.storage.caseload_queries import episode_heads
from alliance_desktop.storage.demo_alert_store import DemoAlert, write_alerts
from alliance_desktop.storage.types import uuid_from_stored

#: Alerts of a client's last this-many sessions are left for the therapist to handle.
OPEN_SESSIONS = 2
_EVENING = time(17, 30)
_BATCH = 500  # episodes analysed per read: bounded memory on the large demo


def write_demo_alerts(session: ClinicSession, today: date) -> int:
    """Analyse every course in treatment, store its alerts; returns how many were written."""
    instruments = rule_instruments()
    with session.read() as s:
        heads = episode_heads(s)
    written = 0
    for start in range(0, len(heads), _BATCH):
        batch = heads[start:start + _BATCH]
        with session.read() as s:
            courses = load_courses(s, batch, today, all_risk=True)
        alerts = [a for head in batch for a in _alerts(head, courses[head.episode_id], instruments)]
        with session.write() as s:
            write_alerts(s, alerts)
        written += len(alerts)
    return written



def _alerts(head: EpisodeHead, course: EpisodeCourse, instruments: dict[str, Instrument]) -> Iterator[DemoAlert]:
    sessions = {f.number: f for f in course.sessions}
    held = sorted(n for n, f in sessions.items() if any(k[0] == n for k in course.standing))
    still_open = set(held[-OPEN_SESSIONS:])

    def alert(number: int, instrument_id: str | None, kind: str, rules: str, severity: str,
              explanation: str) -> DemoAlert | None:
        fact = sessions.get(number)
        if fact is None:
            return None
        response = course.standing.get((number, instrument_id)) if instrument_id else None
        at = datetime.combine(fact.held_on, _EVENING, tzinfo=UTC)
        handled = None if number in still_open else head.therapist_id
        return DemoAlert(
            episode_id=head.episode_id, session_id=uuid_from_stored(fact.key),
            response_id=uuid_from_stored(response.key) if response is not None else None,
            kind=kind, rule_ids=rules[:64], severity=severity, explanation=explanation, created_at=at,
            acknowledged_by=handled, acknowledged_at=at + timedelta(days=1) if handled else None,
        )

    made: list[DemoAlert | None] = []
    alliance, outcome = course.alliance, course.outcome
    if alliance is not None:
        for event in course.analysis.ruptures:
            made.append(alert(event.session, alliance.id, "rupture", ",".join(event.rule_ids),
                              event.severity.value, event.explanation))
    if outcome is not None:
        for status in course.analysis.tracking:
            if status.colour is Colour.RED:
                made.append(alert(status.session, outcome.id, "not_on_track", status.rule_id.value, "red",
                                  status.explanation))
    for number, fired in course.risk.items():
        for instrument_id, item_id in fired:
            flag = _risk_flag(course, number, instrument_id, item_id, instruments)
            if flag is not None:
                abbreviation = instruments[instrument_id].abbreviation
                made.append(alert(number, instrument_id, "risk", f"risk:{instrument_id}/{item_id}", "high",
                                  f"{abbreviation}: {flag}"))
    yield from (a for a in made if a is not None)


def _risk_flag(course: EpisodeCourse, number: int, instrument_id: str, item_id: str,
               instruments: dict[str, Instrument]) -> ItemFlag | None:
    response = course.standing.get((number, instrument_id))
    instrument = instruments.get(instrument_id)
    if response is None or instrument is None:
        return None
    answer = dict(response.flagged).get(item_id)
    rule = next((r for r in instrument.risk_items if r.item_id == item_id), None)
    if answer is None or rule is None:
        return None
    return ItemFlag(item_id, int(answer), rule)
