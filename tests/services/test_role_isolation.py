"""RELIABILITY row 35: no service call reaches another therapist's client, and every read is audited.

A property over random (user, client, action) triples on a small seeded clinic
(three therapists, a supervisor, an administrator; two clients each, with
courses, answers and alerts). For each triple an oracle, written from the role
table in services/authz.py and reading the client's *current* therapist (an
administrator's reassignment is one of the actions), says whether the call is
allowed. Pass criterion: 0 unauthorized reads (a refused call raises
NotAllowed and leaves no read in the audit log; an allowed list holds only
clients the user may read), and 100 % of reads audited (every successful read
leaves an entry naming each client it showed, by that user).

Triples per run: 10,000 (RELIABILITY), or ``ALLIANCE_ISOLATION_TRIPLES``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_desktop.config import DataPaths
from alliance_desktop.core.clock import FakeClock
from alliance_desktop.core.model import Role
from alliance_desktop.services import (
    access_record,
    alerts,
    caseload,
    client_course,
    clients,
    export_data,
    report_data,
    sessions,
)
from alliance_desktop.services import backup as backup_service
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.admin_users import add_user
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage.tables import Alert, AuditEvent, Client, Episode, Response, TherapySession
from tests.services.workspace_fixtures import STAFF_PASSWORD, alliance, phq, seed_course
from tests.support import ADMIN_PASSWORD, ADMIN_USER, FAST_KDF

TRIPLES = int(os.environ.get("ALLIANCE_ISOLATION_TRIPLES", "10000"))
PER_EXAMPLE = 100
THERAPISTS = ("tara", "theo", "tina")
USERS = (ADMIN_USER, *THERAPISTS, "sue")


@dataclass
class Clinic:
    access: ClinicAccess
    logins: dict[str, Any]
    ids: dict[str, uuid.UUID]
    clients: list[uuid.UUID]
    records: dict[uuid.UUID, dict[str, Any]]
    backup_dir: Path
    client_of_episode: dict[uuid.UUID, uuid.UUID]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Clinic:
    paths = DataPaths(tmp_path_factory.mktemp("isolation") / "clinic")
    access = ClinicAccess(paths, clock=FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)), kdf=FAST_KDF)
    access.create_clinic(clinic_name="Isolation Test Clinic", username=ADMIN_USER, display_name="Admin",
                         password=ADMIN_PASSWORD, recovery_key=access.new_recovery_key())
    admin = access.unlock(ADMIN_USER, ADMIN_PASSWORD)
    ids = {ADMIN_USER: admin.user.id}
    for name in THERAPISTS:
        ids[name] = add_user(admin, name, name.title(), Role.THERAPIST, STAFF_PASSWORD).id
    ids["sue"] = add_user(admin, "sue", "Sue", Role.SUPERVISOR, STAFF_PASSWORD).id
    logins = {ADMIN_USER: admin, **{n: access.unlock(n, STAFF_PASSWORD) for n in (*THERAPISTS, "sue")}}
    client_ids = []
    for i, name in enumerate(THERAPISTS * 2):
        c = clients.create_client(admin, f"ISO-{i:02d}", therapist_id=ids[name])
        episode = clients.open_episode(admin, c.client_id, opened_on=date(2025, 9, 1)).open_episode.episode_id
        seed_course(logins[name], episode, (37.0, 37.5, 38.0, 37.0, 37.5, 29.0, 30.0),
                    (12, 13, 12, 14, 15, 19, 20), risk_at=(7,) if i % 2 else ())
        client_ids.append(c.client_id)
    records = {c: records_of(admin, c) for c in client_ids}
    backup_dir = paths.root.parent / "backups"
    backup_dir.mkdir()
    yield Clinic(access, logins, ids, client_ids, records, backup_dir, {r["episode"]: c for c, r in records.items()})
    for s in logins.values():
        s.lock()


# -- the records of a client an action works on ----------------------------------------------------


def records_of(s: Any, client_id: uuid.UUID) -> dict[str, Any]:
    """The episode, latest session, a response and an alert of a client (fixed for the run)."""
    with s.read() as db:
        episode = db.execute(sa.select(Episode.id).where(Episode.client_id == client_id)).scalar_one()
        session_id = db.execute(sa.select(TherapySession.id).where(TherapySession.episode_id == episode)
                                .order_by(TherapySession.number.desc()).limit(1)).scalar_one()
        response = db.execute(sa.select(Response.id).join(TherapySession, TherapySession.id == Response.session_id)
                              .where(TherapySession.episode_id == episode).limit(1)).scalar_one()
        alert = db.execute(sa.select(Alert.id).where(Alert.episode_id == episode).limit(1)).scalar_one()
        pseudonym = db.execute(sa.select(Client.pseudonym).where(Client.id == client_id)).scalar_one()
    return {"client": client_id, "episode": episode, "session": session_id, "response": response, "alert": alert,
            "pseudonym": pseudonym}


def owner_of(s: Any, client_id: uuid.UUID) -> uuid.UUID:
    """The client's therapist right now (an administrator may have reassigned the client)."""
    with s.read() as db:
        return db.execute(sa.select(Client.therapist_id).where(Client.id == client_id)).scalar_one()


