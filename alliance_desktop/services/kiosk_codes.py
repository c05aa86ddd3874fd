"""One-time kiosk codes: issuing them (staff) and the wrong-code pause (kiosk).

Why a keyed hash: six digits are only a million possibilities, so a plain
hash of the code in the database would be reversed in milliseconds. The code
is stored as HMAC-SHA256 under a per-clinic random secret that lives in the
clinic settings, inside the encrypted database: a stolen ticket table alone
says nothing. The code itself is shown once to staff and never stored, logged
or put into an exception.

Why a pause per device: six digits can be guessed; five wrong codes within a
minute pause this device's keypad for 60 s (monotonic clock, so changing the
wall clock does not lift it), which keeps guessing far slower than a code's
two-hour life.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from alliance_desktop.core.kiosk_model import CODE_DIGITS, IssuedCode
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.kiosk_config import (
    KEY_CODE_SECRET,
    administrable_instruments,
    configured_instruments,
    servable_session,
)
from alliance_desktop.services.kiosk_errors import CodePaused, InvalidInput
from alliance_desktop.storage import audit, kiosk_store, repositories

DEFAULT_VALID_FOR = timedelta(hours=2)
MAX_VALID_FOR = timedelta(days=7)
WRONG_CODES_ALLOWED = 5
WRONG_CODE_WINDOW_S = 60.0
CODE_PAUSE_S = 60.0
_SECRET_BYTES = 32
_MAX_DRAWS = 50


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(secret: bytes, code: str) -> str:
    return hmac.new(secret, f"kiosk-code/v1|{code}".encode("ascii"), hashlib.sha256).hexdigest()


def clinic_secret(s: Session, *, create_at: datetime | None = None) -> bytes | None:
    """The clinic's code secret; created (inside the caller's write) when ``create_at`` is a time."""
    stored = repositories.get_setting(s, KEY_CODE_SECRET, None)
    if stored:
        return bytes.fromhex(stored)
    if create_at is None:
        return None
    secret = secrets.token_bytes(_SECRET_BYTES)
    repositories.set_setting(s, KEY_CODE_SECRET, secret.hex(), create_at)
    return secret


def issue_kiosk_code(
    session: ClinicSession,
    therapy_session_id: uuid.UUID,
    instrument_ids: Sequence[str] | None = None,
    valid_for: timedelta = DEFAULT_VALID_FOR,
) -> IssuedCode:
    """A single-use 6-digit code that opens this session's questionnaire on a kiosk.

    Only the client's therapist or an administrator may issue one. Instruments
    default to the clinic's configured set; one that cannot be given to a
    client (structure-only, wording not installed) is refused with the reason
    and how to install its wording.
    """
    if not (timedelta(minutes=1) <= valid_for <= MAX_VALID_FOR):
        raise InvalidInput("valid_for", "A code can be valid from 1 minute up to 7 days.")
    now = session.clock.now()
    with session.write() as s:
        ctx = servable_session(s, session.user, therapy_session_id, refusal=": no feedback code")
        ids = tuple(dict.fromkeys(instrument_ids)) if instrument_ids is not None else configured_instruments(s)
        administrable_instruments(s, ids)
        secret = clinic_secret(s, create_at=now)
        assert secret is not None
        for _ in range(_MAX_DRAWS):
            code = new_code()
            digest = code_hash(secret, code)
            if not kiosk_store.active_ticket_with_hash(s, digest, now):
                break
        else:  # pragma: no cover - needs thousands of live codes at once
            raise InvalidInput("therapy_session_id", "Too many codes are open right now; try again in a moment.")
        expires_at = now + valid_for
        ticket_id = kiosk_store.add_ticket(s, code_hash=digest, session_id=ctx.session_id, instrument_ids=ids,
                                           issued_by=session.user.id, issued_at=now, expires_at=expires_at)
        audit.append(s, at=now, action="kiosk.code_issued", actor_id=session.user.id, target_kind="kiosk_ticket",
                     target_id=str(ticket_id),
                     details={"session_id": str(ctx.session_id), "instruments": list(ids),
                              "expires_at": expires_at.isoformat()})
    return IssuedCode(code=code, expires_at=expires_at)


class CodeAttempts:
    """Wrong codes on one device: 5 within 60 s pause the keypad for 60 s (monotonic seconds)."""

    def __init__(self) -> None:
        self._wrong: deque[float] = deque()
        self._paused_until: float | None = None

    def check(self, now: float) -> None:
        """Raise CodePaused while the pause lasts."""
        if self._paused_until is not None:
            if now < self._paused_until:
                raise CodePaused(self._paused_until - now)
            self._paused_until = None

    def wrong(self, now: float) -> bool:
        """Record a wrong code; True when it starts a pause."""
        self._wrong.append(now)
        while self._wrong and now - self._wrong[0] >= WRONG_CODE_WINDOW_S:
            self._wrong.popleft()
        if len(self._wrong) >= WRONG_CODES_ALLOWED:
            self._wrong.clear()
            self._paused_until = now + CODE_PAUSE_S
            return True
        return False

    def right(self) -> None:
        self._wrong.clear()
