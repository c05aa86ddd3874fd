"""Fixtures for the staff screens (offscreen Qt; cheap KDF from tests/conftest.py)."""

from __future__ import annotations

import pytest

from alliance_desktop.ui.shell import ShellController
from alliance_desktop.ui.windows import ShellWindows, ViewOptions
from tests.ui.helpers import FakePrinter, Shell


@pytest.fixture
def fake_printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def make_shell(qtbot, fake_printer):
    """Build controller + windows for an access object; everything is closed after the test."""
    built: list[Shell] = []

    def make(access, *, idle_timeout_ms: int = 0, banner: str = "", initial_user: str = "",
             kiosk_on_login: bool = False) -> Shell:
        controller = ShellController(access, initial_user=initial_user, idle_timeout_ms=idle_timeout_ms,
                                     kiosk_on_login=kiosk_on_login)
        windows = ShellWindows(controller, ViewOptions(banner=banner, print_key=fake_printer))
        shell = Shell(controller, windows, fake_printer)
        built.append(shell)
        controller.start()
        return shell

    yield make
    for shell in built:
        shell.controller.shutdown()
        shell.windows.close_all()


@pytest.fixture(autouse=True)
def _private_settings_folder(tmp_path_factory):
    """QSettings files (the rating-line calibration) go to a temporary folder, never the real profile."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def _unfrozen_heap():
    """A test that logged in may leave the heap frozen (ui/heap.py); the next test starts unfrozen."""
    import gc

    yield
    gc.unfreeze()
