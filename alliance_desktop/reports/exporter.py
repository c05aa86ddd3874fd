"""The report exporter the composition root hands to the UI and the command line.

Why one object: the therapist view (through ``ui.therapist.report_port``'s
Protocol, since ui may not import reports) and ``alliance-desktop export
pdf`` must gather, name, write and audit a report the same way. Each method
reads through the services (role checks there), writes the file atomically
and leaves one ``export.pdf`` audit entry (ids only).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from alliance_desktop.core.file_names import safe_file_stem
from alliance_desktop.reports.caseload_pdf import CaseloadResult, Progress, ReportCancelled, write_caseload_pdf
from alliance_desktop.reports.client_pdf import write_client_pdf
from alliance_desktop.services import report_data
from alliance_desktop.services.clinic_session import ClinicSession


def client_file_name(pseudonym: str) -> str:
    """``summary_<pseudonym>.pdf``, safe on Windows and POSIX."""
    return f"summary_{safe_file_stem(pseudonym)}.pdf"


def caseload_file_name(label: str, day: str) -> str:
    return f"caseload_{safe_file_stem(label, fallback='all')}_{day}.pdf"


class PdfReportExporter:
    """Client summaries and caseload reports as PDF files (see the module docstring)."""

    def suggested_client_name(self, pseudonym: str) -> str:
        return client_file_name(pseudonym)

    def client_pdf(self, session: ClinicSession, episode_id: uuid.UUID, path: Path) -> int:
        """Write one client's summary to ``path``; returns its page count."""
        data = report_data.client_report_data(session, episode_id)
        pages = write_client_pdf(data, Path(path))
        report_data.record_pdf_export(session, "client", [episode_id], pages=pages)
        return pages

    def caseload_pdf(self, session: ClinicSession, therapist: str | uuid.UUID | None, folder: Path, *,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> CaseloadResult | None:
        """Write the caseload report of ``therapist`` (username, id, or None / "all") into ``folder``.

        Returns None when ``progress`` returned False or ``cancelled()`` said so: no file is left.
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"The folder {folder} does not exist.")
        groups = report_data.caseload_groups(session, therapist)
        context = report_data.report_context(session)
        label = groups[0].therapist_name if len(groups) == 1 else "all"
        target = folder / caseload_file_name(label, context.generated_at.date().isoformat())
        try:
            result = write_caseload_pdf(
                groups, context, lambda episode: report_data.client_report_data(session, episode, context=context),
                target, progress=progress, cancelled=cancelled)
        except ReportCancelled:
            return None
        report_data.record_pdf_export(session, "caseload", [r.episode_id for g in groups for r in g.rows],
                                      pages=result.pages)
        return result
