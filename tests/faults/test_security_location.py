"""RELIABILITY rows 11, 12 and 14: one instance per folder, no network or sync folders, foreign files untouched."""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance_desktop.app import StartOptions, run
from alliance_desktop.cli import CommandError
from alliance_desktop.cli.clinic_login import data_paths as cli_data_paths
from alliance_desktop.core.storage_location import LocationKind, classify, parse_mounts
from alliance_desktop.services import data_folder
from alliance_desktop.services.errors import NewerSchema, NotOurDatabase
from alliance_desktop.single_instance import InstanceLock
from alliance_desktop.storage import engine as E
from alliance_desktop.storage.keys import KeyFile
from tests.support import ADMIN_PASSWORD, ADMIN_USER

PROJECT_ROOT = Path(__file__).resolve().parents[2]

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sda2 /home ext4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
nas:/export/clinic /mnt/nfs nfs4 rw,vers=4.2 0 0
//fileserver/praxis /mnt/praxis cifs rw,vers=3.0 0 0
//nas/share /media/smb smb3 rw 0 0
anna@host:/data /home/anna/remote fuse.sshfs rw 0 0
gdrive: /home/anna/rclone fuse.rclone rw 0 0
10.0.0.5:/vol /srv/ceph ceph rw 0 0
gluster:/vol /srv/gluster fuse.glusterfs rw 0 0
https://dav.example.org /mnt/dav davfs rw 0 0
C:\\134 /mnt/c 9p rw 0 0
share /media/sf_clinic vboxsf rw 0 0
/dev/sdb1 /media/anna/USB\\040Stick vfat rw 0 0
"""

#: (path, home) -> must be refused. 30 patterns: UNC, mounts, desktop mounts and cloud folders.
REFUSED = [
    (r"\\fileserver\praxis\alliance", None), ("//fileserver/praxis/alliance", None),
    (r"\\?\UNC\nas\share\clinic", None), (r"\\wsl.localhost\Ubuntu\home\anna", None),
    ("/mnt/nfs/alliance", None), ("/mnt/praxis/Alliance Desktop", None), ("/media/smb/clinic", None),
    ("/home/anna/remote/clinic", None), ("/home/anna/rclone/x", None), ("/srv/ceph/a", None),
    ("/srv/gluster/a", None), ("/mnt/dav/clinic", None), ("/mnt/c/Users/anna/clinic", None),
    ("/media/sf_clinic/data", None),
    ("/run/user/1000/gvfs/smb-share:server=nas,share=praxis/clinic", None),
    ("/home/anna/Dropbox/Praxis/clinic", None), ("/home/anna/Dropbox (Praxis Müller)/clinic", None),
    (r"C:\Users\anna\OneDrive\Documents\Alliance", None), (r"C:\Users\anna\OneDrive - Praxis am See\Daten", None),
    ("/Users/anna/Library/CloudStorage/OneDrive-Personal/clinic", None),
    ("/Users/anna/Library/CloudStorage/GoogleDrive-anna@example.org/My Drive/clinic", None),
    (r"G:\My Drive\clinic", None), ("/home/anna/Google Drive/clinic", None),
    ("/Users/anna/Library/Mobile Documents/com~apple~CloudDocs/clinic", None),
    (r"C:\Users\anna\iCloudDrive\clinic", None), ("/home/anna/Nextcloud/clinic", None),
    ("/home/anna/ownCloud/Praxis", None), (r"C:\Users\anna\Box\clinic", None),
    ("/home/anna/pCloud Drive/clinic", None), ("/home/anna/Sync/clinic", None), ("/home/anna/MEGA/clinic", None),
    ("/home/anna/MEGAsync/clinic", None), ("/srv/clinic/Seafile/My Library", None),
    ("/data/praxis/Box/clinic", "/data/praxis"),
]

#: Ordinary local folders, including every generic word a cloud product also uses.
LOCAL = [
    "/home/anna/.local/share/AllianceDesktop", "/home/anna/Documents/clinic", "/home/anna/drive/clinic",
    "/home/anna/projects/Box/clinic", "/home/anna/box-data/clinic", "/home/anna/Sync-old/clinic",
    "/home/anna/work/Sync/clinic", "/home/anna/sandbox/clinic", "/home/anna/Dropboxes-archive/x",
    "/home/anna/OneDriveless/x", "/home/anna/my drive/clinic", "/home/anna/mega-backup/x", "/var/lib/alliance",
    "/tmp/alliance-demo-x", "/media/anna/USB Stick/clinic", "/mnt/data/clinic", "/srv/alliance/Drive/x",
    r"C:\Users\anna\AppData\Local\AllianceDesktop", r"C:\Users\anna\Documents\Drive\clinic",
    r"D:\Praxis\Box\clinic", r"D:\Box\clinic", r"\\?\C:\Users\anna\clinic", r"C:\Users\anna\Desktop\My Drive notes",
    "/Users/anna/Library/Application Support/AllianceDesktop", "/Users/anna/Documents/Nextcloud-notes/x",
    "/home/anna/gvfs/notes", "/home/anna/Documents/Mobile Documents/x",
]


@pytest.mark.parametrize(("path", "home"), REFUSED, ids=[p for p, _ in REFUSED])
def test_network_and_sync_folders_are_flagged(path, home):
    verdict = classify(path, mounts=parse_mounts(MOUNTS), home=home)
    assert verdict.kind in (LocationKind.NETWORK, LocationKind.CLOUD) and verdict.reason


@pytest.mark.parametrize("path", LOCAL)
def test_local_folders_are_not_flagged(path):
    assert classify(path, mounts=parse_mounts(MOUNTS), home="/home/anna").is_local


def test_corpus_meets_the_row():
    mounts = parse_mounts(MOUNTS)
    flagged = sum(not classify(p, mounts=mounts, home=h).is_local for p, h in REFUSED)
    false = sum(not classify(p, mounts=mounts, home="/home/anna").is_local for p in LOCAL)
    print(f"\nstorage location: {flagged}/{len(REFUSED)} shared/synced flagged, {false}/{len(LOCAL)} local flagged")
    assert len(REFUSED) >= 12 and flagged == len(REFUSED) and false == 0
    assert mounts[-1].point == "/media/anna/USB Stick"  # octal escapes in /proc/self/mounts are decoded


def test_a_mapped_network_drive_is_flagged():
    assert classify(r"Z:\clinic", drive_is_remote=True).kind is LocationKind.NETWORK


@pytest.fixture
def share(tmp_path, monkeypatch):
    """A folder the system's mount table says is an NFS mount (the real table, one line added)."""
    folder = tmp_path / "nfs-mount"
    folder.mkdir()
    table = tmp_path / "mounts"
    real = Path("/proc/self/mounts").read_text() if Path("/proc/self/mounts").exists() else ""
    table.write_text(real + f"nas:/export {os.path.realpath(folder)} nfs4 rw 0 0\n")
    monkeypatch.setattr(data_folder, "MOUNTS_FILE", table)
    return folder


