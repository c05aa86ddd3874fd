"""The "Export PDF…" and "Caseload report…" buttons: what they ask, what they call, cancelling."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from alliance_desktop.ui.therapist import report_actions
from alliance_desktop.ui.therapist.workspace import Workspace


@dataclass
class Outcome:
    path: Path
    pages: int
    clients: int


class FakeExporter:
    """Records calls; the caseload run reports progress for ``clients`` clients."""

    def __init__(self, clients: int = 5) -> None:
        self.calls: list[tuple] = []
        self.clients = clients
        self.steps: list[int] = []

    def suggested_client_name(self, pseudonym: str) -> str:
        return f"summary_{pseudonym}.pdf"

    def client_pdf(self, session, episode_id, path):  # noqa: ANN001, ANN201
        self.calls.append(("client", episode_id, path))
        path.write_bytes(b"%PDF-1.4 fake")
        return 2

    def caseload_pdf(self, session, therapist, folder, *, progress=None, cancelled=None):  # noqa: ANN001, ANN201
        self.calls.append(("caseload", therapist, folder))
        for done in range(self.clients + 2):
            self.steps.append(done)
            if progress(done, self.clients + 1) is False or (cancelled and cancelled()):
                return None
        return Outcome(folder / "caseload.pdf", 7, self.clients)


class FakeSession:
    user = None


@pytest.fixture
def said(monkeypatch):  # noqa: ANN001, ANN201
    messages: list[tuple[str, str, bool]] = []
    monkeypatch.setattr(report_actions, "tell",
                        lambda parent, title, text, warning=False: messages.append((title, text, warning)))
    return messages


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _workspace(exporter) -> Workspace:  # noqa: ANN001
    workspace = Workspace(FakeSession())  # type: ignore[arg-type]
    workspace.reports = exporter
    return workspace


def test_export_pdf_writes_where_the_user_chose(parent, said, monkeypatch, tmp_path):
    exporter = FakeExporter()
    asked: list[str] = []
    target = tmp_path / "summary.pdf"
    monkeypatch.setattr(report_actions, "ask_save_path", lambda p, name: asked.append(name) or target)
    episode = uuid.uuid4()
    assert report_actions.export_client_pdf(parent, _workspace(exporter), episode, "KL-4821") == target
    assert asked == ["summary_KL-4821.pdf"] and exporter.calls == [("client", episode, target)]
    assert str(target) in said[-1][1] and "not encrypted" in said[-1][1]


def test_choosing_no_file_writes_nothing(parent, said, monkeypatch):
    exporter = FakeExporter()
    monkeypatch.setattr(report_actions, "ask_save_path", lambda p, name: None)
    assert report_actions.export_client_pdf(parent, _workspace(exporter), uuid.uuid4(), "KL-4821") is None
    assert exporter.calls == [] and said == []


def test_without_an_exporter_the_user_is_told(parent, said):
    assert report_actions.export_client_pdf(parent, _workspace(None), uuid.uuid4(), "KL-4821") is None
    assert said and said[0][1] == report_actions.NOT_AVAILABLE


def test_caseload_report_runs_to_the_end_with_progress(parent, said, monkeypatch, tmp_path):
    exporter = FakeExporter(clients=4)
    monkeypatch.setattr(report_actions, "ask_folder", lambda p: tmp_path)
    therapist = uuid.uuid4()
    result = report_actions.export_caseload_pdf(parent, _workspace(exporter), therapist)
    assert result is not None and result.clients == 4
    assert exporter.calls == [("caseload", therapist, tmp_path)] and exporter.steps == [0, 1, 2, 3, 4, 5]
    assert "4 clients" in said[-1][1]


def test_cancel_in_the_progress_dialog_stops_the_run(parent, said, monkeypatch, tmp_path, qtbot):
    from PySide6.QtWidgets import QApplication, QProgressDialog

    exporter = FakeExporter(clients=40)
    monkeypatch.setattr(report_actions, "ask_folder", lambda p: tmp_path)
    original = exporter.caseload_pdf

    def press_cancel_after_two(session, therapist, folder, *, progress=None, cancelled=None):  # noqa: ANN001, ANN202
        def wrapped(done: int, total: int):  # noqa: ANN202
            if done == 2:
                dialog = next(w for w in QApplication.topLevelWidgets()
                              if isinstance(w, QProgressDialog) and w.isVisible())
                dialog.cancel()  # what the Cancel button does
            return progress(done, total)

        return original(session, therapist, folder, progress=wrapped, cancelled=cancelled)

    exporter.caseload_pdf = press_cancel_after_two  # type: ignore[method-assign]
    assert report_actions.export_caseload_pdf(parent, _workspace(exporter), None) is None
    assert exporter.steps == [0, 1, 2]
    assert said[-1][1] == "Cancelled: no file was written."


def test_the_course_and_caseload_buttons_write_real_pdfs(qtbot, make_shell, clinic, seeded, said, monkeypatch,
                                                         tmp_path):
    from alliance_desktop.reports.exporter import PdfReportExporter
    from tests.services.workspace_fixtures import STAFF_PASSWORD
    from tests.ui.helpers import click, log_in

    main = log_in(qtbot, make_shell(clinic), "tara", STAFF_PASSWORD)
    main.workspace.reports = PdfReportExporter()  # what app.py wires in
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(report_actions, "ask_save_path", lambda p, name: out / name)
    monkeypatch.setattr(report_actions, "ask_folder", lambda p: out)
    course = main.open_course(seeded.repaired_episode)
    click(qtbot, course.pdf_button)
    assert (out / "summary_RP-0001.pdf").stat().st_size > 1000
    click(qtbot, main.caseload.report_button)
    assert len(list(out.glob("caseload_*.pdf"))) == 1
    assert not [m for m in said if m[2]], said
