"""``alliance-desktop export pdf`` in a separate process, as a clinic's script would run it."""

from __future__ import annotations

import os
import subprocess
import sys

from pypdf import PdfReader

from tests.reports.pdf_helpers import pdf_text
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import STAFF_PASSWORD


def run_cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALLIANCE_PASSWORD", "DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the command must cope without a display on its own
    if password is not None:
        env["ALLIANCE_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "alliance_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_client_summary_from_the_command_line(clinic, seeded, data_paths, tmp_path):
    out = tmp_path / "summary.pdf"
    base = ("export", "pdf", "--client", "RP-0001", "--out", str(out), "--data-dir", str(data_paths.root),
            "--user", "tara")
    refused = run_cli(*base)
    assert refused.returncode == 2 and "--password-file" in refused.stderr and not out.exists()

    done = run_cli(*base, password=STAFF_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "RP-0001" in pdf_text(out)

    other = run_cli("export", "pdf", "--client", "TH-0003", "--out", str(tmp_path / "th.pdf"), "--data-dir",
                    str(data_paths.root), "--user", "tara", password=STAFF_PASSWORD)
    assert other.returncode == 2 and "on your caseload" in other.stderr and not (tmp_path / "th.pdf").exists()


def test_caseload_report_from_the_command_line(clinic, seeded, data_paths, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    common = ("--out", str(folder), "--data-dir", str(data_paths.root))
    mine = run_cli("export", "pdf", "--caseload", "all", *common, "--user", "tara", password=STAFF_PASSWORD)
    assert mine.returncode == 0, mine.stderr
    written = list(folder.glob("*.pdf"))
    assert len(written) == 1 and str(written[0]) in mine.stdout
    text = pdf_text(written[0])
    assert "RP-0001" in text and "UR-0002" in text and "TH-0003" not in text
    assert len(PdfReader(written[0]).pages) >= 3

    theirs = run_cli("export", "pdf", "--caseload", "theo", *common, "--user", "tara", password=STAFF_PASSWORD)
    assert theirs.returncode == 2 and "own caseload" in theirs.stderr
    assert len(list(folder.iterdir())) == 1


def test_bad_output_paths_are_refused_before_logging_in(tmp_path):
    missing = run_cli("export", "pdf", "--caseload", "all", "--out", str(tmp_path / "nope"), "--user", "x")
    assert missing.returncode == 2 and "not an existing folder" in missing.stderr
    wrong = run_cli("export", "pdf", "--client", "X", "--out", str(tmp_path / "x.txt"), "--user", "x")
    assert wrong.returncode == 2 and ".pdf" in wrong.stderr
