"""A kiosk writer for the SIGKILL tests (RELIABILITY.md rows 1-2): run as a child process.

``python -m tests.faults.kill_driver DATA_DIR SEED`` unlocks the clinic in
DATA_DIR the way the app does, starts a real ``KioskService`` and submits
questionnaires in a loop until it is killed. It speaks one line per event
on stdout, flushed at once, so the parent knows exactly what the "screen"
showed before the kill:

- ``READY`` once the kiosk is running (the parent starts its kill timer here,
  not at process start: Python's imports alone take longer than 150 ms);
- ``SEND <json payload>`` just before ``submit`` is called;
- ``ACK <submission id>`` once ``submit`` returned, i.e. when the kiosk would
  show "Thank you". A submission is *acknowledged* only with this line.

Between submissions the loop also hands a questionnaire over (its own write
transaction with an audit entry), so kills land in those commits too.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from alliance_desktop.config import DataPaths
from alliance_desktop.core.kiosk_model import KioskAnswers, KioskQuestionnaire
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.kiosk import KioskService, open_for_session
from tests.support import ADMIN_PASSWORD, ADMIN_USER, FAST_KDF

STARTED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SESSIONS_FILE = "crash-sessions.json"  # therapy session ids the parent set up, next to the database


def payload_for(rng: random.Random, therapy_session_id: uuid.UUID) -> dict:
    """A random but valid set of answers for the alliance line items and the PHQ-9, as JSON-able data."""
    return {
        "submission_id": str(uuid.uuid4()),
        "session_id": str(therapy_session_id),
        "alliance_mm": [rng.randint(0, 100) for _ in range(4)],
        "phq": [rng.randint(0, 3) for _ in range(8)] + [0],
        "comment": rng.choice([None, "ok", "Danke für heute – الجلسة كانت جيدة 👍🏽"]),
    }


def answers_from(q: KioskQuestionnaire, payload: dict) -> KioskAnswers:
    """Rebuild the kiosk's answers from a payload (the parent replays with exactly these)."""
    answers: dict[str, dict[str, int | None]] = {}
    for instrument in q.instruments:
        if instrument.id == "example-alliance":
            ids = [i.id for i in instrument.items]
            answers[instrument.id] = dict(zip(ids, payload["alliance_mm"], strict=True))
        elif instrument.id == "phq9":
            scored = [i.id for i in instrument.items if i.scored]
            answers[instrument.id] = dict(zip(scored, payload["phq"], strict=True))
    return KioskAnswers(submission_id=uuid.UUID(payload["submission_id"]), started_at=STARTED_AT,
                        answers=answers, comment=payload["comment"])


def main(data_dir: str, seed: str) -> None:
    root = Path(data_dir)
    sessions = [uuid.UUID(s) for s in json.loads((root / SESSIONS_FILE).read_text())]
    access = ClinicAccess(DataPaths(root), kdf=FAST_KDF)
    staff = access.unlock(ADMIN_USER, ADMIN_PASSWORD)
    kiosk = KioskService.start(staff, device_id="crash-driver")
    rng = random.Random(int(seed))
    out = sys.stdout
    out.write("READY\n")
    out.flush()
    while True:
        therapy_session = rng.choice(sessions)
        q = open_for_session(kiosk, therapy_session, "en")
        payload = payload_for(rng, therapy_session)
        out.write(f"SEND {json.dumps(payload)}\n")
        out.flush()
        kiosk.submit(q, answers_from(q, payload))
        out.write(f"ACK {payload['submission_id']}\n")
        out.flush()


if __name__ == "__main__":
    main(*sys.argv[1:3])
