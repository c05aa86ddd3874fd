#!/usr/bin/env python3
"""Smoke test of the standalone bundle, the way a clinic would meet it.

    python3 packaging/smoke_bundle.py               # build (or reuse a fresh bundle), then check it
    python3 packaging/smoke_bundle.py --timing 10   # also compare start times with python -m alliance_desktop

What it does, and why each step:

1. Builds ``dist/AllianceDesktop`` with ``packaging/build.py`` unless the bundle
   there is newer than every file it is made from (then it is reused).
2. Audits the bundle: no test suite, caches, dev packages (pytest, hypothesis,
   import-linter, pypdf, fhir.resources, PyInstaller), ``.ts`` sources; the
   resources and the version file are there. (The spec itself refuses files from
   outside the project, the build venv and the Python/system libraries.)
3. Copies it to a temporary folder outside the source tree and runs it there
   with a clean environment: no virtualenv on PATH, no PYTHONPATH/PYTHONHOME,
   HOME and TMPDIR in the temporary folder, LANG=C.UTF-8, QT_QPA_PLATFORM=offscreen.
   A bundle that secretly needed the checkout or a Python install fails here.
   - ``--version``;
   - ``demo-db --size small --out <tmp>/clinic`` (password from ALLIANCE_PASSWORD):
     SQLCipher, Alembic migrations (read as files from the bundle), instruments;
   - a staff login on that clinic up to the main window
     (``--bench-login admin --exit-when-shown``);
   - ``--demo`` headless for 10 s: it must still be running, then SIGTERM; it
     must exit and its throwaway demo folder (under TMPDIR) must be gone.
4. Optionally (``--timing N``) the median of N starts to the first painted
   window (the login window of the demo clinic, ``--exit-when-shown``), bundle
   against ``.venv/bin/python -m alliance_desktop``, alternating, same machine.

Duration on the 2-core development VM: about 15 s of checks with a fresh bundle;
plus about 30 s when it must build, plus about 20 s for the build venv the first
time with a warm pip cache (a cold download of PySide6 adds about a minute).
Standard library only; exit code 0 when every check passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build  # noqa: E402  (packaging/build.py: stdlib only)

PROJECT_ROOT = build.PROJECT_ROOT
PASSWORD = "smoke-test-password-1"
DEMO_SECONDS = 10.0
#: Inputs of the bundle: when one of them is newer than the bundle, it is rebuilt.
BUNDLE_INPUTS = ("alliance_desktop", "resources", "packaging/alliance-desktop.spec", "packaging/bundle_entry.py",
                 "packaging/build.py", "packaging/alliance-desktop.desktop", "pyproject.toml")


class SmokeFailure(Exception):
    """One check failed; the message says which and shows the output."""


def say(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------- freshness


def newest_input(root: Path = PROJECT_ROOT, inputs: Iterable[str] = BUNDLE_INPUTS) -> float:
    """The latest modification time among the files the bundle is built from (caches ignored)."""
    newest = 0.0
    for name in inputs:
        path = root / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            if "__pycache__" in file.parts or file.suffix in (".pyc", ".qm"):
                continue
            newest = max(newest, file.stat().st_mtime)
    return newest


def bundle_is_fresh(bundle: Path = build.BUNDLE_DIR) -> bool:
    version = bundle / build.VERSION_FILE
    return version.is_file() and version.stat().st_mtime > newest_input()


# --------------------------------------------------------------------------- environment


def clean_environment(scratch: Path) -> dict[str, str]:
    """What a freshly logged-in clinic user has, roughly: no Python setup, a home and temp folder of its own.

    Built from nothing rather than by removing variables from ours, so nothing of the
    developer's or CI's setup (VIRTUAL_ENV, PYTHONPATH, a venv's bin on PATH, ...) leaks in.
    """
    home, tmp, runtime = scratch / "home", scratch / "tmp", scratch / "runtime"
    for folder in (home, tmp, runtime):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    path = os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin") if Path(p).is_dir())
    return {
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "XDG_RUNTIME_DIR": str(runtime),
        "PATH": path,
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


def run(command: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def expect(done: subprocess.CompletedProcess[str], what: str, needle: str | None = None) -> None:
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or (needle is not None and needle not in output) or "Traceback" in output:
        raise SmokeFailure(f"{what}: exit {done.returncode}\n{output[-3000:]}")


# --------------------------------------------------------------------------- checks


def check_version(exe: Path, env: dict[str, str], cwd: Path) -> None:
    expect(run([str(exe), "--version"], env, cwd), "--version", f"Alliance Desktop {build.app_version()}")


def check_demo_db(exe: Path, env: dict[str, str], cwd: Path, clinic: Path) -> None:
    done = run([str(exe), "demo-db", "--size", "small", "--out", str(clinic)],
               dict(env, ALLIANCE_PASSWORD=PASSWORD), cwd, timeout=300)
    expect(done, "demo-db --size small", "Demo clinic written")
    if not (clinic / "clinic.db").is_file():
        raise SmokeFailure(f"demo-db: no clinic.db in {clinic}: {sorted(p.name for p in clinic.iterdir())}")


def check_login(exe: Path, env: dict[str, str], cwd: Path, clinic: Path) -> None:
    done = run([str(exe), "--data-dir", str(clinic), "--bench-login", "admin", "--exit-when-shown"],
               dict(env, ALLIANCE_PASSWORD=PASSWORD), cwd)
    expect(done, "staff login to the main window", "shown")


def demo_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("alliance-demo-*"))


def check_demo_stays_up(exe: Path, env: dict[str, str], cwd: Path, seconds: float = DEMO_SECONDS) -> None:
    """``--demo`` headless: still running after ``seconds``, gone (with its demo folder) after SIGTERM."""
    tmp = Path(env["TMPDIR"])
    process = subprocess.Popen([str(exe), "--demo"], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen_folder = False
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            seen_folder = seen_folder or bool(demo_folders(tmp))
            time.sleep(0.25)
        exited_early = process.poll()
        if exited_early is not None:
            output = process.communicate(timeout=10)[0]
            raise SmokeFailure(f"--demo exited after less than {seconds:.0f} s (exit {exited_early}):\n{output[-3000:]}")
        process.send_signal(signal.SIGTERM)
        try:
            output = process.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
            raise SmokeFailure(f"--demo did not exit within 20 s of SIGTERM:\n{output[-3000:]}") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if not seen_folder:
        raise SmokeFailure(f"--demo never created its demo folder under {tmp}:\n{output[-3000:]}")
    left = demo_folders(tmp)
    if left:
        raise SmokeFailure(f"--demo left its demo folder behind: {left}\n{output[-3000:]}")
    if "Traceback" in output:
        raise SmokeFailure(f"--demo printed a traceback:\n{output[-3000:]}")


# --------------------------------------------------------------------------- timing


def time_start(command: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = run(command, env, cwd)
    elapsed = time.perf_counter() - started
    expect(done, "timed start " + " ".join(command[-3:]), "shown")
    return elapsed


def compare_start_times(exe: Path, env: dict[str, str], cwd: Path, clinic: Path, runs: int) -> None:
    """Median start-to-first-window of the bundle and of the source checkout, alternating runs."""
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        say("    timing skipped: no .venv in the checkout to compare with")
        return
    bundle_cmd = [str(exe), "--data-dir", str(clinic), "--exit-when-shown"]
    source_cmd = [str(python), "-m", "alliance_desktop", "--data-dir", str(clinic), "--exit-when-shown"]
    source_env = dict(env, PATH=f"{python.parent}{os.pathsep}{env['PATH']}")
    for command, environment in ((bundle_cmd, env), (source_cmd, source_env)):  # warm the page cache
        time_start(command, environment, PROJECT_ROOT if command is source_cmd else cwd)
    bundle_times, source_times = [], []
    for _ in range(runs):
        bundle_times.append(time_start(bundle_cmd, env, cwd))
        source_times.append(time_start(source_cmd, source_env, PROJECT_ROOT))
    b, s = statistics.median(bundle_times), statistics.median(source_times)
    say(f"    start to the login window, median of {runs} (min-max):")
    say(f"      bundle:                      {b * 1000:6.0f} ms ({min(bundle_times) * 1000:.0f}-{max(bundle_times) * 1000:.0f})")
    say(f"      python -m alliance_desktop:  {s * 1000:6.0f} ms ({min(source_times) * 1000:.0f}-{max(source_times) * 1000:.0f})")


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and smoke-test the standalone bundle.")
    parser.add_argument("--rebuild", action="store_true", help="build even when the bundle is fresh")
    parser.add_argument("--timing", type=int, default=0, metavar="N",
                        help="also compare N starts of the bundle with python -m alliance_desktop")
    args = parser.parse_args(argv)
    started = time.monotonic()

    if args.rebuild or not bundle_is_fresh():
        say("== smoke: building the bundle (packaging/build.py)")
        build.build()
    else:
        say("== smoke: reusing dist/AllianceDesktop (newer than every source file)")
    built = time.monotonic()

    steps: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="alliance-bundle-smoke-") as scratch_name:
        scratch = Path(scratch_name).resolve()
        if PROJECT_ROOT in scratch.parents:
            raise SystemExit("smoke: the temporary folder lies inside the checkout; set TMPDIR elsewhere")
        env = clean_environment(scratch)
        try:
            mark = time.monotonic()
            problems = build.audit_bundle(build.BUNDLE_DIR, build.venv_python(build.BUILD_VENV))
            if problems:
                raise SmokeFailure("the bundle is not clean:\n  " + "\n  ".join(problems))
            steps.append(("audit (no tests, caches, dev packages)", time.monotonic() - mark))

            mark = time.monotonic()
            installed = scratch / "install" / build.APP_NAME
            shutil.copytree(build.BUNDLE_DIR, installed, symlinks=True)
            exe = installed / build.APP_NAME
            steps.append((f"copy to {installed.parent}", time.monotonic() - mark))

            clinic = scratch / "clinic"
            checks = (
                ("--version", lambda: check_version(exe, env, scratch)),
                ("demo-db --size small", lambda: check_demo_db(exe, env, scratch, clinic)),
                ("staff login to the main window", lambda: check_login(exe, env, scratch, clinic)),
                (f"--demo up for {DEMO_SECONDS:.0f} s, then SIGTERM, folder removed",
                 lambda: check_demo_stays_up(exe, env, scratch)),
            )
            for name, check in checks:
                mark = time.monotonic()
                check()
                steps.append((name, time.monotonic() - mark))
                say(f"    ok  {name} ({steps[-1][1]:.1f} s)")
            if args.timing:
                compare_start_times(exe, env, scratch, clinic, args.timing)
        except (SmokeFailure, subprocess.TimeoutExpired) as failure:
            say(f"== smoke FAILED: {failure}")
            return 1
    total = time.monotonic() - started
    say(f"== smoke OK in {total:.0f} s (build or reuse {built - started:.0f} s, checks {total - (built - started):.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
