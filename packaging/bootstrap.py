#!/usr/bin/env python3
"""Set up Alliance Desktop from a fresh clone, then run the app or the tests.

The README's two commands:

    python3 packaging/bootstrap.py run --demo   # set up, start the app on a throwaway demo clinic
    python3 packaging/bootstrap.py test         # set up, run the whole test suite headless

Standard library only, so that it runs before anything is installed. Everything
it sets up lives in ``.venv`` in the project root; the system packages it may
install (as root, with apt-get) are the few libraries Qt needs that a minimal
Debian/Ubuntu lacks.
"""

from __future__ import annotations

import sys

MIN_PYTHON = (3, 11)

if sys.version_info < MIN_PYTHON:
    sys.stderr.write(
        "Alliance Desktop needs Python %d.%d or newer; this is Python %d.%d (%s).\n"
        "Run this script with a newer python3, for example: python3.11 packaging/bootstrap.py ...\n"
        % (MIN_PYTHON + tuple(sys.version_info[:2]) + (sys.executable,))
    )
    sys.exit(2)

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_DIR = PROJECT_ROOT / ".venv"
INSTALL_MARKER = ".alliance-installed"
SCRIPT = "packaging/bootstrap.py"

# Exit code for "the machine lacks something this script may not or cannot install".
EXIT_ENVIRONMENT = 2

# Libraries the Qt wheels load for headless use (QT_QPA_PLATFORM=offscreen), and the
# Debian packages that provide them (STACK.md section 1, found by trial on minbase).
HEADLESS_LIBS = (
    "libGL.so.1",
    "libEGL.so.1",
    "libxkbcommon.so.0",
    "libglib-2.0.so.0",
    "libfontconfig.so.1",
    "libdbus-1.so.3",
)
HEADLESS_PACKAGES = (
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libglib2.0-0",
    "libfontconfig1",
    "libdbus-1-3",
    "fonts-dejavu-core",
)

# Extra libraries for a real window on X11 (the xcb platform plugin; Qt >= 6.5 needs
# libxcb-cursor0). Checked only when a DISPLAY is set.
XCB_LIBS = (
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libxcb-keysyms.so.1",
    "libxcb-shape.so.0",
    "libxcb-xkb.so.1",
    "libxkbcommon-x11.so.0",
    "libX11-xcb.so.1",
    "libxcb-image.so.0",
    "libxcb-randr.so.0",
    "libxcb-render-util.so.0",
    "libxcb-xfixes.so.0",
    "libxcb-sync.so.1",
    "libxcb-shm.so.0",
    "libxcb-render.so.0",
    "libxcb-util.so.1",
    "libxcb-glx.so.0",
)
XCB_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-xfixes0",
    "libxcb-sync1",
    "libxcb-shm0",
    "libxcb-render0",
    "libxcb-util1",
    "libxcb-glx0",
)

QT_PROBE = "from PySide6.QtWidgets import QApplication; QApplication([])"

HELP = f"""\
usage: python3 {SCRIPT} COMMAND [ARGS...]

Sets up Alliance Desktop in this checkout and runs it. Needs only Python >= 3.11;
everything else goes into .venv in the project root.

commands:
  run [APP ARGS...]     set up, then start the app: .venv/bin/python -m alliance_desktop APP ARGS
                        e.g. `run --demo` opens a throwaway demo clinic; `run --help` shows the
                        app's own options. On Linux it needs a screen (DISPLAY or WAYLAND_DISPLAY);
                        without one it stops with a hint (xvfb-run -a ..., or QT_QPA_PLATFORM=offscreen).
  test [PYTEST ARGS...] set up, then run the whole test suite headless
                        (.venv/bin/python -m pytest ARGS with QT_QPA_PLATFORM=offscreen and
                        LANG=C.UTF-8 unless LANG is set), then check the import contracts in
                        .importlinter with lint-imports. Fails if either fails; pytest's
                        "no tests collected" (exit 5) counts as a failure.
  setup [--force]       only set up (what run and test do first); --force reinstalls the
                        Python packages even when pyproject.toml has not changed.
  help, -h, --help      show this text.

what setup does:
  1. creates .venv if missing. If the venv module is unusable (Debian/Ubuntu without
     python3-venv): as root with apt-get it installs python3.X-venv (or python3-venv) and
     retries; otherwise it prints the apt-get line to run and exits 2.
  2. runs `pip install -e '.[test]'` into .venv, but only when pyproject.toml changed since
     the last successful install (hash kept in .venv/{INSTALL_MARKER}), so repeat runs are fast.
  3. on Linux, checks (ldconfig -p) the system libraries Qt needs headless:
       {" ".join(HEADLESS_LIBS[:3])}
       {" ".join(HEADLESS_LIBS[3:])}
     plus the xcb libraries for a real window when DISPLAY is set (run and setup only).
     Missing ones: as root with apt-get it installs them (noninteractive,
     --no-install-recommends); otherwise it prints the `sudo apt-get install -y ...` line
     and exits 2.

exit codes: 0 success; 2 the machine lacks something this script may not install (message says
what to run); otherwise the exit code of pip, pytest, lint-imports or the app.
"""


