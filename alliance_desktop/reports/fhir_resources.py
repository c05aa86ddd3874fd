"""FHIR R4 resources (as plain JSON dictionaries) for responses, totals, instruments and clients.

Why plain dictionaries and not the ``fhir.resources`` models: a clinic export
holds over a million responses, and building a validated model object for
each would cost minutes and gigabytes. The tests validate what this module
produces with ``fhir.resources`` (its R4B models: R4B is the release of the
package closest to R4 and identical for the resources used here).

Choices that matter:

- **Stable ids.** A QuestionnaireResponse is ``urn:uuid:<submission id>`` (the
  id the kiosk generated, unique per filled-in questionnaire), its total's
  Observation a name-based UUID (v5) of that submission id, a Questionnaire a
  v5 UUID of instrument id and version, a Patient the client's record id.
  Exporting twice gives the same ids, so a receiving system can de-duplicate.
- **Pseudonymous patients.** A Patient carries only the pseudonym code as
  identifier: no name, initials, birth year or contact data.
- **Licensed wording stays home.** Item text and option labels are written
  only for instruments whose *shipped* definition has full wording (PHQ-9,
  GAD-7, our own example items). For licensed, structure-only instruments
  (SRS, ORS, CORE-10, WAI-SR ...) the Questionnaire has the structure, codes and
  attribution but no text, even when the clinic installed a wording pack: its
  licence covers use in the clinic, not passing the wording on.
- **LOINC only where the definition carries it** (panel, total, items, answer
  options); local codes otherwise (``urn:alliance-desktop:...``).
"""

from __future__ import annotations

import uuid
from typing import Any

from alliance_desktop.core.export_model import (
    FHIR_OBSERVATION_STATUS,
    FHIR_RESPONSE_STATUS,
    EpisodeExport,
    ResponseExport,
)
from alliance_desktop.core.instrument_model import TOTAL, Instrument, Item, OptionsResponse, VasResponse

__all__ = ["INSTRUMENT_URL", "LOINC", "PSEUDONYM_SYSTEM", "observation", "patient", "questionnaire",
           "questionnaire_response", "questionnaire_uuid", "total_observation_uuid"]

LOINC = "http://loinc.org"
PSEUDONYM_SYSTEM = "urn:alliance-desktop:client-pseudonym"
INSTRUMENT_URL = "urn:alliance-desktop:instrument:"
SCALE_SYSTEM = "urn:alliance-desktop:scale"
SESSION_EXTENSION = "urn:alliance-desktop:fhir:session-number"
_NAMESPACE = uuid.UUID("5b3c2f8e-6a51-4c1e-9d0a-7f3e2b1c4d60")
_CATEGORY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                         "code": "survey", "display": "Survey"}]}


def _urn(value: uuid.UUID) -> str:
    return f"urn:uuid:{value}"


def questionnaire_uuid(instrument_id: str, version: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"questionnaire|{instrument_id}|{version}")


