"""The caseload: one row per active client, ordered by need of attention.

Why the order is a fixed, documented ladder (and not a weighted score): a
therapist glancing at the list before a session must be able to tell why a
client is on top, so every row carries the level it was put on and one short
reason per badge. First match wins:

0. RISK                a risk item is positive (e.g. PHQ-9 item 9 > 0) at the
                       latest answered session, or a stored risk alert is unhandled;
1. RED                 not on track, red, at the latest outcome session (risk or
                       reliable deterioration), not handled;
2. UNREPAIRED_RUPTURE  a rupture the next three observed sessions did not repair;
3. BELOW_CUTOFF        the latest alliance total is in the instrument's flag range;
4. PENDING_RUPTURE     a rupture whose repair window is still open;
5. YELLOW              not on track, yellow (or a red already handled);
6. UNHANDLED_ALERT     some other stored alert nobody has acknowledged/discussed;
7. NONE                nothing to act on (white, green, grey).

Within a level: more unhandled alerts first, then the larger drop of the
latest alliance total against the client's own running mean (a_t - m_t), then
the pseudonym.

"Handled" means an alert behind the finding was acknowledged or discussed
with the client (``alert_actions``). A finding (kind, session) is handled when
stored alerts of that kind exist for that session and every standing one has
been handled; a finding no alert was ever raised for stays open. Alerts on a
response that was later amended or marked entered-in-error are superseded and
neither count nor clear anything.
"""

from __future__ import annotations

import enum
import math
import uuid
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from alliance_desktop.core.change import ChangeClass
from alliance_desktop.core.course_series import EpisodeCourse
from alliance_desktop.core.ruptures import RepairStatus, RuptureRuleId
from alliance_desktop.core.tracking import Colour

#: alert_actions.action values that make an alert handled.
HANDLING_ACTIONS = ("acknowledged", "discussed")
#: Alert kinds (as the kiosk writes them) behind each caseload finding.
RISK, RUPTURE, NOT_ON_TRACK = "risk", "rupture", "not_on_track"


class Attention(enum.IntEnum):
    """Need-of-attention level; lower comes first (see the module docstring)."""

    RISK = 0
    RED = 1
    UNREPAIRED_RUPTURE = 2
    BELOW_CUTOFF = 3
    PENDING_RUPTURE = 4
    YELLOW = 5
    UNHANDLED_ALERT = 6
    NONE = 7

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Attention.RISK: "Risk item",
    Attention.RED: "Not on track (red)",
    Attention.UNREPAIRED_RUPTURE: "Unrepaired rupture",
    Attention.BELOW_CUTOFF: "Alliance below cutoff",
    Attention.PENDING_RUPTURE: "Rupture, repair pending",
    Attention.YELLOW: "Not on track (yellow)",
    Attention.UNHANDLED_ALERT: "Unhandled alert",
    Attention.NONE: "",
}


@dataclass(frozen=True, slots=True)
class EpisodeHead:
    """Who and what an episode is, without its sessions."""

    episode_id: uuid.UUID
    client_id: uuid.UUID
    pseudonym: str
    initials: str | None
    birth_year: int | None
    therapist_id: uuid.UUID
    therapist_name: str
    opened_on: date
    closed_on: date | None
    planned_sessions: int
    archived: bool = False


@dataclass(frozen=True, slots=True)
class AlertState:
    """A stored alert as the caseload needs it: where it points and whether it was handled."""

    key: Hashable
    kind: str
    session_number: int | None
    response_key: Hashable | None
    handled: bool


@dataclass(frozen=True, slots=True)
class Badges:
    risk: bool = False
    red: bool = False
    unrepaired_ruptures: int = 0
    below_cutoff: bool = False
    pending_ruptures: int = 0
    unhandled_alerts: int = 0


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    client_id: uuid.UUID
    episode_id: uuid.UUID
    pseudonym: str
    initials: str | None
    therapist_id: uuid.UUID
    sessions_done: int
    planned_sessions: int
    last_session_on: date | None
    alliance_instrument: str | None
    latest_alliance: float | None
    latest_alliance_session: int | None
    #: a_t - m_t of the latest alliance total against the client's earlier totals
    alliance_deviation: float | None
    outcome_instrument: str | None
    latest_outcome: float | None
    latest_outcome_session: int | None
    change_class: ChangeClass | None
    colour: Colour | None
    badges: Badges
    attention: Attention
    #: one short sentence per finding, most urgent first (tooltips, screen readers)
    reasons: tuple[str, ...]

    @property
    def sessions_label(self) -> str:
        """``"7/24"``: held sessions of planned sessions."""
        return f"{self.sessions_done}/{self.planned_sessions}"


def attention_key(row: CaseloadRow) -> tuple[int, int, float, str]:
    """Sort key of the default order (see the module docstring)."""
    deviation = row.alliance_deviation if row.alliance_deviation is not None else math.inf
    return (int(row.attention), -row.badges.unhandled_alerts, deviation, row.pseudonym.casefold())


