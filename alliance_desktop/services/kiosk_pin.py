"""The kiosk's exit PIN: set by an administrator, checked on the kiosk with a doubling pause.

The PIN is stored as an Argon2id hash (argon2-cffi's encoded form, which
carries its own salt and cost parameters) in the clinic settings inside the
encrypted database. It is hashed with the clinic's key-wrapping cost
parameters (the ones the logged-in session uses), so a test clinic with cheap
parameters gets cheap PIN checks too.

Brute force (RELIABILITY row 28): after 5 wrong tries in a row the kiosk
pauses 60 s, and every further wrong try doubles the pause (120 s, 240 s, ...,
at most an hour); a right PIN resets the count. Timing uses the monotonic
clock, so moving the wall clock neither lifts nor extends a pause.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from alliance_desktop.core.kiosk_model import exit_pin_problem
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.kiosk_config import KEY_EXIT_PIN, require_admin
from alliance_desktop.services.kiosk_errors import InvalidInput, PinPaused
from alliance_desktop.storage import audit, repositories
from alliance_desktop.storage.keys import DEFAULT_KDF, KdfParams

FREE_PIN_TRIES = 5
FIRST_PIN_PAUSE_S = 60.0
MAX_PIN_PAUSE_S = 3600.0


def _kdf_of(session: ClinicSession) -> KdfParams:
    # The session knows the cost parameters its clinic wraps keys with (cheap ones in tests).
    kdf = getattr(session, "_kdf", None)
    return kdf if isinstance(kdf, KdfParams) else DEFAULT_KDF


def hash_pin(pin: str, kdf: KdfParams) -> str:
    hasher = PasswordHasher(time_cost=kdf.time_cost, memory_cost=kdf.memory_kib, parallelism=kdf.parallelism,
                            hash_len=32, salt_len=16, type=Type.ID)
    return hasher.hash(pin)


def pin_matches(encoded: str, pin: str) -> bool:
    try:
        return PasswordHasher().verify(encoded, pin)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        return False


def set_exit_pin(session: ClinicSession, pin: str) -> None:
    """Set (or replace) the kiosk exit PIN: administrators only, at least 6 digits."""
    require_admin(session.user, "set the kiosk exit PIN")
    problem = exit_pin_problem(pin)
    if problem:
        raise InvalidInput("pin", problem)
    encoded = hash_pin(pin, _kdf_of(session))
    now = session.clock.now()
    with session.write() as s:
        repositories.set_setting(s, KEY_EXIT_PIN, {"hash": encoded, "set_at": now.isoformat(),
                                                   "set_by": str(session.user.id)}, now)
        audit.append(s, at=now, action="kiosk.exit_pin_set", actor_id=session.user.id)


def stored_pin_hash(session: ClinicSession) -> str | None:
    with session.read() as s:
        stored = repositories.get_setting(s, KEY_EXIT_PIN, None)
    return stored.get("hash") if isinstance(stored, dict) else None


class PinGuard:
    """Wrong exit PINs on one kiosk: 5 free tries, then a pause of 60 s doubling with each wrong try."""

    def __init__(self) -> None:
        self.wrong_in_a_row = 0
        self._paused_until: float | None = None

    def check(self, now: float) -> None:
        if self._paused_until is not None and now < self._paused_until:
            raise PinPaused(self._paused_until - now)

    def wrong(self, now: float) -> float | None:
        """Record a wrong PIN; the pause it starts in seconds, or None while tries are free."""
        self.wrong_in_a_row += 1
        if self.wrong_in_a_row < FREE_PIN_TRIES:
            return None
        pause = min(FIRST_PIN_PAUSE_S * 2.0 ** (self.wrong_in_a_row - FREE_PIN_TRIES), MAX_PIN_PAUSE_S)
        self._paused_until = now + pause
        return pause

    def right(self) -> None:
        self.wrong_in_a_row = 0
        self._paused_until = None
