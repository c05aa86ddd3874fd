"""`python -m alliance_desktop`: quick answers without Qt, and a clear word when there is no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_desktop import __version__
from alliance_desktop.__main__ import build_parser, main
from alliance_desktop.app import display_available
from tests.support import ADMIN_PASSWORD, ADMIN_USER

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NO_DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def run_module(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alliance_desktop", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env or dict(os.environ), timeout=timeout, stdin=subprocess.DEVNULL)


def test_version():
    done = run_module("--version", timeout=20)
    assert done.returncode == 0
    assert done.stdout.strip() == f"Alliance Desktop {__version__}" == "Alliance Desktop 0.1.0"


def test_help_lists_the_options_but_not_the_benchmark_switch():
    done = run_module("--help", timeout=20)
    assert done.returncode == 0
    for option in ("--version", "--demo", "--data-dir PATH"):
        assert option in done.stdout
    assert "--exit-when-shown" not in done.stdout
    assert "--bench-login" not in done.stdout and "--bench-password-file" not in done.stdout


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_load_neither_qt_nor_sqlalchemy(argv):
    code = (
        "import sys\n"
        "from alliance_desktop.__main__ import main\n"
        f"rc = main({argv!r})\n"
        "heavy = sorted(m for m in ('PySide6', 'sqlalchemy', 'sqlcipher3', 'alliance_desktop.app') if m in sys.modules)\n"
        "print(rc, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=20)
    assert done.stderr.strip().splitlines()[-1] == "0 []"


@pytest.mark.parametrize(("argv", "loads_commands"), [
    (["--data-dir", "/tmp/clinic", "--kiosk"], False),  # starting the app: the command modules stay unloaded
    (["--demo"], False),
    (["export", "--help"], True),
    (["--data-dir", "/tmp/clinic", "no-such-command"], True),  # a usage error that names the commands
])
def test_the_command_modules_load_only_for_a_command(argv, loads_commands):
    from alliance_desktop.__main__ import _parse

    code = (
        "import sys\n"
        "from alliance_desktop.__main__ import _parse\n"
        "try:\n"
        f"    _parse({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('alliance_desktop.cli' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=20)
    assert done.stderr.strip().splitlines()[-1] == str(loads_commands)
    if not loads_commands:
        args, cli = _parse(argv)
        assert cli is None and not getattr(args, "command", None)


def test_demo_and_data_dir_exclude_each_other(capsys):
    assert main(["--demo", "--data-dir", "/tmp/x"]) == 2
    assert "not allowed with" in capsys.readouterr().err


def test_parser_reads_the_options(tmp_path):
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "--exit-when-shown"])
    assert args.data_dir == tmp_path and args.exit_when_shown and not args.demo


def test_without_a_display_it_says_so_instead_of_crashing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in NO_DISPLAY_VARS}
    folder = tmp_path / "data"
    done = run_module("--data-dir", str(folder), env=env, timeout=30)
    assert done.returncode == 2
    assert "needs a graphical display" in done.stderr
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr
    assert not folder.exists()


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({"DISPLAY": ""}, "freebsd14", False),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_available(environ, platform, expected):
    assert display_available(environ, platform) is expected


def test_exit_when_shown_paints_the_first_window_and_quits(tmp_path):
    folder = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = run_module("--data-dir", str(folder), "--exit-when-shown", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "shown"
    assert folder.is_dir()  # created for the new clinic (the wizard was the first window)...
    assert not (folder / "clinic.db").exists()  # ...which wrote nothing yet
    assert not (folder / "alliance.lock").exists()  # and the lock was released


def test_benchmark_login_hook_is_refused_without_exit_when_shown(tmp_path, clinic, data_paths):
    """The hook can never leave a logged-in app running: without --exit-when-shown it refuses."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ALLIANCE_PASSWORD": ADMIN_PASSWORD}
    done = run_module("--data-dir", str(data_paths.root), "--bench-login", ADMIN_USER, env=env)
    assert done.returncode != 0
    assert "--exit-when-shown" in done.stderr


def test_benchmark_login_hook_refuses_a_wrong_password(tmp_path, clinic, data_paths):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ALLIANCE_PASSWORD": "not-the-password-1"}
    done = run_module("--data-dir", str(data_paths.root), "--bench-login", ADMIN_USER, "--exit-when-shown", env=env)
    assert done.returncode == 1
    assert "Wrong user name or password." in done.stderr
    assert "shown" not in done.stdout


def test_kiosk_through_the_hook_shows_the_kiosk_window(tmp_path, clinic, data_paths):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ALLIANCE_PASSWORD": ADMIN_PASSWORD}
    done = run_module("--data-dir", str(data_paths.root), "--kiosk", "--bench-login", ADMIN_USER,
                      "--exit-when-shown", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["window", "KioskWindow", "shown"]


# Runs the entry point with the module list and the style recorded at the moment the login window
# is reported shown (before the process quits).
_LOGIN_PAINT_CHILD = """
import sys
import PySide6.QtWidgets as widgets
import alliance_desktop.app as app_module
seen = {}
say = app_module._say_shown_and_quit
def record_then_quit(app, out):
    seen["loaded"] = sorted(m for m in LATER if m in sys.modules)
    seen["qstyle_type"] = "QStyle" in vars(widgets)
    seen["qt_namespace"] = "Qt" in vars(sys.modules["PySide6.QtCore"])
    from alliance_desktop.ui.pyside_loading import scans_imports
    seen["import_scan"] = scans_imports()
    seen["window"] = type(app.activeWindow() or app.topLevelWidgets()[0]).__name__
    app.setStyleSheet("")  # the style sheet wraps the style in one without a name
    seen["style"] = app.style().name()  # last: it makes PySide create the QStyle type
    say(app, out)
app_module._say_shown_and_quit = record_then_quit
from alliance_desktop.__main__ import main
code = main(sys.argv[1:])
print(seen["window"], seen["style"], seen["qstyle_type"], seen["qt_namespace"], seen["import_scan"],
      ",".join(seen["loaded"]) or "-")
sys.exit(code)
"""
#: What a login click needs and the login window does not: the account rules, the domain model
#: (uuid, platform), the storage self-test, json (the unlock-failure file is read only if it exists).
_LATER = ("alliance_desktop.core.accounts", "alliance_desktop.core.model", "alliance_desktop.storage.self_test",
          "alliance_desktop.storage.keys", "json", "uuid", "sqlalchemy")


def test_the_login_window_is_painted_in_fusion_without_what_only_a_login_click_needs(clinic, data_paths):
    """The start the staff see every morning: the login window first, the rest when they log in.

    The style is chosen when the QApplication is built, so Qt creates it in C++: choosing it from
    Python makes PySide build the QStyle type and its large enums first (about 6 ms of each start).
    PySide's ``Qt`` namespace is not built either (15 ms: ``ui.lazy_qt``), and PySide's import hook,
    which reads the source of every module imported after it, is gone (``ui.pyside_loading``).
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = f"LATER = {_LATER!r}\n{_LOGIN_PAINT_CHILD}"
    done = subprocess.run([sys.executable, "-c", child, "--data-dir", str(data_paths.root), "--exit-when-shown"],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-6:] == ["LoginWindow", "fusion", "False", "False", "False", "-"], \
        done.stdout + done.stderr
