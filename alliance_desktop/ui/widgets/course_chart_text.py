"""The words on the course chart: panel titles, legends and the per-session tooltip (no Qt).

Kept apart from the drawing so the PDF report can print the same sentences and
tests can read them without a widget. Numbers go through ``format_number``
(at most two decimals, no "-0") like every explanation the core writes.
"""

from __future__ import annotations

from html import escape

from alliance_desktop.core.change import format_number
from alliance_desktop.core.direction import Direction
from alliance_desktop.core.ruptures import RepairStatus, RuptureEvent, Severity
from alliance_desktop.core import chart_palette as palette
from alliance_desktop.ui.widgets.course_chart_data import ChartData

#: Glyphs drawn under a rupture marker (DejaVu Sans has all of them).
REPAIR_GLYPH = {RepairStatus.REPAIRED: "✓", RepairStatus.UNREPAIRED: "✗", RepairStatus.PENDING: "◷"}
REPAIR_WORD = {
    RepairStatus.REPAIRED: "repaired",
    RepairStatus.UNREPAIRED: "unrepaired",
    RepairStatus.PENDING: "repair pending",
}
SELF_REPORT_GLYPH = "◆"
RISK_GLYPH = "▲"


def long_date(d) -> str:  # noqa: ANN001 - a datetime.date
    return f"{d:%a} {d.day} {d:%b %Y}"


def span(colour: str, text: str, *, bold: bool = False) -> str:
    weight = "font-weight:600;" if bold else ""
    return f'<span style="color:{colour};{weight}">{text}</span>'


def better_phrase(direction: Direction, inverted: bool) -> str:
    """Axis wording that says which way is better, e.g. "↑ better (lower score)"."""
    if direction is Direction.HIGHER_IS_BETTER:
        return "↑ better"
    return "↑ better (lower score)" if inverted else "↓ better (lower score)"


def signed(x: float) -> str:
    """``+1.2`` / ``−0.3`` / ``±0`` with a real minus sign, one decimal."""
    text = format_number(round(abs(x), 1))
    if text == "0":
        return "±0"
    return ("+" if x > 0 else "−") + text


def alliance_heading(data: ChartData) -> str:
    """Panel title plus the latest total against the client's own mean and the rupture tally."""
    text = f"<b>Alliance</b> — {escape(data.alliance_title)}"
    latest = next((s for s in reversed(data.analysis.alliance_stats) if s.total is not None), None)
    if latest is not None:
        text += f" · latest <b>{format_number(latest.total)}</b>"
        if latest.deviation is not None:
            text += span(palette.MUTED, f" ({signed(latest.deviation)} vs the client's earlier mean)")
    counts = dict.fromkeys((RepairStatus.UNREPAIRED, RepairStatus.PENDING, RepairStatus.REPAIRED), 0)
    for e in data.analysis.ruptures:
        counts[e.repair] += 1
    if data.analysis.ruptures:
        tally = ", ".join(f"{n} {REPAIR_WORD[status]}" for status, n in counts.items() if n)
        text += f" · ruptures: {tally}"
    return text


def outcome_heading(data: ChartData) -> str:
    """Outcome panel title with the change class, e.g. "… · improved: 18 → 9"."""
    text = f"<b>Outcome</b> — {escape(data.outcome_title)}"
    change = data.analysis.change
    if change is None:
        return text + span(palette.MUTED, " · change: needs two scores")
    cls = change.change_class.value
    return (
        f"{text} · change since intake: <b>{cls}</b>"
        + span(palette.MUTED, f" ({format_number(change.intake)} → {format_number(change.now)};"
               f" reliable = {format_number(change.threshold)}+ points)")
    )


def alliance_legend(data: ChartData) -> str:
    parts = [
        span(palette.ALLIANCE, "●—") + " total",
        span(palette.ALLIANCE_MEAN, "▭") + " earlier mean ± 1 SD",
    ]
    if data.alliance_cutoff is not None:
        check = " (default — check)" if data.alliance_cutoff_check else ""
        parts.append(span(palette.INK, "- -") + f" flag {escape(data.alliance_cutoff.describe())}{check}")
    parts += [
        span(palette.EARLY_ALLIANCE, "···") + f" early (1–{data.early_sessions})",
        span(palette.RUPTURE, "▽") + " possible / " + span(palette.RUPTURE, "▼") + " probable rupture",
        span(palette.REPAIRED, REPAIR_GLYPH[RepairStatus.REPAIRED], bold=True) + " repaired",
        span(palette.UNREPAIRED, REPAIR_GLYPH[RepairStatus.UNREPAIRED], bold=True) + " unrepaired",
        span(palette.PENDING, REPAIR_GLYPH[RepairStatus.PENDING], bold=True) + " pending",
        span(palette.SELF_REPORT, SELF_REPORT_GLYPH) + " client reported a rupture",
    ]
    if data.instruction_sessions:
        parts.append(span(palette.INSTRUCTION, "│") + " instruction")
    return " &nbsp; ".join(parts)