# --------------------------------------------------------------------------- output


def say(message: str = "") -> None:
    print(message, flush=True)


def step(message: str) -> None:
    """A one-line header for a step."""
    say(f"==> {message}")


def warn(message: str) -> None:
    print(f"bootstrap: {message}", file=sys.stderr, flush=True)


def fail(message: str, code: int = EXIT_ENVIRONMENT) -> None:
    warn(message)
    sys.exit(code)


# --------------------------------------------------------------------------- pure helpers


def is_windows(platform: str | None = None) -> bool:
    return (platform or sys.platform).startswith("win")


def venv_bin_dir(venv: Path, windows: bool | None = None) -> Path:
    """The folder of a venv's executables: ``bin`` on POSIX, ``Scripts`` on Windows."""
    if windows is None:
        windows = is_windows()
    return venv / ("Scripts" if windows else "bin")


def venv_executable(venv: Path, name: str, windows: bool | None = None) -> Path:
    if windows is None:
        windows = is_windows()
    return venv_bin_dir(venv, windows) / (f"{name}.exe" if windows else name)


def parse_ldconfig(output: str) -> set[str]:
    """Library names (sonames) listed by ``ldconfig -p``."""
    names: set[str] = set()
    for line in output.splitlines():
        line = line.strip()
        if " => " not in line:
            continue  # the "N libs found in cache" header, blank lines
        names.add(line.split(None, 1)[0])
    return names


def missing_libraries(wanted: Iterable[str], available: set[str]) -> list[str]:
    return [lib for lib in wanted if lib not in available]


def missing_library_from_error(text: str) -> str | None:
    """The library named in a loader error such as 'libEGL.so.1: cannot open shared object file'."""
    match = re.search(r"(lib[\w.+-]*\.so[\w.]*): cannot open shared object file", text)
    return match.group(1) if match else None


def apt_install_line(packages: Sequence[str]) -> str:
    """The command a non-root user is asked to run."""
    return "sudo apt-get install -y " + " ".join(packages)