def sort_by_attention(rows: Iterable[CaseloadRow]) -> tuple[CaseloadRow, ...]:
    return tuple(sorted(rows, key=attention_key))


def _handled(alerts: Mapping[tuple[str, int | None], list[bool]], kind: str, session: int | None) -> bool:
    states = alerts.get((kind, session))
    return bool(states) and all(states)  # type: ignore[arg-type]


def caseload_row(head: EpisodeHead, course: EpisodeCourse, alerts: Iterable[AlertState]) -> CaseloadRow:
    """One row from an episode's analysed course and its stored alerts."""
    standing = {r.key for r in course.standing.values()}
    live = [a for a in alerts if a.response_key is None or a.response_key in standing]
    by_finding: dict[tuple[str, int | None], list[bool]] = {}
    for a in live:
        by_finding.setdefault((a.kind, a.session_number), []).append(a.handled)
    unhandled = [a for a in live if not a.handled]
    analysis = course.analysis
    reasons: list[tuple[Attention, str]] = []

    answered = [n for n, _ in course.standing]
    latest_answered = max(answered) if answered else None
    risk_sessions = sorted({a.session_number or 0 for a in unhandled if a.kind == RISK})
    if latest_answered is not None and latest_answered in course.risk and not _handled(by_finding, RISK, latest_answered):
        risk_sessions = sorted({*risk_sessions, latest_answered})
    risk = bool(risk_sessions)
    if risk:
        where = ", ".join(str(n) for n in risk_sessions if n)
        reasons.append((Attention.RISK, f"Risk item positive (session {where}): follow the clinic's risk procedure."
                        if where else "Risk item positive: follow the clinic's risk procedure."))

    status = analysis.latest_status
    red = status is not None and status.colour is Colour.RED and not _handled(by_finding, NOT_ON_TRACK, status.session)
    if red:
        assert status is not None
        reasons.append((Attention.RED, status.explanation))

    unrepaired = pending = 0
    for event in analysis.ruptures:
        if event.repair is RepairStatus.REPAIRED or _handled(by_finding, RUPTURE, event.session):
            continue
        if event.repair is RepairStatus.UNREPAIRED:
            unrepaired += 1
        else:
            pending += 1
    if unrepaired:
        reasons.append((Attention.UNREPAIRED_RUPTURE, f"{unrepaired} unrepaired rupture(s) not yet handled."))

    latest_a = next((s for s in reversed(analysis.alliance_stats) if s.total is not None), None)
    below = False
    if latest_a is not None and course.rupture_rule is not None:
        in_range = course.rupture_rule.flag_range.is_clinical(latest_a.total)  # type: ignore[arg-type]
        below = in_range and not _handled(by_finding, RUPTURE, latest_a.session)
        if below:
            event = next((e for e in analysis.ruptures if e.session == latest_a.session), None)
            flag = next((f for f in event.flags if f.rule_id is RuptureRuleId.BELOW_CUTOFF), None) if event else None
            reasons.append((Attention.BELOW_CUTOFF, flag.explanation if flag else "Alliance below cutoff."))
    if pending:
        reasons.append((Attention.PENDING_RUPTURE, f"{pending} rupture(s) waiting for repair."))
    # A red already handled still means "not on track": it ranks with yellow.
    if status is not None and (status.colour is Colour.YELLOW or (status.colour is Colour.RED and not red)):
        reasons.append((Attention.YELLOW, status.explanation))
    if unhandled:
        reasons.append((Attention.UNHANDLED_ALERT, f"{len(unhandled)} alert(s) not yet acknowledged or discussed."))
    attention = min((level for level, _ in reasons), default=Attention.NONE)

    scored = [t for t in analysis.tracking if t.score is not None]
    held = [f for f in course.sessions if f.status == "held"]
    return CaseloadRow(
        client_id=head.client_id,
        episode_id=head.episode_id,
        pseudonym=head.pseudonym,
        initials=head.initials,
        therapist_id=head.therapist_id,
        sessions_done=len(held),
        planned_sessions=head.planned_sessions,
        last_session_on=held[-1].held_on if held else None,
        alliance_instrument=course.alliance.id if course.alliance else None,
        latest_alliance=latest_a.total if latest_a else None,
        latest_alliance_session=latest_a.session if latest_a else None,
        alliance_deviation=latest_a.deviation if latest_a else None,
        outcome_instrument=course.outcome.id if course.outcome else None,
        latest_outcome=scored[-1].score if scored else None,
        latest_outcome_session=scored[-1].session if scored else None,
        change_class=analysis.change.change_class if analysis.change else None,
        colour=status.colour if status else None,
        badges=Badges(risk=risk, red=red, unrepaired_ruptures=unrepaired,
                      below_cutoff=below, pending_ruptures=pending, unhandled_alerts=len(unhandled)),
        attention=attention,
        reasons=tuple(text for _, text in sorted(reasons, key=lambda r: r[0])),
    )
