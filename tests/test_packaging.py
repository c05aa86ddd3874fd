"""The standalone bundle's pieces, checked without building it (the build is packaging/smoke_bundle.py).

What is checked here, fast: resources.py finds resources/ from the source tree
and from a bundle; the PyInstaller spec keeps tests, caches, ``.ts`` sources and
dev tooling out and refuses files from outside the project; every module of the
app still imports when the modules the spec excludes are missing; the icons are
rendered in every size, deterministically, in valid ICO/ICNS containers; the
desktop entry and the kiosk unit are well-formed; the build/smoke helpers behave.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import shutil
import struct
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from alliance_desktop import resources

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "alliance-desktop.spec"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> Iterator[ModuleType]:
    try:
        yield _load("alliance_build", PACKAGING / "build.py")
    finally:
        sys.modules.pop("alliance_build", None)


@pytest.fixture(scope="module")
def smoke() -> Iterator[ModuleType]:
    sys.path.insert(0, str(PACKAGING))
    try:
        yield _load("alliance_smoke_bundle", PACKAGING / "smoke_bundle.py")
    finally:
        sys.path.remove(str(PACKAGING))
        sys.modules.pop("alliance_smoke_bundle", None)
        sys.modules.pop("build", None)


@pytest.fixture(scope="module")
def spec_namespace() -> Iterator[dict[str, object]]:
    """The spec's helpers and settings: its code up to the Analysis() call, run without PyInstaller."""
    source = SPEC.read_text(encoding="utf-8")
    prefix = source[: source.index("\na = Analysis(")]
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, filter=None: [package]  # type: ignore[attr-defined]
    fakes = {"PyInstaller": types.ModuleType("PyInstaller"),
             "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
             "PyInstaller.utils.hooks": hooks}
    saved = {name: sys.modules.get(name) for name in fakes}
    sys.modules.update(fakes)
    try:
        namespace: dict[str, object] = {"SPECPATH": str(PACKAGING), "__name__": "alliance_spec"}
        exec(compile(prefix, str(SPEC), "exec"), namespace)
        yield namespace
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


# --------------------------------------------------------------------------- resources.py


def test_resources_come_from_the_source_tree_when_not_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert not resources.is_frozen()
    assert resources.resources_root() == ROOT / "resources"
    assert (resources.instruments_dir() / "phq9.json").is_file()
    assert resources.app_icon_path().is_file()


def test_resources_come_from_meipass_in_a_pyinstaller_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert resources.is_frozen()
    assert resources.resources_root() == tmp_path / "_internal" / "resources"
    assert resources.resource_path("translations", "alliance_de.qm") == (
        tmp_path / "_internal" / "resources" / "translations" / "alliance_de.qm")
    assert resources.instruments_dir() == tmp_path / "_internal" / "resources" / "instruments"


def test_resources_sit_beside_the_executable_for_other_freezers(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "AllianceDesktop"))
    assert resources.is_frozen()
    assert resources.resources_root() == tmp_path.resolve() / "resources"


# --------------------------------------------------------------------------- the spec


def test_spec_excludes_dev_tooling_and_unused_toolkits(spec_namespace: dict[str, object]) -> None:
    excludes = set(spec_namespace["EXCLUDES"])  # type: ignore[arg-type]
    for name in ("tkinter", "unittest", "pytest", "_pytest", "pytestqt", "hypothesis", "importlinter",
                 "pypdf", "fhir", "PyInstaller", "setuptools", "pip"):
        assert name in excludes
    # pyqtgraph imports these at start; excluding them would break every chart.
    for needed in ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtTest", "pyqtgraph.multiprocess",
                   "PySide6.QtSvg", "PySide6.QtPrintSupport", "pydoc", "email", "json"):
        assert needed not in excludes


