"""The caseload report: a summary page then each client's pages; progress, cancellation, roles."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from alliance_desktop.reports.exporter import PdfReportExporter
from alliance_desktop.services.authz import NotAllowed
from tests.reports.pdf_helpers import page_texts, pdf_text, poppler, rendered_ink  # noqa: F401 - fixture
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import login


@pytest.fixture
def exporter(qapp) -> PdfReportExporter:
    return PdfReportExporter()


@pytest.fixture
def out(tmp_path):  # noqa: ANN001, ANN201 - the clinic's own data folder is in tmp_path too
    folder = tmp_path / "reports"
    folder.mkdir()
    return folder


def _run(clinic, user: str, therapist, folder, exporter, **kw):  # noqa: ANN001, ANN202
    s = login(clinic, user)
    try:
        return exporter.caseload_pdf(s, therapist, folder, **kw)
    finally:
        s.lock()


def test_summary_page_then_each_clients_pages(clinic, seeded, exporter, out, tmp_path, poppler):
    calls: list[tuple[int, int]] = []
    result = _run(clinic, "tara", None, out, exporter, progress=lambda d, t: calls.append((d, t)))
    assert result is not None and result.clients == 2
    pages = page_texts(result.path)
    assert len(pages) == result.pages >= 1 + result.clients
    summary = pages[0]
    assert "Caseload report" in summary and "Tara Example" in summary
    assert "RP-0001" in summary and "UR-0002" in summary and "TH-0003" not in pdf_text(result.path)
    starts = [i for i, text in enumerate(pages) if "Client summary: RP-0001" in text or
              "Client summary: UR-0002" in text]
    assert len(starts) == 2 and starts[0] >= 1
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and calls[-1][0] == calls[-1][1]
    assert rendered_ink(result.path, tmp_path, 1) > 0.01


def test_a_supervisor_reports_on_everyone(clinic, seeded, exporter, out):
    result = _run(clinic, "sue", "all", out, exporter)
    assert result is not None and result.clients == 3
    text = pdf_text(result.path)
    assert all(code in text for code in ("RP-0001", "UR-0002", "TH-0003"))
    assert len(PdfReader(result.path).pages) >= 4


def test_a_therapist_cannot_report_on_another_caseload(clinic, seeded, exporter, out):
    with pytest.raises(NotAllowed):
        _run(clinic, "tara", "theo", out, exporter)
    assert not any(out.iterdir())


def test_cancelling_stops_early_and_leaves_no_file(clinic, seeded, exporter, out):
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 1  # stop after the first client

    assert _run(clinic, "sue", "all", out, exporter, progress=progress) is None
    assert seen == [0, 1], "nothing more is read once cancelled"
    assert not any(out.iterdir()), "no PDF and no temporary file is left"

    flag = {"stop": False}

    def stop_later(done: int, total: int) -> None:
        flag["stop"] = done == total - 1  # cancelled while the pages are being painted

    assert _run(clinic, "sue", "all", out, exporter, progress=stop_later, cancelled=lambda: flag["stop"]) \
        is None
    assert not any(out.iterdir())
