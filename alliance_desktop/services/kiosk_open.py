"""Opening a questionnaire on the kiosk: from a ticket (or a staff hand-over) to what the client sees.

The service keeps an :class:`OpenQuestionnaire` per handed-out questionnaire
(ticket, therapy session, episode, the instruments with their wording); the
kiosk UI gets only the :class:`KioskQuestionnaire` built next to it, which
carries an opaque random token instead of any of those ids.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from alliance_desktop.core.instruments import Instrument
from alliance_desktop.core.kiosk_model import (
    InstructionPage,
    KioskQuestionnaire,
    instruction_due,
    pick_language,
    submission_id_for,
)
from alliance_desktop.services.kiosk_codes import clinic_secret, code_hash
from alliance_desktop.services.kiosk_config import administrable_instruments, comment_max_chars, instruction_config
from alliance_desktop.services.kiosk_errors import CodeExpired, CodeUsed, InvalidCode
from alliance_desktop.storage import kiosk_store
from alliance_desktop.storage.kiosk_store import SessionContext, TicketRecord

TOKEN_BYTES = 24


@dataclass(slots=True)
class OpenQuestionnaire:
    """What the kiosk service remembers about a questionnaire it handed out (never leaves the service)."""

    token: str
    ticket_id: uuid.UUID | None
    ctx: SessionContext
    instruments: tuple[Instrument, ...]
    languages: Mapping[str, str]
    language: str
    comment_max_chars: int
    instruction: InstructionPage | None
    instruction_logged: bool = False

    def submission_ids(self, submission_id: uuid.UUID) -> dict[str, uuid.UUID]:
        return {i.id: submission_id_for(submission_id, i.id) for i in self.instruments}


def ticket_for_code(
    s: Session, digits: str | None, now: datetime
) -> tuple[TicketRecord | None, type[InvalidCode] | None]:
    """The ticket a typed code opens, or the reason it opens none (unknown, used, expired)."""
    ticket = None
    if digits is not None:
        secret = clinic_secret(s)
        if secret is not None:
            ticket = kiosk_store.find_ticket(s, code_hash(secret, digits), now)
    if ticket is None:
        return None, InvalidCode
    if ticket.used_at is not None:
        return ticket, CodeUsed
    if ticket.expires_at <= now:
        return ticket, CodeExpired
    return ticket, None


def open_questionnaire(
    s: Session, ctx: SessionContext, ticket_id: uuid.UUID | None, instrument_ids: Sequence[str], language: str,
    clinic_name: str,
) -> tuple[OpenQuestionnaire, KioskQuestionnaire]:
    """The service's record and the client's view of one questionnaire, with the instruction when due.

    Each instrument is shown in ``language`` when it has that wording, else in
    English (e.g. PHQ-9 ships English only); the instruction likewise.
    Raises InstrumentNotAdministrable for an instrument without wording.
    """
    found = administrable_instruments(s, instrument_ids)
    instruments = tuple(found[i] for i in dict.fromkeys(instrument_ids))
    languages = {i.id: pick_language(language, i.languages) for i in instruments}
    config = instruction_config(s)
    page = None
    if instruction_due(config.enabled, config.at_session, ctx.number) and config.texts:
        shown = pick_language(language, tuple(config.texts))
        page = InstructionPage(text=config.texts[shown], text_version=config.version, language=shown)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    max_chars = comment_max_chars(s)
    record = OpenQuestionnaire(token=token, ticket_id=ticket_id, ctx=ctx, instruments=instruments,
                               languages=languages, language=language, comment_max_chars=max_chars,
                               instruction=page)
    view = KioskQuestionnaire(
        token=token, clinic_name=clinic_name, therapist_display_name=ctx.therapist_display_name,
        session_number=ctx.number, language=language, instruction=page, instruments=instruments,
        instrument_languages=languages, comment_max_chars=max_chars,
    )
    return record, view