def total_observation_uuid(submission_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(submission_id, "observation|total")


def canonical(instrument_id: str, version: str) -> str:
    return f"{INSTRUMENT_URL}{instrument_id}|{version}"


def _text(texts: Any) -> str | None:
    return (texts.get("en") or next(iter(texts.values()), None)) if texts else None


def _wording_shippable(instrument: Instrument) -> bool:
    """Whether the shipped definition's text may leave the app (see the module docstring)."""
    return instrument.wording == "full" and instrument.wording_digest is None


def _option_coding(url: str, value: int, loinc: str | None, label: str | None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": LOINC, "code": loinc} if loinc else {"system": f"{url}/option",
                                                                             "code": str(value)}
    if label:
        coding["display"] = label
    return coding


def _item(url: str, item: Item, with_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.id}
    if item.loinc:
        out["code"] = [{"system": LOINC, "code": item.loinc}]
    if with_text and _text(item.text):
        out["text"] = _text(item.text)
    response = item.response
    if isinstance(response, VasResponse):
        out["type"] = "integer"  # millimetres on a 10 cm line
        out["extension"] = [
            {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": response.min_mm},
            {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": response.max_mm},
        ]
    elif isinstance(response, OptionsResponse):
        out["type"] = "choice"
        out["answerOption"] = [
            {"valueCoding": _option_coding(url, o.value, o.loinc, _text(o.label) if with_text else None)}
            for o in response.options
        ]
    return out


def questionnaire(instrument_id: str, version: str, definition: Instrument | None) -> dict[str, Any]:
    """The Questionnaire of one instrument version; structure from ``definition`` when it is that version."""
    url = f"{INSTRUMENT_URL}{instrument_id}"
    out: dict[str, Any] = {"resourceType": "Questionnaire", "id": str(questionnaire_uuid(instrument_id, version)),
                           "url": url, "version": version, "status": "active", "subjectType": ["Patient"]}
    if definition is None or definition.version != version:
        out["status"] = "unknown"
        out["title"] = f"{instrument_id} version {version} (definition not installed)"
        return out
    with_text = _wording_shippable(definition)
    out["title"] = definition.title("en")
    out["language"] = "en"
    out["copyright"] = definition.licence.attribution
    if definition.loinc_panel:
        out["code"] = [{"system": LOINC, "code": definition.loinc_panel}]
    out["item"] = [_item(url, item, with_text) for item in definition.items]
    return out


def patient(episode: EpisodeExport) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": str(episode.client_id),
            "identifier": [{"system": PSEUDONYM_SYSTEM, "value": episode.pseudonym}]}


def _answer(definition: Instrument | None, url: str, item_id: str, raw: float) -> dict[str, Any]:
    item = definition.item(item_id) if definition is not None and definition.has_item(item_id) else None
    if item is not None and isinstance(item.response, OptionsResponse):
        option = item.response.option(int(raw))
        return {"valueCoding": _option_coding(url, int(raw), option.loinc if option else None, None)}
    if item is not None and isinstance(item.response, VasResponse):
        return {"valueInteger": int(raw)}
    return {"valueDecimal": raw}


def questionnaire_response(episode: EpisodeExport, r: ResponseExport, definition: Instrument | None
                           ) -> dict[str, Any]:
    """One filled-in questionnaire; answers raw (millimetres on a line, the option otherwise)."""
    if definition is not None and definition.version != r.instrument_version:
        definition = None
    url = f"{INSTRUMENT_URL}{r.instrument_id}"
    subject = {"reference": _urn(episode.client_id)}
    out: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse", "id": str(r.submission_id),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _urn(r.submission_id)},
        "extension": [{"url": SESSION_EXTENSION, "valueInteger": r.session_number}],
        "questionnaire": canonical(r.instrument_id, r.instrument_version),
        "status": FHIR_RESPONSE_STATUS.get(r.status, "completed"), "subject": subject,
        "authored": r.completed_at.isoformat(),
    }
    if r.respondent_role == "client":
        out["source"] = subject
    items = [{"linkId": a.item_id, "answer": [_answer(definition, url, a.item_id, a.raw)]}
             for a in r.answers if a.raw is not None]
    if items:
        out["item"] = items
    return out


def _quantity(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "score", "system": "http://unitsofmeasure.org", "code": "{score}"}


def observation(episode: EpisodeExport, r: ResponseExport, definition: Instrument | None) -> dict[str, Any] | None:
    """The total of a response as an Observation (subscales as components); None without a total row."""
    total = r.score(TOTAL)
    if total is None:
        return None
    name = definition.abbreviation if definition is not None else r.instrument_id
    coding = [{"system": SCALE_SYSTEM, "code": f"{r.instrument_id}/{TOTAL}", "display": f"{name} total"}]
    if definition is not None and definition.version == r.instrument_version and definition.loinc_total:
        coding.insert(0, {"system": LOINC, "code": definition.loinc_total})
    out: dict[str, Any] = {
        "resourceType": "Observation", "id": str(total_observation_uuid(r.submission_id)),
        "status": FHIR_OBSERVATION_STATUS.get(r.status, "final"), "category": [_CATEGORY],
        "code": {"coding": coding, "text": f"{name} total"},
        "subject": {"reference": _urn(episode.client_id)}, "effectiveDateTime": r.completed_at.isoformat(),
        "derivedFrom": [{"reference": _urn(r.submission_id)}],
    }
    if total.value is not None:
        out["valueQuantity"] = _quantity(total.value)
    else:
        out["dataAbsentReason"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                               "code": "not-performed"}], "text": total.reason or "not scorable"}
    components = [{"code": {"coding": [{"system": SCALE_SYSTEM, "code": f"{r.instrument_id}/{s.scale}"}]},
                   **({"valueQuantity": _quantity(s.value)} if s.value is not None else
                      {"dataAbsentReason": {"text": s.reason or "not scorable"}})}
                  for s in r.scores if s.scale != TOTAL]
    if components:
        out["component"] = components
    return out
