"""Entry point: ``alliance-desktop`` and ``python -m alliance_desktop``.

Kept tiny on purpose: ``--help`` and ``--version`` must answer without loading
Qt or SQLAlchemy (about a second together), so everything heavy is imported
only after the arguments say a window (``app``) or a job (``cli``) is wanted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType

from alliance_desktop import __version__


def _load_cli() -> ModuleType | None:
    """The subcommands module, if this build has one (it must import lazily too)."""
    try:
        from alliance_desktop import cli
    except ModuleNotFoundError as missing:
        if missing.name in ("alliance_desktop.cli", "alliance_desktop"):
            return None
        raise
    return cli


def build_parser(cli: ModuleType | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance-desktop",
        description="Alliance Desktop: session-by-session client feedback on the therapeutic alliance "
        "and outcome, stored encrypted on this computer. Without a command it opens the app.",
        epilog="The data folder defaults to the user data folder of this account "
        "(on Linux ~/.local/share/AllianceDesktop); the ALLIANCE_DATA_DIR environment variable or "
        "--data-dir choose another one.",
    )
    parser.add_argument("--version", action="version", version=f"Alliance Desktop {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true",
                       help="open a throwaway demo clinic with made-up data, deleted when the app closes")
    where.add_argument("--data-dir", type=Path, metavar="PATH",
                       help="the clinic's data folder (created on first start)")
    parser.add_argument("--kiosk", action="store_true",
                        help="after a staff login, start the full-screen waiting-room kiosk on this device "
                             "instead of the staff window")
    # For the start-up benchmark: quit as soon as the first window has been painted, print "shown".
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    if cli is not None:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                           title="commands (run without a window)")
        cli.add_subcommands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    cli = _load_cli()
    parser = build_parser(cli)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors: argparse has printed
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    if cli is not None and getattr(args, "command", None):
        return int(cli.run_command(args))

    from alliance_desktop.app import StartOptions, run

    data_dir = args.data_dir.expanduser() if args.data_dir is not None else None
    return run(StartOptions(data_dir=data_dir, demo=args.demo, exit_when_shown=args.exit_when_shown,
                            kiosk=args.kiosk))


if __name__ == "__main__":
    sys.exit(main())
