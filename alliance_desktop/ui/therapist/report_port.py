"""What the therapist screens need from the PDF reports, as a Protocol (ui may not import reports).

The layers rule keeps ``ui`` and ``reports`` apart; ``app.py`` (the
composition root) hands a ``reports.exporter.PdfReportExporter`` to the
workspace, and the screens see only this shape. Tests pass a fake.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession


class CaseloadOutcome(Protocol):
    path: Path
    pages: int
    clients: int


class ReportExporter(Protocol):
    def suggested_client_name(self, pseudonym: str) -> str:
        """A file name for the client's summary that is safe on every system."""

    def client_pdf(self, session: ClinicSession, episode_id: uuid.UUID, path: Path) -> int:
        """Write the summary; returns its page count."""

    def caseload_pdf(self, session: ClinicSession, therapist: uuid.UUID | str | None, folder: Path, *,
                     progress: Callable[[int, int], bool | None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> CaseloadOutcome | None:
        """Write the caseload report into ``folder``; None if it was cancelled (nothing written)."""
