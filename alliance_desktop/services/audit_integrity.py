"""Is the audit log as it was left? Checked at every unlock and in the audit viewer (RELIABILITY row 36).

Two checks together:
- the hash chain inside the database (storage.audit.verify_chain): an edited,
  deleted or reordered entry breaks it, and the first bad entry is named;
- the head anchored outside the database (storage.audit_anchor): a database
  swapped for an older copy, or with its newest entries cut off, has an
  intact chain but falls short of (or differs from) the anchored head.

A legitimate restore from a backup also goes back in time; the restore
appends ``backup.restored`` as the newest entry, and a database whose newest
entry is that one is re-anchored instead of reported.

How much of the chain the unlock walks: every audited read adds an entry, so
a clinic's log grows by thousands a day, and walking all of it costs about
12 µs an entry (a million entries: 12 s before anyone could log in). The
unlock therefore walks the newest ``UNLOCK_WALK`` entries (a quarter of a
second) together with the anchor check, which between them catch a swapped
or cut-off database and any change to recent entries before the login goes
on. When there were more, the shell walks the whole chain right after the
login on a pool thread (``verify_history``), for a staff window and a kiosk
alike: a change to an older entry is written into the log as
``audit.integrity_failed`` and, in the staff window, shown in the same
warning, seconds later instead of before the window opens. A walk that
cannot finish says so in that warning. The audit viewer's "Verify chain"
always walks all of it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from alliance_desktop.config import DataPaths
from alliance_desktop.storage import audit, audit_anchor
from alliance_desktop.storage.audit import WalkStopped
from alliance_desktop.storage.engine import ClinicDatabase

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession

__all__ = ["AnchorStatus", "AuditIntegrity", "WalkStopped", "check", "needs_history_walk", "verify_history"]

ANCHOR_FILE = "audit-anchor.json"
ANCHOR_CREATED = "audit.anchor_created"
RESTORED = "backup.restored"
INTEGRITY_FAILED = "audit.integrity_failed"
#: Entries the unlock walks itself (the newest ones); the rest is walked after the login.
UNLOCK_WALK = 20_000


class AnchorStatus(enum.Enum):
    OK = "ok"
    NEW = "new"  # first anchor for this database (first start of this version, or a fresh clinic)
    RESTORED = "restored"  # a restore from backup went back in time on purpose; re-anchored
    MISSING = "missing"  # the database was anchored before, but the anchor file is gone
    FORGED = "forged"  # the anchor file is unreadable or its MAC does not hold
    ROLLED_BACK = "rolled_back"  # the database ends before the anchored head (older copy or cut-off entries)
    REWRITTEN = "rewritten"  # the entry at the anchored position has another hash (a re-computed chain)


_PROBLEMS = {AnchorStatus.MISSING, AnchorStatus.FORGED, AnchorStatus.ROLLED_BACK, AnchorStatus.REWRITTEN}


@dataclass(frozen=True, slots=True)
class AuditIntegrity:
    """The verdict. ``first_bad_seq``: the first entry that is broken or missing (None when intact)."""

    entries: int
    chain_first_bad: int | None
    anchor: AnchorStatus
    anchored_seq: int | None = None
    #: problems found by earlier unlocks and recorded in the log (``audit.integrity_failed``); viewer only
    earlier_alerts: int = 0
    #: the first entry whose hash was checked: 1 when the whole chain was walked
    walked_from: int = 1

    @property
    def whole_chain(self) -> bool:
        return self.walked_from <= 1

    @property
    def first_bad_seq(self) -> int | None:
        if self.chain_first_bad is not None:
            return self.chain_first_bad
        if self.anchor is AnchorStatus.ROLLED_BACK:
            return self.entries + 1  # the first entry that should be there and is not
        if self.anchor is AnchorStatus.REWRITTEN:
            return self.anchored_seq
        return None

    @property
    def intact(self) -> bool:
        return self.chain_first_bad is None and self.anchor not in _PROBLEMS

    def message(self) -> str:
        """What staff are told (empty when all is well)."""
        if self.chain_first_bad is not None:
            return (f"The audit log has been altered: entry #{self.chain_first_bad} does not match its hash or its "
                    "link to the entry before (an entry was changed, removed or moved). Keep this database as it "
                    "is and tell the clinic's administrator.")
        return {
            AnchorStatus.MISSING: "The audit log's outside check file (audit-anchor.json) is missing, so a swap "
                                  "of the database for an older copy cannot be ruled out. Tell the clinic's "
                                  "administrator.",
            AnchorStatus.FORGED: "The audit log's outside check file (audit-anchor.json) is damaged or was not "
                                 "written by this clinic. Tell the clinic's administrator.",
            AnchorStatus.ROLLED_BACK: f"The audit log ends at entry #{self.entries}, but entry "
                                      f"#{self.anchored_seq} had been written: this database is an older copy, "
                                      "or its newest entries were removed. Keep it as it is and tell the clinic's "
                                      "administrator.",
            AnchorStatus.REWRITTEN: f"The audit log was rewritten: entry #{self.anchored_seq} is not the entry "
                                    "that was written there. Keep this database as it is and tell the clinic's "
                                    "administrator.",
        }.get(self.anchor, "")


def anchor_path(paths: DataPaths) -> Path:
    return paths.root / ANCHOR_FILE


_Anchor = tuple[audit_anchor.Head, bool] | None | AnchorStatus


def _read_anchor(path: Path, data_key: bytes) -> _Anchor:
    try:
        return audit_anchor.read(path, data_key)
    except (audit_anchor.AnchorUnreadable, OSError):
        return AnchorStatus.FORGED


def _anchor_status(s: Session, found: _Anchor) -> tuple[AnchorStatus, int | None]:
    if isinstance(found, AnchorStatus):
        return found, None
    if found is None:
        return (AnchorStatus.MISSING if audit.has_action(s, ANCHOR_CREATED) else AnchorStatus.NEW), None
    anchored, authentic = found
    if not authentic:
        return AnchorStatus.FORGED, anchored.seq
    current = audit.head(s)
    if current is None or current[0] < anchored.seq:
        restored = audit.last_action_is(s, RESTORED)
        return (AnchorStatus.RESTORED if restored else AnchorStatus.ROLLED_BACK), anchored.seq
    if audit.hash_at(s, anchored.seq) != anchored.hash:
        restored = audit.last_action_is(s, RESTORED)
        return (AnchorStatus.RESTORED if restored else AnchorStatus.REWRITTEN), anchored.seq
    return AnchorStatus.OK, anchored.seq


def check(db: ClinicDatabase, paths: DataPaths, data_key: bytes, *, whole_chain: bool = False) -> AuditIntegrity:
    """Walk the chain (its newest ``UNLOCK_WALK`` entries, or all of it) and compare its head with the anchor.

    Reads only.
    The anchor is read *before* the read transaction starts: it is written after
    each commit, so it can lag behind the snapshot but never run ahead of it.
    """
    found = _read_anchor(anchor_path(paths), data_key)
    with db.read() as s:
        top = audit.head(s)
        start = 1 if whole_chain or top is None or top[0] <= UNLOCK_WALK else top[0] - UNLOCK_WALK + 1
        report = audit.verify_chain(s, from_seq=start)
        status, anchored = _anchor_status(s, found)
    return AuditIntegrity(report.entries, report.first_bad_seq, status, anchored, walked_from=report.walked_from)


def needs_history_walk(session: ClinicSession) -> bool:
    """Whether the unlock left older entries unwalked (and found nothing wrong in what it walked)."""
    verdict = session.audit_integrity
    return verdict is not None and verdict.intact and not verdict.whole_chain


def verify_history(session: ClinicSession, *, stop: Callable[[], bool] | None = None) -> AuditIntegrity | None:
    """After an unlock that walked only the newest entries: walk the whole chain (run it off the UI thread).

    Returns the new verdict when an older entry does not hold, after writing
    it into the log (``audit.integrity_failed``, as the unlock does), so the
    audit viewer and later log-ins see it too; None when the chain holds or
    the unlock had walked all of it already. ``stop`` ends the walk early
    (``storage.audit.WalkStopped``): the shell sets it when the session locks.
    """
    verdict = session.audit_integrity
    if verdict is None or verdict.whole_chain:
        return None
    with session.read() as s:
        report = audit.verify_chain(s, stop=stop, background=True)
    if report.intact:
        return None
    found = replace(verdict, entries=report.entries, chain_first_bad=report.first_bad_seq, walked_from=1)
    session.record(INTEGRITY_FAILED, details={"anchor": found.anchor.value, "first_bad_seq": found.first_bad_seq,
                                              "entries": found.entries, "found_by": "history"})
    return found


def earlier_alerts(s: Session) -> int:
    """How many problems earlier checks found (each unlock or walk after a login left ``audit.integrity_failed``)."""
    return audit.count_action(s, INTEGRITY_FAILED)


def anchor_new_clinic(db: ClinicDatabase, paths: DataPaths, data_key: bytes) -> None:
    """A new clinic is anchored from its first entry on (setup writes ``audit.anchor_created`` first)."""
    db.on_audit_commit = audit_anchor.AnchorWriter(anchor_path(paths), data_key)


def start_anchoring(db: ClinicDatabase, paths: DataPaths, data_key: bytes, verdict: AuditIntegrity,
                    now: datetime) -> None:
    """Record a problem in the log, then anchor every audited commit from now on.

    A problem is written into the log itself (``audit.integrity_failed``), so
    the audit viewer still shows it after the anchor has moved on. A database
    that was never anchored, was restored, or failed the anchor check gets a
    fresh anchor (``audit.anchor_created``): normal work goes on, and the next
    swap or cut is measured against the new head.
    """
    db.on_audit_commit = audit_anchor.AnchorWriter(anchor_path(paths), data_key)
    if verdict.intact and verdict.anchor is AnchorStatus.OK:
        return
    with db.write() as s:
        if not verdict.intact:
            audit.append(s, at=now, action=INTEGRITY_FAILED,
                         details={"anchor": verdict.anchor.value, "first_bad_seq": verdict.first_bad_seq,
                                  "entries": verdict.entries})
        if verdict.anchor is not AnchorStatus.OK:
            audit.append(s, at=now, action=ANCHOR_CREATED, details={"reason": verdict.anchor.value})