def install_fingerprint(pyproject: bytes, project_root: str, python_version: str) -> str:
    """What the editable install depends on: the dependency list, where the checkout is
    (the editable install points at it) and the venv's Python."""
    digest = hashlib.sha256()
    for part in (pyproject, project_root.encode(), python_version.encode()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def versioned_venv_package(version_info: Sequence[int]) -> str:
    return f"python3.{version_info[1]}-venv"


def has_screen(env: Mapping[str, str]) -> bool:
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


HELP_ONLY_ARGS = frozenset({"-h", "--help", "--version"})


def needs_screen_check(platform: str, env: Mapping[str, str], app_args: Sequence[str]) -> bool:
    """True when starting the app here would make Qt abort for want of a screen."""
    if not platform.startswith("linux"):
        return False
    if env.get("QT_QPA_PLATFORM"):
        return False  # the user chose a platform plugin (offscreen, vnc, ...)
    if any(arg in HELP_ONLY_ARGS for arg in app_args):
        return False  # --help / --version print and exit before any window
    return not has_screen(env)


def no_screen_message(app_args: Sequence[str]) -> str:
    command = shlex.join(["python3", SCRIPT, "run", *app_args])
    return (
        "No screen: DISPLAY and WAYLAND_DISPLAY are not set, so Qt cannot open a window.\n"
        "  - On a desktop, start it from a terminal inside your graphical session.\n"
        "  - On a server or in a container, give it a virtual X screen:\n"
        f"        xvfb-run -a {command}\n"
        "    (xvfb-run comes with: sudo apt-get install -y xvfb xauth)\n"
        "  - Or run it with no visible window at all (e.g. a smoke check):\n"
        f"        QT_QPA_PLATFORM=offscreen {command}\n"
        f"To run the tests headless instead: python3 {SCRIPT} test"
    )


def pytest_outcome(code: int) -> str:
    return {
        0: "passed",
        1: "some tests failed",
        2: "interrupted",
        3: "internal error",
        4: "usage error",
        5: "no tests were collected (counts as a failure)",
    }.get(code, f"failed (exit {code})")


# --------------------------------------------------------------------------- system


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_apt() -> bool:
    return shutil.which("apt-get") is not None


def can_apt() -> bool:
    return is_root() and has_apt()


_apt_updated = False


def apt_install(packages: Sequence[str]) -> None:
    """Install Debian packages as root, quietly; show apt's output only if it fails."""
    global _apt_updated
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    commands = []
    if not _apt_updated:
        commands.append(["apt-get", "update", "-q"])
    commands.append(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages])
    for command in commands:
        say(f"    $ {shlex.join(command)}")
        result = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-25:])
            fail(f"{command[0]} {command[1]} failed (exit {result.returncode}):\n{tail}")
        if command[1] == "update":
            _apt_updated = True


def apt_has_candidate(package: str) -> bool:
    result = subprocess.run(
        ["apt-cache", "policy", package], stdin=subprocess.DEVNULL,
        capture_output=True, text=True,
    )
    match = re.search(r"Candidate:\s*(\S+)", result.stdout)
    return bool(match) and match.group(1) != "(none)"


