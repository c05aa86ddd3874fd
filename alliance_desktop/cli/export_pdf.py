"""``alliance-desktop export pdf``: a client summary or a caseload report as PDF, without a window.

``--client CODE --out FILE`` writes one client's summary; ``--caseload
THERAPIST|all --out DIR`` writes a caseload report into a folder. The user
logs in as in the app (``clinic_login``) and sees what their role allows: a
therapist only their own clients. Qt draws the PDF, so a QGuiApplication is
created, offscreen when there is no display. Only file paths are printed,
never a score.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from alliance_desktop.cli import CommandError
from alliance_desktop.cli.clinic_login import add_clinic_options, open_clinic


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pdf = kinds.add_parser(
        "pdf",
        help="a client summary or a caseload report as PDF",
        description="Write a client summary (--client CODE --out FILE) or a caseload report "
        "(--caseload THERAPIST|all --out DIR) as PDF. The PDF is not encrypted.",
    )
    which = pdf.add_mutually_exclusive_group(required=True)
    which.add_argument("--client", metavar="CODE", help="the client's pseudonym code")
    which.add_argument("--caseload", metavar="THERAPIST", help="a therapist's username, or 'all'")
    pdf.add_argument("--out", type=Path, required=True,
                     help="the PDF file to write (--client) or an existing folder (--caseload)")
    add_clinic_options(pdf)
    pdf.set_defaults(command_func=_export_pdf)


def ensure_gui_application() -> object:
    """A QGuiApplication for fonts and QPdfWriter; offscreen if no display is available."""
    from PySide6.QtGui import QGuiApplication

    existing = QGuiApplication.instance()
    if existing is not None:
        return existing
    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(["alliance-desktop"])


def _export_pdf(args: argparse.Namespace) -> int:
    out: Path = args.out.expanduser()
    if args.client is not None:
        if out.is_dir():
            raise CommandError(f"{out} is a folder; give the PDF file to write, e.g. {out / 'summary.pdf'}.")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist; nothing was written.")
        if out.suffix.lower() != ".pdf":
            raise CommandError(f"{out} does not end in .pdf; give a file name like summary.pdf.")
    elif not out.is_dir():
        raise CommandError(f"{out} is not an existing folder; create it first or give another one.")
    _app = ensure_gui_application()  # noqa: F841 - held: the QGuiApplication must outlive the painting
    from alliance_desktop.reports.exporter import PdfReportExporter
    from alliance_desktop.services import report_data

    exporter = PdfReportExporter()
    with open_clinic(args) as session:
        if args.client is not None:
            episode = report_data.episode_for_pseudonym(session, args.client)
            pages = exporter.client_pdf(session, episode, out)
            print(f"Client summary written to {out} ({pages} pages). It is not encrypted: keep it safe.")
        else:
            def progress(done: int, total: int) -> bool:
                print(f"  {done} / {total}", file=sys.stderr, flush=True)
                return True

            result = exporter.caseload_pdf(session, args.caseload, out, progress=progress)
            assert result is not None  # nothing cancels a command-line run
            print(f"Caseload report written to {result.path} ({result.clients} clients, {result.pages} pages). "
                  "It is not encrypted: keep it safe.")
    return 0
