"""The supervisor's clinic overview: courses in treatment, feedback share, ruptures, not-on-track colours.

Why stored summaries (``course_summaries``, storage.overview_store): the
overview spans every course in treatment. Computing all of them from the
answers takes ~2.5 s on the large demo clinic (54,000 answers on random-UUID
pages of an encrypted file), against a 500 ms budget. So each episode's tally
is kept with the audit sequence number it reflects; an overview recomputes
only the episodes the audit log shows as changed since the last overview (or
all of them when it cannot tell, or when the rules changed), all inside one
write transaction, so no writer slips in between reading and storing. The
first overview of a database pays the full price once.

Aggregates only; the audit entry names no client. Supervisors only: a
therapist sees their own caseload, an administrator no clinical data.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.orm import Session

from alliance_desktop.core.caseload_model import EpisodeHead
from alliance_desktop.core.course_rules import ClinicRuleSettings
from alliance_desktop.core.course_series import course_series
from alliance_desktop.core.instruments import Instrument
from alliance_desktop.core.model import Role
from alliance_desktop.core.overview_model import (
    EpisodeTally,
    Overview,
    RuptureCounts,
    TherapistOverview,
    build_overview,
    tally,
)
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.course_loading import age_of, flag_items, rule_instruments, with_rule
from alliance_desktop.storage import audit, overview_store, repositories
from alliance_desktop.storage.caseload_queries import course_facts, episode_heads
from alliance_desktop.storage.overview_store import Summary

__all__ = ["Overview", "TherapistOverview", "clinic_overview"]

KEY_WATERMARK = "overview_summaries_seq"
#: Bump when the tally logic changes: every stored summary is then recomputed.
TALLY_VERSION = "1"
_CHUNK = 500


def rules_fingerprint(instruments: Mapping[str, Instrument], today: date) -> str:
    """Everything a tally depends on besides the answers: definitions, clinic rule settings, the year (ages)."""
    parts = [TALLY_VERSION, today.year, repr(ClinicRuleSettings()),
             sorted((i.id, i.version, i.scoring.version) for i in instruments.values())]
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8")).hexdigest()


def _compute(s: Session, heads: Sequence[EpisodeHead], instruments: Mapping[str, Instrument], today: date,
             rules: str, seq: int) -> list[Summary]:
    out = []
    for start in range(0, len(heads), _CHUNK):
        chunk = heads[start:start + _CHUNK]
        facts = course_facts(s, [h.episode_id for h in chunk], risk_instruments=with_rule(instruments, "risk_items"),
                             rupture_instruments=with_rule(instruments, "rupture_items"),
                             flagged_items=flag_items(instruments))
        for head in chunk:
            sessions, responses = facts.get(head.episode_id, ([], []))
            t = tally(course_series(sessions, responses, instruments, age=age_of(head.birth_year, today)))
            r = t.ruptures
            out.append(Summary(head.episode_id, rules, seq, t.held_sessions, t.held_with_feedback, r.events,
                               r.repaired, r.unrepaired, r.pending, t.colour))
    return out


def _tally(row: Summary) -> EpisodeTally:
    return EpisodeTally(row.held_sessions, row.held_with_feedback,
                        RuptureCounts(row.ruptures, row.repaired, row.unrepaired, row.pending), row.colour)


def clinic_overview(session: ClinicSession) -> Overview:
    """Per therapist and clinic-wide: clients in treatment, feedback share, ruptures (repaired), colours."""
    user = session.user
    if not (user.active and user.role is Role.SUPERVISOR):
        raise NotAllowed("Only supervisors can open the clinic overview.")
    instruments = rule_instruments()
    now = session.clock.now()
    rules = rules_fingerprint(instruments, now.date())
    with session.write() as s:
        heads = episode_heads(s)
        names = {u.id: u.display_name for u in repositories.list_users(s) if u.role is Role.THERAPIST and u.active}
        seq = overview_store.last_seq(s)
        watermark = int(repositories.get_setting(s, KEY_WATERMARK, 0) or 0)
        changed = overview_store.changed_episodes(s, watermark) if watermark else None
        stored = overview_store.summaries(s, [h.episode_id for h in heads])
        stale = [h for h in heads if changed is None or h.episode_id in changed
                 or h.episode_id not in stored or stored[h.episode_id].rules != rules]
        fresh = _compute(s, stale, instruments, now.date(), rules, seq)
        overview_store.replace_summaries(s, fresh, now)
        stored.update({r.episode_id: r for r in fresh})
        repositories.set_setting(s, KEY_WATERMARK, seq, now)
        audit.append(s, at=now, action="overview.viewed", actor_id=user.id,
                     details={"episodes": len(heads), "recomputed": len(fresh)})
    tallies: list[tuple[uuid.UUID, EpisodeTally]] = [(h.therapist_id, _tally(stored[h.episode_id])) for h in heads]
    return build_overview(names, tallies)
