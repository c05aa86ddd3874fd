"""The admin Backup tab: back up in the background, restore only after verification and a yes, then log in again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from alliance_desktop.ui.admin import backup_view
from alliance_desktop.ui.shell import Screen
from tests.ui.helpers import click, log_in


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backed_up(qtbot, main, target: Path, monkeypatch) -> Path:
    monkeypatch.setattr(backup_view, "ask_save_path", lambda _parent, _suggested: str(target))
    view = main.backup
    click(qtbot, view.backup_button)
    assert not view.backup_button.isEnabled()  # busy while the worker runs
    qtbot.waitUntil(lambda: not view.busy, timeout=20000)
    assert view.backup_button.isEnabled()
    return target


def test_back_up_now_writes_a_verified_backup(qtbot, make_shell, clinic, tmp_path, monkeypatch):
    main = log_in(qtbot, make_shell(clinic))
    main.tabs.setCurrentWidget(main.backup)
    target = backed_up(qtbot, main, tmp_path / "b.adkbackup", monkeypatch)
    assert target.exists()
    assert "verified" in main.backup.status.text() and "b.adkbackup" in main.backup.status.text()


def test_a_cancelled_dialog_does_nothing(qtbot, make_shell, clinic, monkeypatch):
    main = log_in(qtbot, make_shell(clinic))
    monkeypatch.setattr(backup_view, "ask_save_path", lambda *_: "")
    click(qtbot, main.backup.backup_button)
    assert not main.backup.busy and main.backup.status.text() == ""


def test_restore_asks_with_date_and_counts_then_returns_to_login(qtbot, make_shell, clinic, tmp_path, monkeypatch):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    target = backed_up(qtbot, main, tmp_path / "b.adkbackup", monkeypatch)
    monkeypatch.setattr(backup_view, "ask_open_path", lambda _parent, _folder: str(target))
    view = main.backup
    click(qtbot, view.restore_button)
    qtbot.waitUntil(lambda: view.confirmation is not None, timeout=20000)
    text = view.confirmation.text()
    assert "0 clients" in text and "1 staff accounts" in text and "The backup of" in text
    assert shell.controller.session is not None  # nothing swapped before the yes
    view.restore_confirm.click()
    qtbot.waitUntil(lambda: shell.controller.screen is Screen.LOGIN, timeout=20000)
    assert "restored from the backup" in shell.controller.login.notice
    assert list(clinic.paths.root.glob("clinic.db.before-restore-*"))


def test_declining_the_restore_changes_nothing(qtbot, make_shell, clinic, tmp_path, monkeypatch):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    target = backed_up(qtbot, main, tmp_path / "b.adkbackup", monkeypatch)
    monkeypatch.setattr(backup_view, "ask_open_path", lambda *_: str(target))
    view = main.backup
    click(qtbot, view.restore_button)
    qtbot.waitUntil(lambda: view.confirmation is not None, timeout=20000)
    view.confirmation.reject()
    qtbot.waitUntil(lambda: view.confirmation is None)
    assert shell.controller.screen is Screen.MAIN and "Nothing was restored" in view.status.text()
    assert not list(clinic.paths.root.glob(".clinic.db.restore-*"))


def test_a_damaged_backup_is_refused_in_the_view(qtbot, make_shell, clinic, tmp_path, monkeypatch):
    shell = make_shell(clinic)
    main = log_in(qtbot, shell)
    target = backed_up(qtbot, main, tmp_path / "b.adkbackup", monkeypatch)
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x40
    target.write_bytes(bytes(raw))
    monkeypatch.setattr(backup_view, "ask_open_path", lambda *_: str(target))
    view = main.backup
    click(qtbot, view.restore_button)
    qtbot.waitUntil(lambda: not view.busy, timeout=20000)
    assert view.confirmation is None and "damaged" in view.status.text()
    assert shell.controller.screen is Screen.MAIN
