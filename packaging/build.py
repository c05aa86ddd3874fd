#!/usr/bin/env python3
"""Build the standalone Alliance Desktop bundle: ``dist/AllianceDesktop/``.

    python3 packaging/build.py            # set up build/venv if needed, then build
    python3 packaging/build.py --clean    # also empty PyInstaller's cache first (slower)

Clinics install programs, they do not create virtual environments, so this
turns the checkout into one folder that runs where no Python is installed
(PyInstaller one-folder mode, verified in STACK.md section 8).

Why a separate build venv (``build/venv``) instead of the project's ``.venv``:
the bundle must contain the app's runtime dependencies and nothing else.
``.venv`` also holds pytest, hypothesis, import-linter, pypdf, fhir.resources;
PyInstaller only takes what is imported, but a hook that collects "all
submodules" of some package could still drag one of them in. The build venv
gets exactly ``[project.dependencies]`` plus the ``build`` extra (read from
pyproject.toml), so such a leak cannot happen in the first place. The project
itself is not installed there: PyInstaller reads it from the source tree.

Steps: build venv -> compile translations (.ts -> .qm into build/translations)
-> PyInstaller (packaging/alliance-desktop.spec) -> version file -> audit of
the bundle (no tests, caches, dev packages) -> a size report.

Standard library only (like bootstrap.py), so it runs before anything is
installed. ``smoke_bundle.py`` imports the helpers below.
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):
    sys.stderr.write("packaging/build.py needs Python 3.11 or newer (it reads pyproject.toml with tomllib).\n")
    sys.exit(2)

import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SPEC = PROJECT_ROOT / "packaging" / "alliance-desktop.spec"
APP_NAME = "AllianceDesktop"
DIST_DIR = PROJECT_ROOT / "dist"
BUNDLE_DIR = DIST_DIR / APP_NAME
BUILD_DIR = PROJECT_ROOT / "build"
BUILD_VENV = BUILD_DIR / "venv"
WORK_DIR = BUILD_DIR / "pyinstaller"
#: Where build.py puts the compiled translations; the spec takes them from here.
QM_DIR = BUILD_DIR / "translations"
TS_DIR = PROJECT_ROOT / "resources" / "translations"
ICON_SOURCE = PROJECT_ROOT / "resources" / "icons" / "alliance-desktop.svg"
ICONS_DIR = PROJECT_ROOT / "packaging" / "icons"
DESKTOP_FILE = PROJECT_ROOT / "packaging" / "alliance-desktop.desktop"
#: Installation notes that travel with the bundle (share/doc/alliance-desktop/).
DOC_FILES = ("README.md", "KIOSK.md", "alliance-desktop-kiosk-bundle.service")
VERSION_FILE = "VERSION.txt"
INSTALL_MARKER = ".alliance-build-installed"

#: Top-level Python packages that must never be in the bundle: the test and lint tooling of
#: ``.venv``, report checkers used only by tests, the builder itself, and GUI toolkits we do not use.
FORBIDDEN_MODULES: tuple[str, ...] = (
    "pytest", "_pytest", "pytestqt", "hypothesis", "importlinter", "grimp",
    "pypdf", "fhir", "fhir_core", "pydantic", "pydantic_core",
    "PyInstaller", "pip", "setuptools", "pkg_resources", "tkinter", "_tkinter",
    "tests", "benchmarks",
)
#: Names of files or folders that are caches or test suites, never wanted in a bundle.
FORBIDDEN_NAMES: frozenset[str] = frozenset({"__pycache__", ".pytest_cache", ".hypothesis",
                                             ".import_linter_cache", "conftest.py", ".git"})


# --------------------------------------------------------------------------- output


def say(message: str = "") -> None:
    print(message, flush=True)


def step(message: str) -> None:
    say(f"==> {message}")


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- build venv


def build_requirements(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """The runtime dependencies plus the ``build`` extra, as pip requirement strings.

    Markers (``; python_version < '3.12'``) are kept: pip evaluates them.
    """
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    return [*project.get("dependencies", []), *project.get("optional-dependencies", {}).get("build", [])]


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_tool(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (f"{name}.exe" if os.name == "nt" else name)


def requirements_fingerprint(requirements: Sequence[str], python_version: str) -> str:
    digest = hashlib.sha256()
    for part in (*requirements, python_version):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def ensure_build_venv(venv: Path = BUILD_VENV) -> Path:
    """Create ``venv`` and install the build requirements, unless they are already there."""
    python = venv_python(venv)
    if not python.exists():
        step(f"Creating the build venv {venv.relative_to(PROJECT_ROOT)} with {sys.executable}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True,
                       stdin=subprocess.DEVNULL)
    requirements = build_requirements()
    version = subprocess.run([str(python), "-c", "import sys; print(sys.version)"], check=True,
                             capture_output=True, text=True).stdout.strip()
    fingerprint = requirements_fingerprint(requirements, version)
    marker = venv / INSTALL_MARKER
    if marker.exists() and marker.read_text().strip() == fingerprint:
        say("==> Build venv up to date (pyproject.toml dependencies unchanged)")
        return python
    step("Installing the runtime dependencies and PyInstaller into the build venv")
    marker.unlink(missing_ok=True)
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-input", *requirements]
    say("    $ " + shlex.join(["pip", "install", *requirements]))
    started = time.monotonic()
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, cwd=PROJECT_ROOT)
    marker.write_text(fingerprint + "\n")
    say(f"    installed in {time.monotonic() - started:.0f} s")
    return python


LIBPYTHON_PROBE = r"""
import ctypes.util, os, sys, sysconfig
name = f"libpython{sys.version_info[0]}.{sys.version_info[1]}.so.1.0"
libdir = sysconfig.get_config_var("LIBDIR") or ""
found = os.path.exists(os.path.join(libdir, name)) or ctypes.util.find_library(f"python{sys.version_info[0]}.{sys.version_info[1]}")
print(f"libpython{sys.version_info[0]}.{sys.version_info[1]}" if not found else "")
"""


def ensure_libpython(python: Path) -> None:
    """PyInstaller bundles Python's shared library; Debian ships it separately (libpython3.X).

    On a fresh Debian/Ubuntu CI machine the interpreter runs without it, and PyInstaller
    would stop late with "Python library not found". As root with apt-get, install it;
    otherwise say what to install.
    """
    if not sys.platform.startswith("linux"):
        return
    missing = subprocess.run([str(python), "-c", LIBPYTHON_PROBE], capture_output=True, text=True,
                             check=True, stdin=subprocess.DEVNULL).stdout.strip()
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit(f"build: Python's shared library is missing; install it first: sudo apt-get install {missing}")
    step(f"Installing {missing} (Python's shared library, which PyInstaller bundles)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends", missing]):
        subprocess.run(command, check=True, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


# --------------------------------------------------------------------------- translations


def compile_translations(venv: Path, ts_dir: Path = TS_DIR, out_dir: Path = QM_DIR) -> list[Path]:
    """Compile every ``.ts`` into ``out_dir`` with the build venv's pyside6-lrelease.

    Always from scratch into a folder of the build (not into resources/): the
    bundle then holds exactly what the committed .ts files say, whatever stale
    .qm a developer's checkout has lying around.
    """
    sources = sorted(ts_dir.glob("*.ts"))
    if not sources:
        return []
    lrelease = venv_tool(venv, "pyside6-lrelease")
    tool = str(lrelease) if lrelease.exists() else shutil.which("pyside6-lrelease")
    if tool is None:
        raise SystemExit("build: pyside6-lrelease not found in the build venv (PySide6-Essentials has it).")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    built = []
    for ts in sources:
        qm = out_dir / (ts.stem + ".qm")
        done = subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0 or not qm.exists():
            raise SystemExit(f"build: lrelease failed for {ts.name}: {done.stderr.strip() or done.stdout.strip()}")
        built.append(qm)
    return built


# --------------------------------------------------------------------------- icons and desktop entry


def icons_stale(source: Path = ICON_SOURCE, out: Path = ICONS_DIR) -> bool:
    """Whether packaging/icons must be rendered again: missing, or older than the SVG."""
    made = [out / "alliance-desktop.ico", out / "alliance-desktop.icns",
            out / "hicolor" / "512x512" / "apps" / "alliance-desktop.png"]
    return any(not path.exists() or path.stat().st_mtime < source.stat().st_mtime for path in made)


def ensure_icons(python: Path) -> None:
    """Render the icon sizes (make_icons.py needs Qt, so it runs in the build venv)."""
    if not icons_stale():
        say("==> Icons up to date (packaging/icons)")
        return
    step("Rendering icons (packaging/make_icons.py)")
    subprocess.run([str(python), str(PROJECT_ROOT / "packaging" / "make_icons.py"), "--out", str(ICONS_DIR)],
                   check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def add_desktop_integration(bundle: Path) -> None:
    """``share/`` in the bundle: the .desktop file, hicolor icons and install notes, laid out as under /usr.

    The clinic gets the bundle, not this checkout, so everything a Linux install
    copies into /usr/share travels inside it (packaging/README.md shows the commands).
    """
    share = bundle / "share"
    if share.exists():
        shutil.rmtree(share)
    (share / "applications").mkdir(parents=True)
    shutil.copy2(DESKTOP_FILE, share / "applications" / DESKTOP_FILE.name)
    shutil.copytree(ICONS_DIR / "hicolor", share / "icons" / "hicolor")
    docs = share / "doc" / "alliance-desktop"
    docs.mkdir(parents=True)
    for name in DOC_FILES:
        shutil.copy2(PROJECT_ROOT / "packaging" / name, docs / name)


# --------------------------------------------------------------------------- version file


def app_version(init: Path = PROJECT_ROOT / "alliance_desktop" / "__init__.py") -> str:
    """``__version__`` read as text, so the builder never imports the app."""
    for line in init.read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit(f"build: no __version__ in {init}")


def git_describe(root: Path = PROJECT_ROOT) -> str:
    """The commit the bundle was built from, ``+dirty`` with uncommitted changes; read-only git calls."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=30, stdin=subprocess.DEVNULL)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def build_versions(python: Path) -> dict[str, str]:
    """Versions of what went into the bundle, asked from the build venv's Python."""
    probe = (
        "import json, sys, platform, PySide6, PyInstaller, numpy, sqlalchemy, sqlcipher3\n"
        "from PySide6 import QtCore\n"
        "print(json.dumps({'python': platform.python_version(), 'pyside6': PySide6.__version__,"
        " 'qt': QtCore.qVersion(), 'pyinstaller': PyInstaller.__version__, 'numpy': numpy.__version__,"
        " 'sqlalchemy': sqlalchemy.__version__, 'sqlcipher3': getattr(sqlcipher3, 'sqlite_version', '?')}))"
    )
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True,
                          stdin=subprocess.DEVNULL)
    return json.loads(done.stdout)


