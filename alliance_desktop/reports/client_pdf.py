"""The client summary PDF: facts, risk flags, the course chart, change, tables, sources and licences.

Also the one place a client section is laid out, so the caseload report's
per-client pages are the same pages a single summary has.

Files are written next to their final name under a temporary name and moved
into place only when complete (``atomic_pdf``): an interrupted or cancelled
export leaves no half-written PDF that looks like a finished one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from alliance_desktop.core import chart_palette as palette
from alliance_desktop.reports import pdf_chart, pdf_tables
from alliance_desktop.reports.pdf_document import PdfDocument
from alliance_desktop.reports.report_content import ClientSection, client_section
from alliance_desktop.services.report_data import ClientReportData

CLIENT_TITLE = "Client summary"
#: A table heading moves to the next page unless the table's heading row and first rows fit under it.
TABLE_KEEP = 95.0


def add_client_section(doc: PdfDocument, section: ClientSection, *, title: str = CLIENT_TITLE) -> None:
    """Lay one client's pages out, starting on a new page."""
    header = f"{title} · {section.pseudonym}"
    doc.new_page(header)
    doc.paragraph(f"{title}: {section.pseudonym}", doc.fonts.title, gap=8)
    doc.facts(section.facts)
    doc.space(4)
    if section.risk_lines:
        doc.heading("Risk items answered positively")
        for line in section.risk_lines:
            doc.paragraph("▲ " + line, doc.fonts.bold, colour=palette.RISK, gap=3)
    doc.heading("Course", keep=pdf_chart.chart_height(section.course))
    course = section.course
    doc.place(pdf_chart.chart_height(course), lambda p, r: pdf_chart.draw_course(p, r, course), gap=4)
    doc.heading("Change from intake")
    for line in section.change_lines:
        doc.paragraph(line, gap=3)
    doc.heading("Sessions (totals and subscales of the answers that count)", keep=TABLE_KEEP)
    pdf_tables.table(doc, section.sessions)
    doc.heading("Alliance ruptures and repairs", keep=TABLE_KEEP)
    pdf_tables.table(doc, section.ruptures)
    doc.heading("Alerts and the rules that raised them", keep=TABLE_KEEP)
    pdf_tables.table(doc, section.alerts)
    doc.heading("Instruments, parameters and sources")
    for line in section.instrument_lines:
        doc.paragraph(line, doc.fonts.small, gap=4)
    doc.heading("Licences and attribution", keep=30)
    for line in section.attributions or ("No questionnaire has been answered, so no licence applies yet.",):
        doc.paragraph(line, doc.fonts.small, gap=3)


@contextlib.contextmanager
def atomic_pdf(target: Path) -> Iterator[Path]:
    """A temporary path in ``target``'s folder; renamed to ``target`` if the block ends normally.

    On an exception (or a cancellation the caller raises as one) the
    temporary file is removed and ``target`` is left as it was.
    """
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"The folder {folder} does not exist.")
    handle, name = tempfile.mkstemp(prefix=".alliance-", suffix=".pdf.part", dir=folder)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_client_pdf(data: ClientReportData, target: Path) -> int:
    """Write the summary of one client to ``target``; returns the number of pages."""
    section = client_section(data)
    with atomic_pdf(target) as temp:
        doc = PdfDocument(temp, paper=data.context.paper_size, title=f"{CLIENT_TITLE} {section.pseudonym}",
                          clinic=data.context.clinic_name)
        add_client_section(doc, section)
        doc.write()  # QPainter.end() finishes and closes the file before the rename
    return len(doc.pages)
