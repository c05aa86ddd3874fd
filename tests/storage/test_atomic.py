"""Crash-safe file replacement (RELIABILITY.md row 4): old or new, never truncated."""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance_desktop.storage import atomic
from alliance_desktop.storage.atomic import atomic_write_bytes

OLD = b"old contents: the clinic's key file v1\n" * 100
NEW = b"new!\n"


def _leftovers(folder: Path, target: Path) -> list[str]:
    """Everything in the folder except the target itself (temp files would show up here)."""
    return sorted(p.name for p in folder.iterdir() if p != target)


def test_creates_file_with_exact_bytes(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    atomic_write_bytes(target, OLD)
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_replaces_longer_file_without_leaving_a_tail(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    target.write_bytes(OLD)
    atomic_write_bytes(target, NEW)
    assert target.read_bytes() == NEW
    atomic_write_bytes(target, b"")
    assert target.read_bytes() == b""
    assert _leftovers(tmp_path, target) == []


def test_accepts_str_path(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    atomic_write_bytes(str(target), NEW)
    assert target.read_bytes() == NEW


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_file_is_private_to_owner(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    old_umask = os.umask(0)  # even with a permissive umask
    try:
        atomic_write_bytes(target, NEW)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_temp_file_is_hidden_unique_and_in_the_same_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keys.json"
    sources: list[Path] = []
    real_replace = os.replace

    def spy(src, dst):
        sources.append(Path(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    atomic_write_bytes(target, OLD)
    atomic_write_bytes(target, NEW)
    assert len(sources) == 2 and sources[0] != sources[1]
    for src in sources:
        assert src.parent == tmp_path
        assert src.name.startswith(".keys.json")


def test_order_is_fsync_file_then_rename_then_fsync_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The order that makes a power cut safe (the strace order check of row 4, in-process)."""
    target = tmp_path / "keys.json"
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def replace(src, dst) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic_write_bytes(target, NEW)
    expected = ["fsync-file", "replace"] + ([] if os.name == "nt" else ["fsync-dir"])
    assert calls == expected


def _boom(*_args, **_kwargs):
    raise OSError(errno.EIO, "injected I/O error")


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_keeps_old_bytes_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "keys.json"
    target.write_bytes(OLD)
    monkeypatch.setattr(os, failing, _boom)
    with pytest.raises(OSError, match="injected"):
        atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_disk_full_midway_keeps_old_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keys.json"
    target.write_bytes(OLD)
    real_write = os.write
    calls = {"n": 0}

    def write_half_then_fail(fd: int, data) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])  # a short write, as the OS may do
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write_half_then_fail)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(target, OLD + NEW)
    monkeypatch.undo()
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keys.json"
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data)[:7]))
    atomic_write_bytes(target, OLD)
    monkeypatch.undo()
    assert target.read_bytes() == OLD


def test_interrupt_during_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keys.json"
    target.write_bytes(OLD)

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_missing_folder_raises_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "no-such-folder" / "keys.json", NEW)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="folder fsync is skipped on Windows")
def test_folder_fsync_unsupported_by_file_system_is_tolerated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keys.json"
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_bytes(target, NEW)
    assert target.read_bytes() == NEW


# --------------------------------------------------------------------------- strace

_STRACE_CHILD = """
import sys, uuid
from pathlib import Path
from alliance_desktop.storage.atomic import atomic_write_bytes
from alliance_desktop.storage.keys import KdfParams, KeyFile, generate_recovery_key, new_data_key
folder = Path(sys.argv[1])
atomic_write_bytes(folder / "settings.json", b"{}" * 5000)
cheap = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
key_file = KeyFile.create(new_data_key(), str(uuid.uuid4()), "admin", "pw", generate_recovery_key(), kdf=cheap)
key_file.save(folder / "clinic.keys")
key_file.save(folder / "clinic.keys")
"""

_SYSCALL = re.compile(r"^(?:\d+\s+)?(\w+)\((.*)\)\s+=\s+(-?\d+)")


def _critical_write_sequences(trace: str, folder: Path) -> dict[str, list[str]]:
    """Per target file, the order of write / fsync / rename / folder fsync seen by the kernel."""
    fd_paths: dict[str, str] = {}
    events: dict[str, list[str]] = {}
    pending: dict[str, str] = {}  # temp path -> target name
    renamed: list[str] = []
    for line in trace.splitlines():
        match = _SYSCALL.match(line)
        if not match:
            continue
        call, args, result = match.groups()
        first = args.split(",")[0].strip()
        if call in ("openat", "open"):
            path = re.search(r'"([^"]*)"', args)
            if path and int(result) >= 0:
                fd_paths[result] = path.group(1)
                name = Path(path.group(1)).name
                tmp = re.fullmatch(r"\.(.+)\.[^.]+\.tmp", name)
                if tmp and Path(path.group(1)).parent == folder:
                    pending[path.group(1)] = tmp.group(1)
                    events.setdefault(tmp.group(1), []).append("open-temp")
        elif call in ("write", "fsync", "fdatasync"):
            path = fd_paths.get(first, "")
            if path in pending:
                events[pending[path]].append("write" if call == "write" else "fsync-temp")
            elif call != "write" and path == str(folder):
                for target in renamed:
                    events[target].append("fsync-folder")
                renamed.clear()
        elif call == "close":
            fd_paths.pop(first, None)
        elif call.startswith("rename"):
            paths = re.findall(r'"([^"]*)"', args)
            if paths and paths[0] in pending:
                target = pending.pop(paths[0])
                assert Path(paths[1]).name == target
                events[target].append("rename")
                renamed.append(target)
    return events


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_strace_shows_fsync_rename_fsync_folder_for_every_critical_write(tmp_path: Path) -> None:
    """RELIABILITY.md row 4: the kernel sees write, fsync(temp), rename, fsync(folder), in that order."""
    folder = tmp_path / "data"
    folder.mkdir()
    trace_file = tmp_path / "trace.txt"
    repo_root = Path(atomic.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    result = subprocess.run(
        ["strace", "-f", "-qq", "-o", str(trace_file), "-e", "trace=open,openat,write,fsync,fdatasync,close,rename,renameat,renameat2",
         sys.executable, "-c", _STRACE_CHILD, str(folder)],
        env=env, capture_output=True, text=True, timeout=60,
    )
    if result.returncode != 0 and "ptrace" in result.stderr.lower():
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr

    sequences = _critical_write_sequences(trace_file.read_text(), folder)
    assert sorted(sequences) == ["clinic.keys", "settings.json"]
    for target, seen in sequences.items():
        # Collapse repeated writes: the order of kinds is what matters.
        steps = [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]]
        per_write = ["open-temp", "write", "fsync-temp", "rename", "fsync-folder"]
        count = 2 if target == "clinic.keys" else 1
        assert steps == per_write * count, (target, seen)


# --------------------------------------------------------------------------- SIGKILL

KILL_RUNS = int(os.environ.get("ALLIANCE_ATOMIC_KILL_RUNS", "30"))
PAYLOAD_SIZE = 64 * 1024

_CHILD = """
import random, sys
from pathlib import Path
from alliance_desktop.storage.atomic import atomic_write_bytes
target = Path(sys.argv[1])
payloads = [random.Random(seed).randbytes({size}) for seed in (1, 2)]
print("ready", flush=True)
i = 1
while True:
    atomic_write_bytes(target, payloads[i % 2])
    i += 1
"""


def _payloads() -> list[bytes]:
    return [random.Random(seed).randbytes(PAYLOAD_SIZE) for seed in (1, 2)]


def test_sigkill_during_writes_leaves_old_or_new_never_truncated(tmp_path: Path) -> None:
    """A child rewrites the file in a loop and is killed at random moments (row 4)."""
    payloads = _payloads()
    target = tmp_path / "keys.json"
    target.write_bytes(payloads[0])
    repo_root = Path(atomic.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))}
    script = _CHILD.format(size=PAYLOAD_SIZE)
    rng = random.Random(20260401)
    outcomes: list[int] = []
    interrupted_writes = 0

    for run in range(KILL_RUNS):
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, env=env, text=True
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready", "child did not start"
            # Wait until the child has replaced the file at least once, so the kill lands mid-loop.
            inode = target.stat().st_ino
            deadline = time.monotonic() + 10
            while target.stat().st_ino == inode:
                assert time.monotonic() < deadline, "child never replaced the file"
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.025))
        finally:
            child.kill()  # SIGKILL on POSIX: no cleanup handlers run
            child.wait()
            if child.stdout is not None:
                child.stdout.close()

        content = target.read_bytes()
        assert content in payloads, f"run {run}: file has {len(content)} bytes, not one of the payloads"
        outcomes.append(payloads.index(content))
        stale = _leftovers(tmp_path, target)
        # A killed writer may leave its temp file (it never touches the target); nothing else appears.
        assert all(name.startswith(".keys.json.") and name.endswith(".tmp") for name in stale), stale
        interrupted_writes += bool(stale)
        for name in stale:
            (tmp_path / name).unlink()

    # The kills must actually land inside writes, or this test would prove nothing.
    assert interrupted_writes >= 1, f"no kill interrupted a write in {KILL_RUNS} runs: {outcomes}"