def version_text(version: str, commit: str, versions: dict[str, str], built_at: datetime.datetime) -> str:
    """The version file: what support asks first when a clinic reports a problem."""
    lines = [
        f"Alliance Desktop {version}",
        f"commit: {commit}",
        f"built: {built_at.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"platform: {platform.system()} {platform.machine()} ({platform.platform()})",
        *(f"{name}: {value}" for name, value in versions.items()),
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- audit


def forbidden_paths(bundle: Path) -> list[str]:
    """Files or folders in the bundle that are caches, tests or dev tooling (relative paths)."""
    problems = []
    internal = bundle / "_internal"
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle)
        if path.name in FORBIDDEN_NAMES or path.suffix in (".pyc", ".pyo") and "__pycache__" in rel.parts:
            problems.append(f"{rel} (cache or test file)")
            continue
        # A top-level package folder or dist-info of a forbidden package (PyInstaller puts data
        # files and metadata of a collected package under _internal/<name>).
        if path.parent == internal:
            top = path.name.split("-", 1)[0].split(".", 1)[0]
            if top in FORBIDDEN_MODULES or top.lower() in {m.lower() for m in FORBIDDEN_MODULES}:
                problems.append(f"{rel} (package that does not belong in the bundle)")
    # Our own test suite, in any form.
    for rel_dir in ("_internal/tests", "_internal/alliance_desktop/tests", "_internal/benchmarks"):
        if (bundle / rel_dir).exists():
            problems.append(f"{rel_dir} (test suite or benchmarks)")
    return problems


