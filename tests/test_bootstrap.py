"""The pure helpers of packaging/bootstrap.py (the README's setup script).

The script is stdlib-only and not part of the package, so it is loaded from its path.
These tests run nothing: no venv, no pip, no apt-get.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "packaging" / "bootstrap.py"

LDCONFIG_OUTPUT = """\
412 libs found in cache `/etc/ld.so.cache'
\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1
\tlibxkbcommon.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libxkbcommon.so.0
\tlibglib-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libglib-2.0.so.0
\tlibfontconfig.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libfontconfig.so.1
\tlibdbus-1.so.3 (libc6,x86-64) => /lib/x86_64-linux-gnu/libdbus-1.so.3
\tlibEGL_mesa.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libEGL_mesa.so.0
\tlibc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6
"""


@pytest.fixture(scope="module")
def bootstrap():
    spec = importlib.util.spec_from_file_location("alliance_bootstrap", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_missing_libraries_from_ldconfig_output(bootstrap) -> None:
    available = bootstrap.parse_ldconfig(LDCONFIG_OUTPUT)
    assert "libc.so.6" in available
    assert not any("libs found" in name for name in available)
    # libEGL_mesa.so.0 must not count as libEGL.so.1.
    assert bootstrap.missing_libraries(bootstrap.HEADLESS_LIBS, available) == [
        "libGL.so.1",
        "libEGL.so.1",
    ]
    full = available | {"libGL.so.1", "libEGL.so.1"}
    assert bootstrap.missing_libraries(bootstrap.HEADLESS_LIBS, full) == []


def test_library_named_in_a_loader_error(bootstrap) -> None:
    error = (
        "ImportError: libEGL.so.1: cannot open shared object file: No such file or directory"
    )
    assert bootstrap.missing_library_from_error(error) == "libEGL.so.1"
    assert bootstrap.missing_library_from_error("Segmentation fault") is None


def test_apt_line_for_a_user_who_is_not_root(bootstrap) -> None:
    line = bootstrap.apt_install_line(bootstrap.HEADLESS_PACKAGES)
    assert line == (
        "sudo apt-get install -y libgl1 libegl1 libxkbcommon0 libglib2.0-0 "
        "libfontconfig1 libdbus-1-3 fonts-dejavu-core"
    )
    assert len(bootstrap.XCB_LIBS) == len(bootstrap.XCB_PACKAGES)
    assert "libxcb-cursor0" in bootstrap.XCB_PACKAGES


def test_missing_system_libraries_without_root_print_the_line_and_exit_2(
    bootstrap, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(bootstrap.sys, "platform", "linux")
    monkeypatch.setattr(bootstrap, "ldconfig_libraries", lambda: {"libz.so.1"})
    monkeypatch.setattr(bootstrap, "is_root", lambda: False)
    monkeypatch.setattr(bootstrap, "has_apt", lambda: True)

    def no_apt(packages):
        raise AssertionError("must not run apt-get when not root")

    monkeypatch.setattr(bootstrap, "apt_install", no_apt)
    with pytest.raises(SystemExit) as exit_info:
        bootstrap.ensure_system_libraries(Path("/nonexistent/python"), gui=False)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert bootstrap.apt_install_line(bootstrap.HEADLESS_PACKAGES) in err


def test_missing_system_libraries_as_root_are_installed_with_apt(
    bootstrap, monkeypatch
) -> None:
    monkeypatch.setattr(bootstrap.sys, "platform", "linux")
    monkeypatch.setattr(bootstrap, "ldconfig_libraries", lambda: {"libz.so.1"})
    monkeypatch.setattr(bootstrap, "can_apt", lambda: True)
    installed: list[list[str]] = []
    monkeypatch.setattr(bootstrap, "apt_install", lambda packages: installed.append(list(packages)))
    bootstrap.ensure_system_libraries(Path("/nonexistent/python"), gui=True)
    assert installed == [[*bootstrap.HEADLESS_PACKAGES, *bootstrap.XCB_PACKAGES]]


def test_no_screen_check_and_message(bootstrap) -> None:
    assert bootstrap.needs_screen_check("linux", {}, ["--demo"])
    assert not bootstrap.needs_screen_check("linux", {"DISPLAY": ":99"}, ["--demo"])
    assert not bootstrap.needs_screen_check("linux", {"WAYLAND_DISPLAY": "wayland-0"}, [])
    assert not bootstrap.needs_screen_check("linux", {"QT_QPA_PLATFORM": "offscreen"}, [])
    assert not bootstrap.needs_screen_check("linux", {}, ["--help"])
    assert not bootstrap.needs_screen_check("win32", {}, ["--demo"])
    assert not bootstrap.needs_screen_check("darwin", {}, ["--demo"])

    message = bootstrap.no_screen_message(["--demo"])
    assert "xvfb-run -a python3 packaging/bootstrap.py run --demo" in message
    assert "QT_QPA_PLATFORM=offscreen python3 packaging/bootstrap.py run --demo" in message


def test_run_without_a_screen_exits_2_before_setting_anything_up(
    bootstrap, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(bootstrap.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)

    def no_setup(**kwargs):
        raise AssertionError("setup must not run without a screen")

    monkeypatch.setattr(bootstrap, "setup", no_setup)
    assert bootstrap.main(["run", "--demo"]) == 2
    assert "No screen" in capsys.readouterr().err


def test_install_fingerprint_follows_pyproject(bootstrap) -> None:
    one = bootstrap.install_fingerprint(b"[project]\nname='a'\n", "/src", "3.11.7")
    assert one == bootstrap.install_fingerprint(b"[project]\nname='a'\n", "/src", "3.11.7")
    assert one != bootstrap.install_fingerprint(b"[project]\nname='b'\n", "/src", "3.11.7")
    assert one != bootstrap.install_fingerprint(b"[project]\nname='a'\n", "/moved", "3.11.7")
    assert one != bootstrap.install_fingerprint(b"[project]\nname='a'\n", "/src", "3.12.1")


def test_venv_layout_on_posix_and_windows(bootstrap) -> None:
    venv = Path("proj/.venv")
    assert bootstrap.venv_executable(venv, "python", windows=False) == venv / "bin" / "python"
    assert bootstrap.venv_executable(venv, "python", windows=True) == (
        venv / "Scripts" / "python.exe"
    )
    assert bootstrap.versioned_venv_package((3, 12, 3)) == "python3.12-venv"


def test_pytest_exit_5_is_reported_as_a_failure(bootstrap) -> None:
    assert "no tests" in bootstrap.pytest_outcome(5)
    assert "failure" in bootstrap.pytest_outcome(5)
    assert bootstrap.pytest_outcome(0) == "passed"


def test_the_test_tools_are_named_by_their_debian_packages(bootstrap):
    """The test command installs what the fault and report tests drive (fiu, poppler, strace) when it can."""
    present = {"pdftoppm"}
    assert bootstrap.missing_test_tools(lambda tool: tool if tool in present else None) == ["fiu-utils", "strace"]
    assert bootstrap.missing_test_tools(lambda tool: tool) == []
