#!/usr/bin/env python3
"""Screenshots of the staff screens, for looking at them and for the README.

Run under a real X server so fonts and styles are what people see:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/screenshots.py OUTDIR

It sets up a throwaway clinic in a temporary folder (cheap key derivation:
nothing here is real), drives each screen the way a person would, and saves
one PNG per screen into OUTDIR. Not a test: it asserts nothing, it is for eyes.
The README uses four of them, copied into docs/screenshots/: login.png,
recovery-key.png, wizard-account.png and main-window.png.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from alliance_desktop.app import create_application, demo_banner
from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.storage.keys import KdfParams
from alliance_desktop.ui.login import LoginWindow
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.problem_window import ProblemWindow
from alliance_desktop.ui.setup_wizard import SetupWizard
from alliance_desktop.ui.shell import CANNOT_OPEN, ShellController
from alliance_desktop.ui.windows import ShellWindows, ViewOptions

CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
PASSWORD = "tea-kettle-harbour-42"


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    settle(app)
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"{path}  ({widget.width()}x{widget.height()})")


def type_into(app: QApplication, edit, text: str) -> None:
    edit.setFocus()
    edit.setText(text)
    settle(app, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    root = Path(tempfile.mkdtemp(prefix="alliance-shots-"))
    try:
        paths = DataPaths(root / "clinic")
        access = ClinicAccess(paths, kdf=CHEAP_KDF)

        wizard = SetupWizard(access, print_key=lambda *_: False)
        wizard.show()
        type_into(app, wizard.clinic_page.clinic_name, "Praxis am See")
        save(app, wizard, out, "wizard-clinic")
        wizard.next()
        page = wizard.account_page
        type_into(app, page.username, "anna.muster")
        type_into(app, page.display_name, "Dr. Anna Muster")
        type_into(app, page.passwords.password, "tea-kettle")
        save(app, wizard, out, "wizard-account-weak")
        type_into(app, page.passwords.password, PASSWORD)
        type_into(app, page.passwords.repeat, PASSWORD)
        save(app, wizard, out, "wizard-account")
        wizard.next()
        save(app, wizard, out, "recovery-key")
        wizard.key_page.stored.setChecked(True)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        settle(app)
        wizard.hide()

        controller = ShellController(access, idle_timeout_ms=5 * 60 * 1000)
        windows = ShellWindows(controller, ViewOptions())
        controller.start()
        login = windows.current
        assert isinstance(login, LoginWindow)
        type_into(app, login.username, "anna.muster")
        save(app, login, out, "login")
        type_into(app, login.password, "wrong-password-1")
        login.submit()
        save(app, login, out, "login-wrong-password")
        type_into(app, login.password, PASSWORD)
        login.submit()
        main_window = windows.current
        assert isinstance(main_window, MainWindow)
        save(app, main_window, out, "main-window")
        main_window.open_change_password()
        dialog = main_window.change_password_dialog()
        assert dialog is not None
        type_into(app, dialog.current, PASSWORD)
        type_into(app, dialog.passwords.password, "moss-lantern")
        save(app, dialog, out, "change-password")
        dialog.reject()
        main_window.lock_action.trigger()
        locked = windows.current
        assert isinstance(locked, LoginWindow)
        save(app, locked, out, "login-locked")
        locked.open_recovery()
        recovery = locked.recovery_dialog()
        assert recovery is not None
        type_into(app, recovery.recovery_key, "ABCD-EFGH-")
        save(app, recovery, out, "recovery-dialog")
        recovery.reject()
        windows.close_all()
        controller.shutdown()

        demo_login = LoginWindow(access, username="admin", banner=demo_banner("admin", "demo-clinic-2026"))
        demo_login.show()
        save(app, demo_login, out, "login-demo")
        demo_login.close()

        problem = ProblemWindow(
            CANNOT_OPEN,
            "The clinic's key file is missing. Restore it from a backup. Nothing was changed.",
            paths.root,
        )
        problem.show()
        save(app, problem, out, "problem")
        problem.close()
        QTimer.singleShot(0, app.quit)
        app.exec()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
