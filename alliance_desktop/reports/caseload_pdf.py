"""The caseload report: a summary page of every active client, then each client's pages.

Why progress and cancellation live here: forty clients take a few seconds
(mostly reading each course), and a therapist who picked the wrong caseload
must be able to stop. ``progress(done, total)`` is called after each client
is read and laid out and after painting; returning ``False`` from it, or
``cancelled()`` returning True, stops the run. A stopped run raises
``ReportCancelled`` inside ``atomic_pdf``, so no file (not even a partial
one) is left in the folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alliance_desktop.core import chart_palette as palette
from alliance_desktop.reports import pdf_tables
from alliance_desktop.reports.client_pdf import add_client_section, atomic_pdf
from alliance_desktop.reports.pdf_document import PdfDocument
from alliance_desktop.reports.report_content import caseload_summary, client_section
from alliance_desktop.services.report_data import CaseloadGroup, ClientReportData, ReportContext

CASELOAD_TITLE = "Caseload report"

#: (done, total) -> False to stop
Progress = Callable[[int, int], bool | None]


class ReportCancelled(Exception):
    """The person stopped the report; nothing was written."""


@dataclass(frozen=True, slots=True)
class CaseloadResult:
    path: Path
    pages: int
    clients: int


def write_caseload_pdf(
    groups: tuple[CaseloadGroup, ...],
    context: ReportContext,
    load: Callable[[object], ClientReportData],
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CaseloadResult:
    """Write the report to ``target``; ``load(episode_id)`` reads one client (role checks are its own).

    Raises ``ReportCancelled`` when stopped; ``target`` is then untouched.
    """
    rows = [row for group in groups for row in group.rows]
    total = len(rows) + 1  # the last step is painting the pages

    def keep_going(done: int) -> None:
        answer = progress(done, total) if progress is not None else None
        if answer is False or (cancelled is not None and cancelled()):
            raise ReportCancelled("The caseload report was cancelled; no file was written.")

    summary = caseload_summary(groups, context)
    with atomic_pdf(target) as temp:
        doc = PdfDocument(temp, paper=context.paper_size, title=CASELOAD_TITLE, clinic=context.clinic_name)
        doc.new_page(CASELOAD_TITLE)
        doc.paragraph(CASELOAD_TITLE, doc.fonts.title, gap=8)
        doc.facts(summary.facts)
        doc.space(6)
        for note in summary.notes:
            doc.paragraph(note, doc.fonts.small, colour=palette.MUTED, gap=6)
        pdf_tables.table(doc, summary.table)
        keep_going(0)
        for done, row in enumerate(rows, start=1):
            add_client_section(doc, client_section(load(row.episode_id)))
            keep_going(done)
        if not doc.write(cancelled):
            raise ReportCancelled("The caseload report was cancelled; no file was written.")
        keep_going(total)
    return CaseloadResult(target, len(doc.pages), len(rows))
