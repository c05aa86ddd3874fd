"""Bulk reads behind the caseload, the course chart and the supervisor overview.

Why they look like this: a caseload must open in under 100 ms on a clinic of
575,000 sessions (a 0.9 GB encrypted file of random-UUID pages), so its 40
courses arrive in four round trips whatever their length:

1. the episodes with client and therapist (``episode_heads``);
2. sessions LEFT JOIN responses LEFT JOIN scores of all those episodes, through
   the covering indexes of revision 0002 (``ix_therapy_sessions_episode_cover``,
   ``ix_responses_session_cover``) and the primary key of ``scores``, which
   holds whole rows since revision 0003 (WITHOUT ROWID): no table page is read;
3. the raw answers of risk and rupture items, only for the responses the rules
   need them from (item_answers primary key);
4. the episodes' alerts with a "handled" flag (``ix_alerts_episode_id``,
   ``ix_alert_actions_alert_id``).

Ids and timestamps that only serve as keys or for ordering are read in their
stored form (``storage.types.stored_form``: 16 bytes for a UUID, ISO text for
a ``UtcDateTime``, which sorts correctly as text), skipping a UUID or datetime
object per row. The values are opaque keys to ``core.course_series`` either way
(on PostgreSQL the driver returns UUID objects, which are equally good keys).
Handed back in a WHERE clause (the flagged answers) they are compared with the
column as stored, so the primary key still finds them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.core.caseload_model import HANDLING_ACTIONS, AlertState, EpisodeHead
from alliance_desktop.core.course_series import ResponseFact, SessionFact
from alliance_desktop.core.instrument_model import TOTAL
from alliance_desktop.storage.tables import (
    Alert,
    AlertAction,
    Client,
    Episode,
    ItemAnswer,
    Response,
    Score,
    TherapySession,
    User,
)
from alliance_desktop.storage.types import stored_form, uuid_from_stored

Facts = dict[uuid.UUID, tuple[list[SessionFact], list[ResponseFact]]]


def active_clause() -> sa.ColumnElement[bool]:
    """An episode in treatment: not closed, and its client not archived."""
    return sa.and_(Episode.closed_on.is_(None), Client.archived_at.is_(None))


def episode_heads(
    s: Session,
    *,
    therapist_id: uuid.UUID | None = None,
    episode_ids: Sequence[uuid.UUID] | None = None,
    active_only: bool = True,
) -> list[EpisodeHead]:
    """Episodes with their client and therapist (by the client's current therapist)."""
    stmt = (
        sa.select(Episode.id, Client.id, Client.pseudonym, Client.initials, Client.birth_year, Client.therapist_id,
                  User.display_name, Episode.opened_on, Episode.closed_on, Episode.planned_sessions,
                  Client.archived_at)
        .join(Client, Client.id == Episode.client_id)
        .join(User, User.id == Client.therapist_id)
    )
    if therapist_id is not None:
        stmt = stmt.where(Client.therapist_id == therapist_id)
        if active_only:
            # The open episodes of a therapist through ix_episodes_open_therapist (40 entries) instead
            # of all their clients ever (500 on the large clinic). Open episodes carry their client's
            # therapist (services.clients keeps them in step); the client's therapist above still
            # decides, so a mismatch could only hide a row, never show another therapist's client.
            stmt = stmt.where(Episode.therapist_id == therapist_id)
    if episode_ids is not None:
        stmt = stmt.where(Episode.id.in_(list(episode_ids)))
    if active_only:
        stmt = stmt.where(active_clause())
    return [EpisodeHead(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10] is not None)
            for r in s.execute(stmt)]


