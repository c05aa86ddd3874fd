"""FHIR R4 export: the bundle validates (fhir.resources R4B), carries LOINC codes where defined, no names."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from fhir.resources.R4B.bundle import Bundle  # R4B: the release of fhir.resources closest to R4

from alliance_desktop.core.instruments import load_bundled
from alliance_desktop.reports.fhir_bundle import write_fhir_bundle
from alliance_desktop.reports.fhir_resources import LOINC, PSEUDONYM_SYSTEM, questionnaire
from alliance_desktop.services.export_data import course_export, resolve_scope
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import login

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def export(clinic, username, path, **scope):
    user = login(clinic, username)
    try:
        with course_export(user, resolve_scope(user, **scope), kind="fhir") as episodes:
            written = write_fhir_bundle(episodes, path, definitions=load_bundled(), now=NOW,
                                        bundle_id=uuid.UUID(int=1))
    finally:
        user.lock()
    return written


def resources(path, kind):
    return [e["resource"] for e in json.loads(path.read_text())["entry"] if e["resource"]["resourceType"] == kind]


def codes(concepts):
    return {c["code"] for concept in concepts for c in concept.get("coding", []) if c["system"] == LOINC}


def test_a_clinic_bundle_validates_and_carries_loinc_where_the_definition_has_it(clinic, seeded, tmp_path):
    path = tmp_path / "clinic.json"
    written = export(clinic, "sue", path)
    bundle = Bundle.model_validate_json(path.read_text())
    assert bundle.type == "collection"
    assert written.patients == 3 and written.questionnaires == 2
    assert len(bundle.entry) == written.patients + written.responses + written.observations + 2
    assert all(e.fullUrl.startswith("urn:uuid:") for e in bundle.entry)
    by_url = {q["url"].rsplit(":", 1)[1]: q for q in resources(path, "Questionnaire")}
    assert by_url["phq9"]["code"] == [{"system": LOINC, "code": "44249-1"}]  # Questionnaire.code: Codings
    assert "code" not in by_url["example-alliance"]
    phq_items = {i["linkId"]: i for i in by_url["phq9"]["item"]}
    assert phq_items["1"]["code"][0]["code"] == "44250-9" and phq_items["9"]["code"][0]["code"] == "44260-8"
    assert phq_items["1"]["text"].startswith("Little interest")
    totals = resources(path, "Observation")
    phq_totals = [o for o in totals if "44261-6" in codes([o["code"]])]
    assert phq_totals and all(o["valueQuantity"]["value"] >= 0 for o in phq_totals)
    assert not [o for o in totals if o["code"]["coding"][0]["code"] == "example-alliance/total" and
                codes([o["code"]])]


def test_patients_are_pseudonymous_and_ids_stable(clinic, seeded, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    export(clinic, "tara", first, client="RP-0001")
    export(clinic, "tara", second, client="RP-0001")
    [patient] = resources(first, "Patient")
    assert patient["identifier"] == [{"system": PSEUDONYM_SYSTEM, "value": "RP-0001"}]
    assert set(patient) == {"resourceType", "id", "identifier"}  # no name, initials or birth year
    assert "R.P." not in first.read_text()
    ids = [e["fullUrl"] for e in json.loads(first.read_text())["entry"]]
    assert ids == [e["fullUrl"] for e in json.loads(second.read_text())["entry"]]
    responses = resources(first, "QuestionnaireResponse")
    assert all(r["identifier"]["value"] == f"urn:uuid:{r['id']}" for r in responses)
    assert all(r["subject"]["reference"] == f"urn:uuid:{patient['id']}" for r in responses)


def test_licensed_wording_is_never_shipped():
    bundled = load_bundled()
    for instrument in bundled.values():
        q = questionnaire(instrument.id, instrument.version, instrument)
        texts = [i for i in q.get("item", []) if "text" in i]
        labels = [o for i in q.get("item", []) for o in i.get("answerOption", []) if "display" in o["valueCoding"]]
        if instrument.wording == "structure_only":
            assert texts == [] and labels == [], instrument.id
            assert q["copyright"] == instrument.licence.attribution
        else:
            assert len(texts) == len(instrument.items)
    from fhir.resources.R4B.questionnaire import Questionnaire

    Questionnaire.model_validate(questionnaire("srs", bundled["srs"].version, bundled["srs"]))
    unknown = questionnaire("srs", "0.0.1", bundled["srs"])
    assert unknown["status"] == "unknown" and "item" not in unknown
    Questionnaire.model_validate(unknown)