def test_the_service_refuses_with_an_explanation_unless_it_is_told_otherwise(share, capsys):
    with pytest.raises(data_folder.UnsafeDataFolder) as refused:
        data_folder.check_data_folder(share / "clinic", environ={})
    message = refused.value.user_message
    assert "network or shared file system (nfs4" in message and "own disk" in message
    assert "Nothing was created or changed." in message
    verdict = data_folder.check_data_folder(share / "clinic", environ={data_folder.OVERRIDE_ENV: "1"})
    assert verdict.kind is LocationKind.NETWORK and "Warning:" in capsys.readouterr().err


def test_the_app_refuses_a_shared_folder_without_creating_anything(qtbot, share, monkeypatch, capsys):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from alliance_desktop.ui.problem_window import ProblemWindow

    monkeypatch.delenv(data_folder.OVERRIDE_ENV, raising=False)
    seen: list = []
    QTimer.singleShot(0, lambda: seen.extend(w for w in QApplication.topLevelWidgets() if w.isVisible()))
    code = run(StartOptions(data_dir=share / "clinic", exit_when_shown=True), out=io.StringIO())
    assert code == 1
    assert [type(w) for w in seen] == [ProblemWindow] and "own disk" in seen[0].message.text()
    assert "nfs4" in capsys.readouterr().err
    assert not (share / "clinic").exists()


def test_the_commands_refuse_a_shared_folder_in_one_line(share, monkeypatch):
    monkeypatch.delenv(data_folder.OVERRIDE_ENV, raising=False)
    with pytest.raises(CommandError) as refused:
        cli_data_paths(argparse.Namespace(command_data_dir=share / "clinic"))
    assert "\n" not in str(refused.value) and "network or shared file system" in str(refused.value)


# -- row 11: a second instance resolves within 2 s ----------------------------------------------
def test_a_second_instance_is_refused_within_two_seconds(clinic, data_paths):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from alliance_desktop.single_instance import InstanceLock\n"
         "lock = InstanceLock(Path(sys.argv[1]))\nprint('held' if lock.acquire() else 'no', flush=True)\n"
         "time.sleep(60)\n", str(data_paths.lockfile)],
        cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        code = run(StartOptions(data_dir=data_paths.root, exit_when_shown=True), out=io.StringIO())
        elapsed = time.monotonic() - started
        second = InstanceLock(data_paths.lockfile)
        t0 = time.monotonic()
        assert not second.acquire()
        lock_elapsed = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    print(f"\nsecond instance: refused in {elapsed:.2f} s (lock attempt {lock_elapsed * 1000:.0f} ms)")
    assert code == 1 and elapsed <= 2.0 and lock_elapsed <= 2.0


# -- row 14: newer schema, foreign application id, through the unlock staff use ------------------
@pytest.mark.parametrize(("pragma", "error", "text"), [
    (f"PRAGMA user_version = {E.SCHEMA_VERSION + 1}", NewerSchema,
     "This database was written by a newer Alliance Desktop. Update the app to open it. Nothing was changed."),
    ("PRAGMA application_id = 1234", NotOurDatabase,
     "This is not an Alliance Desktop database. Nothing was changed."),
], ids=["newer-schema", "foreign-application-id"])
def test_newer_or_foreign_database_is_refused_untouched_at_login(clinic, data_paths, pragma, error, text):
    key = KeyFile.load(data_paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    con = E._raw_connect(data_paths.database, key)
    con.execute(pragma)
    con.close()
    files = sorted(p for p in data_paths.root.iterdir() if p.name.startswith("clinic.db"))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    for _ in range(3):  # every attempt, the same answer
        with pytest.raises(error) as refused:
            clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
        assert refused.value.user_message == text
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(data_paths.root.iterdir()) if p.name.startswith("clinic.db")}
    assert after == before
