"""Backup and restore metrics on a demo clinic (services.backup, the code the admin screen and CLI run).

``backup.large_s`` (``backup.small_s`` on the small demo)
    ``create_backup`` as the demo admin, into a temporary folder: the
    backup-API copy while ``quick_check`` and the per-table digests run on
    the same snapshot, then ``cipher_integrity_check``, row counts and the
    body MAC of the copy, the trailer appended and read back, rename
    (storage/backup.py). Target for the large demo: under 10 s (issue 6);
    median 9.7 s, single backups 9.1-10.8 s on 2 cores (55 s before the parallel pipeline, 16 s before
    the page layout of storage/cipher_layout.py).
``backup.restore_verify_s``
    Every check of a restore without the swap (``prepare_restore`` then
    ``discard``): extraction with the MAC, key, identity, page HMACs beside
    ``quick_check`` and the per-table digests (three connections). RELIABILITY.md row 32 asks
    restore + verify ≤ 60 s for the large database.
``backup.restore_empty_s`` (small only)
    A full restore into an empty data folder with the recovery key
    (Argon2id unwrap included, the demo's cheap KDF), the swap and the audit entry.

The large demo takes minutes to build; set ``ALLIANCE_BENCH_LARGE_DIR`` to an
existing large demo folder (admin password in ``ALLIANCE_BENCH_PASSWORD``) to
reuse it. Nothing is written into a reused folder except the login's audit entries.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.foundation import PASSWORD
from benchmarks.stats import Metric

_DEMO_KDF = {"time_cost": 1, "memory_kib": 8192, "parallelism": 1}


def _clinic(size: str, workdir: Path) -> tuple[Path, str, str | None]:
    """(folder, admin password, recovery key or None when reused)."""
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.demo import build_demo_clinic
    from alliance_desktop.storage.keys import KdfParams

    reuse = os.environ.get("ALLIANCE_BENCH_LARGE_DIR")
    if size == "large" and reuse:
        return Path(reuse), os.environ.get("ALLIANCE_BENCH_PASSWORD", PASSWORD), None
    if size == "large":
        print("backup benchmark: building the large demo clinic (a few minutes)…", file=sys.stderr, flush=True)
    paths = DataPaths(workdir / f"demo-{size}")
    summary = build_demo_clinic(paths, size=size, seed=1, password=PASSWORD, kdf=KdfParams(**_DEMO_KDF))
    return paths.root, PASSWORD, summary.recovery_key


def _timed(fn) -> tuple[float, object]:  # noqa: ANN001
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def collect(quick: bool, size: str = "small") -> list[Metric]:
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services import backup as backups
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.demo import DEMO_ADMIN_USER
    from alliance_desktop.storage.keys import KdfParams

    size = "small" if quick else size
    runs = 1 if quick else 3  # three on the large demo too: one sample of ~9 s says little on a drifting VM
    backup_s: list[float] = []
    verify_s: list[float] = []
    restore_s: list[float] = []
    extra: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="alliance-bench-backup-") as tmp:
        work = Path(tmp)
        root, password, recovery_key = _clinic(size, work)
        paths = DataPaths(root)
        extra["database_mb"] = paths.database.stat().st_size / 1e6
        session = ClinicAccess(paths, kdf=KdfParams(**_DEMO_KDF)).unlock(DEMO_ADMIN_USER, password)
        try:
            for i in range(runs):
                out = work / f"run-{i}"
                out.mkdir()
                seconds, summary = _timed(lambda out=out: backups.create_backup(session, out))
                backup_s.append(seconds)
                extra["backup_mb"] = summary.size_bytes / 1e6  # type: ignore[attr-defined]
                seconds, _ = _timed(lambda s=summary: backups.verify_backup(paths, s.path, session=session))
                verify_s.append(seconds)
                if recovery_key is not None and size == "small":
                    target = DataPaths(work / f"restored-{i}")
                    seconds, _ = _timed(lambda s=summary, t=target: backups.restore_backup(
                        t, s.path, recovery_key=recovery_key))
                    restore_s.append(seconds)
                summary.path.unlink()  # type: ignore[attr-defined]
        finally:
            session.lock()
    name = "backup.large_s" if size == "large" else "backup.small_s"
    metrics = [
        Metric(name, backup_s, target="< 10 s (large demo)", extra=extra,
               note="backup API copy ∥ quick_check + digests of its snapshot; copy HMACs, counts, MAC; trailer"),
        Metric("backup.restore_verify_s", verify_s, target="≤ 60 s restore+verify (large, RELIABILITY row 32)",
               note="extract with MAC, page HMACs ∥ quick_check + per-table digests vs header; no swap"),
    ]
    if restore_s:
        metrics.append(Metric("backup.restore_empty_s", restore_s, note="recovery key into an empty folder, swap, audit"))
    return metrics


if __name__ == "__main__":  # python -m benchmarks.backup_metrics [large] [quick]
    from benchmarks.run import render

    print(render(collect("quick" in sys.argv[1:], "large" if "large" in sys.argv[1:] else "small"), []))
