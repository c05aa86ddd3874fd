"""Jobs without a window, in the same entry point as the app: ``alliance-desktop demo-db ...``.

Passwords never come from the command line (it shows up in ``ps`` and in
shell history): they come from ``--password-file`` or ``ALLIANCE_PASSWORD``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PASSWORD_ENV = "ALLIANCE_PASSWORD"


class CommandError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


# Each command lives in its own module with a ``register(subparsers)`` function; the
# module imports what it needs inside the command, so ``--help`` stays fast.
_COMMAND_MODULES = ("demo_db", "export", "backup")


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)


def read_password(password_file: Path | None) -> str:
    """The password from a file (first line, newline stripped) or the environment; never argv."""
    if password_file is not None:
        try:
            raw = password_file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read the password file {password_file}: {exc.strerror}.") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"The password file {password_file} is not UTF-8 text.") from None
        lines = text.splitlines()
        password = lines[0] if lines else ""
        if not password:
            raise CommandError(f"The password file {password_file} is empty.")
        return password
    password = os.environ.get(PASSWORD_ENV, "")
    if password:
        return password
    raise CommandError(
        f"Give the admin password in a file (--password-file FILE) or in the {PASSWORD_ENV} environment "
        "variable; it is never taken as a command-line argument."
    )


def run_command(args: argparse.Namespace) -> int:
    """Run the subcommand chosen on the command line; user errors become one line on stderr."""
    from alliance_desktop.services.errors import ServiceError, StorageError

    try:
        return int(args.command_func(args))
    except CommandError as exc:
        print(f"alliance-desktop: {exc}", file=sys.stderr)
        return 2
    except (ServiceError, StorageError) as exc:
        print(f"alliance-desktop: {exc.detail}", file=sys.stderr)
        return 2
