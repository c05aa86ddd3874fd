"""The words and tables of a PDF report, as plain data: decided here, drawn elsewhere.

Why Qt-free: what a report *says* (which scores, which rule fired, which source
a cutoff has, the licence lines) is the part a reviewer checks and a test
asserts, so it is built from the service results into small dataclasses
without touching a painter. ``pdf_document``/``pdf_tables``/``pdf_chart``
only lay these out. Numbers are formatted with ``core.change.format_number``,
the same way the screens do, so a report and the screen never disagree on a
rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from alliance_desktop.core.caseload_model import CaseloadRow
from alliance_desktop.core.change import format_number
from alliance_desktop.core.course_view import CourseView
from alliance_desktop.core.workspace_model import AlertView
from alliance_desktop.services.report_data import CaseloadGroup, ClientReportData, InstrumentNote, ReportContext

CONFIDENTIAL = "Confidential — contains health information"
CREATOR = "Alliance Desktop"
DASH = "—"


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table: headings, rows of text, relative column widths, numeric (right-aligned) columns."""

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...]
    numeric: frozenset[int] = frozenset()
    empty_text: str = "None."

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.headings) or any(len(r) != len(self.headings) for r in self.rows):
            raise ValueError("every row and the weights need one entry per heading")


@dataclass(frozen=True)
class ClientSection:
    """Everything one client's pages show, in reading order."""

    pseudonym: str
    facts: tuple[tuple[str, str], ...]
    risk_lines: tuple[str, ...]
    course: CourseView
    change_lines: tuple[str, ...]
    sessions: TableSpec
    ruptures: TableSpec
    alerts: TableSpec
    instrument_lines: tuple[str, ...]
    attributions: tuple[str, ...]


@dataclass(frozen=True)
class CaseloadSummary:
    title: str
    facts: tuple[tuple[str, str], ...]
    table: TableSpec
    notes: tuple[str, ...] = field(default=())


def number(x: float | None) -> str:
    return DASH if x is None else format_number(x)


def day(d: date | None) -> str:
    return DASH if d is None else d.isoformat()


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def episode_text(course: CourseView) -> str:
    closed = f" to {day(course.closed_on)}" if course.closed_on else " (open)"
    return f"{day(course.opened_on)}{closed}"


# -- one client ------------------------------------------------------------------------------


def client_section(data: ClientReportData) -> ClientSection:
    course = data.course
    held = sum(1 for s in course.sessions if s.status == "held")
    facts = (
        ("Clinic", data.context.clinic_name),
        ("Client (pseudonym)", course.pseudonym),
        ("Therapist", course.therapist_name),
        ("Episode", episode_text(course)),
        ("Sessions", f"{held} held of {course.planned_sessions} planned"),
        ("Generated", f"{stamp(data.context.generated_at)} by {data.context.generated_by}"),
    )
    names = {m.id: m.abbreviation for m in (course.alliance, course.outcome) if m is not None}
    risk = tuple(f"Session {p.number} ({day(p.held_on)}): {names.get(m.instrument_id, m.instrument_id)} "
                 f"item {m.item_id} = "
                 f"{number(m.answer)}. {m.explanation}" for p in course.sessions for m in p.risk)
    return ClientSection(
        pseudonym=course.pseudonym, facts=facts, risk_lines=risk, course=course,
        change_lines=change_lines(course, data.instruments), sessions=sessions_table(data),
        ruptures=ruptures_table(course), alerts=alerts_table(data.alerts),
        instrument_lines=instrument_lines(data.instruments),
        attributions=tuple(dict.fromkeys(f"{n.abbreviation}: {n.attribution}" for n in data.instruments)),
    )


