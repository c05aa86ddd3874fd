"""A small stand-in for services.kiosk.KioskService, for driving the kiosk pages without a database.

It follows the real service's interface (issue 4's API) and its error
classes, and records what the kiosk asked of it, so page tests can check
"submit was called once" or "abandon was told the page" directly. The
integration tests (test_kiosk_service_flow.py) run the same flows against the
real service and an encrypted clinic.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from alliance_desktop.core.clock import FakeClock
from alliance_desktop.core.instruments import load_bundled
from alliance_desktop.core.kiosk_model import (
    InstructionPage,
    KioskAnswers,
    KioskQuestionnaire,
    SubmitReceipt,
)
from alliance_desktop.services.errors import StorageError
from alliance_desktop.services.kiosk_errors import (
    CodeExpired,
    CodePaused,
    CodeUsed,
    InvalidCode,
    PinPaused,
)

PIN = "246810"
INSTRUCTION = "Our clinic values your view of your therapy. Please tell your therapist what helps."


def questionnaire(*, therapist: str = "Dr. Anna Muster", session: int = 3, language: str = "en",
                  instruments: tuple[str, ...] = ("example-alliance",), instruction: bool = False,
                  comment_max_chars: int = 500) -> KioskQuestionnaire:
    bundled = load_bundled()
    chosen = tuple(bundled[i] for i in instruments)
    return KioskQuestionnaire(
        token=uuid.uuid4().hex,
        clinic_name="Praxis am See",
        therapist_display_name=therapist,
        session_number=session,
        language=language,
        instruction=InstructionPage(INSTRUCTION, "default-1", language) if instruction else None,
        instruments=chosen,
        instrument_languages={i.id: (language if language in i.languages else "en") for i in chosen},
        comment_max_chars=comment_max_chars,
    )


@dataclass
class FakeKioskService:
    clock: FakeClock = field(default_factory=FakeClock)
    clinic_name: str = "Praxis am See"
    codes: dict[str, KioskQuestionnaire] = field(default_factory=dict)
    expired: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    pin: str | None = PIN
    submitted: dict[uuid.UUID, KioskAnswers] = field(default_factory=dict)
    submit_calls: int = 0
    fail_submits: int = 0  # how many of the next submits raise a storage error
    abandoned: list[tuple[KioskQuestionnaire | None, str]] = field(default_factory=list)
    instruction_log: list[str] = field(default_factory=list)
    wrong_codes: list[float] = field(default_factory=list)
    code_pause_until: float = 0.0
    wrong_pins: int = 0
    pin_pause_until: float = 0.0

    def languages(self) -> tuple[str, ...]:
        return ("en", "de", "fr", "it")

    def resolve_code(self, code: str, language: str) -> KioskQuestionnaire:
        now = self.clock.monotonic()
        if now < self.code_pause_until:
            raise CodePaused(self.code_pause_until - now)
        if code in self.expired:
            raise CodeExpired()
        if code in self.used:
            raise CodeUsed()
        if code not in self.codes:
            self.wrong_codes = [t for t in self.wrong_codes if now - t < 60] + [now]
            if len(self.wrong_codes) >= 5:  # as the real service: the fifth wrong code starts the pause
                self.code_pause_until = now + 60
                self.wrong_codes = []
                raise CodePaused(60)
            raise InvalidCode()
        self.used.add(code)
        return self.codes.pop(code)

    def instruction_shown(self, q: KioskQuestionnaire) -> None:
        self.instruction_log.append(q.token)

    def submit(self, q: KioskQuestionnaire, answers: KioskAnswers) -> SubmitReceipt:
        self.submit_calls += 1
        if self.fail_submits:
            self.fail_submits -= 1
            raise StorageError("disk full")
        duplicate = answers.submission_id in self.submitted
        self.submitted[answers.submission_id] = answers
        return SubmitReceipt(answers.submission_id, duplicate)

    def abandon(self, q: KioskQuestionnaire | None, page: str) -> None:
        self.abandoned.append((q, page))

    def exit_pin_is_set(self) -> bool:
        return self.pin is not None

    def verify_exit_pin(self, pin: str) -> bool:
        now = self.clock.monotonic()
        if now < self.pin_pause_until:
            raise PinPaused(self.pin_pause_until - now)
        if pin == self.pin:
            self.wrong_pins = 0
            return True
        self.wrong_pins += 1
        if self.wrong_pins >= 5:  # as the real service: the fifth wrong PIN starts a 60 s pause, then doubling
            pause = 60 * 2 ** (self.wrong_pins - 5)
            self.pin_pause_until = now + pause
            raise PinPaused(pause)
        return False