def forbidden_modules(module_names: Iterable[str]) -> list[str]:
    """Module names (from the bundle's archive) whose top-level package is on the forbidden list."""
    banned = set(FORBIDDEN_MODULES)
    return sorted(name for name in module_names if name.split(".", 1)[0] in banned)


LIST_ARCHIVE = r"""
import json, sys
from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader
exe = sys.argv[1]
names = []
carchive = CArchiveReader(exe)
for name, entry in carchive.toc.items():
    if name.endswith('.pyz') or entry[-1] == 'z':
        pyz = carchive.open_embedded_archive(name)
        names.extend(pyz.toc.keys())
    else:
        names.append(name)
print(json.dumps(sorted(names)))
"""


def archive_modules(python: Path, executable: Path) -> list[str]:
    """Every module in the executable's embedded archives, listed with PyInstaller's own reader."""
    done = subprocess.run([str(python), "-c", LIST_ARCHIVE, str(executable)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"build: could not list {executable.name}'s archive:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def audit_bundle(bundle: Path, python: Path) -> list[str]:
    """All reasons the bundle is not clean; empty when it is."""
    problems = forbidden_paths(bundle)
    executable = bundle / (APP_NAME + (".exe" if os.name == "nt" else ""))
    problems += [f"module {name} in the archive" for name in forbidden_modules(archive_modules(python, executable))]
    if not (bundle / "_internal" / "resources" / "instruments").is_dir():
        problems.append("_internal/resources/instruments is missing")
    if not list((bundle / "_internal" / "resources" / "translations").glob("*.qm")):
        problems.append("no compiled translations (.qm) in _internal/resources/translations")
    if list((bundle / "_internal" / "resources").rglob("*.ts")):
        problems.append(".ts sources in the bundle (the app would try to recompile them)")
    if not (bundle / VERSION_FILE).is_file():
        problems.append(f"{VERSION_FILE} is missing")
    return problems


# --------------------------------------------------------------------------- size report


@dataclass(frozen=True)
class SizeReport:
    total: int
    files: int
    parts: list[tuple[str, int]]
    biggest_files: list[tuple[str, int]]


def part_of(rel: Path) -> str:
    """The group a file is counted in: a package or Qt folder, two or three levels down."""
    parts = rel.parts
    if len(parts) == 1:
        return f"{parts[0]} (executable with the app's bytecode)" if parts[0].startswith(APP_NAME) else parts[0]
    if parts[0] == "_internal":
        parts = parts[1:]
    if len(parts) == 1:
        if parts[0].startswith("libpython"):
            return parts[0]
        return "_internal/*.so (system libraries pulled in by Qt plugins, OpenSSL, ...)"
    if parts[0] == "PySide6" and len(parts) > 3 and parts[1] == "Qt":
        return "/".join(parts[:3])  # PySide6/Qt/lib, PySide6/Qt/plugins, PySide6/Qt/translations
    if parts[0].endswith(".libs") or parts[0] in ("PySide6", "shiboken6", "numpy", "resources"):
        return "/".join(parts[:2]) if len(parts) > 2 else parts[0]
    return parts[0]


def size_report(bundle: Path, top: int = 12) -> SizeReport:
    groups: dict[str, int] = {}
    files: list[tuple[str, int]] = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            rel = path.relative_to(bundle)
            files.append((rel.as_posix(), size))
            key = part_of(rel)
            groups[key] = groups.get(key, 0) + size
    files.sort(key=lambda item: -item[1])
    ordered = sorted(groups.items(), key=lambda item: -item[1])
    return SizeReport(sum(size for _, size in files), len(files), ordered[:top], files[:top])


def print_size_report(report: SizeReport) -> None:
    say(f"    bundle: {human_size(report.total)} in {report.files} files")
    say("    largest parts:")
    for name, size in report.parts:
        say(f"      {human_size(size):>9}  {name}")
    say("    largest files:")
    for name, size in report.biggest_files[:8]:
        say(f"      {human_size(size):>9}  {name}")


# --------------------------------------------------------------------------- main


def run_pyinstaller(python: Path, clean: bool) -> None:
    command = [str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST_DIR), "--workpath", str(WORK_DIR)]
    if clean:
        command.append("--clean")
    command.append(str(SPEC))
    say("    $ " + shlex.join(["pyinstaller", *command[3:]]))
    env = dict(os.environ)
    env["ALLIANCE_QM_DIR"] = str(QM_DIR)
    # Keep the build from reading anything of the developer's own Python setup.
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONSTARTUP", None)
    subprocess.run(command, check=True, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL)


def build(clean: bool = False) -> tuple[Path, float]:
    """Build the bundle; returns (bundle folder, seconds spent in translations + PyInstaller)."""
    python = ensure_build_venv()
    ensure_libpython(python)
    started = time.monotonic()
    ensure_icons(python)
    step("Compiling translations (.ts -> .qm)")
    qms = compile_translations(BUILD_VENV)
    say(f"    {len(qms)} files: {', '.join(qm.name for qm in qms)}")
    step("PyInstaller (packaging/alliance-desktop.spec, one folder)")
    run_pyinstaller(python, clean)
    add_desktop_integration(BUNDLE_DIR)
    step(f"Writing {VERSION_FILE}")
    text = version_text(app_version(), git_describe(), build_versions(python),
                        datetime.datetime.now(datetime.timezone.utc))
    (BUNDLE_DIR / VERSION_FILE).write_text(text, encoding="utf-8")
    say("    " + text.strip().replace("\n", "\n    "))
    elapsed = time.monotonic() - started
    step("Checking the bundle (no tests, caches, dev packages; resources present)")
    problems = audit_bundle(BUNDLE_DIR, python)
    if problems:
        for problem in problems:
            say(f"    PROBLEM: {problem}")
        raise SystemExit(f"build: the bundle is not clean ({len(problems)} problems)")
    say("    clean")
    return BUNDLE_DIR, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build dist/AllianceDesktop (PyInstaller one-folder bundle).")
    parser.add_argument("--clean", action="store_true",
                        help="empty PyInstaller's cache and work folder first (a cold build)")
    args = parser.parse_args(argv)
    bundle, elapsed = build(clean=args.clean)
    step(f"Built {bundle.relative_to(PROJECT_ROOT)} in {elapsed:.0f} s (translations + PyInstaller)")
    print_size_report(size_report(bundle))
    executable = bundle / APP_NAME
    say(f"    run it: {executable.relative_to(PROJECT_ROOT)} --demo")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as failed:
        print(f"build: {shlex.join(map(str, failed.cmd))} failed (exit {failed.returncode})", file=sys.stderr)
        sys.exit(failed.returncode or 1)
    except KeyboardInterrupt:
        sys.exit(130)