def test_spec_is_one_folder_and_windowed() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    assert any(call.func.id == "COLLECT" for call in calls)  # type: ignore[attr-defined]  # one folder
    app_exes = [{kw.arg: kw.value for kw in call.keywords} for call in calls
                if call.func.id == "EXE"  # type: ignore[attr-defined]
                and any(kw.arg == "name" and isinstance(kw.value, ast.Name) and kw.value.id == "APP_NAME"
                        for kw in call.keywords)]
    assert len(app_exes) == 1  # the Windows console twin has its own name
    exe = app_exes[0]
    assert isinstance(exe["exclude_binaries"], ast.Constant) and exe["exclude_binaries"].value is True
    assert isinstance(exe["console"], ast.Constant) and exe["console"].value is False
    assert isinstance(exe["upx"], ast.Constant) and exe["upx"].value is False


def test_spec_data_files_are_resources_without_sources_or_caches(spec_namespace: dict[str, object],
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    for ts in sources:
        (tmp_path / (ts.stem + ".qm")).write_bytes(b"qm")
    monkeypatch.setitem(spec_namespace, "QM_DIR", tmp_path)
    datas = spec_namespace["resource_datas"]()  # type: ignore[operator]
    files = [Path(src) for src, _dest in datas]
    assert not [f for f in files if f.suffix == ".ts" or "__pycache__" in f.parts or f.name.startswith(".")]
    assert not [f for f in files if f.suffix == ".qm" and f.parent != tmp_path]  # never a stale checkout .qm
    assert {f.name for f in files if f.suffix == ".qm"} == {ts.stem + ".qm" for ts in sources}
    assert all(dest.startswith("resources") for _src, dest in datas)
    assert any(f.name == "phq9.json" for f in files)
    assert any(f.name == "alliance-desktop.svg" for f in files)
    assert all(ROOT in f.parents or tmp_path in f.parents for f in files)

    migrations = spec_namespace["migration_datas"]()  # type: ignore[operator]
    names = {Path(src).name for src, _dest in migrations}
    assert {"env.py", "0001_initial_schema.py"} <= names
    assert all(dest.startswith("alliance_desktop/storage/migrations") for _src, dest in migrations)


def test_spec_refuses_to_build_without_compiled_translations(spec_namespace: dict[str, object], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(spec_namespace, "QM_DIR", tmp_path / "empty")
    with pytest.raises(SystemExit, match="build.py"):
        spec_namespace["resource_datas"]()  # type: ignore[operator]


def test_spec_flags_files_from_outside_the_project(spec_namespace: dict[str, object]) -> None:
    roots = spec_namespace["allowed_roots"]()  # type: ignore[operator]
    outside = spec_namespace["outside_files"]
    toc = [
        ("resources/instruments/phq9.json", str(ROOT / "resources" / "instruments" / "phq9.json"), "DATA"),
        ("libpython.so", str(Path(sys.base_prefix) / "lib" / "libpython3.so"), "BINARY"),
        ("tests/conftest.py", str(ROOT / "tests" / "conftest.py"), "DATA"),
        ("notes.txt", "/home/someone/notes.txt", "DATA"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    flagged = outside(toc, roots)  # type: ignore[operator]
    assert [entry.split(" <- ")[0] for entry in flagged] == ["tests/conftest.py", "notes.txt"]


def test_every_app_module_imports_without_the_excluded_modules(spec_namespace: dict[str, object]) -> None:
    """What the spec leaves out must not be needed: import the whole package with those blocked."""
    excludes = list(spec_namespace["EXCLUDES"])  # type: ignore[call-overload]
    script = f"""
import importlib, importlib.abc, pkgutil, sys
EXCLUDES = {excludes!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if any(name == e or name.startswith(e + ".") for e in EXCLUDES):
            raise ImportError("excluded from the bundle: " + name)
sys.meta_path.insert(0, Block())
for name in ("tkinter", "unittest", "pytest"):
    sys.modules.pop(name, None)
from PySide6.QtWidgets import QApplication
app = QApplication([])
import pyqtgraph, alliance_desktop
failed = []
for info in pkgutil.walk_packages(alliance_desktop.__path__, "alliance_desktop."):
    if ".migrations" in info.name:
        continue
    try:
        importlib.import_module(info.name)
    except ImportError as problem:
        failed.append(f"{{info.name}}: {{problem}}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- icons


@pytest.fixture(scope="module")
def make_icons() -> Iterator[ModuleType]:
    try:
        yield _load("alliance_make_icons", PACKAGING / "make_icons.py")
    finally:
        sys.modules.pop("alliance_make_icons", None)


def test_icons_are_rendered_in_every_size_deterministically(qapp: object, make_icons: ModuleType,
                                                           tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    first = make_icons.make_icons(tmp_path / "a")
    second = make_icons.make_icons(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    for size in make_icons.PNG_SIZES:
        image = QImage(str(tmp_path / "a" / "hicolor" / f"{size}x{size}" / "apps" / "alliance-desktop.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # the mark, not an empty canvas
        assert image.pixelColor(0, 0).alpha() < 255  # rounded tile: transparent corner
    assert (tmp_path / "a" / "hicolor" / "scalable" / "apps" / "alliance-desktop.svg").is_file()


def test_ico_container_lists_each_png(make_icons: ModuleType) -> None:
    pngs = [(16, b"\x89PNG-16"), (256, b"\x89PNG-256-bytes")]
    data = make_icons.ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 2)
    entries = [struct.unpack_from("<BBBBHHII", data, 6 + 16 * i) for i in range(count)]
    assert [e[0] for e in entries] == [16, 0]  # 256 is written as 0
    for (_w, _h, _c, _r, planes, bits, size, offset), (_, png) in zip(entries, pngs):
        assert (planes, bits) == (1, 32)
        assert data[offset:offset + size] == png
    with pytest.raises(ValueError):
        make_icons.ico_bytes([(512, b"x")])


def test_icns_container_lengths_add_up(make_icons: ModuleType) -> None:
    data = make_icons.icns_bytes([(b"icp4", b"abc"), (b"ic09", b"defgh")])
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    assert data[8:12] == b"icp4" and struct.unpack(">I", data[12:16])[0] == 8 + 3


# --------------------------------------------------------------------------- desktop entry, units, CI


def test_desktop_entry_is_valid() -> None:
    path = PACKAGING / "alliance-desktop.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator:
        done = subprocess.run([validator, str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "error" not in done.stdout.lower()
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Alliance Desktop"
    assert entry["Exec"].split()[0] == "alliance-desktop"
    assert entry["Icon"] == "alliance-desktop"  # the name make_icons.py installs into hicolor
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    for action in filter(None, entry["Actions"].split(";")):
        assert parser[f"Desktop Action {action}"]["Exec"].startswith("alliance-desktop ")


def _unit_settings(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def test_bundle_kiosk_unit_runs_the_bundle_under_cage_and_always_restarts() -> None:
    bundle_unit = _unit_settings(PACKAGING / "alliance-desktop-kiosk-bundle.service")
    source_unit = _unit_settings(PACKAGING / "alliance-desktop-kiosk.service")
    exec_start = [line for line in bundle_unit if line.startswith("ExecStart=")]
    assert exec_start == ["ExecStart=/usr/bin/cage -d -- /opt/AllianceDesktop/AllianceDesktop --kiosk "
                          "--data-dir /var/lib/alliance-desktop/clinic"]
    assert "Restart=always" in bundle_unit and "StartLimitIntervalSec=0" in bundle_unit
    # The two units differ only where the program lives, so a fix to one is not forgotten in the other.
    differing = {line.split("=", 1)[0] for line in set(bundle_unit) ^ set(source_unit)}
    assert differing == {"ExecStart", "Documentation"}


def test_build_outputs_are_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "build/" in ignored and "dist/" in ignored


def test_ci_runs_the_bundle_smoke_unless_skipped() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "packaging/smoke_bundle.py" in ci and "ALLIANCE_SKIP_BUNDLE" in ci
    assert ci.index("smoke_bundle.py") > ci.index("packaging/bootstrap.py test")


# --------------------------------------------------------------------------- build.py / smoke_bundle.py helpers


def test_build_installs_runtime_dependencies_and_pyinstaller_only(build: ModuleType) -> None:
    requirements = build.build_requirements()
    assert "pyinstaller==6.22.3" in requirements
    assert any(r.startswith("PySide6-Essentials") for r in requirements)
    assert not [r for r in requirements if r.split(">")[0].split("=")[0].strip().lower()
                in ("pytest", "hypothesis", "import-linter", "pypdf", "fhir.resources")]


def test_forbidden_paths_finds_tests_caches_and_dev_packages(build: ModuleType, tmp_path: Path) -> None:
    bundle = tmp_path / "AllianceDesktop"
    for rel in ("_internal/resources/instruments/phq9.json", "_internal/numpy/core.so", "AllianceDesktop"):
        (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
        (bundle / rel).write_bytes(b"x")
    assert build.forbidden_paths(bundle) == []
    for rel in ("_internal/alliance_desktop/__pycache__/app.cpython-311.pyc", "_internal/pytest/__init__.py",
                "_internal/hypothesis-6.1.dist-info/METADATA", "_internal/tests/conftest.py",
                "_internal/resources/.pytest_cache/x"):
        (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
        (bundle / rel).write_bytes(b"x")
    found = "\n".join(build.forbidden_paths(bundle))
    for needle in ("__pycache__", "_internal/pytest", "hypothesis-6.1.dist-info", "_internal/tests",
                   ".pytest_cache"):
        assert needle in found


def test_forbidden_modules_matches_top_level_packages(build: ModuleType) -> None:
    names = ["alliance_desktop.app", "pytest", "_pytest.config", "hypothesis.strategies", "pyqtgraph",
             "PyInstaller.loader", "numpy.testing_tools", "fhir.resources"]
    assert build.forbidden_modules(names) == ["PyInstaller.loader", "_pytest.config", "fhir.resources",
                                              "hypothesis.strategies", "pytest"]


def test_size_report_groups_and_version_text(build: ModuleType, tmp_path: Path) -> None:
    import datetime

    assert build.part_of(Path("_internal/PySide6/Qt/lib/libQt6Gui.so.6")) == "PySide6/Qt/lib"
    assert build.part_of(Path("_internal/numpy.libs/libopenblas.so")) == "numpy.libs"
    assert build.part_of(Path("_internal/sqlcipher3/_sqlite3.so")) == "sqlcipher3"
    assert build.part_of(Path("_internal/libpython3.11.so.1.0")) == "libpython3.11.so.1.0"
    assert build.part_of(Path("AllianceDesktop")).startswith("AllianceDesktop")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "big").write_bytes(b"x" * 100)
    (tmp_path / "small").write_bytes(b"x")
    report = build.size_report(tmp_path)
    assert (report.total, report.files) == (101, 2)
    text = build.version_text("0.1.0", "abc123", {"qt": "6.11.3"},
                              datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
    assert text.splitlines()[:3] == ["Alliance Desktop 0.1.0", "commit: abc123", "built: 2026-01-02T03:04:05Z"]
    assert build.app_version() == __import__("alliance_desktop").__version__


def test_smoke_environment_is_clean(smoke: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(ROOT / ".venv"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    env = smoke.clean_environment(tmp_path)
    assert set(env) == {"HOME", "TMPDIR", "XDG_RUNTIME_DIR", "PATH", "LANG", "QT_QPA_PLATFORM"}
    assert ".venv" not in env["PATH"] and "pyenv" not in env["PATH"]
    assert Path(env["HOME"]).parent == tmp_path and Path(env["TMPDIR"]).is_dir()


def test_smoke_treats_a_bundle_older_than_its_sources_as_stale(smoke: ModuleType, tmp_path: Path) -> None:
    bundle = tmp_path / "AllianceDesktop"
    bundle.mkdir()
    assert not smoke.bundle_is_fresh(bundle)  # no version file: never built
    version = bundle / "VERSION.txt"
    version.write_text("x")
    import os

    os.utime(version, (1, 1))  # 1970: older than every source file
    assert not smoke.bundle_is_fresh(bundle)
    newest = smoke.newest_input()
    os.utime(version, (newest + 10, newest + 10))
    assert smoke.bundle_is_fresh(bundle)
