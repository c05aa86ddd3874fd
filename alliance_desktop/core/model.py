"""Value objects shared by every layer.

They are frozen dataclasses so a view can hold one without fearing that
somebody else changes it underneath; storage converts ORM rows into these
before anything leaves the storage package.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass


class Role(enum.StrEnum):
    """What a staff account may do. Enforced in services, not only in the UI."""

    ADMIN = "admin"
    THERAPIST = "therapist"
    SUPERVISOR = "supervisor"

    @property
    def label(self) -> str:
        return {"admin": "Administrator", "therapist": "Therapist", "supervisor": "Supervisor"}[self.value]


@dataclass(frozen=True, slots=True)
class StaffUser:
    """A staff account as the rest of the app sees it (no secrets in here)."""

    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool = True
