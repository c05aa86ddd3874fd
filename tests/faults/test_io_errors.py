"""RELIABILITY.md row 5: I/O errors (EIO) on write and fsync during kiosk submissions.

What is really exercised: libfiu's POSIX preload (Debian ``fiu-utils``,
``fiu-run -x``) replaces libc's ``pwrite``/``pwrite64`` and ``fsync`` in the
child process. sqlcipher3 links SQLite statically, but SQLite's unix VFS
still calls those libc functions through the dynamic linker (``nm -D`` on
the extension lists them as undefined), so the failures reach SQLite's own
pager and WAL code, and SQLite answers with SQLITE_IOERR / SQLITE_FULL as it
would on a failing disk. Failure points are switched on with ``fiu-ctrl``
only after the clinic is unlocked: 5% of ``pwrite`` and 5% of ``fsync``
calls fail with EIO.

What passes: every failure reaches the caller as a StorageError/ServiceError
with a user message (0 of any other type, which a staff view would not
catch), ``quick_check`` is ok afterwards, the stored submissions are exactly
those acknowledged (OK, or acknowledged on the retry), and every failed
submission, sent again with its submission id once the faults are off, is
stored exactly once. The kiosk screen's reaction to a failed submit is the
same as for a full disk (test_disk_full.py).

Not exercised: failures of ``read``/``pread`` (reads are not what loses
data), and a disk whose fsync silently lies (row 3, a LazyFS run).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from alliance_desktop.core.kiosk_model import submission_id_for
from alliance_desktop.storage.tables import Response
from tests.faults.crash_harness import INSTRUMENTS, REPO_ROOT, make_clinic
from tests.faults.disk_helpers import incomplete_responses, quick_check, stored_submissions
from tests.support import ADMIN_PASSWORD, ADMIN_USER

FAULTS = ("posix/io/rw/pwrite", "posix/io/sync/fsync")
EIO = 5

pytestmark = pytest.mark.skipif(shutil.which("fiu-run") is None,
                                reason="Debian fiu-utils is not installed (apt-get install -y fiu-utils)")


@dataclass
class IoRun:
    ok: set[uuid.UUID] = field(default_factory=set)
    failed: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    unhandled: list[str] = field(default_factory=list)
    retried: dict[uuid.UUID, str] = field(default_factory=dict)


def _read_until(stream, word: str) -> list[str]:  # noqa: ANN001 - a text pipe
    lines = []
    for line in stream:
        line = line.rstrip("\n")
        if line == word:
            return lines
        lines.append(line)
    raise AssertionError(f"the driver ended before {word!r}; last lines: {lines[-5:]}")


def _fiu_ctrl(ctrl: Path, pid: int, *commands: str) -> None:
    args = ["fiu-ctrl", "-f", str(ctrl)]
    for command in commands:
        args += ["-c", command]
    subprocess.run([*args, str(pid)], check=True, timeout=30)


def run_with_io_errors(root: Path, seed: int, count: int, probability: float = 0.05) -> IoRun:
    ctrl = root / "fiu-ctrl"
    with (root / "driver.err").open("w") as errors:
        child = subprocess.Popen(
            ["fiu-run", "-x", "-f", str(ctrl), sys.executable, "-m", "tests.faults.io_driver", str(root / "clinic"),
             str(seed), str(count)],
            cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True,
        )
    assert child.stdin is not None and child.stdout is not None
    try:
        assert child.stdout.readline() == "READY\n", (root / "driver.err").read_text()[-2000:]
        _fiu_ctrl(ctrl, child.pid, *(f"enable_random name={f},probability={probability},failinfo={EIO}"
                                    for f in FAULTS))
        child.stdin.write("GO\n")
        child.stdin.flush()
        run = IoRun()
        for line in _read_until(child.stdout, "DONE"):
            kind, sub, *rest = line.split(" ", 2)
            if kind == "OK":
                run.ok.add(uuid.UUID(sub))
            elif kind == "FAIL":
                run.failed.append((uuid.UUID(sub), rest[0]))
            else:
                run.unhandled.append(line)
        _fiu_ctrl(ctrl, child.pid, *(f"disable name={f}" for f in FAULTS))
        child.stdin.write("CLEAN\n")
        child.stdin.flush()
        for line in _read_until(child.stdout, "END"):
            _, sub, verdict = line.split(" ", 2)
            run.retried[uuid.UUID(sub)] = verdict
        assert child.wait(timeout=60) == 0, (root / "driver.err").read_text()[-2000:]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return run


def check_io_run(root: Path, run: IoRun) -> dict[str, int]:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess
    from tests.support import FAST_KDF

    staff = ClinicAccess(DataPaths(root / "clinic"), kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        with staff.read() as s:
            per_sub = {row[0] for row in s.execute(sa.select(Response.submission_id))}
            responses = s.execute(sa.select(sa.func.count()).select_from(Response)).scalar_one()
        acknowledged = run.ok | {sub for sub, verdict in run.retried.items() if verdict in ("ok", "duplicate")}
        stored = {sub for sub in run.ok | {s for s, _ in run.failed}
                  if all(submission_id_for(sub, i) in per_sub for i in INSTRUMENTS)}
        assert quick_check(staff) == ["ok"]
        assert incomplete_responses(staff) == 0
        assert stored == acknowledged  # rows == successful commits, nothing lost, nothing extra
        assert responses == len(INSTRUMENTS) * len(acknowledged)  # no duplicates, no half submissions
        assert stored_submissions(staff) == len(acknowledged)
    finally:
        staff.lock()
    return {"transactions": len(run.ok) + len(run.failed), "ok": len(run.ok), "failed": len(run.failed),
            "unhandled": len(run.unhandled), "stored": len(stored),
            "retry_ok": sum(v == "ok" for v in run.retried.values()),
            "retry_duplicate": sum(v == "duplicate" for v in run.retried.values())}


def _one_seed(root: Path, seed: int) -> dict[str, int]:
    root.mkdir()
    make_clinic(root / "clinic")
    run = run_with_io_errors(root, seed, 300)
    assert run.unhandled == [], run.unhandled[:5]
    assert run.failed, "no injected failure reached the app: fiu did not intercept SQLite's I/O"
    assert all(verdict in ("ok", "duplicate") for verdict in run.retried.values()), run.retried
    return check_io_run(root, run)


def test_eio_on_pwrite_and_fsync_is_reported_rolled_back_and_retried(tmp_path: Path) -> None:
    figures = _one_seed(tmp_path / "seed-1", 1)
    print(f"\nI/O errors, 1 seed x 300 transactions: {figures}")


@pytest.mark.slow
def test_eio_on_pwrite_and_fsync_ten_seeds(tmp_path: Path) -> None:
    totals: dict[str, int] = {}
    for seed in range(1, 11):
        for key, value in _one_seed(tmp_path / f"seed-{seed}", seed).items():
            totals[key] = totals.get(key, 0) + value
    print(f"\nI/O errors, 10 seeds x 300 transactions: {totals}")