def change_lines(course: CourseView, notes: Sequence[InstrumentNote]) -> tuple[str, ...]:
    change = course.analysis.change
    outcome = course.outcome
    if outcome is None:
        return ("No outcome questionnaire was answered in this episode.",)
    if change is None:
        return (f"{outcome.abbreviation}: fewer than two scores so far; change is not classified yet.",)
    note = next((n for n in notes if n.id == outcome.id), None)
    lines = [
        f"Change class: {change.change_class.value} ({outcome.abbreviation} {number(change.intake)} at intake, "
        f"{number(change.now)} now).",
        change.explanation,
        f"Reliable change used: {change.reliable_change_method}.",
    ]
    if change.rc is not None:
        lines.append(f"Reliable change index RC = {number(change.rc)} (reliable when |RC| > 1.96).")
    if outcome.flag_range is not None:
        source = f" ({outcome.flag_source})" if outcome.flag_source else ""
        check = ", configurable default (check)" if outcome.flag_check else ""
        lines.append(f"Clinical range used: {outcome.abbreviation} {outcome.flag_range.describe()}{source}{check}.")
    if change.intake_nonclinical_warning:
        lines.append("Note: the intake score was already outside the clinical range, so 'recovered' cannot apply.")
    if note is not None and note.reliable_change_source and note.reliable_change_source not in lines[2]:
        lines.append(f"Source of the reliable-change value: {note.reliable_change_source}.")
    return tuple(lines)


def sessions_table(data: ClientReportData) -> TableSpec:
    course = data.course
    a = course.alliance.abbreviation if course.alliance else "Alliance"
    o = course.outcome.abbreviation if course.outcome else "Outcome"
    a_cols = [c for c in data.subscale_columns if course.alliance and c.instrument_id == course.alliance.id]
    o_cols = [c for c in data.subscale_columns if course.outcome and c.instrument_id == course.outcome.id]
    headings = ["#", "Date", "Status", f"{a} total", *(c.heading for c in a_cols), f"{o} total",
                *(c.heading for c in o_cols), "On track", "Rupture", "Risk", "Entry"]
    colours = {t.session: t for t in course.analysis.tracking}
    ruptures = {e.session: e for e in course.analysis.ruptures}
    rows = []
    for p in sorted(course.sessions, key=lambda s: s.number):
        status = colours.get(p.number)
        rupture = ruptures.get(p.number)
        entry = [w for w, on in (("paper", p.staff_entered), ("amended", p.amended),
                                 ("entries in error", p.entered_in_error)) if on]
        if not p.responses and p.status == "held":
            entry.append("no feedback")
        rows.append((
            str(p.number), day(p.held_on), p.status, number(p.alliance_total),
            *(number(data.subscale_scores.get((p.number, c.instrument_id, c.scale_id))) for c in a_cols),
            number(p.outcome_total),
            *(number(data.subscale_scores.get((p.number, c.instrument_id, c.scale_id))) for c in o_cols),
            status.colour.value if status else "",
            f"{rupture.severity.value}, {rupture.repair.value}" if rupture else "",
            "RISK " + ", ".join(f"item {m.item_id}" for m in p.risk) if p.risk else "",
            ", ".join(entry),
        ))
    numeric = {0, 3, 4 + len(a_cols), *range(4, 4 + len(a_cols)), *range(5 + len(a_cols), 5 + len(a_cols) + len(o_cols))}
    weights = (0.5, 1.5, 1.0, 1.1, *(1.0 for _ in a_cols), 1.1, *(1.0 for _ in o_cols), 1.0, 1.7, 1.0, 1.4)
    return TableSpec(tuple(headings), tuple(rows), weights, frozenset(numeric), "No sessions recorded yet.")


def ruptures_table(course: CourseView) -> TableSpec:
    rows = []
    for e in course.analysis.ruptures:
        rules = " ".join(f"{f.rule_id.value}: {f.explanation}" for f in e.flags)
        # The explanation already says "Repaired at session 12: ..."; the status word stands alone only without one.
        repair = e.repair_explanation or e.repair.value
        rows.append((str(e.session), number(e.total), e.severity.value, rules, repair))
    return TableSpec(("Session", "Total", "Severity", "Rules that fired", "Repair"), tuple(rows),
                     (0.8, 0.7, 0.9, 4.5, 3.0), frozenset({0, 1}), "No alliance ruptures detected.")


def alert_state(alert: AlertView) -> str:
    if alert.superseded:
        return "superseded (answers corrected)"
    done = [f"{a.action} by {a.user_name}, {stamp(a.at)}" for a in alert.actions]
    return "; ".join(done) if done else "open"


