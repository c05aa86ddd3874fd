"""RELIABILITY row 24: a client's pseudonym and comment never reach disk, logs or settings in plaintext.

One canary pseudonym and one canary comment go through every flow a clinic
uses: setup, a kiosk submission, the staff reads (services and the real app
window in a child process), the CSV, FHIR, access and PDF exports (to a
folder that is checked and then removed), and a crash (a child process that
stores the canary and is killed with SIGKILL while the clinic is open).
Afterwards the data folder, the test's private temp folder, the settings
folder, every file Python opened for writing during the test (an audit
hook) and all captured output and logs are searched for the canary in
UTF-8, UTF-16-LE and UTF-16-BE (NFC and NFD). Pass: 0 hits, and no
``.db``/``-wal``/``-shm`` file starts with the plaintext SQLite header.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import unicodedata
import uuid
from pathlib import Path

import pytest

from alliance_desktop.__main__ import main as cli_main
from alliance_desktop.core.model import Role
from alliance_desktop.services import caseload, client_course, sessions
from alliance_desktop.services.kiosk import KioskService, issue_kiosk_code
from tests.services.kiosk_fixtures import THERAPIST_PASSWORD, add_course, add_staff, answers_for
from tests.support import ADMIN_PASSWORD, ADMIN_USER

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN = uuid.uuid4().hex[:10]
CANARY = f"Zqx{TOKEN}Ünïcø"  # the client's pseudonym code
COMMENT = f"Ich fühle mich {TOKEN} verstanden — Kanarienvogel 🐤"


def needles() -> list[bytes]:
    found = []
    for text in (CANARY, TOKEN):
        for form in ("NFC", "NFD"):
            s = unicodedata.normalize(form, text)
            found += [s.encode("utf-8"), s.encode("utf-16-le"), s.encode("utf-16-be")]
    return list(dict.fromkeys(found))


def hits_in(data: bytes) -> list[bytes]:
    return [n for n in needles() if n in data]


def scan(folder: Path) -> list[str]:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if hits_in(data):
                out.append(str(path))
            if path.name.endswith((".db", ".db-wal", ".db-shm")) and data.startswith(b"SQLite format 3"):
                out.append(f"{path} has a plaintext SQLite header")
    return out


class WriteWatch:
    """Every path Python opened for writing while active (sys.addaudithook cannot be removed: a flag)."""

    paths: set[str] = set()
    active = False
    installed = False

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if cls.active and event == "open" and len(args) >= 2 and isinstance(args[0], (str, bytes, os.PathLike)):
            mode, flags = args[1], args[2] if len(args) > 2 else 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if writing:
                cls.paths.add(os.fsdecode(args[0]))


@pytest.fixture
def write_watch():
    if not WriteWatch.installed:
        sys.addaudithook(WriteWatch.hook)
        WriteWatch.installed = True
    WriteWatch.paths = set()
    WriteWatch.active = True
    yield WriteWatch
    WriteWatch.active = False


def child_env(tmp: Path, config: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp),
            "XDG_CONFIG_HOME": str(config), "XDG_CACHE_HOME": str(config / "cache"),
            "ALLIANCE_PASSWORD": THERAPIST_PASSWORD, "PYTHONFAULTHANDLER": "1"}


CRASH_CHILD = """
import sys, time, uuid
from pathlib import Path
from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.kiosk import KioskService, issue_kiosk_code
from tests.services.kiosk_fixtures import answers_for
paths = DataPaths(Path(sys.argv[1]))
admin = ClinicAccess(paths).unlock(sys.argv[2], sys.argv[3])
kiosk = KioskService.start(admin, device_id="crash-tablet")
q = kiosk.resolve_code(issue_kiosk_code(admin, uuid.UUID(sys.argv[4])).code, "de")
kiosk.submit(q, answers_for(q, comment=sys.argv[5]))
print("stored", flush=True)
time.sleep(60)
"""


def test_the_canary_is_nowhere_in_plaintext(clinic, session, data_paths, tmp_path, monkeypatch, caplog, capfd,
                                             write_watch):
    private_tmp = tmp_path / "tmp"
    config = tmp_path / "config"
    exports = tmp_path / "exports"
    for folder in (private_tmp, config, exports):
        folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setenv("ALLIANCE_PASSWORD", THERAPIST_PASSWORD)
    caplog.set_level(logging.DEBUG)

    # setup (the clinic fixture) -> a therapist and the canary client with a course
    therapist = add_staff(session, clinic, "theo", "Dr. Theo Beispiel", Role.THERAPIST)
    course = add_course(session, therapist.id, pseudonym=CANARY, sessions=4)

    # kiosk submission with the canary comment
    kiosk = KioskService.start(session, device_id="tablet-1")
    q = kiosk.resolve_code(issue_kiosk_code(session, course.session(1)).code, "de")
    kiosk.submit(q, answers_for(q, comment=COMMENT))

    # staff reads through the services
    theo = clinic.unlock("theo", THERAPIST_PASSWORD)
    try:
        view = client_course.course_view(theo, course.episode_id)
        rows = caseload.caseload(theo, theo.user.id)
        history = sessions.response_history(theo, course.session(1))
        assert any(r.pseudonym == CANARY for r in rows) and view is not None and history
    finally:
        theo.lock()

    # exports: written, checked to hold the canary (so the scan below can find it), then removed
    base = ["--data-dir", str(data_paths.root), "--user", "theo"]
    output: list[str] = []

    def export(*args: str) -> None:
        code = cli_main(["export", *args, *base])
        out = capfd.readouterr()
        output.extend((out.out, out.err))
        assert code == 0, out.err

    export("csv", "--client", CANARY, "--out", str(exports))
    export("fhir", "--client", CANARY, "--out", str(exports))
    export("access", "--client", CANARY, "--out", str(exports / "access.json"))
    export("pdf", "--client", CANARY, "--out", str(exports / "report.pdf"))
    exported = sorted(p.name for p in exports.iterdir())
    assert not [n for n in exported if n.startswith(".") or n.endswith(".tmp")], exported  # no temp files left
    assert scan(exports), "the exports should hold the canary: otherwise this scan proves nothing"
    for path in exports.iterdir():
        path.unlink()
    exports.rmdir()

    # the real app's staff window (child process, offscreen), reading the canary client's caseload
    done = subprocess.run([sys.executable, "-m", "alliance_desktop", "--data-dir", str(data_paths.root),
                           "--bench-login", "theo", "--exit-when-shown"], cwd=PROJECT_ROOT,
                          env=child_env(private_tmp, config), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    child_output = done.stdout + done.stderr

    # a crash while the clinic is open: the child stores the canary, then gets SIGKILL
    child = subprocess.Popen([sys.executable, "-c", CRASH_CHILD, str(data_paths.root), ADMIN_USER, ADMIN_PASSWORD,
                              str(course.session(2)), COMMENT], cwd=PROJECT_ROOT,
                             env=child_env(private_tmp, config), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"stored"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child_output += child.stdout.read() + (child.stderr.read() if child.stderr else b"")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for pipe in (child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()
    assert child.returncode == -signal.SIGKILL

    # the killed child's answers are in the database (the canary went in), read back after the crash
    theo = clinic.unlock("theo", THERAPIST_PASSWORD)
    try:
        assert len(sessions.response_history(theo, course.session(2))) >= 1
    finally:
        theo.lock()

    captured = capfd.readouterr()
    logs = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    problems = scan(data_paths.root) + scan(private_tmp) + scan(config)
    # An export command's own "Wrote <file>" line names the file it was asked to write (named after the
    # pseudonym): part of the explicit export, shown to the person who typed it. Every other line counts.
    own_output = "\n".join(line for line in ("".join(output) + captured.out + captured.err).splitlines()
                           if str(exports) not in line)
    for name, blob in (("stdout/stderr", own_output.encode("utf-8", "surrogatepass")),
                       ("logs", logs.encode("utf-8", "surrogatepass")), ("child output", child_output)):
        if hits_in(blob):
            problems.append(f"{name}: {[l for l in blob.decode('utf-8', 'replace').splitlines() if TOKEN in l][:5]}")
    written = sorted(p for p in WriteWatch.paths if not p.startswith(str(tmp_path / "exports")))
    for path in written:
        file = Path(path)
        if file.is_file() and hits_in(file.read_bytes()):
            problems.append(f"written during the test: {path}")
    assert problems == []
    assert any(p.endswith("clinic.db") for p in WriteWatch.paths) or data_paths.database.exists()
    print(f"\ncanary: {len(needles())} encodings searched in {sum(1 for _ in data_paths.root.rglob('*'))} data "
          f"files, {sum(1 for _ in private_tmp.rglob('*'))} temp files, {sum(1 for _ in config.rglob('*'))} "
          f"settings files, {len(written)} written paths, {len(child_output)} bytes of child output: 0 hits")
