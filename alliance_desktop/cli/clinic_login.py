"""What every command that reads or changes a clinic shares: where the data is, who logs in.

Commands log in exactly as the login window does (Argon2id unlock, backoff after
failures, the login written to the audit log) and act with that user's role, so
a therapist's ``export`` sees only their own clients. The password comes from
``--password-file`` or ``ALLIANCE_PASSWORD`` (see ``read_password``), never
from the command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_desktop.cli import PASSWORD_ENV, CommandError, read_password

if TYPE_CHECKING:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.clinic_session import ClinicSession


def add_clinic_options(parser: argparse.ArgumentParser, *, user_help: str = "the account to log in with") -> None:
    """``--data-dir``, ``--user`` and ``--password-file`` on a subcommand.

    ``--data-dir`` may also be given before the command (``alliance-desktop
    --data-dir D export ...``); it is stored under its own name here so the
    subcommand's default can never overwrite the top-level value.
    """
    parser.add_argument("--data-dir", dest="command_data_dir", type=Path, metavar="DIR",
                        help="the clinic's data folder (default: the app's data folder or ALLIANCE_DATA_DIR)")
    parser.add_argument("--user", required=True, help=user_help)
    parser.add_argument("--password-file", type=Path, metavar="FILE",
                        help=f"file whose first line is the password (or set {PASSWORD_ENV})")


def data_paths(args: argparse.Namespace) -> DataPaths:
    """The data folder named after the command, before it, or the default one."""
    from alliance_desktop.config import DataPaths, default_data_dir
    from alliance_desktop.services.data_folder import UnsafeDataFolder, check_data_folder

    chosen = getattr(args, "command_data_dir", None) or getattr(args, "data_dir", None)
    root = Path(chosen).expanduser() if chosen is not None else default_data_dir()
    try:
        check_data_folder(root)  # a network share or sync folder is refused (RELIABILITY row 12)
    except UnsafeDataFolder as unsafe:
        raise CommandError(unsafe.user_message) from None
    return DataPaths(root)


@contextmanager
def open_clinic(args: argparse.Namespace) -> Iterator[ClinicSession]:
    """Unlock the clinic as ``--user``; the session is locked (key dropped) when the block ends."""
    from alliance_desktop.services.access import ClinicAccess, ClinicState

    paths = data_paths(args)
    access = ClinicAccess(paths, schema_progress=_say_update_step)
    if access.state() is not ClinicState.READY:
        raise CommandError(f"{paths.root} holds no clinic yet; set one up in the app first.")
    password = read_password(args.password_file)
    session = access.unlock(args.user, password)
    try:
        yield session
    finally:
        session.lock()


def _say_update_step(step: object) -> None:
    """The first command after an update of the app may convert the database first: say so, step by step."""
    print(f"alliance-desktop: updating the clinic database for this version. {step}", file=sys.stderr, flush=True)