def last_seq(s: Any) -> int:
    with s.read() as db:
        return db.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar_one()


READ_ACTIONS = ("client.viewed", "clients.viewed", "export.csv", "export.fhir", "export.research", "export.access",
                "export.pdf")


def reads_since(s: Any, seq: int) -> list[tuple[str, uuid.UUID | None, str | None, dict]]:
    with s.read() as db:
        return [tuple(r) for r in db.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id, AuditEvent.details)
            .where(AuditEvent.seq > seq, AuditEvent.action.in_(READ_ACTIONS)))]


def backups_since(s: Any, seq: int) -> int:
    with s.read() as db:
        return db.execute(sa.select(sa.func.count()).where(AuditEvent.seq > seq,
                                                          AuditEvent.action == "backup.created")).scalar_one()


def csv_export(s: Any, t: dict[str, Any]) -> tuple[Any, ...]:
    scope = export_data.resolve_scope(s, client=t["pseudonym"])
    with export_data.course_export(s, scope, kind="csv") as episodes:
        return tuple(episodes)


def fhir_caseload_export(s: Any, t: dict[str, Any], c: Clinic) -> tuple[Any, ...]:
    owner_name = next(name for name, uid in c.ids.items() if uid == t["owner"])
    scope = export_data.resolve_scope(s, therapist=owner_name)
    with export_data.course_export(s, scope, kind="fhir", with_answers=False) as episodes:
        return tuple(episodes)


def pdf_report(s: Any, t: dict[str, Any]) -> Any:
    """What the PDF exporter does: read the report's data, then record the export."""
    data = report_data.client_report_data(s, t["episode"])
    report_data.record_pdf_export(s, "client", [t["episode"]], pages=2)
    return data


def backup(s: Any, c: Clinic) -> Any:
    summary = backup_service.create_backup(s, c.backup_dir)
    summary.path.unlink()
    return summary


# -- actions: (name, kind, call) ---------------------------------------------------------------------
# kind: "read" one client's clinical record; "write" clinical; "list" a clinical list; "admin_list" the
# administrative client list; "schedule" (therapist of the client or admin); "reassign" (admin only).

Call = Callable[[Any, dict[str, Any], Clinic], Any]
ACTIONS: dict[str, tuple[str, Call]] = {
    "course_view": ("read", lambda s, t, c: client_course.course_view(s, t["episode"])),
    "session_answers": ("read", lambda s, t, c: client_course.session_answers(s, t["response"])),
    "alerts_for_client": ("read", lambda s, t, c: alerts.alerts_for_client(s, t["episode"])),
    "response_history": ("read", lambda s, t, c: sessions.response_history(s, t["session"])),
    "caseload_of_owner": ("read_list", lambda s, t, c: caseload.caseload(s, t["owner"])),
    "open_alerts": ("list", lambda s, t, c: alerts.open_alerts(s)),
    "list_clients": ("admin_list", lambda s, t, c: clients.list_clients(s)),
    "get_client": ("admin_read", lambda s, t, c: clients.get_client(s, t["client"])),
    "acknowledge": ("write", lambda s, t, c: alerts.acknowledge_alert(s, t["alert"], "seen")),
    "discussed": ("write", lambda s, t, c: alerts.mark_discussed(s, t["alert"])),
    "paper_entry": ("write", lambda s, t, c: sessions.enter_paper_response(s, t["session"], "phq9", phq(9))),
    "amend": ("write", lambda s, t, c: sessions.amend_response(s, t["response"], alliance(33.0), "typo")),
    "record_session": ("schedule", lambda s, t, c: sessions.record_session(s, t["episode"], date(2026, 1, 5))),
    "reassign": ("reassign", lambda s, t, c: clients.assign_therapist(
        s, t["client"], c.ids[THERAPISTS[hash(t["client"]) % 3]])),
    # exports: the widest reads there are (services/export_data.py, access_record.py, report_data.py, backup.py)
    "export_csv_client": ("read", lambda s, t, c: csv_export(s, t)),
    "export_fhir_caseload": ("read_list", lambda s, t, c: fhir_caseload_export(s, t, c)),
    "export_access": ("read", lambda s, t, c: access_record.access_record(s, client_id=t["client"])),
    "export_pdf": ("read", lambda s, t, c: pdf_report(s, t)),
    "backup": ("backup", lambda s, t, c: backup(s, c)),
}


