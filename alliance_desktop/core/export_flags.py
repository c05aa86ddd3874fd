"""The clinical flags an export carries per session, read off the same analysis the chart shows.

Why not recompute them in the exporter: a research file whose rupture or
not-on-track flags disagreed with the therapist's chart would be worse than no
flags at all. So the flags come from ``core.course_series.build_course`` (the
function behind the caseload, the chart and the PDF) and this module only
reshapes its result into one :class:`SessionFlags` per session number.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable

from alliance_desktop.core.course_series import EpisodeCourse
from alliance_desktop.core.export_model import SessionFlags


def session_flags(course: EpisodeCourse) -> dict[int, SessionFlags]:
    """session number -> flags, for every session where a rule said something."""
    analysis = course.analysis
    ruptures = {e.session: e for e in analysis.ruptures}
    tracking = {t.session: t for t in analysis.tracking}
    rules = course.outcome_rules
    out: dict[int, SessionFlags] = {}
    for number in sorted(set(ruptures) | set(tracking) | set(course.risk)):
        rupture = ruptures.get(number)
        status = tracking.get(number)
        reliable: str | None = None
        clinical: bool | None = None
        change = status.delta_oriented if status is not None else None
        if status is not None and status.score is not None and rules is not None:
            clinical = rules.clinical_range.is_clinical(status.score)
            if change is not None and rules.reliable_change.is_reliable(change):
                reliable = "improvement" if change > 0 else "deterioration"
            else:
                reliable = "none"
        out[number] = SessionFlags(
            rupture_severity=rupture.severity.value if rupture else None,
            rupture_rules=rupture.rule_ids if rupture else (),
            rupture_repair=rupture.repair.value if rupture else None,
            colour=status.colour.value if status else None,
            colour_rule=status.rule_id.value if status else None,
            change_from_intake=change,
            reliable_change=reliable,
            clinical=clinical,
            risk_items=tuple(course.risk.get(number, ())),
        )
    return out


def standing_ids(course: EpisodeCourse) -> frozenset[uuid.UUID]:
    """Ids of the responses that count (storage hands keys over as UUIDs or their stored 16 bytes)."""
    return frozenset(_as_uuid(r.key) for r in course.standing.values())


def _as_uuid(key: Hashable) -> uuid.UUID:
    if isinstance(key, uuid.UUID):
        return key
    if isinstance(key, bytes):
        return uuid.UUID(bytes=key)
    raise TypeError(f"a response key is a UUID or its 16 stored bytes, not {type(key).__name__}")
