"""``alliance-desktop export csv|research|fhir|access``: clinical data out of the encrypted store.

Each command logs in as ``--user`` (so a therapist exports only their own
clients), lets the service write one audit entry, writes its files atomically
and says what it wrote and that the files are not encrypted.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_desktop.cli import CommandError
from alliance_desktop.cli.clinic_login import add_clinic_options, open_clinic

if TYPE_CHECKING:
    from alliance_desktop.core.export_model import ExportScope
    from alliance_desktop.services.clinic_session import ClinicSession

NOT_ENCRYPTED = ("These files are NOT encrypted and contain health information: store them on an encrypted "
                 "drive, send them only over a protected channel, and delete them when done.")


def register(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    csv_ = kinds.add_parser("csv", help="responses in long format (one row per answer) plus a totals file",
                            description="Two CSV files (UTF-8 with BOM, RFC 4180, formula-safe): "
                            "<name>_responses_long.csv and <name>_response_totals.csv.")
    csv_.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the two files into")
    _scope_options(csv_)
    csv_.set_defaults(command_func=_csv)

    research = kinds.add_parser("research", help="long-format research file: totals, subscales, flags, study arm")
    research.add_argument("--out", type=Path, required=True, metavar="FILE", help="CSV file (or a folder)")
    _scope_options(research)
    research.set_defaults(command_func=_research)

    fhir = kinds.add_parser("fhir", help="FHIR R4 Bundle (Questionnaire, QuestionnaireResponse, Observation)")
    fhir.add_argument("--out", type=Path, required=True, metavar="FILE", help="JSON file (or a folder)")
    _scope_options(fhir)
    fhir.set_defaults(command_func=_fhir)

    access = kinds.add_parser("access", help="everything held about one client (GDPR Art. 15/20), as JSON")
    access.add_argument("--client", required=True, metavar="CODE", help="the client's pseudonym code")
    access.add_argument("--out", type=Path, required=True, metavar="FILE", help="JSON file (or a folder)")
    add_clinic_options(access)
    access.set_defaults(command_func=_access)


def _scope_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--client", metavar="CODE", help="one client, by pseudonym code")
    group.add_argument("--therapist", metavar="USER", help="one therapist's clients, by user name")
    group.add_argument("--all", action="store_true",
                       help="the whole clinic (supervisors); without a choice: your caseload or, for a "
                            "supervisor, the clinic")
    add_clinic_options(parser)


def _scope(session: ClinicSession, args: argparse.Namespace) -> ExportScope:
    from alliance_desktop.services.export_data import resolve_scope

    return resolve_scope(session, client=args.client, therapist=args.therapist, everything=args.all)


def _stem(label: str) -> str:
    from alliance_desktop.core.file_names import safe_file_stem

    return safe_file_stem(label, fallback="export")


def _file(out: Path, default_name: str) -> Path:
    """``out`` itself, or ``default_name`` inside it when it is a folder; its folder must exist."""
    target = out / default_name if out.is_dir() else out
    if not target.parent.is_dir():
        raise CommandError(f"The folder {target.parent} does not exist; nothing was written.")
    return target


def _done(lines: list[str]) -> int:
    for line in lines:
        print(line)
    print(NOT_ENCRYPTED)
    return 0


def _subscales() -> list[str]:
    from alliance_desktop.core.instruments import load_bundled

    return list(dict.fromkeys(s.id for i in load_bundled().values() for s in i.scoring.subscales))


def _csv(args: argparse.Namespace) -> int:
    from alliance_desktop.reports.csv_export import write_response_csv
    from alliance_desktop.services.export_data import course_export

    if not args.out.is_dir():
        raise CommandError(f"{args.out} is not an existing folder; nothing was written.")
    with open_clinic(args) as session:
        scope = _scope(session, args)
        stem = _stem(scope.label)
        answers, totals = args.out / f"{stem}_responses_long.csv", args.out / f"{stem}_response_totals.csv"
        with course_export(session, scope, kind="csv") as episodes:
            written = write_response_csv(episodes, answers, totals, subscales=_subscales())
    return _done([f"Wrote {answers} ({written.rows[0]:,} answers)",
                  f"Wrote {totals} ({written.rows[1]:,} responses, {written.episodes:,} episodes)"])


def _research(args: argparse.Namespace) -> int:
    from alliance_desktop.reports.research_export import write_research_csv
    from alliance_desktop.services.export_data import course_export

    with open_clinic(args) as session:
        scope = _scope(session, args)
        path = _file(args.out, f"{_stem(scope.label)}_research.csv")
        with course_export(session, scope, kind="research", with_answers=False) as episodes:
            written = write_research_csv(episodes, path)
    return _done([f"Wrote {path} ({written.rows[0]:,} rows, {written.episodes:,} episodes)"])


def _fhir(args: argparse.Namespace) -> int:
    from alliance_desktop.core.instruments import load_bundled
    from alliance_desktop.reports.fhir_bundle import write_fhir_bundle
    from alliance_desktop.services.export_data import course_export

    with open_clinic(args) as session:
        scope = _scope(session, args)
        path = _file(args.out, f"{_stem(scope.label)}_fhir.json")
        with course_export(session, scope, kind="fhir") as episodes:
            written = write_fhir_bundle(episodes, path, definitions=load_bundled(), now=session.clock.now())
    return _done([f"Wrote {path}: FHIR R4 Bundle with {written.patients:,} patients, {written.responses:,} "
                  f"questionnaire responses, {written.observations:,} observations, "
                  f"{written.questionnaires:,} questionnaires"])


def _access(args: argparse.Namespace) -> int:
    from alliance_desktop.reports.access_export import write_access_export
    from alliance_desktop.services.access_record import access_record

    with open_clinic(args) as session:
        path = _file(args.out, f"{_stem(args.client)}_access.json")
        document = access_record(session, client=args.client)
        write_access_export(document, path)
    responses = sum(len(x["responses"]) for e in document["episodes"] for x in e["sessions"])
    return _done([f"Wrote {path}: {len(document['episodes'])} episodes, {responses} responses, "
                  f"{len(document['audit_events'])} audit entries"])
