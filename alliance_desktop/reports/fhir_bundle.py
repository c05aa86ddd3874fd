"""FHIR R4 export: one ``Bundle`` (type ``collection``) per client or for the whole clinic.

The bundle holds a pseudonymous Patient per client, a QuestionnaireResponse per
stored response (history included: amended and entered-in-error versions keep
their FHIR status), an Observation per total, and a Questionnaire per
instrument version used (see ``reports.fhir_resources`` for ids, codes and the
wording policy).

Why it is streamed: a clinic bundle can hold millions of resources. The writer
emits one entry at a time into a temporary file (renamed into place only when
complete, ``reports.atomic_output``), so memory stays flat. Questionnaires come
last because only then is it known which instrument versions were used; entry
order carries no meaning in a collection bundle.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from alliance_desktop.core.export_model import EpisodeExport
from alliance_desktop.core.instrument_model import Instrument
from alliance_desktop.reports.atomic_output import atomic_text_files
from alliance_desktop.reports.fhir_resources import observation, patient, questionnaire, questionnaire_response

__all__ = ["FhirWritten", "write_fhir_bundle"]


@dataclass(frozen=True, slots=True)
class FhirWritten:
    path: Path
    patients: int
    responses: int
    observations: int
    questionnaires: int


class _EntryWriter:
    """Writes ``{"fullUrl": ..., "resource": ...}`` entries into an open bundle, comma-separated."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self.count = 0

    def add(self, resource: dict[str, Any]) -> None:
        self._out.write(",\n" if self.count else ',\n"entry": [\n')
        entry = {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
        self._out.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
        self.count += 1

    def close(self) -> None:
        if self.count:
            self._out.write("\n]")


def write_fhir_bundle(episodes: Iterable[EpisodeExport], path: Path, *, definitions: Mapping[str, Instrument],
                      now: datetime, bundle_id: uuid.UUID | None = None) -> FhirWritten:
    """Write the bundle for ``episodes``; ``definitions`` are the *shipped* definitions by instrument id."""
    patients: set[uuid.UUID] = set()
    used: dict[tuple[str, str], None] = {}
    responses = observations = 0
    with atomic_text_files([path]) as (out,):
        head = {"resourceType": "Bundle", "id": str(bundle_id or uuid.uuid4()), "type": "collection",
                "timestamp": now.isoformat()}
        out.write(json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1])  # leave the object open
        entries = _EntryWriter(out)
        for episode in episodes:
            if episode.client_id not in patients:
                patients.add(episode.client_id)
                entries.add(patient(episode))
            for r in episode.responses:
                definition = definitions.get(r.instrument_id)
                used[(r.instrument_id, r.instrument_version)] = None
                entries.add(questionnaire_response(episode, r, definition))
                responses += 1
                total = observation(episode, r, definition)
                if total is not None:
                    entries.add(total)
                    observations += 1
        for instrument_id, version in sorted(used):
            entries.add(questionnaire(instrument_id, version, definitions.get(instrument_id)))
        entries.close()
        out.write("}\n")
    return FhirWritten(path, len(patients), responses, observations, len(used))
