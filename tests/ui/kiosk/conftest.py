"""Kiosk fixtures: translations compiled once, a fake service, and a kiosk window that is always torn down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from alliance_desktop.core.clock import FakeClock
from alliance_desktop.ui.i18n import compile_translations
from alliance_desktop.ui.kiosk.idle import KioskTimings
from alliance_desktop.ui.kiosk.window import KioskWindow
from tests.ui.kiosk.fakes import FakeKioskService

#: A known DPI: 10 cm = 100 mm = 100 / 25.4 * 96 = 377.95 px.
TEST_DPI = 96.0


@pytest.fixture(scope="session", autouse=True)
def kiosk_translations() -> None:
    compile_translations()


@pytest.fixture
def fake_service(clock: FakeClock) -> FakeKioskService:
    return FakeKioskService(clock=clock)


@pytest.fixture
def make_kiosk(qtbot, clock):
    """Build a kiosk window (not locked down unless ``start=True``) for a service; torn down after."""
    built: list[KioskWindow] = []

    def make(service, *, start: bool = False, timings: KioskTimings | None = None) -> KioskWindow:
        window = KioskWindow(service, timings=timings or KioskTimings(thank_you_ms=50), clock=clock, dpi=TEST_DPI)
        built.append(window)
        if start:
            window.start()
        else:
            window.resize(1280, 800)
            window.show()
        qtbot.waitExposed(window)
        if start:
            qtbot.waitUntil(lambda: window.lockdown.installed)  # right after the first paint
        return window

    yield make
    for window in built:
        window.retire()
        window.hide()
        window.deleteLater()
    flush_deletes()


def flush_deletes() -> None:
    """Run pending deleteLater()s now, so QApplication.allWidgets() shows only live widgets."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
