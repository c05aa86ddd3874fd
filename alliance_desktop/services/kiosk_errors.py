"""Errors of the kiosk and its staff-side functions, each with a ``user_message``.

Client-facing messages (codes, the questionnaire) are gentle and never say
anything about anybody's data; the kiosk UI may replace them with translated
text keyed on the class. Staff-facing ones say what to do.
"""

from __future__ import annotations

from alliance_desktop.services.errors import InvalidInput, ServiceError

__all__ = [
    "CodeExpired",
    "CodePaused",
    "CodeUsed",
    "ExitPinNotSet",
    "InstrumentNotAdministrable",
    "InvalidCode",
    "InvalidInput",
    "KioskError",
    "NotAllowed",
    "PinPaused",
    "QuestionnaireClosed",
    "ServiceError",
]


class KioskError(ServiceError):
    """Base of the kiosk's own errors."""


class InvalidCode(KioskError):
    """The typed code opens no questionnaire (wrong, expired or already used)."""

    user_message = (
        "That code did not work. Please check the six digits and try again, or ask at reception for help."
    )


class CodeExpired(InvalidCode):
    user_message = "This code has expired. Please ask at reception for a new one."


class CodeUsed(InvalidCode):
    user_message = "This code has already been used. If you would like to give feedback again, please ask at reception."


class _Paused(KioskError):
    def __init__(self, seconds: float, message: str) -> None:
        self.seconds = max(1, int(-(-seconds // 1)))  # whole seconds, rounded up: never reopen early
        super().__init__(message.format(seconds=self.seconds))


class CodePaused(_Paused):
    """Too many wrong codes on this device within a minute: the keypad pauses."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds, "Too many codes did not work. Please wait {seconds} seconds, then try again.")


class PinPaused(_Paused):
    """Too many wrong exit PINs: wait (60 s after 5 wrong tries, doubling with each further one)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds, "Too many wrong PINs. Try again in {seconds} seconds.")


class ExitPinNotSet(KioskError):
    user_message = "No kiosk exit PIN is set. An administrator sets it in the kiosk settings; until then log in as staff."


class QuestionnaireClosed(KioskError):
    """The questionnaire is no longer open on this device (already sent, abandoned or the code was used)."""

    user_message = "This questionnaire is no longer open. Please ask at reception for a new code."


class NotAllowed(KioskError):
    """The logged-in staff member's role does not allow this action (enforced here, not only in the UI)."""

    user_message = "Your account is not allowed to do this."


class InstrumentNotAdministrable(InvalidInput):
    """An instrument that cannot be given to clients (structure-only, wording not installed)."""

    def __init__(self, message: str) -> None:
        super().__init__("instrument_ids", message)
