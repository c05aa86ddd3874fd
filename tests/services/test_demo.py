"""The demo clinic generator: complete, believable, deterministic for a seed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from alliance_desktop.config import DataPaths
from alliance_desktop.core.clock import FakeClock
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.demo import DEMO_ADMIN_USER, DEMO_PASSWORD, build_demo_clinic
from alliance_desktop.storage.tables import (
    Client,
    Episode,
    ItemAnswer,
    Response,
    Score,
    TherapySession,
    User,
)
from tests.support import FAST_KDF

TODAY = date(2026, 11, 2)


def build(root: Path, seed: int = 7) -> DataPaths:
    paths = DataPaths(root)
    clock = FakeClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    build_demo_clinic(paths, size="small", seed=seed, kdf=FAST_KDF, clock=clock, today=TODAY)
    return paths


def dump(paths: DataPaths) -> dict[str, list[tuple]]:
    """Every generated row, in a stable order (staff accounts made at setup have random ids)."""
    session = ClinicAccess(paths, kdf=FAST_KDF).unlock(DEMO_ADMIN_USER, DEMO_PASSWORD)
    out: dict[str, list[tuple]] = {}
    try:
        with session.read() as s:
            for table, order in ((Client, Client.id), (Episode, Episode.id), (TherapySession, TherapySession.id),
                                 (Response, Response.id), (ItemAnswer, (ItemAnswer.response_id, ItemAnswer.item_id)),
                                 (Score, (Score.response_id, Score.scale))):
                cols = [c for c in table.__table__.columns]
                order_by = order if isinstance(order, tuple) else (order,)
                out[table.__tablename__] = [tuple(r) for r in s.execute(sa.select(*cols).order_by(*order_by))]
            out["therapists"] = [tuple(r) for r in s.execute(
                sa.select(User.id, User.username, User.display_name).where(User.role == "therapist").order_by(User.id))]
    finally:
        session.lock()
    return out


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> DataPaths:
    return build(tmp_path_factory.mktemp("demo") / "clinic")


@pytest.fixture(scope="module")
def small_dump(small_demo) -> dict[str, list[tuple]]:
    return dump(small_demo)


def test_small_demo_has_three_therapists_about_thirty_clients_and_courses_up_to_24(small_dump):
    assert len(small_dump["therapists"]) == 3
    assert len(small_dump["clients"]) == 30
    per_episode = Counter(row[1] for row in small_dump["therapy_sessions"])
    assert max(per_episode.values()) <= 24
    assert len(per_episode) == 30


def test_every_account_logs_in_with_the_demo_password(small_demo, small_dump):
    access = ClinicAccess(small_demo, kdf=FAST_KDF)
    for _id, username, display in small_dump["therapists"]:
        session = access.unlock(username, DEMO_PASSWORD)
        assert session.user.display_name == display
        assert session.user.role.value == "therapist"
        session.lock()
    supervisor = access.unlock("supervisor", DEMO_PASSWORD)
    assert supervisor.user.role.value == "supervisor"
    supervisor.lock()


def test_some_sessions_are_missed_and_have_no_answers(small_dump):
    missed = {row[0] for row in small_dump["therapy_sessions"] if row[4] == "missed"}
    assert missed, "a few missed sessions are expected"
    answered = {row[2] for row in small_dump["responses"]}
    assert not missed & answered


def test_each_held_session_has_an_alliance_and_an_outcome_response_with_scores(small_dump):
    held = [row for row in small_dump["therapy_sessions"] if row[4] == "held"]
    responses = small_dump["responses"]
    assert len(responses) == 2 * len(held)
    assert {r[3] for r in responses} == {"example-alliance", "phq9"}
    totals = [s for s in small_dump["scores"] if s[1] == "total"]
    assert len(totals) == len(responses)
    alliance_ids = {r[0] for r in responses if r[3] == "example-alliance"}
    alliance_totals = [s[2] for s in totals if s[0] in alliance_ids]
    assert all(0.0 <= v <= 40.0 for v in alliance_totals)
    phq_totals = [s[2] for s in totals if s[0] not in alliance_ids]
    assert all(0 <= v <= 27 for v in phq_totals)


def test_same_seed_gives_the_same_clinic_and_another_seed_does_not(tmp_path, small_dump):
    again = dump(build(tmp_path / "again"))
    assert again == small_dump
    other = dump(build(tmp_path / "other", seed=8))
    assert other["clients"] != small_dump["clients"]


def run_cli(*args: str, env_password: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ALLIANCE_PASSWORD"}
    if env_password is not None:
        env["ALLIANCE_PASSWORD"] = env_password
    return subprocess.run([sys.executable, "-m", "alliance_desktop", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_demo_db_cli_refuses_without_a_password_and_never_takes_one_as_argument(tmp_path):
    out = tmp_path / "d"
    result = run_cli("demo-db", "--out", str(out))
    assert result.returncode == 2
    assert "--password-file" in result.stderr and "ALLIANCE_PASSWORD" in result.stderr
    assert not out.exists()
    result = run_cli("demo-db", "--out", str(out), "--password", "secret-secret-1")
    assert result.returncode == 2
    assert not out.exists()


def test_demo_db_cli_writes_a_folder_the_app_can_unlock(tmp_path):
    out = tmp_path / "demo"
    pw_file = tmp_path / "pw.txt"
    pw_file.write_text("cli-demo-password-1\n")
    result = run_cli("demo-db", "--out", str(out), "--size", "small", "--seed", "3", "--password-file", str(pw_file))
    assert result.returncode == 0, result.stderr
    assert "30 clients" in result.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["clinic.db", "clinic.keys"]
    session = ClinicAccess(DataPaths(out)).unlock("admin", "cli-demo-password-1")
    try:
        with session.read() as s:
            assert s.execute(sa.select(sa.func.count()).select_from(Client)).scalar() == 30
    finally:
        session.lock()
    # A non-empty folder is refused and left alone.
    again = run_cli("demo-db", "--out", str(out), env_password="cli-demo-password-1")
    assert again.returncode == 2 and "nothing was written" in again.stderr
