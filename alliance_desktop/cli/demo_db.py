"""``alliance-desktop demo-db``: write an encrypted demo clinic into a new folder."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from alliance_desktop.cli import PASSWORD_ENV, CommandError, read_password


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser(
        "demo-db",
        help="write an encrypted demo clinic (database + key file) into a new folder",
        description="Write a complete encrypted demo data folder, usable afterwards with --data-dir. "
        f"The admin password comes from --password-file or the {PASSWORD_ENV} environment variable.",
    )
    demo.add_argument("--out", type=Path, required=True, help="folder to create (must not exist or be empty)")
    demo.add_argument("--size", choices=("small", "large"), default="small",
                      help="small: 3 therapists, ~30 clients; large: 50 therapists, 25,000 clients, ~575,000 sessions")
    demo.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same clinic")
    demo.add_argument("--password-file", type=Path, help="file whose first line is the admin password")
    demo.set_defaults(command_func=_demo_db)


def _demo_db(args: argparse.Namespace) -> int:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.core.accounts import assess_password
    from alliance_desktop.services.demo import DEMO_ADMIN_USER, DEMO_SUPERVISOR_USER, build_demo_clinic

    password = read_password(args.password_file)
    verdict = assess_password(password, username=DEMO_ADMIN_USER)
    if not verdict.acceptable:
        raise CommandError("The password is not acceptable: " + " ".join(verdict.hints))
    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CommandError(f"{out} already exists and is not an empty folder; nothing was written.")
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 2 or done == total:
            last[0] = now
            print(f"  {done:,} / {total:,} clients written ({now - started:.0f} s)", file=sys.stderr, flush=True)

    summary = build_demo_clinic(DataPaths(out), size=args.size, seed=args.seed, password=password,
                                progress=progress)
    elapsed = time.perf_counter() - started
    print(f"Demo clinic written to {out} in {elapsed:.1f} s")
    print(f"  {len(summary.therapists)} therapists, {summary.clients:,} clients, {summary.sessions:,} sessions")
    print(f"  accounts (all with the password you gave): {DEMO_ADMIN_USER} (admin), "
          f"{DEMO_SUPERVISOR_USER} (supervisor), " + ", ".join(summary.therapists[:5])
          + (" ..." if len(summary.therapists) > 5 else "") + " (therapists)")
    print(f"  recovery key (made-up clinic): {summary.recovery_key}")
    print(f"Open it with: alliance-desktop --data-dir {out}")
    return 0
