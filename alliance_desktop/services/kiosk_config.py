"""The clinic's kiosk configuration, read from clinic settings inside the encrypted database.

Shared by the kiosk itself (services.kiosk) and the staff/admin side
(services.kiosk_admin). Settings keys:

- ``kiosk_instruments``: instrument ids asked by default (``('example-alliance', 'phq9')``);
- ``kiosk_instruction``: ``{"enabled", "at_session", "version", "texts"}``; ``texts`` None
  means the shipped default (resources/instruction/default.json);
- ``kiosk_instruction_history``: version -> texts of every custom version ever set,
  so an instruction event's ``text_version`` always says which words were shown;
- ``kiosk_comment_max_chars``, ``kiosk_idle``: limits and idle times;
- ``kiosk_code_secret`` (services.kiosk_codes) and ``kiosk_exit_pin`` (services.kiosk_pin).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from sqlalchemy.orm import Session

from alliance_desktop.core.instruments import Instrument, WordingPackError, load_bundled, parse_wording_pack
from alliance_desktop.core.kiosk_model import (
    DEFAULT_COMMENT_MAX_CHARS,
    DEFAULT_IDLE_RESET_S,
    DEFAULT_IDLE_WARNING_S,
    DEFAULT_INSTRUCTION_SESSION,
    DEFAULT_KIOSK_INSTRUMENTS,
    FALLBACK_LANGUAGE,
    KioskSettings,
    pick_language,
)
from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.resources import resource_path
from alliance_desktop.services.kiosk_errors import InstrumentNotAdministrable, InvalidInput, NotAllowed
from alliance_desktop.storage import kiosk_store, repositories
from alliance_desktop.storage.kiosk_store import SessionContext, wording_pack_contents

KEY_INSTRUMENTS = "kiosk_instruments"
KEY_INSTRUCTION = "kiosk_instruction"
KEY_INSTRUCTION_HISTORY = "kiosk_instruction_history"
KEY_COMMENT_MAX = "kiosk_comment_max_chars"
KEY_IDLE = "kiosk_idle"
KEY_CODE_SECRET = "kiosk_code_secret"
KEY_EXIT_PIN = "kiosk_exit_pin"


@dataclass(frozen=True, slots=True)
class DefaultInstruction:
    version: str
    label: str
    texts: Mapping[str, str]


@cache
def default_instruction() -> DefaultInstruction:
    """The shipped default instruction: our own paraphrase, labelled as such, in en/de/fr/it."""
    raw = json.loads(resource_path("instruction", "default.json").read_text(encoding="utf-8"))
    return DefaultInstruction(version=str(raw["version"]), label=str(raw["label"]), texts=dict(raw["texts"]))


@dataclass(frozen=True, slots=True)
class InstructionConfig:
    enabled: bool
    at_session: int
    version: str
    texts: Mapping[str, str]
    is_default: bool
    label: str


def instruction_config(s: Session) -> InstructionConfig:
    raw = repositories.get_setting(s, KEY_INSTRUCTION, None) or {}
    default = default_instruction()
    texts = raw.get("texts")
    enabled = bool(raw.get("enabled", True))
    at_session = int(raw.get("at_session", DEFAULT_INSTRUCTION_SESSION))
    if not texts:
        return InstructionConfig(enabled, at_session, default.version, default.texts, True, default.label)
    return InstructionConfig(enabled, at_session, str(raw["version"]), dict(texts), False,
                             "The clinic's own instruction text.")


def configured_instruments(s: Session) -> tuple[str, ...]:
    ids = repositories.get_setting(s, KEY_INSTRUMENTS, None)
    return tuple(ids) if ids else DEFAULT_KIOSK_INSTRUMENTS


def comment_max_chars(s: Session) -> int:
    return int(repositories.get_setting(s, KEY_COMMENT_MAX, DEFAULT_COMMENT_MAX_CHARS))


def idle_times(s: Session) -> tuple[int, int]:
    raw = repositories.get_setting(s, KEY_IDLE, None) or {}
    return int(raw.get("warning_s", DEFAULT_IDLE_WARNING_S)), int(raw.get("reset_s", DEFAULT_IDLE_RESET_S))


def read_settings(s: Session) -> KioskSettings:
    instruction = instruction_config(s)
    warning, reset = idle_times(s)
    return KioskSettings(
        instruments=configured_instruments(s),
        instruction_enabled=instruction.enabled,
        instruction_session=instruction.at_session,
        instruction_texts=instruction.texts,
        instruction_text_version=instruction.version,
        instruction_is_default=instruction.is_default,
        instruction_label=instruction.label,
        comment_max_chars=comment_max_chars(s),
        idle_warning_s=warning,
        idle_reset_s=reset,
        exit_pin_set=bool(repositories.get_setting(s, KEY_EXIT_PIN, None)),
    )


# -- instruments ---------------------------------------------------------------------------


def clinic_instruments(s: Session, instrument_ids: Iterable[str]) -> dict[str, Instrument]:
    """The clinic's definitions of ``instrument_ids``: bundled, with installed wording packs applied.

    A pack stored in the database that no longer matches its definition is
    skipped (the instrument stays structure-only and so cannot be given).
    Unknown ids raise InvalidInput.
    """
    bundled = load_bundled()
    wanted = list(dict.fromkeys(instrument_ids))
    unknown = [i for i in wanted if i not in bundled]
    if unknown:
        raise InvalidInput("instrument_ids", f"Unknown instrument: {', '.join(unknown)}.")
    out = {i: bundled[i] for i in wanted}
    needs_pack = [i for i in wanted if out[i].wording == "structure_only"]
    for instrument_id, version, content in (wording_pack_contents(s, needs_pack) if needs_pack else []):
        base = bundled[instrument_id]
        if version != base.version:
            continue
        try:
            pack = parse_wording_pack(json.dumps(content).encode("utf-8"), base, f"{instrument_id} wording pack")
        except WordingPackError:
            continue
        out[instrument_id] = base.with_wording(pack)
    return out


def administrable_instruments(s: Session, instrument_ids: Iterable[str]) -> dict[str, Instrument]:
    """Like :func:`clinic_instruments`, refusing any that cannot be given to a client (says why and how)."""
    ids = list(instrument_ids)
    if not ids:
        raise InvalidInput("instrument_ids", "Choose at least one questionnaire.")
    instruments = clinic_instruments(s, ids)
    for instrument in instruments.values():
        reason = instrument.administrable(pick_language(FALLBACK_LANGUAGE, instrument.languages))
        if reason is not None:
            raise InstrumentNotAdministrable(reason)
    return instruments


# -- roles ---------------------------------------------------------------------------------


def require_admin(user: StaffUser, what: str) -> None:
    if user.role is not Role.ADMIN:
        raise NotAllowed(f"Only an administrator can {what}.")


def require_may_serve(user: StaffUser, ctx: SessionContext) -> None:
    """Who may hand a client their questionnaire: the client's therapist, or an administrator."""
    if user.role is Role.ADMIN or (user.role is Role.THERAPIST and user.id == ctx.therapist_id):
        return
    raise NotAllowed("Only the client's therapist or an administrator can open feedback for this session.")


def servable_session(s: Session, user: StaffUser, therapy_session_id: uuid.UUID, *,
                     refusal: str = "") -> SessionContext:
    """The held therapy session ``user`` may open feedback for (a code or a hand-over), else a clear refusal.

    ``refusal`` ends the message for a session that is not held (e.g. ": no feedback code.").
    """
    ctx = kiosk_store.session_context(s, therapy_session_id)
    if ctx is None:
        raise InvalidInput("therapy_session_id", "This therapy session does not exist.")
    require_may_serve(user, ctx)
    if ctx.status != "held":
        raise InvalidInput("therapy_session_id", f"Session {ctx.number} is marked '{ctx.status}'{refusal}.")
    return ctx
