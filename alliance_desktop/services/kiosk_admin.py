"""Staff- and admin-side kiosk functions (used by the staff window, never by the kiosk UI).

Issuing codes (the client's therapist or an administrator), the exit PIN and
the clinic's kiosk settings (administrators). Roles are enforced here, not
only by hiding buttons.

The instruction text is versioned: the shipped default has the version of
resources/instruction/default.json; a clinic's own text gets
``custom-<first 12 hex of its SHA-256>``, and every version's texts are kept in
the settings, so the ``text_version`` of an instruction event always tells
which words a client saw.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence

from alliance_desktop.core.kiosk_model import (
    IDLE_RANGE_S,
    KIOSK_LANGUAGES,
    MAX_COMMENT_MAX_CHARS,
    KioskSettings,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.kiosk_codes import issue_kiosk_code
from alliance_desktop.services.kiosk_config import (
    KEY_COMMENT_MAX,
    KEY_IDLE,
    KEY_INSTRUCTION,
    KEY_INSTRUCTION_HISTORY,
    KEY_INSTRUMENTS,
    administrable_instruments,
    default_instruction,
    read_settings,
    require_admin,
)
from alliance_desktop.services.kiosk_errors import InvalidInput
from alliance_desktop.services.kiosk_pin import set_exit_pin
from alliance_desktop.storage import audit, repositories

__all__ = [
    "issue_kiosk_code",
    "kiosk_settings",
    "set_exit_pin",
    "set_instruction",
    "set_kiosk_instruments",
    "set_kiosk_limits",
]

MAX_INSTRUCTION_CHARS = 4000
MAX_INSTRUCTION_SESSION = 100


def kiosk_settings(session: ClinicSession) -> KioskSettings:
    """The clinic's kiosk settings (any staff member may read them)."""
    with session.read() as s:
        return read_settings(s)


def _clean_texts(texts: Mapping[str, str]) -> dict[str, str]:
    if not texts:
        raise InvalidInput("texts", "Give the instruction text in at least one language.")
    out: dict[str, str] = {}
    for language, text in texts.items():
        if language not in KIOSK_LANGUAGES:
            raise InvalidInput("texts", f"'{language}' is not a kiosk language ({', '.join(KIOSK_LANGUAGES)}).")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("texts", f"The instruction text in '{language}' is empty.")
        clean = unicodedata.normalize("NFC", text)
        if len(clean) > MAX_INSTRUCTION_CHARS:
            raise InvalidInput("texts", f"The instruction text in '{language}' is longer than "
                                        f"{MAX_INSTRUCTION_CHARS} characters.")
        out[language] = clean
    return out


def set_instruction(
    session: ClinicSession, enabled: bool, at_session: int = 5, texts: Mapping[str, str] | None = None
) -> KioskSettings:
    """Switch the feedback instruction on or off, choose its session and (optionally) the clinic's own text.

    ``texts`` None restores the shipped default (our own paraphrase, labelled as such).
    """
    require_admin(session.user, "change the kiosk instruction")
    if isinstance(at_session, bool) or not isinstance(at_session, int) or not 1 <= at_session <= MAX_INSTRUCTION_SESSION:
        raise InvalidInput("at_session", f"The instruction session must be a session number from 1 to "
                                         f"{MAX_INSTRUCTION_SESSION}.")
    if texts is None:
        version, stored = default_instruction().version, None
    else:
        stored = _clean_texts(texts)
        digest = hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
        version = f"custom-{digest[:12]}"
    now = session.clock.now()
    with session.write() as s:
        repositories.set_setting(s, KEY_INSTRUCTION, {"enabled": bool(enabled), "at_session": at_session,
                                                      "version": version, "texts": stored}, now)
        if stored is not None:
            history = dict(repositories.get_setting(s, KEY_INSTRUCTION_HISTORY, None) or {})
            if version not in history:
                history[version] = stored
                repositories.set_setting(s, KEY_INSTRUCTION_HISTORY, history, now)
        audit.append(s, at=now, action="kiosk.instruction_set", actor_id=session.user.id,
                     details={"enabled": bool(enabled), "at_session": at_session, "version": version})
        return read_settings(s)


def set_kiosk_instruments(session: ClinicSession, instrument_ids: Sequence[str]) -> KioskSettings:
    """The questionnaires a new code asks by default, in order; each must be administrable."""
    require_admin(session.user, "choose the kiosk questionnaires")
    ids = list(dict.fromkeys(instrument_ids))
    now = session.clock.now()
    with session.write() as s:
        administrable_instruments(s, ids)
        repositories.set_setting(s, KEY_INSTRUMENTS, ids, now)
        audit.append(s, at=now, action="kiosk.instruments_set", actor_id=session.user.id,
                     details={"instruments": ids})
        return read_settings(s)


def set_kiosk_limits(
    session: ClinicSession, *, comment_max_chars: int | None = None, idle_warning_s: int | None = None,
    idle_reset_s: int | None = None,
) -> KioskSettings:
    """Comment length limit and the idle times ("Are you still there?" after, then reset after; 30-300 s)."""
    require_admin(session.user, "change the kiosk limits")
    low, high = IDLE_RANGE_S
    for name, value in (("idle_warning_s", idle_warning_s), ("idle_reset_s", idle_reset_s)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            raise InvalidInput(name, f"Idle times can be from {low} to {high} seconds.")
    if comment_max_chars is not None and (
        isinstance(comment_max_chars, bool) or not isinstance(comment_max_chars, int)
        or not 0 <= comment_max_chars <= MAX_COMMENT_MAX_CHARS
    ):
        raise InvalidInput("comment_max_chars", f"The comment limit can be from 0 to {MAX_COMMENT_MAX_CHARS}.")
    now = session.clock.now()
    with session.write() as s:
        current = read_settings(s)
        if comment_max_chars is not None:
            repositories.set_setting(s, KEY_COMMENT_MAX, comment_max_chars, now)
        if idle_warning_s is not None or idle_reset_s is not None:
            repositories.set_setting(s, KEY_IDLE, {
                "warning_s": idle_warning_s if idle_warning_s is not None else current.idle_warning_s,
                "reset_s": idle_reset_s if idle_reset_s is not None else current.idle_reset_s,
            }, now)
        audit.append(s, at=now, action="kiosk.limits_set", actor_id=session.user.id,
                     details={"comment_max_chars": comment_max_chars, "idle_warning_s": idle_warning_s,
                              "idle_reset_s": idle_reset_s})
        return read_settings(s)
