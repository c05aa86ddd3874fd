"""The append-only, hash-chained audit log.

Each entry's hash covers its own content and the previous entry's hash, so
editing, deleting or reordering any entry breaks the chain from that point on
and ``verify_chain`` names the first bad entry (RELIABILITY row 36). Entries
carry ids, never free text a client typed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import AuditEvent
from alliance_desktop.storage.types import UtcDateTime

GENESIS_HASH = "0" * 64


def _entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: uuid.UUID | None,
    action: str,
    target_kind: str | None,
    target_id: str | None,
    details: dict[str, Any],
) -> str:
    stamp = UtcDateTime().process_bind_param(at, None)  # type: ignore[arg-type]
    body = json.dumps(
        [prev_hash, seq, stamp, str(actor_id) if actor_id else None, action, target_kind, target_id, details],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(body.encode("ascii")).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    action: str,
    actor_id: uuid.UUID | None = None,
    target_kind: str | None = None,
    target_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one entry inside the caller's write transaction; returns its sequence number."""
    details = details or {}
    last = session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    digest = _entry_hash(prev, seq, at, actor_id, action, target_kind, target_id, details)
    session.add(
        AuditEvent(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            details=details,
            prev_hash=prev,
            hash=digest,
        )
    )
    session.flush()
    return seq


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    first_bad_seq: int | None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the log in order and report the first entry whose hash or link does not hold."""
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    rows = session.execute(sa.select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for row in rows:
        count += 1
        digest = _entry_hash(
            prev, row.seq, row.at, row.actor_id, row.action, row.target_kind, row.target_id, row.details
        )
        if row.seq != expected_seq or row.prev_hash != prev or row.hash != digest:
            return ChainReport(count, row.seq)
        prev = row.hash
        expected_seq += 1
    return ChainReport(count, None)


def recent(session: Session, limit: int = 50) -> list[tuple[int, datetime, str, str | None]]:
    """Newest entries first, as (seq, at, action, actor id) tuples."""
    rows = session.execute(
        sa.select(AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.actor_id)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    ).all()
    return [(r[0], r[1], r[2], str(r[3]) if r[3] else None) for r in rows]
