"""Fixtures for the staff screens (offscreen Qt; cheap KDF from tests/conftest.py)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QStyleFactory

from alliance_desktop.ui.shell import ShellController
from alliance_desktop.ui.windows import ShellWindows, ViewOptions
from tests.ui.helpers import FakePrinter, Shell


@pytest.fixture(autouse=True)
def _restore_application_look(qapp):
    """Undo a test's change to the application's style, palette, font or style sheet.

    Starting the real app (tests/ui/test_app.py) applies the staff theme to the one
    QApplication every test shares. Its style sheet gives every QPushButton a
    24 px minimum height, which overrode the kiosk keypad's own minimum size in
    later widget tests and made them depend on the order the tests ran in.
    """
    sheet, style, palette, font = qapp.styleSheet(), qapp.style().name(), QPalette(qapp.palette()), QFont(qapp.font())
    yield
    if qapp.style().name() != style:
        qapp.setStyle(QStyleFactory.create(style))
    if qapp.styleSheet() != sheet:
        qapp.setStyleSheet(sheet)
    if qapp.palette() != palette:
        qapp.setPalette(palette)
    if qapp.font() != font:
        qapp.setFont(font)


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
