"""``alliance-desktop export KIND ...``: data leaving the encrypted store on purpose.

Each kind (pdf, csv, fhir, ...) registers itself from its own module; an export
is an explicit act of a logged-in user and is written to the audit log by the
service that gathers the data.
"""

from __future__ import annotations

import argparse
import importlib

# Modules under alliance_desktop.cli with a ``register(kinds)`` function, one per export kind family.
_KIND_MODULES: tuple[str, ...] = ("export_data", "export_pdf")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = subparsers.add_parser(
        "export",
        help="write reports or data out of the encrypted store (PDF, CSV, FHIR, access export)",
        description="Write reports or data out of the encrypted clinic database. Every export is "
        "written to the audit log; the files it writes are not encrypted.",
    )
    kinds = export.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    for name in _KIND_MODULES:
        importlib.import_module(f"alliance_desktop.cli.{name}").register(kinds)