def alerts_table(alerts: Sequence[AlertView]) -> TableSpec:
    ordered = sorted(alerts, key=lambda a: (a.session_number or 0, a.created_at))
    rows = tuple((DASH if a.session_number is None else str(a.session_number), a.kind.replace("_", " "),
                  ", ".join(a.rule_ids) or DASH, a.severity, a.explanation, alert_state(a)) for a in ordered)
    return TableSpec(("Session", "Kind", "Rules", "Severity", "Why", "Handling"), rows,
                     (0.8, 1.1, 1.6, 0.9, 4.0, 2.2), frozenset({0}), "No alerts were raised.")


def instrument_lines(notes: Sequence[InstrumentNote]) -> tuple[str, ...]:
    lines = []
    for n in notes:
        name = n.title if n.abbreviation in n.title else f"{n.title} ({n.abbreviation})"
        parts = [f"{name}, definition version {n.version}, scoring {n.scoring_version}, "
                 f"licence {n.licence_id}."]
        if n.cutoff:
            check = ", configurable default (check)" if n.cutoff_check else ""
            label = "Alliance flag" if n.kind == "alliance" else "Clinical range"
            parts.append(f"{label}: {n.cutoff}" + (f" — source: {n.cutoff_source}" if n.cutoff_source else "")
                         + f"{check}.")
        if n.reliable_change is not None:
            parts.append(f"Reliable change: {number(n.reliable_change)} ({n.reliable_change_method}).")
        if n.reference_sd is not None:
            parts.append(f"Reference session-to-session SD: {number(n.reference_sd)}"
                         + (f" — source: {n.reference_sd_source}" if n.reference_sd_source else "") + ".")
        if n.ceiling is not None:
            parts.append(f"Ceiling for the sharp-drop rule: {number(n.ceiling)}"
                         + (f" — source: {n.ceiling_source}" if n.ceiling_source else "") + ".")
        lines.append(" ".join(parts))
    return tuple(lines) or ("No questionnaire was answered in this episode.",)


# -- a caseload ------------------------------------------------------------------------------


def caseload_summary(groups: Sequence[CaseloadGroup], context: ReportContext) -> CaseloadSummary:
    rows = []
    for group in groups:
        for r in group.rows:
            rows.append(caseload_row(r, group.therapist_name))
    who = groups[0].therapist_name if len(groups) == 1 else f"{len(groups)} therapists"
    facts = (("Clinic", context.clinic_name), ("Caseload of", who), ("Active clients", str(len(rows))),
             ("Generated", f"{stamp(context.generated_at)} by {context.generated_by}"))
    table = TableSpec(
        ("Client", "Therapist", "Sessions", "Latest alliance", "Latest outcome", "Change", "On track", "Open alerts",
         "Needs attention"),
        tuple(rows), (1.3, 1.3, 0.95, 1.2, 1.6, 1.1, 0.8, 0.7, 2.15), frozenset({2, 3, 4, 7}),
        "No active clients.")
    return CaseloadSummary("Caseload report", facts, table,
                           ("Clients in order of need of attention (risk, not on track, ruptures, alerts), as in the "
                            "caseload screen. Each client's pages follow.",))


def _abbreviation(instrument_id: str | None) -> str:
    """"PHQ-9" for "phq9": the name staff know, as on the screen (the id if the definition is unknown)."""
    if instrument_id is None:
        return ""
    from alliance_desktop.core.instruments import load_bundled

    found = load_bundled().get(instrument_id)
    return found.abbreviation if found is not None else instrument_id


def caseload_row(r: CaseloadRow, therapist: str) -> tuple[str, ...]:
    alliance = DASH if r.latest_alliance is None else \
        f"{number(r.latest_alliance)} (s{r.latest_alliance_session})"
    outcome = DASH if r.latest_outcome is None else \
        f"{_abbreviation(r.outcome_instrument)} {number(r.latest_outcome)} (s{r.latest_outcome_session})".strip()
    return (r.pseudonym, therapist, r.sessions_label, alliance, outcome,
            r.change_class.value if r.change_class else DASH, r.colour.value if r.colour else DASH,
            str(r.badges.unhandled_alerts), r.attention.label or DASH)
