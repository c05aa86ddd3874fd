"""Value objects of the administration screens: clinic settings, instrument status, audit log pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alliance_desktop.core.instrument_model import FrozenMap

#: Auto-lock of the staff view after idle (DESIGN.md section 3; RELIABILITY row 30).
AUTO_LOCK_DEFAULT_MIN, AUTO_LOCK_RANGE_MIN = 5, (2, 30)
#: Paper sizes of printed reports (issue 6): A4 for most of the world, US Letter for North America.
PAPER_SIZES, PAPER_SIZE_DEFAULT = ("A4", "Letter"), "A4"


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    clinic_name: str
    auto_lock_minutes: int
    #: kiosk: seconds without input before "Are you still there?", then seconds before the reset
    kiosk_idle_warning_s: int
    kiosk_idle_reset_s: int
    #: languages the clinic offers on the kiosk, in the order of the language choice
    languages: tuple[str, ...]
    #: paper size of PDF reports, one of PAPER_SIZES
    paper_size: str = PAPER_SIZE_DEFAULT


@dataclass(frozen=True, slots=True)
class InstrumentStatus:
    """One instrument as the administrator sees it: licence, wording, whether it can be given."""

    id: str
    version: str
    title: str
    abbreviation: str
    kind: str
    example: bool
    #: "full" (shipped or installed by a wording pack) or "structure_only"
    wording: str
    wording_installed: bool
    enabled: bool
    #: None when it can be given to clients; otherwise why not and what to do
    not_administrable_reason: str | None
    licence_id: str
    licence_holder: str
    licence_terms: str
    attribution: str
    languages: tuple[str, ...]

    @property
    def administrable(self) -> bool:
        return self.not_administrable_reason is None


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    details: FrozenMap[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage:
    total: int
    offset: int
    entries: tuple[AuditEntryView, ...]
