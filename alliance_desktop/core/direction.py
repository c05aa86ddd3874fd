"""Which way is "better" on a scale, shared by instrument definitions and clinical rules.

Every change statistic in CLINICAL.md section 3 is stated "in the direction of
the scale": a PHQ-9 total that falls is an improvement, an ORS or SRS total that
falls is a deterioration. Keeping the orientation in one small enum (rather than
``if instrument.id == ...`` scattered through the rules) lets the definition
layer say it once per instrument and lets every rule work on an *oriented*
change in which a positive number always means better.

The values are the strings used in the instrument definition files, so
``Direction(definition["direction"])`` works and a ``Direction`` compares equal
to the plain string.
"""

from __future__ import annotations

import enum


class Direction(enum.StrEnum):
    """Orientation of a scale: which way a better-functioning client's score moves."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better."""
        return 1 if self is Direction.HIGHER_IS_BETTER else -1

    def orient(self, raw_delta: float) -> float:
        """A raw difference ``later - earlier`` signed so that positive means better."""
        return raw_delta if self is Direction.HIGHER_IS_BETTER else -raw_delta

    def oriented_change(self, before: float, after: float) -> float:
        """``after - before``, signed so that positive means better (Jacobson & Truax 1991)."""
        return self.orient(after - before)

    def reversed(self) -> Direction:
        """The opposite orientation (used to mirror a scale, e.g. in property tests)."""
        return Direction.LOWER_IS_BETTER if self is Direction.HIGHER_IS_BETTER else Direction.HIGHER_IS_BETTER
