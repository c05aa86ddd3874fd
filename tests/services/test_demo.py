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


def test_the_demo_has_the_alerts_its_courses_raise_and_only_recent_ones_are_open(small_demo):
    """Rupture and not-on-track alerts match the course analysis; older ones were acknowledged."""
    from alliance_desktop.core.tracking import Colour
    from alliance_desktop.services.caseload import caseload
    from alliance_desktop.services.course_loading import load_courses
    from alliance_desktop.storage.caseload_queries import episode_heads
    from alliance_desktop.storage.tables import Alert, AlertAction

    session = ClinicAccess(small_demo, kdf=FAST_KDF).unlock(DEMO_ADMIN_USER, DEMO_PASSWORD)
    try:
        with session.read() as s:
            alerts = s.execute(sa.select(Alert.episode_id, Alert.session_id, Alert.kind, Alert.explanation,
                                         TherapySession.number, TherapySession.episode_id)
                               .join(TherapySession, TherapySession.id == Alert.session_id)).all()
            handled = {a for (a,) in s.execute(sa.select(AlertAction.alert_id))}
            open_count = s.scalar(sa.select(sa.func.count()).select_from(Alert).where(Alert.id.not_in(handled)))
            heads = episode_heads(s)
            courses = load_courses(s, heads, TODAY, all_risk=True)
    finally:
        session.lock()
    assert alerts and handled and open_count, "a demo needs alerts, handled ones and open ones"
    assert all(a.episode_id == a[5] for a in alerts)  # each alert's session belongs to its episode
    assert all(a.explanation for a in alerts)
    expected = Counter()
    for course in courses.values():
        expected["rupture"] += len(course.analysis.ruptures)
        expected["not_on_track"] += sum(1 for t in course.analysis.tracking if t.colour is Colour.RED)
    stored = Counter(a.kind for a in alerts)
    assert stored["rupture"] == expected["rupture"]
    assert stored["not_on_track"] == expected["not_on_track"]

    username = _username_of(small_demo, heads[0].therapist_id)
    therapist = ClinicAccess(small_demo, kdf=FAST_KDF).unlock(username, DEMO_PASSWORD)
    try:
        rows = caseload(therapist)
    finally:
        therapist.lock()
    assert any(r.badges.unhandled_alerts for r in rows)  # the caseload shows alerts to handle


def _username_of(paths: DataPaths, user_id) -> str:
    session = ClinicAccess(paths, kdf=FAST_KDF).unlock(DEMO_ADMIN_USER, DEMO_PASSWORD)
    try:
        with session.read() as s:
            return s.scalar(sa.select(User.username).where(User.id == user_id))
    finally:
        session.lock()


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
    # the database and its key file, plus the two small sealed side files (audit head, kiosk label)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "audit-anchor.json", "clinic.db", "clinic.keys", "clinic.label"]
    session = ClinicAccess(DataPaths(out)).unlock("admin", "cli-demo-password-1")
    try:
        with session.read() as s:
            assert s.execute(sa.select(sa.func.count()).select_from(Client)).scalar() == 30
    finally:
        session.lock()
    # A non-empty folder is refused and left alone.
    again = run_cli("demo-db", "--out", str(out), env_password="cli-demo-password-1")
    assert again.returncode == 2 and "nothing was written" in again.stderr


# -- the demo, read back and analysed with the real clinical rules ----------------------------------------------


def analyse(paths: DataPaths) -> dict[str, object]:
    """Read every course back and run the clinic's own rules over it (as the course chart does).

    Alliance: ``rupture_rule_for`` + ``detect_ruptures`` over the stored example-alliance
    totals (missed sessions as None). Outcome: ``outcome_rules_for`` + ``track_outcome``
    over the stored PHQ-9 totals, the risk flag from the stored item answers via
    ``risk_flags``.
    """
    from collections import defaultdict

    from alliance_desktop.core.course_rules import outcome_rules_for, rupture_rule_for
    from alliance_desktop.core.instruments import load_bundled
    from alliance_desktop.core.ruptures import detect_ruptures
    from alliance_desktop.core.scoring import risk_flags
    from alliance_desktop.core.tracking import track_outcome

    bundled = load_bundled()
    alliance, phq9 = bundled["example-alliance"], bundled["phq9"]
    rupture_rule, outcome_rules = rupture_rule_for(alliance), outcome_rules_for(phq9)
    session = ClinicAccess(paths, kdf=FAST_KDF).unlock(DEMO_ADMIN_USER, DEMO_PASSWORD)
    try:
        with session.read() as s:
            sessions = s.execute(sa.select(TherapySession.episode_id, TherapySession.number, TherapySession.id,
                                           TherapySession.status)).all()
            responses = s.execute(sa.select(Response.session_id, Response.instrument_id, Response.id)).all()
            totals = dict(s.execute(sa.select(Score.response_id, Score.value).where(Score.scale == "total")).all())
            answers: dict[object, dict[str, int]] = defaultdict(dict)
            for response_id, item_id, value in s.execute(
                    sa.select(ItemAnswer.response_id, ItemAnswer.item_id, ItemAnswer.value)):
                answers[response_id][item_id] = int(value)
    finally:
        session.lock()
    by_session: dict[object, dict[str, object]] = defaultdict(dict)
    for session_id, instrument_id, response_id in responses:
        by_session[session_id][instrument_id] = response_id
    courses: dict[object, list[tuple[int, object, str]]] = defaultdict(list)
    for episode_id, number, session_id, status in sessions:
        courses[episode_id].append((number, session_id, status))
    repair: Counter[str] = Counter()
    latest: Counter[str] = Counter()
    missed = 0
    for course in courses.values():
        alliance_series, outcome_series = [], []
        for number, session_id, status in sorted(course, key=lambda row: row[0]):
            missed += status == "missed"
            found = by_session.get(session_id, {})
            alliance_id, phq9_id = found.get("example-alliance"), found.get("phq9")
            alliance_series.append((number, None if alliance_id is None else totals[alliance_id], None))
            if phq9_id is None:
                outcome_series.append((number, None, False))
            else:
                outcome_series.append((number, totals[phq9_id], bool(risk_flags(phq9, answers[phq9_id]))))
        repair.update(event.repair.value for event in detect_ruptures(alliance_series, rupture_rule))
        tracked = track_outcome(outcome_series, rule=outcome_rules.tracking,
                                reliable_change=outcome_rules.reliable_change,
                                clinical_range=outcome_rules.clinical_range, direction=outcome_rules.direction)
        if tracked:
            latest[tracked[-1].colour.value] += 1
    return {"repair": repair, "latest": latest, "missed": missed}


