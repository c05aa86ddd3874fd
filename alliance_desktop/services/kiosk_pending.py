"""The kiosk's service while the clinic database is still opening.

A kiosk started by a staff login paints its welcome screen as soon as the
password is known to be right (``ClinicAccess.check_password``), with the
clinic's sealed name (``storage.display_label``); the database opens right
after that first paint. ``PendingKiosk`` stands in for the
:class:`~alliance_desktop.services.kiosk.KioskService` during that moment and
offers the same calls:

- what the welcome screen needs (``clinic_name``, ``languages``,
  ``idle_timeouts``) is answered without the database;
- everything else waits for the real service: if a client is quicker than the
  database (a code typed within a fraction of a second), the call opens it
  there and then, so nothing is ever refused for being early.

This module imports nothing of the database layer, so the path to the first
paint stays free of it; the real service arrives through :meth:`attach`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from alliance_desktop.core.kiosk_languages import KIOSK_LANGUAGES
from alliance_desktop.services.kiosk_errors import KioskError

if TYPE_CHECKING:
    from alliance_desktop.core.kiosk_model import KioskAnswers, KioskQuestionnaire, SubmitReceipt
    from alliance_desktop.services.kiosk import KioskService

#: Until the clinic's own idle times are read: the kiosk defaults (60 s, then a 30 s countdown).
DEFAULT_IDLE = (60, 30)


class KioskNotReady(KioskError):
    user_message = "The kiosk could not open the clinic's data. Please ask at reception."


class PendingKiosk:
    """The kiosk service, answered from the sealed clinic name until the database is open."""

    def __init__(self, clinic_name: str, open_now: Callable[[], KioskService | None]) -> None:
        self._name = clinic_name
        self._open_now = open_now
        self._real: KioskService | None = None

    @property
    def ready(self) -> bool:
        return self._real is not None

    def attach(self, service: KioskService) -> None:
        self._real = service

    def _service(self) -> KioskService:
        if self._real is None:
            self._real = self._open_now()
        if self._real is None:
            raise KioskNotReady()
        return self._real

    # -- the welcome screen ------------------------------------------------------------------
    @property
    def clinic_name(self) -> str:
        return self._real.clinic_name if self._real is not None else self._name

    @staticmethod
    def languages() -> tuple[str, ...]:
        return KIOSK_LANGUAGES

    def idle_timeouts(self) -> tuple[int, int]:
        return self._real.idle_timeouts() if self._real is not None else DEFAULT_IDLE

    # -- everything else: the real service ------------------------------------------------------
    def resolve_code(self, code: str, language: str) -> KioskQuestionnaire:
        return self._service().resolve_code(code, language)

    def instruction_shown(self, q: KioskQuestionnaire) -> None:
        self._service().instruction_shown(q)

    def submit(self, q: KioskQuestionnaire, answers: KioskAnswers) -> SubmitReceipt:
        return self._service().submit(q, answers)

    def abandon(self, q: KioskQuestionnaire | None, page: str) -> None:
        self._service().abandon(q, page)

    def exit_pin_is_set(self) -> bool:
        return self._service().exit_pin_is_set()

    def verify_exit_pin(self, pin: str) -> bool:
        return self._service().verify_exit_pin(pin)
