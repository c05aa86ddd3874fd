"""The kiosk: what a waiting-room device may do, and nothing else.

A :class:`KioskService` is made from a staff member's unlocked
``ClinicSession`` (staff start the kiosk) and then offers exactly the kiosk's
actions: turn a one-time code into a questionnaire, log that the instruction
was shown, submit answers, note an abandoned questionnaire, and check the
exit PIN. It has no method that returns stored data: no client list, no
earlier answers, no names other than the clinic's and the therapist's display
name. The staff session is held privately (and the kiosk UI may import only
this module from services: an import-linter contract in .importlinter), so
the kiosk code path has no read path to other clients' data (DESIGN.md
section 3, RELIABILITY rows 26 and 28).

A questionnaire handed out is known by an opaque random token; what it
stands for (ticket, therapy session, episode) stays inside the service.
A submission is one transaction; its stored ids are derived from the
kiosk's submission id, so a retry (double tap, crash before the thank-you
page) stores nothing new and says ``duplicate=True`` (RELIABILITY row 2).

The staff/admin functions (codes, PIN, settings) live in services.kiosk_admin
and are re-exported here for convenience; they need a ``ClinicSession``,
which the kiosk UI never holds.
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from alliance_desktop.core.clock import Clock
from alliance_desktop.core.kiosk_model import (
    KIOSK_LANGUAGES,
    InstructionPage,
    IssuedCode,
    KioskAnswers,
    KioskQuestionnaire,
    KioskSettings,
    SubmitReceipt,
    normalise_code,
    submission_id_for,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.kiosk_admin import (
    issue_kiosk_code,
    kiosk_settings,
    set_exit_pin,
    set_instruction,
    set_kiosk_instruments,
    set_kiosk_limits,
)
from alliance_desktop.services.kiosk_codes import CODE_PAUSE_S, CodeAttempts
from alliance_desktop.services.kiosk_config import configured_instruments, idle_times, servable_session
from alliance_desktop.services.kiosk_errors import (
    CodeExpired,
    CodePaused,
    CodeUsed,
    ExitPinNotSet,
    InstrumentNotAdministrable,
    InvalidCode,
    InvalidInput,
    KioskError,
    NotAllowed,
    PinPaused,
    QuestionnaireClosed,
    ServiceError,
)
from alliance_desktop.services.kiosk_pin import PinGuard, pin_matches, stored_pin_hash
from alliance_desktop.services.kiosk_open import OpenQuestionnaire, open_questionnaire, ticket_for_code
from alliance_desktop.services.kiosk_submit import alert_rows, check_answers, response_rows
from alliance_desktop.storage import audit, kiosk_store
from alliance_desktop.storage.kiosk_store import SessionContext

__all__ = [
    "CodeExpired",
    "CodePaused",
    "CodeUsed",
    "ExitPinNotSet",
    "InstructionPage",
    "InstrumentNotAdministrable",
    "InvalidCode",
    "InvalidInput",
    "IssuedCode",
    "KioskAnswers",
    "KioskError",
    "KioskQuestionnaire",
    "KioskService",
    "KioskSettings",
    "NotAllowed",
    "PinPaused",
    "QuestionnaireClosed",
    "ServiceError",
    "SubmitReceipt",
    "issue_kiosk_code",
    "kiosk_settings",
    "open_for_session",
    "set_exit_pin",
    "set_instruction",
    "set_kiosk_instruments",
    "set_kiosk_limits",
]

_MAX_OPEN = 16  # questionnaires remembered per device; older ones are closed
_DEVICE_ID = re.compile(r"[A-Za-z0-9._:@-]{1,64}")
_PAGE = re.compile(r"[A-Za-z0-9._:/-]{1,48}")
_START = object()


class KioskService:
    """What a kiosk device may do and nothing else. Make one with :meth:`start`."""

    __slots__ = ("__clock", "__codes", "__device", "__open", "__pin", "__session")

    def __init__(self, key: object, session: ClinicSession, device_id: str, clock: Clock) -> None:
        if key is not _START:
            raise TypeError("use KioskService.start(session, device_id=...)")
        self.__session = session
        self.__device = device_id
        self.__clock = clock
        self.__open: OrderedDict[str, OpenQuestionnaire] = OrderedDict()
        self.__codes = CodeAttempts()
        self.__pin = PinGuard()

    @classmethod
    def start(cls, session: ClinicSession, *, device_id: str, clock: Clock | None = None) -> KioskService:
        """Start the kiosk on this device from a logged-in staff session (audited)."""
        if not isinstance(device_id, str) or not _DEVICE_ID.fullmatch(device_id):
            raise InvalidInput("device_id", "The device id must be 1-64 letters, digits or . _ : @ -")
        service = cls(_START, session, device_id, clock or session.clock)
        session.record("kiosk.started", details={"device": device_id})
        return service

    def __repr__(self) -> str:
        return f"KioskService(device={self.__device!r})"

    # -- what the welcome screen shows --------------------------------------------------------

    @property
    def clinic_name(self) -> str:
        return self.__session.clinic_name

    @staticmethod
    def languages() -> tuple[str, ...]:
        return KIOSK_LANGUAGES

    def idle_timeouts(self) -> tuple[int, int]:
        """(seconds without input before "Are you still there?", seconds of countdown before the reset)."""
        with self.__session.read() as s:
            return idle_times(s)

    # -- codes --------------------------------------------------------------------------------

    def resolve_code(self, code: str, language: str) -> KioskQuestionnaire:
        """The questionnaire a one-time code opens, or InvalidCode / CodeExpired / CodeUsed / CodePaused."""
        mono = self.__clock.monotonic()
        self.__codes.check(mono)
        self._check_language(language)
        now = self.__clock.now()
        session = self.__session
        paused = False
        with session.write() as s:
            ticket, problem = ticket_for_code(s, normalise_code(code), now)
            if problem is not None:
                paused = self.__codes.wrong(mono)
                audit.append(s, at=now, action="kiosk.code_rejected", actor_id=session.user.id,
                             details={"device": self.__device, "reason": _REASONS[problem], "paused": paused})
            else:
                assert ticket is not None
                ctx = kiosk_store.session_context(s, ticket.session_id)
                if ctx is None:  # pragma: no cover - tickets reference sessions by foreign key
                    raise QuestionnaireClosed()
                try:
                    view = self._open(s, ctx, ticket.id, ticket.instrument_ids, language)
                except InstrumentNotAdministrable:
                    raise QuestionnaireClosed(
                        "This questionnaire cannot be shown on the kiosk right now. Please ask at reception."
                    ) from None
                self.__codes.right()
                audit.append(s, at=now, action="kiosk.code_accepted", actor_id=session.user.id,
                             target_kind="kiosk_ticket", target_id=str(ticket.id),
                             details={"device": self.__device, "language": language})
                return view
        if paused:
            raise CodePaused(CODE_PAUSE_S)
        raise problem()

    def _hand_over(self, therapy_session_id: uuid.UUID, language: str,
                   instrument_ids: Sequence[str] | None) -> KioskQuestionnaire:
        self._check_language(language)
        session = self.__session
        now = self.__clock.now()
        with session.write() as s:
            ctx = servable_session(s, session.user, therapy_session_id)
            ids = tuple(dict.fromkeys(instrument_ids)) if instrument_ids is not None else configured_instruments(s)
            view = self._open(s, ctx, None, ids, language)
            audit.append(s, at=now, action="kiosk.handed_over", actor_id=session.user.id,
                         target_kind="therapy_session", target_id=str(ctx.session_id),
                         details={"device": self.__device, "language": language, "instruments": list(ids)})
        return view

    def _open(self, s: Session, ctx: SessionContext, ticket_id: uuid.UUID | None,
              instrument_ids: Sequence[str], language: str) -> KioskQuestionnaire:
        record, view = open_questionnaire(s, ctx, ticket_id, instrument_ids, language, self.__session.clinic_name)
        self.__open[record.token] = record
        while len(self.__open) > _MAX_OPEN:
            self.__open.popitem(last=False)
        return view

    # -- the questionnaire --------------------------------------------------------------------

    def instruction_shown(self, q: KioskQuestionnaire) -> None:
        """Log the delivery of the instruction (once per questionnaire): version, language, time, device."""
        record = self._record(q)
        if record.instruction is None:
            raise InvalidInput("instruction", "This questionnaire has no instruction page.")
        if record.instruction_logged:
            return
        session = self.__session
        now = self.__clock.now()
        with session.write() as s:
            event_id = kiosk_store.add_instruction_event(
                s, episode_id=record.ctx.episode_id, session_id=record.ctx.session_id,
                text_version=record.instruction.text_version, language=record.instruction.language,
                channel="kiosk", device_id=self.__device, delivered_by=None, delivered_at=now,
            )
            audit.append(s, at=now, action="instruction.delivered", actor_id=session.user.id,
                         target_kind="instruction_event", target_id=str(event_id),
                         details={"device": self.__device, "channel": "kiosk",
                                  "text_version": record.instruction.text_version,
                                  "language": record.instruction.language})
        record.instruction_logged = True

    def submit(self, q: KioskQuestionnaire, answers: KioskAnswers) -> SubmitReceipt:
        """Store the answers in one transaction; a retry with the same submission id stores nothing new."""
        record = self.__open.get(q.token)
        if record is None:
            return self._known_submission(q, answers)
        checked = check_answers(record, answers)
        sub_ids = record.submission_ids(checked.submission_id)
        session = self.__session
        now = self.__clock.now()
        with session.write() as s:
            existing = kiosk_store.existing_submissions(s, sub_ids.values())
            if existing:
                if set(existing.values()) != {record.ctx.session_id}:
                    raise InvalidInput("submission_id", "This submission id belongs to another questionnaire.")
                duplicate = True
            else:
                duplicate = False
                if record.ticket_id is not None and not kiosk_store.mark_ticket_used(s, record.ticket_id, now):
                    raise QuestionnaireClosed("This code has already been used on another device. "
                                              "Please ask at reception.")
                responses = response_rows(record, checked, device_id=self.__device, now=now)
                alerts = alert_rows(s, record, checked, responses, now)
                alert_ids = kiosk_store.insert_submission(s, responses, alerts)
                audit.append(s, at=now, action="kiosk.submitted", actor_id=session.user.id,
                             target_kind="submission", target_id=str(checked.submission_id),
                             details={"device": self.__device,
                                      "ticket": str(record.ticket_id) if record.ticket_id else None,
                                      "responses": [str(r.id) for r in responses],
                                      "alerts": [str(a) for a in alert_ids]})
        self.__open.pop(q.token, None)
        return SubmitReceipt(submission_id=checked.submission_id, duplicate=duplicate)

    def _known_submission(self, q: KioskQuestionnaire, answers: KioskAnswers) -> SubmitReceipt:
        # The questionnaire is closed here (sent already, or the kiosk restarted): a retry of a
        # stored submission is acknowledged, anything else is refused.
        if isinstance(answers.submission_id, uuid.UUID) and q.instruments:
            ids = [submission_id_for(answers.submission_id, i.id) for i in q.instruments]
            with self.__session.read() as s:
                if kiosk_store.existing_submissions(s, ids):
                    return SubmitReceipt(submission_id=answers.submission_id, duplicate=True)
        raise QuestionnaireClosed()

    def abandon(self, q: KioskQuestionnaire | None, page: str) -> None:
        """The client walked away: the draft is gone; note which page it was on (never any answers)."""
        record = self.__open.pop(q.token, None) if q is not None else None
        page_name = page if isinstance(page, str) and _PAGE.fullmatch(page) else "other"
        session = self.__session
        with session.write() as s:
            audit.append(s, at=self.__clock.now(), action="kiosk.abandoned", actor_id=session.user.id,
                         target_kind="kiosk_ticket" if record and record.ticket_id else None,
                         target_id=str(record.ticket_id) if record and record.ticket_id else None,
                         details={"device": self.__device, "page": page_name,
                                  "questionnaire": record is not None})

    def _record(self, q: KioskQuestionnaire) -> OpenQuestionnaire:
        record = self.__open.get(q.token)
        if record is None:
            raise QuestionnaireClosed()
        return record

    @staticmethod
    def _check_language(language: str) -> None:
        if language not in KIOSK_LANGUAGES:
            raise InvalidInput("language", f"Choose one of {', '.join(KIOSK_LANGUAGES)}.")

    # -- leaving the kiosk --------------------------------------------------------------------

    def exit_pin_is_set(self) -> bool:
        return stored_pin_hash(self.__session) is not None

    def verify_exit_pin(self, pin: str) -> bool:
        """True for the right PIN; after 5 wrong tries PinPaused (60 s, doubling with each further wrong try)."""
        mono = self.__clock.monotonic()
        self.__pin.check(mono)
        encoded = stored_pin_hash(self.__session)
        if encoded is None:
            raise ExitPinNotSet()
        ok = isinstance(pin, str) and pin_matches(encoded, pin)
        pause = None if ok else self.__pin.wrong(mono)
        if ok:
            self.__pin.right()
        session = self.__session
        with session.write() as s:
            audit.append(s, at=self.__clock.now(), action="kiosk.exit_pin_ok" if ok else "kiosk.exit_pin_failed",
                         actor_id=session.user.id,
                         details={"device": self.__device, **({} if ok else {"pause_s": pause or 0})})
        if pause:
            raise PinPaused(pause)
        return ok


_REASONS: dict[type[InvalidCode], str] = {InvalidCode: "unknown", CodeUsed: "used", CodeExpired: "expired"}


def open_for_session(
    service: KioskService, therapy_session_id: uuid.UUID, language: str,
    instrument_ids: Sequence[str] | None = None,
) -> KioskQuestionnaire:
    """The "hand over now" path: staff open a session's questionnaire on this kiosk without a code.

    Allowed for the client's therapist or an administrator (the staff member
    whose session started the kiosk); audited as ``kiosk.handed_over``.
    """
    return service._hand_over(therapy_session_id, language, instrument_ids)
