"""PDF report metrics (issue 6): one client's summary and a 40-client caseload report.

Both run in this process, offscreen, on a demo clinic built here with one
therapist holding 40 courses in treatment (the demo generator with a
benchmark-only profile; cheap Argon2id, no unlock is timed). Each sample is
the whole export as the "Export PDF…" button runs it: the services read
(course, alerts, subscales; audited), layout, painting, the atomic rename
and the ``export.pdf`` audit entry.

``reports.client_pdf_s``
    The summary of the therapist's client with the most sessions (24 on this
    profile; ``extra.sessions`` says how many), target < 0.5 s.
``reports.caseload_pdf_s``
    The caseload report of all 40 clients (summary page + each client's
    pages; ``extra.pages``), target < 10 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.foundation import PASSWORD
from benchmarks.stats import Metric, repeat

_DEMO_KDF = {"time_cost": 1, "memory_kib": 8192, "parallelism": 1}
_PROFILE = "bench-40-clients"


def _clinic(workdir: Path) -> Path:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.core.demo_courses import PROFILES, ClinicProfile
    from alliance_desktop.services.demo import build_demo_clinic
    from alliance_desktop.storage.keys import KdfParams

    # One therapist, 40 courses in treatment (the large demo's caseload size), little history.
    PROFILES.setdefault(_PROFILE, ClinicProfile(therapists=1, clients=44, active_per_therapist=40,
                                                years_of_history=1.0))
    paths = DataPaths(workdir / "demo-reports")
    build_demo_clinic(paths, size=_PROFILE, seed=1, password=PASSWORD, kdf=KdfParams(**_DEMO_KDF))
    return paths.root


def collect(quick: bool, size: str = "small") -> list[Metric]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from alliance_desktop.app import create_application
    from alliance_desktop.config import DataPaths
    from alliance_desktop.reports.exporter import PdfReportExporter
    from alliance_desktop.services import report_data
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.caseload import therapists
    from alliance_desktop.services.demo import DEMO_ADMIN_USER

    create_application()
    exporter = PdfReportExporter()
    with tempfile.TemporaryDirectory(prefix="alliance-bench-reports-") as tmp:
        access = ClinicAccess(DataPaths(_clinic(Path(tmp))))
        admin = access.unlock(DEMO_ADMIN_USER, PASSWORD)
        try:
            username = therapists(admin)[0].username
        finally:
            admin.lock()
        session = access.unlock(username, PASSWORD)
        out = Path(tmp) / "out"
        out.mkdir()
        try:
            rows = report_data.caseload_groups(session, None)[0].rows
            richest = max(rows, key=lambda r: r.sessions_done)
            target = out / "summary.pdf"
            client = repeat(lambda: exporter.client_pdf(session, richest.episode_id, target), 5 if quick else 30)
            pages: list[int] = []

            def caseload() -> None:
                result = exporter.caseload_pdf(session, None, out)
                assert result is not None
                pages.append(result.pages)

            whole = repeat(caseload, 1 if quick else 5, warmup=0 if quick else 1)
        finally:
            session.lock()
    return [
        Metric("reports.client_pdf_s", client, target="< 0.5 s",
               note="one client's summary PDF, services read to renamed file",
               extra={"sessions": float(richest.sessions_done)}),
        Metric("reports.caseload_pdf_s", whole, target="< 10 s",
               note="caseload report of one therapist's active clients",
               extra={"clients": float(len(rows)), "pages": float(pages[-1])}),
    ]


if __name__ == "__main__":  # python -m benchmarks.report_metrics [quick]
    from benchmarks.run import render

    print(render(collect("quick" in sys.argv[1:]), []))
