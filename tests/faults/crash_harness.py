"""The parent side of the SIGKILL tests (RELIABILITY.md rows 1-2), shared by the normal and slow suites.

One clinic folder is reused across kills (setting one up per kill would
dominate the run time). Each kill: start ``kill_driver`` as a child, wait for
its ``READY``, sleep U(5, 150) ms, SIGKILL it, then reopen the clinic the way
the app does (``ClinicAccess.unlock``: any error there is a failed restart)
and check, on the reopened database:

- ``PRAGMA quick_check`` is ``ok`` and ``PRAGMA foreign_key_check`` is empty;
- every submission the child acknowledged (``ACK``) is stored, complete;
- no submission is partial: one response per instrument or none at all, and
  every response has its item answers and its total score;
- no orphan rows: item answers, scores and alerts all belong to a stored
  response, and stored submissions and ``kiosk.submitted`` audit entries
  match one to one (they are written in the same transaction);
- the last payload the child sent, replayed with the same submission id
  through a fresh kiosk, is acknowledged as a duplicate when it was already
  stored and stored once when it was not: never twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from alliance_desktop.config import DataPaths
from alliance_desktop.core.kiosk_model import submission_id_for
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.kiosk import KioskService, open_for_session
from alliance_desktop.storage.tables import Alert, AuditEvent, ItemAnswer, Response, Score
from tests.faults.kill_driver import SESSIONS_FILE, answers_from
from tests.services.kiosk_fixtures import add_course
from tests.support import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME, FAST_KDF

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTRUMENTS = ("example-alliance", "phq9")
KILL_WINDOW_S = (0.005, 0.150)


@dataclass
class CrashTally:
    """What the kills did, summed over a run (the figures the row reports)."""

    kills: int = 0
    acknowledged: int = 0
    killed_mid_submit: int = 0  # the last SEND had no ACK
    committed_unacknowledged: int = 0  # ... but its rows were durable: the retry case of row 2
    replays_duplicate: int = 0
    replays_stored: int = 0
    failures: list[str] = field(default_factory=list)


def make_clinic(root: Path) -> ClinicAccess:
    """A clinic with the test KDF and one 24-session course the driver hands questionnaires over for."""
    access = ClinicAccess(DataPaths(root), kdf=FAST_KDF)
    access.create_clinic(clinic_name=CLINIC_NAME, username=ADMIN_USER, display_name="Dr. Anna Muster",
                         password=ADMIN_PASSWORD, recovery_key=access.new_recovery_key())
    staff = access.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        course = add_course(staff, staff.user.id)
    finally:
        staff.lock()
    (root / SESSIONS_FILE).write_text(json.dumps([str(s) for s in course.session_ids]))
    return access


def run_child_and_kill(root: Path, seed: int, delay_s: float, log: Path) -> list[str]:
    """Start the driver, SIGKILL it ``delay_s`` after READY; the complete lines it printed."""
    with log.open("wb") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.kill_driver", str(root), str(seed)],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=errors,
        )
        assert child.stdout is not None
        first = child.stdout.readline()
        if first != b"READY\n":
            child.kill()
            child.wait()
            raise AssertionError(f"the kiosk driver did not start: {first!r}\n{log.read_text()[-2000:]}")
        time.sleep(delay_s)
        os.kill(child.pid, signal.SIGKILL)
        rest = child.stdout.read()
        child.stdout.close()
        code = child.wait()
    if code != -signal.SIGKILL:
        raise AssertionError(f"the driver ended by itself (exit {code}) before the kill:\n{log.read_text()[-2000:]}")
    text = rest.decode("utf-8", errors="replace")
    return text.split("\n")[:-1]  # the last piece has no newline: torn by the kill, never acted on


def _stored_counts(session) -> tuple[Counter[uuid.UUID], dict[str, int]]:
    """Responses per stored submission id, and counts of the broken-row queries."""
    with session.read() as s:
        per_submission = Counter(s.execute(sa.select(Response.submission_id)).scalars())
        no_answers = s.execute(sa.select(sa.func.count()).select_from(Response).where(
            ~sa.exists().where(ItemAnswer.response_id == Response.id))).scalar_one()
        no_total = s.execute(sa.select(sa.func.count()).select_from(Response).where(
            ~sa.exists().where(Score.response_id == Response.id, Score.scale == "total"))).scalar_one()
        orphan_answers = s.execute(sa.select(sa.func.count()).select_from(ItemAnswer).where(
            ~sa.exists().where(Response.id == ItemAnswer.response_id))).scalar_one()
        orphan_scores = s.execute(sa.select(sa.func.count()).select_from(Score).where(
            ~sa.exists().where(Response.id == Score.response_id))).scalar_one()
        orphan_alerts = s.execute(sa.select(sa.func.count()).select_from(Alert).where(
            Alert.response_id.is_not(None), ~sa.exists().where(Response.id == Alert.response_id))).scalar_one()
        audited = s.execute(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "kiosk.submitted")).scalar_one()
        fk_problems = len(s.execute(sa.text("PRAGMA foreign_key_check")).all())
        quick = s.execute(sa.text("PRAGMA quick_check")).scalars().all()
    problems = {
        "responses without item answers": no_answers, "responses without a total score": no_total,
        "orphan item answers": orphan_answers, "orphan scores": orphan_scores, "orphan alerts": orphan_alerts,
        "foreign key violations": fk_problems, "quick_check not ok": int(quick != ["ok"]),
    }
    return per_submission, {"kiosk.submitted audit entries": audited, **problems}


def _stored_of(per_submission: Counter[uuid.UUID], sub: uuid.UUID) -> int:
    return sum(per_submission[submission_id_for(sub, i)] for i in INSTRUMENTS)


def check_after_kill(access: ClinicAccess, lines: list[str], sent: set[uuid.UUID], acked: set[uuid.UUID],
                     tally: CrashTally) -> None:
    """Reopen, check every invariant, replay the last payload; failures are added to ``tally``."""
    last_payload: dict | None = None
    last_acked = False
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "SEND":
            last_payload = json.loads(rest)
            sent.add(uuid.UUID(last_payload["submission_id"]))
            last_acked = False
        elif kind == "ACK":
            acked.add(uuid.UUID(rest))
            tally.acknowledged += 1
            last_acked = True
    tally.kills += 1
    where = f"kill {tally.kills}"
    try:
        staff = access.unlock(ADMIN_USER, ADMIN_PASSWORD)  # the restart: must simply work
    except Exception as exc:  # noqa: BLE001 - reported as a failure with its type, not a crash of the run
        tally.failures.append(f"{where}: reopening failed: {type(exc).__name__}: {exc}")
        return
    try:
        per_submission, counts = _stored_counts(staff)
        groups = {sub: _stored_of(per_submission, sub) for sub in sent}
        lost = [s for s in acked if groups.get(s, 0) != len(INSTRUMENTS)]
        partial = [s for s, n in groups.items() if n not in (0, len(INSTRUMENTS))]
        stored_submissions = sum(1 for n in groups.values() if n)
        unknown = sum(per_submission.values()) - sum(groups.values())  # responses the driver never sent
        if lost:
            tally.failures.append(f"{where}: {len(lost)} acknowledged submissions lost")
        if partial:
            tally.failures.append(f"{where}: {len(partial)} partial submissions")
        if unknown:
            tally.failures.append(f"{where}: {unknown} responses of unknown submissions")
        if counts["kiosk.submitted audit entries"] != stored_submissions:
            tally.failures.append(f"{where}: {counts['kiosk.submitted audit entries']} audit entries for "
                                  f"{stored_submissions} stored submissions")
        tally.failures.extend(f"{where}: {n} {what}" for what, n in counts.items()
                              if n and what != "kiosk.submitted audit entries")
        if last_payload is not None:
            _replay(staff, last_payload, last_acked, groups, tally, where)
    finally:
        staff.lock()


def _replay(staff, payload: dict, was_acked: bool, groups: dict[uuid.UUID, int], tally: CrashTally,
            where: str) -> None:
    """Send the last payload again with its submission id, as the kiosk would after a restart."""
    sub = uuid.UUID(payload["submission_id"])
    committed = groups.get(sub, 0) == len(INSTRUMENTS)
    if not was_acked:
        tally.killed_mid_submit += 1
        tally.committed_unacknowledged += int(committed)
    kiosk = KioskService.start(staff, device_id="crash-replay")
    q = open_for_session(kiosk, uuid.UUID(payload["session_id"]), "en")
    receipt = kiosk.submit(q, answers_from(q, payload))
    if receipt.duplicate != committed:
        tally.failures.append(f"{where}: replay said duplicate={receipt.duplicate}, stored before={committed}")
    tally.replays_duplicate += int(receipt.duplicate)
    tally.replays_stored += int(not receipt.duplicate)
    with staff.read() as s:
        rows = s.execute(sa.select(sa.func.count()).select_from(Response).where(
            Response.submission_id.in_([submission_id_for(sub, i) for i in INSTRUMENTS]))).scalar_one()
    if rows != len(INSTRUMENTS):
        tally.failures.append(f"{where}: {rows} responses for the replayed submission (expected {len(INSTRUMENTS)})")


def run_kills(root: Path, kills: int, *, seed: int, fresh_every: int = 0) -> CrashTally:
    """``kills`` kill-and-check rounds; a fresh clinic folder every ``fresh_every`` kills (0: never)."""
    rng = random.Random(seed)
    tally = CrashTally()
    access: ClinicAccess | None = None
    sent: set[uuid.UUID] = set()
    acked: set[uuid.UUID] = set()
    folder = root
    for n in range(kills):
        if access is None or (fresh_every and n % fresh_every == 0):
            folder = root / f"clinic-{n:05d}"
            access = make_clinic(folder)
            sent, acked = set(), set()
        lines = run_child_and_kill(folder, rng.randrange(2**31), rng.uniform(*KILL_WINDOW_S), root / "child.err")
        check_after_kill(access, lines, sent, acked, tally)
    return tally