def allowed(kind: str, role: Role, user_id: uuid.UUID, owner: uuid.UUID) -> bool:
    own = role is Role.THERAPIST and user_id == owner
    return {
        "read": own or role is Role.SUPERVISOR,
        "read_list": own or role is Role.SUPERVISOR,
        "list": role in (Role.THERAPIST, Role.SUPERVISOR),
        "admin_list": True,
        "admin_read": own or role in (Role.SUPERVISOR, Role.ADMIN),
        "write": own,
        "schedule": own or role is Role.ADMIN,
        "reassign": role is Role.ADMIN,
        "backup": role is Role.ADMIN,
    }[kind]


def shown_clients(result: Any) -> set[uuid.UUID]:
    """Client ids a result shows (rows, alerts, summaries, a course)."""
    items = result if isinstance(result, tuple) else (result,)
    return {x.client_id for x in items if hasattr(x, "client_id")}


@dataclass
class Tally:
    calls: int = 0
    refused: int = 0
    unauthorized_reads: int = 0
    reads: int = 0
    audited_reads: int = 0
    succeeded: dict[str, int] = field(default_factory=dict)


TALLY = Tally()


def check_one(clinic: Clinic, user: str, client_id: uuid.UUID, action: str) -> None:
    s = clinic.logins[user]
    kind, call = ACTIONS[action]
    t = {**clinic.records[client_id], "owner": owner_of(s, client_id)}
    ok = allowed(kind, s.user.role, s.user.id, t["owner"])
    before = last_seq(s)
    TALLY.calls += 1
    try:
        result = call(s, t, clinic)
    except NotAllowed:
        TALLY.refused += 1
        assert not ok, f"{user} was refused {action} on a client they may use"
        assert reads_since(s, before) == [], f"refused {action} still left a read in the audit log"
        return
    except InvalidInput:
        assert ok, f"{user} got past the role check of {action}"
        return
    TALLY.succeeded[action] = TALLY.succeeded.get(action, 0) + 1
    if not ok:
        TALLY.unauthorized_reads += 1
        raise AssertionError(f"{user} ({s.user.role}) could {action} a client of another therapist")
    if kind in ("write", "schedule", "reassign"):
        return
    if kind == "backup":
        assert backups_since(s, before) == 1, "a backup was not audited"
        return
    # a read: it shows only clients this user may see, and the log names each of them
    shown = shown_clients(result) | ({client_id} if kind in ("read", "admin_read") else set())
    if kind in ("list", "read_list"):
        for cid in shown:
            owner = owner_of(s, cid)
            if not allowed("read", s.user.role, s.user.id, owner):
                TALLY.unauthorized_reads += 1
                raise AssertionError(f"{user} saw client {cid} in {action}")
    entries = reads_since(s, before)
    named: set[uuid.UUID] = set()
    for act, actor, target, details in entries:
        assert actor == s.user.id
        if act == "client.viewed" or (act.startswith("export.") and details.get("scope") == "client"):
            named.add(uuid.UUID(target))
        elif act == "export.pdf":
            named.update(clinic.client_of_episode[uuid.UUID(e)] for e in details["episodes"])
        elif act.startswith("export."):  # a therapist's caseload: every client of that therapist now
            named.update(cid for cid in clinic.clients if owner_of(s, cid) == uuid.UUID(target))
        else:
            named.update(uuid.UUID(x) for x in details["clients"])
    TALLY.reads += len(shown)
    TALLY.audited_reads += len(shown & named)
    assert entries, f"{action} by {user} was not audited"
    assert shown <= named, f"{action} by {user} showed clients the audit entry does not name"


@settings(max_examples=max(1, TRIPLES // PER_EXAMPLE), deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_call_reaches_another_therapists_client(clinic, data):
    triples = data.draw(st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(clinic.clients),
                                           st.sampled_from(sorted(ACTIONS))),
                                 min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
    for user, client_id, action in triples:
        check_one(clinic, user, client_id, action)


def test_the_property_ran_and_met_the_bar(clinic):
    """Runs after the property (same module): RELIABILITY row 35's numbers."""
    if TALLY.calls == 0:
        pytest.skip("run together with the property test")
    print(f"\nrole isolation: {TALLY.calls} triples, {TALLY.refused} refused, "
          f"{TALLY.unauthorized_reads} unauthorized reads, {TALLY.audited_reads}/{TALLY.reads} reads audited")
    assert TALLY.calls >= TRIPLES and TALLY.unauthorized_reads == 0 and TALLY.audited_reads == TALLY.reads
    assert TALLY.refused > 0 and TALLY.reads > 0
    assert set(TALLY.succeeded) == set(ACTIONS), f"never allowed: {set(ACTIONS) - set(TALLY.succeeded)}"
