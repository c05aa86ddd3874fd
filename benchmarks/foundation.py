"""Foundation metrics: start-up, unlock, raw SQLCipher commit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.stats import Metric, repeat

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


def startup(repeats: int, workdir: Path) -> list[Metric]:
    env = _env()
    _precompile()
    bare = [_run_process([sys.executable, "-m", "benchmarks.bare_window"], env) for _ in range(repeats + 1)][1:]
    clinic = make_clinic(workdir)
    login_cmd = [sys.executable, "-m", "alliance_desktop", "--data-dir", str(clinic), "--exit-when-shown"]
    login = [_run_process(login_cmd, env) for _ in range(repeats + 1)][1:]
    return [
        Metric("startup.bare_qt_window_s", bare, note="fresh process: QApplication + QMainWindow shown + quit"),
        Metric("startup.login_window_s", login, baseline="startup.bare_qt_window_s", target="ratio <= 1.5",
               note="fresh process: python -m alliance_desktop to its login window shown"),
    ]


def unlock(repeats: int, workdir: Path) -> list[Metric]:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess

    access = ClinicAccess(DataPaths(workdir / "clinic"))

    def once() -> None:
        access.unlock("admin", PASSWORD).lock()

    return [Metric("unlock_s", repeat(once, repeats), target="< 1 s",
                   note="Argon2id 64 MiB t=3 p=4 unwrap + open + login audit entry")]


def raw_commit(repeats: int, workdir: Path) -> list[Metric]:
    from sqlcipher3 import dbapi2 as sqlcipher

    path = workdir / "raw.db"
    con = sqlcipher.connect(str(path), isolation_level=None)
    con.execute("PRAGMA cipher_log_level = NONE")
    con.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
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
        metrics = startup(3 if quick else 10, work)
        metrics += unlock(2 if quick else 5, work)
        metrics += raw_commit(20 if quick else 200, work)
    return metrics
