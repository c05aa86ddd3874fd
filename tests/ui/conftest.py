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

    def make(access, *, idle_timeout_ms: int = 0, banner: str = "", initial_user: str = "") -> Shell:
        controller = ShellController(access, initial_user=initial_user, idle_timeout_ms=idle_timeout_ms)
        windows = ShellWindows(controller, ViewOptions(banner=banner, print_key=fake_printer))
        shell = Shell(controller, windows, fake_printer)
        built.append(shell)
        controller.start()
        return shell

    yield make
    for shell in built:
        shell.controller.shutdown()
        shell.windows.close_all()