@pytest.mark.parametrize("seed", [7, 1, 3])
def test_the_demo_shows_what_the_rules_are_for(seed, small_demo, tmp_path):
    """Whatever the seed: a repaired and an unrepaired rupture, a client not on track, a missed session."""
    paths = small_demo if seed == 7 else build(tmp_path / f"seed-{seed}", seed=seed)
    found = analyse(paths)
    repair, latest = found["repair"], found["latest"]
    assert repair["repaired"] >= 1, repair
    assert repair["unrepaired"] >= 1, repair
    assert latest["red"] + latest["yellow"] >= 1, latest  # latest colour: not on track (or a risk flag)
    assert found["missed"] >= 1


def _schema(paths: DataPaths, username: str, password: str) -> dict[str, object]:
    session = ClinicAccess(paths, kdf=FAST_KDF).unlock(username, password)
    try:
        with session.database().engine.connect() as conn:
            raw = conn.connection.driver_connection

            def pragma(name: str) -> object:
                return raw.execute(f"PRAGMA {name}").fetchone()[0]

            return {
                "objects": sorted(tuple(r) for r in raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")),
                **{name: pragma(name) for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete",
                                                   "temp_store", "ignore_check_constraints", "application_id",
                                                   "user_version")},
                "integrity": raw.execute("PRAGMA integrity_check").fetchall(),
                "foreign_key_check": raw.execute("PRAGMA foreign_key_check").fetchall(),
            }
    finally:
        session.lock()


def test_the_bulk_load_leaves_a_normal_clinic_database(small_demo, tmp_path):
    """Same schema (every index rebuilt from its own statement) and pragmas as a fresh clinic, and consistent."""
    from tests.support import ADMIN_PASSWORD, CLINIC_NAME

    fresh = DataPaths(tmp_path / "fresh")
    access = ClinicAccess(fresh, kdf=FAST_KDF)
    access.create_clinic(clinic_name=CLINIC_NAME, username="admin", display_name="Admin",
                         password=ADMIN_PASSWORD, recovery_key=access.new_recovery_key())
    demo = _schema(small_demo, DEMO_ADMIN_USER, DEMO_PASSWORD)
    plain = _schema(fresh, "admin", ADMIN_PASSWORD)
    assert demo.pop("objects") == plain.pop("objects")
    assert demo["journal_mode"] == "wal" and demo["synchronous"] == 2 and demo["foreign_keys"] == 1
    assert demo["integrity"] == [("ok",)] and demo["foreign_key_check"] == []
    assert demo == plain


def test_a_row_breaking_a_check_constraint_fails_the_build_and_leaves_the_schema_whole(tmp_path, monkeypatch):
    """CHECKs skipped per row during the bulk load are still enforced: once per chunk, in one query."""
    from alliance_desktop.storage import demo_writer

    original = demo_writer._CourseRows.__call__

    def with_a_bad_status(self, batch):
        rows, n_sessions = original(self, batch)
        session_id, episode_id, number, held_on, _status, created_at = rows[demo_writer._SESSION][-1]
        rows[demo_writer._SESSION][-1] = (session_id, episode_id, number, held_on, "lost", created_at)
        return rows, n_sessions

    monkeypatch.setattr(demo_writer._CourseRows, "__call__", with_a_bad_status)
    paths = DataPaths(tmp_path / "clinic")
    with pytest.raises(demo_writer.ConstraintViolation, match="therapy_sessions"):
        build_demo_clinic(paths, size="small", seed=7, kdf=FAST_KDF,
                          clock=FakeClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC)), today=TODAY)
    fresh = DataPaths(tmp_path / "fresh")
    from tests.support import ADMIN_PASSWORD, CLINIC_NAME

    access = ClinicAccess(fresh, kdf=FAST_KDF)
    access.create_clinic(clinic_name=CLINIC_NAME, username="admin", display_name="Admin",
                         password=ADMIN_PASSWORD, recovery_key=access.new_recovery_key())
    broken = _schema(paths, DEMO_ADMIN_USER, DEMO_PASSWORD)
    assert broken["objects"] == _schema(fresh, "admin", ADMIN_PASSWORD)["objects"]
    session = ClinicAccess(paths, kdf=FAST_KDF).unlock(DEMO_ADMIN_USER, DEMO_PASSWORD)
    try:
        with session.read() as s:  # the one chunk of the small clinic was rolled back
            assert s.execute(sa.select(sa.func.count()).select_from(TherapySession)).scalar() == 0
            assert s.execute(sa.select(sa.func.count()).select_from(Client)).scalar() == 0
    finally:
        session.lock()