def course_facts(
    s: Session,
    episode_ids: Sequence[uuid.UUID],
    *,
    risk_instruments: Iterable[str] = (),
    rupture_instruments: Iterable[str] = (),
    flagged_items: Iterable[str] = (),
    all_risk: bool = False,
) -> Facts:
    """Sessions and responses (with totals and flagged-item answers) of the episodes.

    Flagged-item answers (``flagged_items``: the risk and rupture item ids) are
    read for every response of a ``rupture_instruments`` instrument (R4 needs
    the whole course) and, of ``risk_instruments``, for the latest answered
    session of each episode only, or for every session with ``all_risk``. The
    caseload and the overview show the latest not-on-track colour, which
    depends on that session alone; earlier risk flags reach them as stored
    alerts. Reading every risk answer would triple the pages a caseload touches.
    """
    where = TherapySession.episode_id.in_(list(episode_ids))
    ts, r, sc = TherapySession, Response, Score
    rows = s.connection().execute(
        sa.select(stored_form(ts.episode_id), stored_form(ts.id), ts.number, stored_form(ts.held_on), ts.status,
                  stored_form(r.id), r.instrument_id, r.status, stored_form(r.amends_id), stored_form(r.completed_at), r.mode,
                  sc.scale, sc.value)
        .select_from(ts)
        .outerjoin(r, r.session_id == ts.id)
        # Every scale of the response, the total picked below (a response has few scales; revision
        # 0002 avoided a scale constraint that made SQLite read the rowid table's pages).
        .outerjoin(sc, sc.response_id == r.id)
        .where(where)
    ).all()
    risk_ids, rupture_ids = frozenset(risk_instruments), frozenset(rupture_instruments)
    latest: dict[Any, int] = {}
    for ep, _sid, number, _h, _st, rid, instrument_id, r_status, *_ in rows:
        if rid is not None and r_status != "entered_in_error" and instrument_id in risk_ids:
            if number > latest.get(ep, 0):
                latest[ep] = number
    wanted = {row[5] for row in rows if row[5] is not None and (
        row[6] in rupture_ids or (row[6] in risk_ids and (all_risk or row[2] == latest.get(row[0]))))}
    flagged = _flagged_answers(s, wanted, flagged_items)
    out: Facts = {}
    episode_keys: dict[Any, uuid.UUID] = {}
    days: dict[Any, date] = {}
    seen_sessions: set[Any] = set()
    seen_responses: dict[Any, int] = {}
    for ep, sid, number, held_on, status, rid, instrument_id, r_status, amends, completed, mode, scale, value in rows:
        key = episode_keys.get(ep)
        if key is None:
            key = episode_keys[ep] = uuid_from_stored(ep)
            out[key] = ([], [])
        sessions, responses = out[key]
        if sid not in seen_sessions:
            seen_sessions.add(sid)
            day = days.get(held_on)
            if day is None:
                day = days[held_on] = held_on if isinstance(held_on, date) else date.fromisoformat(str(held_on))
            sessions.append(SessionFact(sid, number, day, status))
        if rid is None:
            continue
        total = None if value is None or scale != TOTAL else float(value)
        at = seen_responses.get(rid)
        if at is not None:  # another scale row of a response already seen
            if total is not None:
                responses[at] = replace(responses[at], total=total)
            continue
        seen_responses[rid] = len(responses)
        responses.append(ResponseFact(rid, number, instrument_id, r_status, amends, str(completed), total, mode,
                                      tuple(flagged.get(rid, ()))))
    return out


def _flagged_answers(s: Session, response_keys: set[Any], items: Iterable[str]) -> dict[Any, list[tuple[str, float]]]:
    item_ids = sorted(set(items))
    out: dict[Any, list[tuple[str, float]]] = {}
    if not response_keys or not item_ids:
        return out
    keys = sorted(response_keys)  # chunks in key order: each walks the primary key forwards
    for start in range(0, len(keys), _CHUNK):
        rows = s.connection().execute(
            sa.select(stored_form(ItemAnswer.response_id), ItemAnswer.item_id, ItemAnswer.value, ItemAnswer.vas_mm)
            .where(stored_form(ItemAnswer.response_id).in_(keys[start:start + _CHUNK]), ItemAnswer.item_id.in_(item_ids))
        ).all()
        for rid, item_id, value, mm in rows:
            raw = mm if mm is not None else value
            if raw is not None:
                out.setdefault(rid, []).append((item_id, float(raw)))
    return out


#: Response keys per IN list (well under every database's limit on bound parameters).
_CHUNK = 500


def alert_states(s: Session, episode_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[AlertState]]:
    """The episodes' alerts: kind, session number, response (stored form) and whether handled."""
    handled = sa.exists().where(AlertAction.alert_id == Alert.id, AlertAction.action.in_(HANDLING_ACTIONS))
    rows = s.connection().execute(
        sa.select(Alert.id, Alert.episode_id, Alert.kind, TherapySession.number, stored_form(Alert.response_id), handled)
        .outerjoin(TherapySession, TherapySession.id == Alert.session_id)
        .where(Alert.episode_id.in_(list(episode_ids)))
    ).all()
    out: dict[uuid.UUID, list[AlertState]] = {}
    for alert_id, episode_id, kind, number, response_key, is_handled in rows:
        out.setdefault(episode_id, []).append(AlertState(alert_id, kind, number, response_key, bool(is_handled)))
    return out