def outcome_legend(data: ChartData) -> str:
    glyph = {"s": "■", "o": "●", "d": "◆"}
    parts = []
    for style in palette.TRACKING.values():
        mark = "○" if style.fill == palette.BACKGROUND else glyph.get(style.symbol, "●")
        colour = style.outline if style.fill in (palette.BACKGROUND, palette.YELLOW) else style.fill
        parts.append(span(colour, mark) + f" {style.name}: {style.meaning}")
    if data.reliable_change is not None:
        rc = format_number(data.reliable_change)
        parts.append(span(palette.RELIABLE_BAND, "▭") + f" intake ± {rc} (no reliable change)")
    if data.outcome_cutoff is not None:
        check = " (default — check)" if data.outcome_cutoff_check else ""
        parts.append(span(palette.INK, "- -") + f" clinical {escape(data.outcome_cutoff.describe())}{check}")
    return " &nbsp; ".join(parts)


def rupture_summary(event: RuptureEvent) -> str:
    kind = "probable" if event.severity is Severity.PROBABLE else "possible"
    return f"{kind} rupture ({', '.join(event.rule_ids)}), {REPAIR_WORD[event.repair]}"


def session_tooltip(data: ChartData, session: int, ruptures: dict[int, RuptureEvent] | None = None) -> str:
    """Rich-text tooltip for one session: date, totals, items, rupture, colour, risk, comment."""
    if ruptures is None:
        ruptures = {e.session: e for e in data.analysis.ruptures}
    d = data.date_of(session)
    head = f"<b>Session {session}</b>" + (f" · {long_date(d)}" if d is not None else "")
    lines = [head]
    a = data.alliance_at(session)
    if a is None:
        lines.append(span(palette.MUTED, f"{data.alliance_label}: missed"))
    else:
        stat = next((s for s in data.analysis.alliance_stats if s.session == session), None)
        extra = ""
        if stat is not None and stat.deviation is not None:
            extra = (f" ({signed(stat.deviation)} vs the client's earlier mean"
                     f" {format_number(round(stat.prior_mean, 1))})")  # type: ignore[arg-type]
        lines.append(f"{data.alliance_label}: <b>{format_number(a)}</b>{extra}")
    items = data.items_at(session)
    if any(v is not None for _, v in items):
        lines.append(" · ".join(f"{escape(label)} {'–' if v is None else format_number(v)}" for label, v in items))
    event = ruptures.get(session)
    if event is not None:
        lines.append(span(palette.RUPTURE, rupture_summary(event), bold=True))
        lines.append(span(palette.MUTED, escape(event.repair_explanation)))
    o = data.outcome_at(session)
    status = data.tracking_at(session)
    if o is None and status is None:
        lines.append(span(palette.MUTED, f"{data.outcome_label}: missed"))
    else:
        score = f"<b>{format_number(o)}</b>" if o is not None else "no score"
        colour = ""
        if status is not None:
            style = palette.TRACKING[status.colour]
            colour = f" — {style.name} ({style.meaning})"
        lines.append(f"{escape(data.outcome_label)}: {score}{colour}")
    risk = dict(data.risk).get(session)
    if risk:
        lines.append(span(palette.RISK, f"{RISK_GLYPH} " + escape(risk), bold=True))
    for note in data.notes_of(session):
        lines.append(span(palette.MUTED, escape(note)))
    comment = data.comment_of(session)
    if comment:
        lines.append(f"<i>“{escape(comment)}”</i>")
    if session in data.instruction_sessions:
        lines.append(span(palette.INSTRUCTION, "Instruction delivered this session"))
    return "<br>".join(lines)


def accessible_summary(data: ChartData) -> str:
    """The chart in a few plain sentences, for screen readers (the accessible description)."""
    parts = []
    latest = next((s for s in reversed(data.analysis.alliance_stats) if s.total is not None), None)
    if latest is not None:
        dev = "" if latest.deviation is None else f" ({signed(latest.deviation)} vs the client's earlier mean)"
        parts.append(f"Alliance: latest total {format_number(latest.total)} at session {latest.session}{dev}.")
    if data.analysis.ruptures:
        parts.append("Ruptures: " + "; ".join(
            f"session {e.session} {rupture_summary(e)}" for e in data.analysis.ruptures) + ".")
    change = data.analysis.change
    if change is not None:
        parts.append(f"{data.outcome_label}: {format_number(change.intake)} at intake,"
                     f" {format_number(change.now)} now: {change.change_class.value}.")
    if data.risk:
        parts.append("Risk item positive at session " + ", ".join(str(s) for s, _ in data.risk) + ".")
    parts.append("Use the left and right arrow keys to go through the sessions, Enter to open one.")
    return " ".join(parts)
