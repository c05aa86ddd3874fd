"""Entry point: ``alliance-desktop`` and ``python -m alliance_desktop``.

Kept tiny on purpose: ``--help`` and ``--version`` must answer without loading
Qt or SQLAlchemy (about a second together), so everything heavy is imported
only after the arguments say a window (``app``) or a job (``cli``) is wanted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import ModuleType

from alliance_desktop import __version__

PASSWORD_ENV = "ALLIANCE_PASSWORD"  # the same variable as the commands' (alliance_desktop.cli)


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
    # Benchmark hook (hidden, see _bench_login): log USER in without the login window, with the
    # password from --bench-password-file or ALLIANCE_PASSWORD, never from the command line.
    # Only together with --exit-when-shown, so it can never keep a logged-in app running.
    parser.add_argument("--bench-login", metavar="USER", help=argparse.SUPPRESS)
    parser.add_argument("--bench-password-file", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    if cli is not None:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                           title="commands (run without a window)")
        cli.add_subcommands(subparsers)
    return parser


def _parse(argv: list[str]) -> tuple[argparse.Namespace, ModuleType | None]:
    """The parsed arguments, and the commands module when the line names a command.

    Starting the app is the common case and the one whose start-up time people
    notice, so the command modules (and their parsers) are only loaded when
    something on the line is not one of the app's own options (the app alone
    takes no positional arguments) or when help, which lists the commands, is asked for.
    """
    if not any(arg in ("-h", "--help") for arg in argv):
        args, extra = build_parser(None).parse_known_args(argv)
        if not extra:
            return args, None
    cli = _load_cli()
    return build_parser(cli).parse_args(argv), cli


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args, cli = _parse(argv)
    except SystemExit as stop:  # --help, --version and usage errors: argparse has printed
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    if cli is not None and getattr(args, "command", None):
        return int(cli.run_command(args))

    try:
        bench_login = _bench_login(args)
    except ValueError as problem:
        print(f"alliance-desktop: {problem}", file=sys.stderr)
        return 2

    from alliance_desktop.ui.pyside_loading import load_pyside

    load_pyside()  # before the app's modules: each one imported after PySide6 would be source-scanned
    from alliance_desktop.app import StartOptions, run

    data_dir = args.data_dir.expanduser() if args.data_dir is not None else None
    return run(StartOptions(data_dir=data_dir, demo=args.demo, exit_when_shown=args.exit_when_shown,
                            kiosk=args.kiosk, bench_login=bench_login))


def _bench_login(args: argparse.Namespace) -> tuple[str, str] | None:
    """The benchmark hook: (user, password) to log in with instead of the login window, or None.

    ``--bench-login USER`` with ``--exit-when-shown`` (and usually ``--kiosk``)
    measures the start to the first screen after a login without a person
    typing. It is not a way around the password: the password is checked by
    the same unlock as the login window's (Argon2id, backoff after failures),
    it is read from ``--bench-password-file`` (first line) or the
    ALLIANCE_PASSWORD environment variable, never from the command line, and
    the hook is refused without ``--exit-when-shown``, which quits as soon as
    the first window is painted — so it cannot be used to start a kiosk that
    logs itself in after a restart.
    """
    if args.bench_login is None:
        if args.bench_password_file is not None:
            raise ValueError("--bench-password-file needs --bench-login.")
        return None
    if not args.exit_when_shown:
        raise ValueError("--bench-login is a benchmark hook and works only with --exit-when-shown.")
    if args.bench_password_file is not None:
        try:
            lines = args.bench_password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as problem:
            raise ValueError(f"cannot read the password file {args.bench_password_file}: {problem}") from None
        password = lines[0] if lines else ""
    else:
        password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        raise ValueError(f"--bench-login needs the password in --bench-password-file or {PASSWORD_ENV}.")
    return args.bench_login, password


if __name__ == "__main__":
    sys.exit(main())
