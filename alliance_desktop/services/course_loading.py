"""Loading analysed courses for many episodes at once (caseload, overview, course view).

Why a shared loader: the caseload row and the course chart of a client must
show the same colour and the same ruptures, so both go from the same storage
facts through the same ``core.course_series.build_course``. The rules read the
bundled definitions: installed wording changes what a client reads, never how a
response is scored or judged, so the (cached) bundled set is enough here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.orm import Session

from alliance_desktop.core.caseload_model import EpisodeHead
from alliance_desktop.core.course_series import EpisodeCourse, build_course
from alliance_desktop.core.instruments import Instrument, load_bundled
from alliance_desktop.storage.caseload_queries import course_facts


def rule_instruments() -> Mapping[str, Instrument]:
    return load_bundled()


def flag_items(instruments: Mapping[str, Instrument]) -> frozenset[str]:
    """Item ids of every risk and rupture item: the only raw answers the caseload needs."""
    return frozenset(rule.item_id for i in instruments.values() for rule in (*i.risk_items, *i.rupture_items))


def with_rule(instruments: Mapping[str, Instrument], attribute: str) -> frozenset[str]:
    return frozenset(i.id for i in instruments.values() if getattr(i, attribute))


def age_of(birth_year: int | None, today: date) -> int | None:
    """Age in whole years as the rules use it (birth year only is stored; same as the kiosk's rule)."""
    return today.year - birth_year if birth_year else None


def load_courses(
    s: Session, heads: Sequence[EpisodeHead], today: date, *, all_risk: bool = False
) -> dict[uuid.UUID, EpisodeCourse]:
    """episode id -> analysed course, for ``heads``.

    ``all_risk``: read the risk items of every session, not only the latest
    answered one (see ``storage.caseload_queries.course_facts``).
    """
    instruments = rule_instruments()
    facts = course_facts(
        s, [h.episode_id for h in heads],
        risk_instruments=with_rule(instruments, "risk_items"), rupture_instruments=with_rule(instruments, "rupture_items"),
        flagged_items=flag_items(instruments), all_risk=all_risk,
    )
    out = {}
    for head in heads:
        sessions, responses = facts.get(head.episode_id, ([], []))
        out[head.episode_id] = build_course(sessions, responses, instruments, age=age_of(head.birth_year, today))
    return out
