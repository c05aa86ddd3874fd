"""Time as an injected dependency.

Wall-clock time is for records (timezone-aware, UTC); monotonic time is for
timers such as auto-lock and backoff, so that a clock jump (DST, NTP, a user
changing the date) never fires or suppresses them. Tests pass a fake clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current wall-clock time, timezone-aware (UTC)."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes backwards."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock a test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def jump_wall(self, seconds: float) -> None:
        """Move only the wall clock, as NTP or a user changing the date would."""
        from datetime import timedelta

        self._now += timedelta(seconds=seconds)