def find_ldconfig() -> str | None:
    found = shutil.which("ldconfig")
    if found:
        return found
    for candidate in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def ldconfig_libraries() -> set[str] | None:
    """Sonames the dynamic loader knows, or None when ldconfig is not usable here."""
    ldconfig = find_ldconfig()
    if ldconfig is None:
        return None
    try:
        result = subprocess.run(
            [ldconfig, "-p"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    names = parse_ldconfig(result.stdout)
    return names or None


def qt_probe(python: Path, platform_plugin: str) -> tuple[bool, str]:
    """Try to start a QApplication in a subprocess (the fallback when ldconfig is missing)."""
    env = dict(os.environ, QT_QPA_PLATFORM=platform_plugin)
    try:
        result = subprocess.run(
            [str(python), "-c", QT_PROBE], env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return False, str(error)
    return result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- setup steps


def venv_python() -> Path:
    return venv_executable(VENV_DIR, "python")


def venv_works(python: Path) -> bool:
    """The venv's Python runs, is new enough, and has pip."""
    if not python.exists():
        return False
    check = (
        "import sys, importlib.util; "
        f"sys.exit(0 if sys.version_info >= {MIN_PYTHON!r} "
        "and importlib.util.find_spec('pip') else 1)"
    )
    try:
        result = subprocess.run(
            [str(python), "-c", check], stdin=subprocess.DEVNULL, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def create_venv() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(VENV_DIR)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )


def ensure_venv() -> Path:
    python = venv_python()
    if venv_works(python):
        return python
    if VENV_DIR.exists():
        step(f"Recreating {VENV_DIR.name} (the existing one is unusable)")
    else:
        step(f"Creating {VENV_DIR.name} with {sys.executable} (Python {sys.version.split()[0]})")
    result = create_venv()
    if result.returncode == 0 and venv_works(python):
        return python

    details = (result.stderr or result.stdout).strip()
    if not lacks_ensurepip(details):
        fail(f"`{sys.executable} -m venv {VENV_DIR}` failed:\n{details}")
    # Debian/Ubuntu ship the venv module without ensurepip unless python3-venv is installed.
    versioned = versioned_venv_package(sys.version_info)
    if can_apt():
        say("    the venv module lacks ensurepip; installing it with apt-get")
        apt_install([_pick_venv_package(versioned)])
        result = create_venv()
        if result.returncode == 0 and venv_works(python):
            return python
        fail(
            f"could not create {VENV_DIR} even after installing the venv package:\n"
            + (result.stderr or result.stdout).strip()
        )
    fail(
        f"`{sys.executable} -m venv` failed"
        + (f":\n{details}\n" if details else ".\n")
        + "On Debian/Ubuntu install the venv module, then run this again:\n"
        + f"    sudo apt-get install -y {versioned}    (or: sudo apt-get install -y python3-venv)"
    )
    raise AssertionError("unreachable")


def lacks_ensurepip(venv_output: str) -> bool:
    """Whether `python -m venv` failed for want of ensurepip (Debian's python3-venv)."""
    if "ensurepip" in venv_output:
        return True
    probe = subprocess.run(
        [sys.executable, "-c", "import ensurepip"], stdin=subprocess.DEVNULL, capture_output=True
    )
    return probe.returncode != 0


def _pick_venv_package(versioned: str) -> str:
    global _apt_updated
    if not _apt_updated:
        say("    $ apt-get update -q")
        subprocess.run(
            ["apt-get", "update", "-q"], stdin=subprocess.DEVNULL, capture_output=True,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        _apt_updated = True
    return versioned if apt_has_candidate(versioned) else "python3-venv"


def python_version_of(python: Path) -> str:
    result = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version)"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )
    return result.stdout.strip()


def ensure_installed(python: Path, force: bool = False) -> None:
    marker = VENV_DIR / INSTALL_MARKER
    fingerprint = install_fingerprint(
        (PROJECT_ROOT / "pyproject.toml").read_bytes(), str(PROJECT_ROOT), python_version_of(python)
    )
    if not force and marker.exists() and marker.read_text().strip() == fingerprint:
        say("==> Python packages up to date (pyproject.toml unchanged)")
        return
    if marker.exists():
        why = "pyproject.toml changed" if not force else "--force"
    else:
        why = "first time: a minute or two"
    step(f"Installing Python packages into .venv: pip install -e '.[test]' ({why})")
    marker.unlink(missing_ok=True)
    command = [
        str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-input", "-e", ".[test]",
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        fail(f"pip install failed (exit {result.returncode}); see the messages above.",
             result.returncode)
    marker.write_text(fingerprint + "\n")
    say(f"    installed in {time.monotonic() - started:.0f} s")


def ensure_system_libraries(python: Path, gui: bool) -> None:
    """Make sure the shared libraries Qt loads are on this (Linux) machine."""
    if not sys.platform.startswith("linux"):
        return  # the Qt wheels for Windows and macOS carry what they need
    groups = [("headless", HEADLESS_LIBS, HEADLESS_PACKAGES, "offscreen")]
    if gui:
        groups.append(("X11 window (xcb)", XCB_LIBS, XCB_PACKAGES, "xcb"))

    available = ldconfig_libraries()
    to_install: list[str] = []
    reasons: list[str] = []
    for label, libs, packages, plugin in groups:
        if available is not None:
            missing = missing_libraries(libs, available)
            if missing:
                reasons.append(f"{label}: missing {', '.join(missing)}")
                to_install.extend(packages)
        else:
            ok, output = qt_probe(python, plugin)
            if not ok:
                lib = missing_library_from_error(output)
                reasons.append(
                    f"{label}: Qt could not start"
                    + (f" ({lib} is missing)" if lib else f":\n{output.strip()[-800:]}")
                )
                to_install.extend(packages)
    if not to_install:
        say("==> Qt system libraries present" + (" (headless and X11)" if gui else ""))
        return

    step("Qt needs system libraries that are missing — " + "; ".join(reasons))
    if not can_apt():
        why = "not running as root" if has_apt() else "apt-get not found"
        warn(
            f"cannot install them here ({why}). Install them, then run this again:\n"
            f"    {apt_install_line(to_install)}"
            + ("" if has_apt() else
               "\n(those are the Debian/Ubuntu package names; use your distribution's equivalents)")
        )
        sys.exit(EXIT_ENVIRONMENT)
    apt_install(to_install)
    available = ldconfig_libraries()
    if available is not None:
        still = [lib for _, libs, _, _ in groups for lib in missing_libraries(libs, available)]
        if still:
            warn("still missing after apt-get install: " + ", ".join(still))


def setup(gui: bool = False, force: bool = False) -> Path:
    python = ensure_venv()
    ensure_installed(python, force=force)
    ensure_system_libraries(python, gui=gui)
    return python


# --------------------------------------------------------------------------- commands


#: Command-line tools some tests drive, and the Debian package of each: I/O errors are injected
#: with fiu-run (RELIABILITY row 5), PDFs are rendered and read with poppler (pdftoppm,
#: pdffonts, pdftotext), write ordering is traced with strace (row 4).
TEST_TOOLS = (("fiu-run", "fiu-utils"), ("pdftoppm", "poppler-utils"), ("strace", "strace"))


def missing_test_tools(which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """Debian packages of the test tools not on PATH."""
    return [package for tool, package in TEST_TOOLS if which(tool) is None]


def ensure_test_tools() -> None:
    """Install the tools the tests drive (as root with apt-get); otherwise say which tests will skip."""
    missing = missing_test_tools()
    if not missing:
        return
    if can_apt():
        step("Installing test tools: " + " ".join(missing))
        apt_install(missing)
        return
    warn("the tests that need " + ", ".join(missing) + " will be skipped (each says why); install them with:\n    "
         + apt_install_line(missing))


def command_test(pytest_args: Sequence[str]) -> int:
    python = setup(gui=False)
    ensure_test_tools()
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"  # headless always: never open windows on a desktop
    env.setdefault("LANG", "C.UTF-8")

    step(shlex.join(["pytest", *pytest_args]) + "  (QT_QPA_PLATFORM=offscreen)")
    pytest_code = subprocess.call([str(python), "-m", "pytest", *pytest_args], cwd=PROJECT_ROOT,
                                  env=env)

    step("lint-imports (architecture contracts in .importlinter)")
    lint = venv_executable(VENV_DIR, "lint-imports")
    lint_code = subprocess.call([str(lint), "--no-logo"], cwd=PROJECT_ROOT, env=env)

    pytest_text = pytest_outcome(pytest_code)
    lint_text = "kept" if lint_code == 0 else f"BROKEN (exit {lint_code})"
    if pytest_code == 0 and lint_code == 0:
        say("==> OK: tests passed, import contracts kept")
        return 0
    warn(f"FAILED: pytest {pytest_text} (exit {pytest_code}); import contracts {lint_text}")
    return pytest_code or lint_code


def command_run(app_args: Sequence[str]) -> int:
    if needs_screen_check(sys.platform, os.environ, app_args):
        warn(no_screen_message(app_args))
        return EXIT_ENVIRONMENT
    gui = sys.platform.startswith("linux") and bool(os.environ.get("DISPLAY")) and (
        os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb"
    )
    python = setup(gui=gui)
    command = [str(python), "-m", "alliance_desktop", *app_args]
    step("Starting: " + shlex.join(["python", "-m", "alliance_desktop", *app_args]))
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(PROJECT_ROOT)
    if is_windows():
        return subprocess.call(command)
    os.execv(str(python), command)
    raise AssertionError("unreachable")


def command_setup(args: Sequence[str]) -> int:
    unknown = [arg for arg in args if arg != "--force"]
    if unknown:
        warn(f"setup: unknown argument(s): {' '.join(unknown)} (only --force)")
        return EXIT_ENVIRONMENT
    gui = sys.platform.startswith("linux") and bool(os.environ.get("DISPLAY"))
    setup(gui=gui, force="--force" in args)
    say("==> Setup complete")
    return 0


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        say(HELP)
        return 0 if argv else EXIT_ENVIRONMENT
    command, rest = argv[0], list(argv[1:])
    if command == "test":
        return command_test(rest)
    if command == "run":
        return command_run(rest)
    if command == "setup":
        return command_setup(rest)
    warn(f"unknown command {command!r}; expected run, test or setup (see --help)")
    return EXIT_ENVIRONMENT


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
