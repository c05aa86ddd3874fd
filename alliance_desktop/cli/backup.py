"""``alliance-desktop backup`` and ``alliance-desktop restore``: the clinic in one encrypted file and back.

Backing up needs an administrator login (``--user`` plus the password from a
file or ``ALLIANCE_PASSWORD``). Restoring needs either that login or the
clinic's recovery key, which, like a password, is never taken from the command
line: it comes from ``--recovery-key-file`` or ``ALLIANCE_RECOVERY_KEY``.
Restoring into an empty ``--data-dir`` always uses the recovery key and
creates a working data folder from the backup alone.

A restore replaces the database under the app's feet, so it takes the data
folder's single-instance lock first: it refuses while the app runs on that folder.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from alliance_desktop.cli import PASSWORD_ENV, CommandError
from alliance_desktop.cli.clinic_login import add_clinic_options, data_paths, open_clinic

RECOVERY_KEY_ENV = "ALLIANCE_RECOVERY_KEY"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = subparsers.add_parser(
        "backup",
        help="write an encrypted, verified backup of the clinic to one file (administrators)",
        description="Write the clinic's database and key file into one encrypted backup file, verified before "
        f"the command reports success. Log in as an administrator (password from --password-file or {PASSWORD_ENV}).",
    )
    backup.add_argument("--out", type=Path, metavar="FILE|DIR",
                        help="backup file to create, or a folder for a time-stamped name (default: the data "
                        "folder's backups/)")
    add_clinic_options(backup, user_help="an administrator account")
    backup.set_defaults(command_func=_backup)

    restore = subparsers.add_parser(
        "restore",
        help="verify a backup and swap it in (or create a data folder from it)",
        description="Verify a backup completely (checksums, key, integrity, schema version, per-table row counts "
        "and digests), then replace the clinic database with it, keeping the previous database next to it. "
        "Into a clinic: log in as an administrator (--user) or give the recovery key. Into an empty --data-dir: "
        f"give the recovery key (--recovery-key-file or {RECOVERY_KEY_ENV}; never on the command line).",
    )
    restore.add_argument("backup_file", type=Path, metavar="FILE", help="the backup file")
    restore.add_argument("--data-dir", dest="command_data_dir", type=Path, metavar="DIR",
                         help="the clinic's data folder (default: the app's data folder or ALLIANCE_DATA_DIR)")
    restore.add_argument("--user", help="an administrator account (instead of the recovery key)")
    restore.add_argument("--password-file", type=Path, metavar="FILE",
                         help=f"file whose first line is the password (or set {PASSWORD_ENV})")
    restore.add_argument("--recovery-key-file", type=Path, metavar="FILE",
                         help=f"file whose first line is the recovery key (or set {RECOVERY_KEY_ENV})")
    restore.add_argument("--verify-only", action="store_true", help="check the backup, change nothing")
    restore.set_defaults(command_func=_restore)


def _backup(args: argparse.Namespace) -> int:
    from alliance_desktop.services.backup import create_backup

    with open_clinic(args) as session:
        summary = create_backup(session, args.out)
    print(f"Backup written and verified: {summary.path}")
    print(f"  {summary.total_rows:,} rows in {len(summary.rows)} tables, {summary.size_bytes / 1e6:,.1f} MB, "
          f"schema version {summary.schema_version}")
    return 0


def read_recovery_key(key_file: Path | None) -> str | None:
    """The recovery key from a file (first line) or the environment; None if neither is given."""
    if key_file is not None:
        try:
            lines = key_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"Cannot read the recovery key file {key_file}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"The recovery key file {key_file} is not UTF-8 text.") from None
        if not lines or not lines[0].strip():
            raise CommandError(f"The recovery key file {key_file} is empty.")
        return lines[0].strip()
    return os.environ.get(RECOVERY_KEY_ENV) or None


def _restore(args: argparse.Namespace) -> int:
    from alliance_desktop.services.backup import prepare_restore

    paths = data_paths(args)
    if not args.backup_file.is_file():
        raise CommandError(f"{args.backup_file} is not a file; nothing was changed.")
    lock = _take_instance_lock(paths.lockfile) if paths.root.is_dir() else None
    try:
        if args.user:
            with open_clinic(args) as session:
                prepared = prepare_restore(paths, args.backup_file, session=session)
                return _finish(prepared, args.verify_only)
        recovery_key = read_recovery_key(args.recovery_key_file)
        if recovery_key is None:
            raise CommandError(
                f"Give an administrator login (--user) or the recovery key (--recovery-key-file FILE or the "
                f"{RECOVERY_KEY_ENV} environment variable); the key is never taken as a command-line argument.")
        prepared = prepare_restore(paths, args.backup_file, recovery_key=recovery_key)
        return _finish(prepared, args.verify_only)
    finally:
        if lock is not None:
            lock.release()


def _finish(prepared, verify_only: bool) -> int:  # noqa: ANN001 - services.backup.PreparedRestore
    summary = prepared.summary
    when = summary.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    print(f"Backup verified: made {when} by Alliance Desktop {summary.app_version}, "
          f"{summary.total_rows:,} rows in {len(summary.rows)} tables")
    if verify_only:
        prepared.discard()
        return 0
    result = prepared.commit()
    print(f"Restored into {prepared.paths.root}")
    if result.previous_database is not None:
        print(f"  the previous database is kept as {result.previous_database.name}")
    if result.key_file_restored:
        print("  the key file was restored too: log in with the passwords as of the backup")
    return 0


def _take_instance_lock(lockfile: Path):  # noqa: ANN202 - single_instance.InstanceLock
    from alliance_desktop.single_instance import InstanceLock

    lock = InstanceLock(lockfile)
    if not lock.acquire():
        raise CommandError("Alliance Desktop is running on this data folder; close it first. Nothing was changed.")
    return lock
