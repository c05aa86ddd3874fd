"""The composition root, run in-process with --exit-when-shown: what the first window is."""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from alliance_desktop.app import StartOptions, demo_banner, run
from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.single_instance import InstanceLock
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.problem_window import ProblemWindow
from alliance_desktop.ui.setup_wizard import SetupWizard
from tests.support import FAST_KDF


def first_windows(seen: list) -> None:
    """Record the visible top-level windows once the event loop runs (before --exit-when-shown quits)."""
    QTimer.singleShot(0, lambda: seen.extend(w for w in QApplication.topLevelWidgets() if w.isVisible()))


def cheap_access(seen: list):
    def factory(paths: DataPaths) -> ClinicAccess:
        first_windows(seen)
        return ClinicAccess(paths, kdf=FAST_KDF)

    return factory


def test_new_folder_opens_the_wizard_and_releases_the_lock(qtbot, data_paths):
    seen: list = []
    out = io.StringIO()
    code = run(StartOptions(data_dir=data_paths.root, exit_when_shown=True), access_factory=cheap_access(seen), out=out)
    assert code == 0
    assert out.getvalue() == "shown\n"
    assert [type(w) for w in seen] == [SetupWizard]
    lock = InstanceLock(data_paths.lockfile)
    assert lock.acquire()
    lock.release()


def test_existing_clinic_opens_the_login(qtbot, clinic, data_paths):
    seen: list = []
    assert run(StartOptions(data_dir=data_paths.root, exit_when_shown=True), access_factory=cheap_access(seen),
               out=io.StringIO()) == 0
    assert [type(w) for w in seen] == [LoginWindow]


def test_damaged_clinic_opens_the_problem_window_never_the_wizard(qtbot, clinic, data_paths):
    data_paths.keyfile.unlink()
    seen: list = []
    assert run(StartOptions(data_dir=data_paths.root, exit_when_shown=True), access_factory=cheap_access(seen),
               out=io.StringIO()) == 0
    assert [type(w) for w in seen] == [ProblemWindow]
    assert str(data_paths.root) in seen[0].text()
    assert not data_paths.keyfile.exists()  # nothing was created over the damaged clinic


def test_second_instance_on_the_same_folder_is_refused(qtbot, data_paths, capsys):
    data_paths.ensure()
    held = InstanceLock(data_paths.lockfile)
    assert held.acquire()
    try:
        seen: list = []
        first_windows(seen)
        code = run(StartOptions(data_dir=data_paths.root, exit_when_shown=True), out=io.StringIO())
    finally:
        held.release()
    assert code == 1
    message = f"Alliance Desktop is already running with this data folder ({data_paths.root})."
    assert message in capsys.readouterr().err
    assert [type(w) for w in seen] == [ProblemWindow]
    assert message in seen[0].text()


def test_demo_runs_in_a_temporary_folder_that_is_removed_on_exit(qtbot):
    seen: list = []
    built: list[Path] = []

    def builder(paths: DataPaths, progress) -> tuple[str, str]:
        built.append(paths.root)
        assert paths.root.name.startswith("alliance-demo-")
        access = ClinicAccess(paths, kdf=FAST_KDF)
        access.create_clinic(clinic_name="Demo", username="admin", display_name="Demo Admin",
                             password="demo-password-1", recovery_key=access.new_recovery_key())
        progress(1, 1)
        first_windows(seen)
        return "admin", "demo-password-1"

    out = io.StringIO()
    assert run(StartOptions(demo=True, exit_when_shown=True), demo_builder=builder, out=out) == 0
    assert out.getvalue() == "shown\n"
    assert len(built) == 1 and not built[0].exists()
    logins = [w for w in seen if isinstance(w, LoginWindow)]
    assert len(logins) == 1
    login = logins[0]
    assert login.banner.text() == demo_banner("admin", "demo-password-1")
    assert login.banner.text().startswith("Demo clinic — made-up data, deleted when you close the app")
    assert login.username.text() == "admin"


def test_demo_folder_is_removed_even_when_building_fails(qtbot):
    built: list[Path] = []

    def broken(paths: DataPaths, progress) -> tuple[str, str]:
        built.append(paths.root)
        (paths.root / "partial").write_text("x")
        first_windows(seen)
        raise RuntimeError("boom")

    seen: list = []
    assert run(StartOptions(demo=True, exit_when_shown=True), demo_builder=broken, out=io.StringIO()) == 0
    assert not built[0].exists()
    assert [type(w) for w in seen] == [ProblemWindow]
    assert "demo clinic could not be created" in seen[0].text()
