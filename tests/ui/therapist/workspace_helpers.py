"""Shared pieces of the workspace UI tests: a seeded demo clinic and logging in through the real shell."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from alliance_desktop.config import DataPaths
from alliance_desktop.services import demo
from alliance_desktop.services.access import ClinicAccess
from tests.support import FAST_KDF
from tests.ui.helpers import log_in

__all__ = ["DemoClinic", "demo_clinic", "enter", "log_in"]


@dataclass(frozen=True)
class DemoClinic:
    access: ClinicAccess
    therapists: tuple[str, ...]
    password: str = demo.DEMO_PASSWORD


@pytest.fixture
def demo_clinic(tmp_path, clock) -> DemoClinic:
    """The small demo clinic (3 therapists, ~24 active courses, no stored alerts), cheap key derivation."""
    paths = DataPaths(tmp_path / "demo-clinic")
    summary = demo.build_demo_clinic(paths, size="small", seed=1, kdf=FAST_KDF, clock=clock)
    return DemoClinic(ClinicAccess(paths, clock=clock, kdf=FAST_KDF), summary.therapists)


def enter(qtbot, make_shell, access, user: str, password: str):  # noqa: ANN201
    """A shell with ``user`` logged in; returns (shell, main window)."""
    shell = make_shell(access)
    main = log_in(qtbot, shell, user, password)
    return shell, main
