"""Shared fixtures. Qt runs offscreen: without a display pytest-qt would abort the run."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from alliance_desktop.config import DataPaths  # noqa: E402
from alliance_desktop.core.clock import FakeClock  # noqa: E402
from tests.support import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME, FAST_KDF  # noqa: E402


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
