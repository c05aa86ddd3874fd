"""Foundation metrics: start-up, unlock, raw SQLCipher commit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.stats import Metric, PartlyMeasured, repeat

PASSWORD = "benchmark-password-2026"


def _run_process(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("LANG", "C.UTF-8")
    return env


def make_clinic(root: Path) -> Path:
    """A real clinic with default (64 MiB) Argon2id parameters."""
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess

    paths = DataPaths(root / "clinic")
    access = ClinicAccess(paths)
    access.create_clinic(clinic_name="Benchmark Clinic", username="admin", display_name="Admin",
                         password=PASSWORD, recovery_key=access.new_recovery_key())
    return paths.root


def _precompile() -> None:
    """Byte-compile the package first, as an installed wheel or a bundle ships it.

    Without this, a machine with PYTHONDONTWRITEBYTECODE set recompiles every
    module of ours on every start, which no installed copy does; the baseline
    (a bare window) has no modules of ours to compile.
    """
    import compileall

    import alliance_desktop

    compileall.compile_dir(Path(alliance_desktop.__file__).parent, quiet=1)


def startup(repeats: int, workdir: Path) -> tuple[list[Metric], str]:
    """The bare window, the login window and the kiosk start, in rounds of one fresh process each.

    Why rounds: the speed of a shared VM drifts by more than its noise over
    minutes (session 6: a bare window of 114 ms at the start of a full run,
    127 ms on the idle machine ten minutes later). Measured in rounds, each
    start-up and its baseline see the same machine; measured one after the
    other, or minutes apart, their ratio would carry the drift. The order
    turns with each round, so no start-up always follows the kiosk's
    Argon2id. The first round warms the file cache and is not counted. The
    kiosk logs in, so it has a clinic of its own. A kiosk start that fails
    ends its own row, not the others; the failure is returned as text.
    """
    from benchmarks import kiosk_metrics

    env = _env()
    _precompile()
    clinic = make_clinic(workdir)
    kiosk_clinic = make_clinic(workdir / "kiosk-start")
    bare_cmd = [sys.executable, "-m", "benchmarks.bare_window"]
    login_cmd = [sys.executable, "-m", "alliance_desktop", "--data-dir", str(clinic), "--exit-when-shown"]
    samples: dict[str, list] = {"bare": [], "login": [], "kiosk": []}
    kiosk_problem = ""
    try:
        kiosk_env = kiosk_metrics.prepare_start(kiosk_clinic)
    except Exception:  # noqa: BLE001 - reported; the other start-ups are still measured
        kiosk_problem = traceback.format_exc(limit=3)
    runs = {"bare": lambda: _run_process(bare_cmd, env), "login": lambda: _run_process(login_cmd, env),
            "kiosk": lambda: kiosk_metrics.start_once(kiosk_clinic, kiosk_env)}
    for round_no in range(repeats + 1):
        order = ["bare", "login", "kiosk"][round_no % 3:] + ["bare", "login", "kiosk"][:round_no % 3]
        for what in order:
            if what == "kiosk" and kiosk_problem:
                continue
            try:
                samples[what].append(runs[what]())
            except Exception:  # noqa: BLE001 - only the kiosk is allowed to fail alone
                if what != "kiosk":
                    raise
                kiosk_problem = traceback.format_exc(limit=3)
    metrics = [
        Metric("startup.bare_qt_window_s", samples["bare"][1:],
               note="fresh process: QApplication + QMainWindow shown + quit"),
        Metric("startup.login_window_s", samples["login"][1:], baseline="startup.bare_qt_window_s",
               target="ratio <= 1.5",
               note="fresh process: python -m alliance_desktop to its login window shown; "
                    "one per round beside the bare window"),
    ]
    if not kiosk_problem:
        metrics += kiosk_metrics.start_metrics(samples["kiosk"][1:])
    return metrics, kiosk_problem


def unlock(repeats: int, workdir: Path) -> list[Metric]:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess

    access = ClinicAccess(DataPaths(workdir / "clinic"))

    def once() -> None:
        access.unlock("admin", PASSWORD).lock()

    return [Metric("unlock_s", repeat(once, repeats), target="< 1 s",
                   note="Argon2id 64 MiB t=3 p=4 unwrap + open + login audit entry")]


def _lengthen_audit_log(root: Path, entries: int) -> None:
    """Append ``entries`` correctly chained audit entries, as years of audited reads would leave.

    Written below the services in batches (the app appends one per event);
    the anchor is left where it was, which is what a crash after a commit
    leaves too (a database ahead of its anchor is normal).
    """
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from alliance_desktop.config import DataPaths
    from alliance_desktop.storage import audit
    from alliance_desktop.storage.engine import open_database
    from alliance_desktop.storage.keys import KeyFile
    from alliance_desktop.storage.tables import AuditEvent

    paths = DataPaths(root)
    db = open_database(paths.database, KeyFile.load(paths.keyfile).unlock_user("admin", PASSWORD))
    try:
        with db.read() as s:
            seq, prev = audit.head(s) or (0, audit.GENESIS_HASH)
        start = datetime(2020, 1, 1, tzinfo=UTC)
        batch = 20_000
        for first in range(seq + 1, seq + entries + 1, batch):
            rows = []
            for n in range(first, min(first + batch, seq + entries + 1)):
                at = start + timedelta(seconds=n)
                details = {"offset": n % 500, "limit": 100}
                digest = audit._entry_hash(prev, n, at, None, "audit.viewed", None, None, details)
                rows.append({"seq": n, "at": at, "actor_id": None, "action": "audit.viewed", "target_kind": None,
                             "target_id": None, "details": details, "prev_hash": prev, "hash": digest})
                prev = digest
            with db.write() as s:
                s.execute(sa.insert(AuditEvent), rows)
    finally:
        db.dispose()


def long_audit_log(repeats: int, workdir: Path, entries: int) -> list[Metric]:
    """Unlock and the whole-chain walk on a clinic whose audit log has ``entries`` more entries."""
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.audit_view import verify_audit_chain

    root = make_clinic(workdir / "long-audit")
    _lengthen_audit_log(root, entries)
    access = ClinicAccess(DataPaths(root))
    walks: list[float] = []

    def once() -> None:
        access.unlock("admin", PASSWORD).lock()

    unlocks = repeat(once, repeats)
    for _ in range(max(1, repeats // 2)):
        session = access.unlock("admin", PASSWORD)
        t0 = time.perf_counter()
        verify_audit_chain(session)
        walks.append(time.perf_counter() - t0)
        session.lock()
    return [
        Metric("unlock.long_audit_log_s", unlocks, baseline="unlock_s", target="< 1 s",
               note=f"unlock_s on a clinic with {entries:,} more audit entries: the unlock walks the newest "
                    "20,000 and the anchor; the rest is walked after the login, off the UI thread"),
        Metric("audit.whole_chain_walk_s", walks,
               note=f"the whole chain of {entries:,} entries walked (the audit viewer's Verify, and the walk "
                    "after a login on a pool thread)"),
    ]


def raw_commit(repeats: int, workdir: Path) -> list[Metric]:
    from sqlcipher3 import dbapi2 as sqlcipher

    from alliance_desktop.storage.cipher_layout import CURRENT

    path = workdir / "raw.db"
    con = sqlcipher.connect(str(path), isolation_level=None)
    con.execute("PRAGMA cipher_log_level = NONE")
    con.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
    for pragma in CURRENT.pragmas():  # the page layout the app writes (storage/cipher_layout.py)
        con.execute(pragma)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")

    def once() -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 64,))
        con.execute("COMMIT")

    samples = repeat(once, repeats, warmup=5)
    con.close()
    return [Metric("db.raw_commit_s", samples, note="one small row, raw sqlcipher3, WAL, synchronous=FULL")]


def collect(quick: bool) -> list[Metric]:
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        work = Path(tmp)
        metrics, kiosk_problem = startup(3 if quick else 10, work)
        metrics += unlock(2 if quick else 5, work)
        metrics += long_audit_log(2 if quick else 5, work, 30_000 if quick else 1_000_000)
        metrics += raw_commit(20 if quick else 200, work)
    if kiosk_problem:
        raise PartlyMeasured(metrics, f"kiosk start: {kiosk_problem}")
    return metrics
