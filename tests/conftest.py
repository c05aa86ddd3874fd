"""Shared fixtures. Qt runs offscreen: without a display pytest-qt would abort the run."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from alliance_desktop.config import DataPaths  # noqa: E402
from alliance_desktop.ui.pyside_loading import load_pyside  # noqa: E402
from alliance_desktop.core.clock import FakeClock  # noqa: E402
from tests.support import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME, FAST_KDF  # noqa: E402

load_pyside()  # as the entry point does: the suite runs without PySide's import hook, as the app does
# Before any test can open a connection of its own (sqlite_runtime: no connection may be open then).
from alliance_desktop.storage.sqlite_runtime import prepare as _prepare_sqlite  # noqa: E402

_prepare_sqlite()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "clinic-data")


@pytest.fixture
def access(data_paths: DataPaths, clock: FakeClock):
    from alliance_desktop.services.access import ClinicAccess

    return ClinicAccess(data_paths, clock=clock, kdf=FAST_KDF)


@pytest.fixture
def recovery_key(access) -> str:
    return access.new_recovery_key()


@pytest.fixture
def clinic(access, recovery_key):
    """A freshly set-up clinic (database + key file) with one admin account."""
    access.create_clinic(
        clinic_name=CLINIC_NAME,
        username=ADMIN_USER,
        display_name="Dr. Anna Muster",
        password=ADMIN_PASSWORD,
        recovery_key=recovery_key,
    )
    return access


@pytest.fixture
def session(clinic):
    s = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    yield s
    s.lock()


def _application():
    """The shared QApplication if a test already made one; never imports Qt for Qt-free tests."""
    if "PySide6.QtWidgets" not in sys.modules:
        return None
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


@pytest.fixture(autouse=True)
def _restore_application_look():
    """Undo a test's change to the application's style, palette, font or style sheet.

    Tests that start the real app (tests/ui/test_app.py, the canary and fault tests)
    apply the staff theme to the one QApplication every test shares. Its style sheet
    gives every QPushButton a 24 px minimum height, which overrode the kiosk keypad's
    own minimum size in later widget tests and made them depend on the order the
    tests ran in. Defined here, not in tests/ui, because those tests live in several folders.
    """
    app = _application()
    before = None
    if app is not None:
        from PySide6.QtGui import QFont, QPalette

        before = (app.styleSheet(), app.style().name(), QPalette(app.palette()), QFont(app.font()))
    yield
    app = _application()
    if app is None:
        return
    from PySide6.QtWidgets import QStyleFactory

    if before is None:  # the app was made during this test: back to Qt's own look
        app.setStyleSheet("")
        return
    sheet, style, palette, font = before
    if app.style().name() != style:
        app.setStyle(QStyleFactory.create(style))
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    if app.palette() != palette:
        app.setPalette(palette)
    if app.font() != font:
        app.setFont(font)
