"""A kiosk writer for the I/O-error test (RELIABILITY.md row 5): run under ``fiu-run -x``.

``python -m tests.faults.io_driver DATA_DIR SEED COUNT`` unlocks the clinic,
prints ``READY`` and waits for ``GO`` on stdin (the parent switches libfiu's
failure points on in between, so unlocking is not what fails). It then makes
COUNT kiosk submissions, one line each:

- ``OK <id>``: ``submit`` returned (the kiosk would show "Thank you");
- ``FAIL <id> <error class>``: a StorageError/ServiceError with a user message
  (what the kiosk and the staff views catch and show);
- ``UNHANDLED <id> <error class>: <text>``: anything else, which a staff view
  would not catch: the test counts these and wants none.

After ``DONE`` it waits for ``CLEAN`` (faults switched off) and sends every
failed submission again with its submission id: ``RETRY <id> ok|duplicate``
or ``RETRY <id> failed <error class>``, then ``END``.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

from alliance_desktop.config import DataPaths
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.errors import ServiceError, StorageError
from alliance_desktop.services.kiosk import KioskService, open_for_session
from tests.faults.kill_driver import SESSIONS_FILE, answers_from, payload_for
from tests.support import ADMIN_PASSWORD, ADMIN_USER, FAST_KDF


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _wait_for(word: str) -> None:
    line = sys.stdin.readline().strip()
    if line != word:
        raise SystemExit(f"expected {word!r} on stdin, got {line!r}")


def _send(kiosk: KioskService, payload: dict) -> bool:
    """One hand-over plus submission; True when it was a duplicate of a stored one."""
    q = open_for_session(kiosk, uuid.UUID(payload["session_id"]), "en")
    return kiosk.submit(q, answers_from(q, payload)).duplicate


def main(data_dir: str, seed: str, count: str) -> None:
    import json

    root = Path(data_dir)
    sessions = [uuid.UUID(s) for s in json.loads((root / SESSIONS_FILE).read_text())]
    staff = ClinicAccess(DataPaths(root), kdf=FAST_KDF).unlock(ADMIN_USER, ADMIN_PASSWORD)
    kiosk = KioskService.start(staff, device_id="io-driver")
    rng = random.Random(int(seed))
    _say("READY")
    _wait_for("GO")
    failed: list[dict] = []
    for _ in range(int(count)):
        payload = payload_for(rng, rng.choice(sessions))
        sub = payload["submission_id"]
        try:
            _send(kiosk, payload)
        except (StorageError, ServiceError) as problem:
            failed.append(payload)
            _say(f"FAIL {sub} {type(problem).__name__}")
        except Exception as problem:  # noqa: BLE001 - exactly what the test looks for
            failed.append(payload)
            _say(f"UNHANDLED {sub} {type(problem).__name__}: {problem}")
        else:
            _say(f"OK {sub}")
    _say("DONE")
    _wait_for("CLEAN")
    for payload in failed:
        sub = payload["submission_id"]
        try:
            duplicate = _send(kiosk, payload)
        except Exception as problem:  # noqa: BLE001
            _say(f"RETRY {sub} failed {type(problem).__name__}")
        else:
            _say(f"RETRY {sub} {'duplicate' if duplicate else 'ok'}")
    staff.lock()
    _say("END")


if __name__ == "__main__":
    main(*sys.argv[1:4])
