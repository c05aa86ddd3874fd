"""Failed-unlock bookkeeping that works before the database is open.

A failed unlock cannot be written to the audit log (the log is inside the
database the person failed to open), so failures are kept in a small side
file: timestamps only, no user names (a name typed into the wrong field could
be a client's). The next successful unlock moves them into the audit log.
The same file drives the backoff: after 5 failures in a row each further try
waits 2^(n-5) seconds (RELIABILITY row 9).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alliance_desktop.storage.atomic import atomic_write_bytes

FREE_ATTEMPTS = 5
MAX_RECORDED = 1000
MAX_WAIT_S = 3600.0


class FailureLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[datetime]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []  # the usual case: no failed unlock since the last success
        import json  # only when there is a file: the login window reads this on every start

        try:
            data = json.loads(raw.decode("utf-8"))
            return [datetime.fromisoformat(x) for x in data.get("failures", [])]
        except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
            # A damaged counter must never lock staff out; start again from zero.
            return []

    def record(self, at: datetime) -> int:
        import json

        failures = [*self.load(), at][-MAX_RECORDED:]
        payload = {"failures": [f.isoformat() for f in failures]}
        atomic_write_bytes(self.path, json.dumps(payload).encode("utf-8"))
        return len(failures)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def wait_seconds(self, now: datetime) -> float:
        """Seconds to wait before the next attempt is allowed (0 when allowed now)."""
        failures = self.load()
        n = len(failures)
        if n < FREE_ATTEMPTS:
            return 0.0
        wait = min(2.0 ** (n - FREE_ATTEMPTS), MAX_WAIT_S)
        elapsed = (now - failures[-1]).total_seconds()
        if elapsed < 0:  # clock moved backwards: count from now, never unlock early
            elapsed = 0.0
        return max(0.0, wait - elapsed)
