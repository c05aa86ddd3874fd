"""Access export (GDPR Art. 15/20): complete, schema-valid, only this client (RELIABILITY row 34)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from alliance_desktop.reports.access_export import AccessExportInvalid, write_access_export
from alliance_desktop.services import alerts
from alliance_desktop.services.access_record import access_record
from alliance_desktop.services.caseload import caseload
from alliance_desktop.services.client_course import course_view
from alliance_desktop.storage.access_queries import exported_columns
from alliance_desktop.storage.tables import (
    Alert,
    AlertAction,
    Client,
    Episode,
    InstructionEvent,
    ItemAnswer,
    KioskTicket,
    Note,
    Response,
    Score,
    TherapySession,
)
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import login


def responses_of(session, client_id):
    with session.read() as s:
        return {str(r) for r in s.execute(
            sa.select(Response.id).join(TherapySession, TherapySession.id == Response.session_id)
            .join(Episode, Episode.id == TherapySession.episode_id).where(Episode.client_id == client_id)).scalars()}


def exported_responses(document):
    return [r for e in document["episodes"] for x in e["sessions"] for r in x["responses"]]


@pytest.fixture
def documents(clinic, session, seeded, tmp_path):
    tara = login(clinic, "tara")
    try:
        caseload(tara)  # a list read naming both of Tara's clients in one audit entry
        course_view(tara, seeded.repaired_episode)  # a read: an audit entry about the client
        course_view(tara, seeded.unrepaired_episode)
        handled = alerts.alerts_for_client(tara, seeded.repaired_episode)
        alerts.acknowledge_alert(tara, handled[0].alert_id, "talked about it")
        rep = access_record(tara, client="RP-0001")
        unr = access_record(tara, client="UR-0002")
    finally:
        tara.lock()
    path = write_access_export(rep, tmp_path / "rp.json")
    return rep, unr, path


def test_it_validates_round_trips_and_holds_every_response_of_the_client_and_no_other(documents, session, seeded):
    rep, unr, path = documents
    assert json.loads(path.read_text(encoding="utf-8")) == rep
    mine = {r["id"] for r in exported_responses(rep)}
    assert mine == responses_of(session, seeded.repaired_client)
    others = responses_of(session, seeded.unrepaired_client) | responses_of(session, seeded.theo_client)
    text = path.read_text()
    assert not any(o in text for o in others)
    for other in (seeded.unrepaired_client, seeded.theo_client):
        assert str(other) not in text
    assert "UR-0002" not in text and "TH-0003" not in text
    assert {r["id"] for r in exported_responses(unr)} == responses_of(session, seeded.unrepaired_client)


def test_every_stored_column_is_present(documents):
    rep, _, _ = documents
    episode = rep["episodes"][0]
    session = episode["sessions"][0]
    response = session["responses"][0]
    alert = episode["alerts"][0]
    checks = [(rep["client"], Client), (episode, Episode), (session, TherapySession), (response, Response),
              (response["answers"][0], ItemAnswer), (response["scores"][0], Score), (alert, Alert),
              (alert["actions"][0], AlertAction)]
    for obj, table in checks:
        assert set(exported_columns(table)) <= set(obj), table.__tablename__
    assert "code_hash" not in exported_columns(KioskTicket)
    assert set(exported_columns(Note)) and set(exported_columns(InstructionEvent))
    assert alert["actions"][0]["note"] == "talked about it"


def test_audit_entries_are_about_this_client_only(documents, seeded):
    rep, _, _ = documents
    actions = [e["action"] for e in rep["audit_events"]]
    assert {"client.created", "episode.opened", "session.recorded", "response.entered", "client.viewed",
            "alert.acknowledged", "export.access"} <= set(actions)
    assert actions.count("export.access") == 1  # the export itself is in the trail it carries
    [listing] = [e for e in rep["audit_events"] if e["action"] == "clients.viewed"]
    assert listing["details"]["clients"] == [str(seeded.repaired_client)]  # Tara's other client cut out


def test_a_document_that_breaks_the_schema_is_not_written(documents, tmp_path):
    rep, _, _ = documents
    broken = json.loads(json.dumps(rep))
    del broken["episodes"][0]["sessions"][0]["responses"][0]["comment"]
    target = tmp_path / "broken.json"
    with pytest.raises(AccessExportInvalid, match="comment"):
        write_access_export(broken, target)
    assert not target.exists() and not list(tmp_path.glob(".broken*"))
