"""The append-only, hash-chained audit log.

Each entry's hash covers its own content and the previous entry's hash, so
editing, deleting or reordering any entry breaks the chain from that point on
and ``verify_chain`` names the first bad entry (RELIABILITY row 36). Entries
carry ids, never free text a client typed.

The hash covers values in a canonical text form that does not depend on how
the database stores them: a timestamp as its UTC ISO-8601 text, the actor as
``str(uuid)`` (36 characters, lower-case, hyphenated). The actor's storage
changed from 32 hex characters to 16 bytes in schema version 3; entries
written before still verify, because neither form is hashed.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import AuditEvent
from alliance_desktop.storage.types import UtcDateTime, stored_form, uuid_from_stored

GENESIS_HASH = "0" * 64
#: ``Session.info`` key under which ``append`` leaves the transaction's newest (seq, hash).
HEAD_INFO_KEY = "alliance.audit_head"


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
    return _hash_body(prev_hash, seq, stamp, canonical_actor(actor_id), action, target_kind, target_id, details)


def canonical_actor(actor_id: uuid.UUID | None) -> str | None:
    """The actor as the hash covers it: ``str(uuid)``, whatever the database stores (see the module docstring)."""
    return str(actor_id) if actor_id is not None else None


def _hash_body(prev_hash: str, seq: int, stamp: str | None, actor: str | None, action: str,
               target_kind: str | None, target_id: str | None, details: Any) -> str:
    """The hash of one entry from its canonical values (timestamp text, ``canonical_actor``)."""
    body = json.dumps(
        [prev_hash, seq, stamp, actor, action, target_kind, target_id, details],
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
    # The newest head of this transaction: ClinicDatabase.write anchors it after the commit (audit_anchor.py).
    session.info[HEAD_INFO_KEY] = (seq, digest)
    return seq


#: How many entries a walk reads between two looks at its ``stop`` callable.
STOP_CHECK_EVERY = 2000
#: A background walk lets go of the GIL this often (~0.5 ms of work): without it the UI thread
#: waits for the interpreter's 5 ms switch interval at every turn (measured: timer overshoot
#: median 5.2 ms, max 40 ms during a walk of a million entries).
SHARE_EVERY = 64


class WalkStopped(Exception):
    """A chain walk was asked to stop (the session is being locked) before it reached the end."""


def _let_others_run() -> None:
    """Release the GIL for a moment: a waiting UI thread runs now, not after the switch interval."""
    time.sleep(0)


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    first_bad_seq: int | None
    #: the first entry whose hash was recomputed (1: the whole chain)
    walked_from: int = 1

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(session: Session, *, from_seq: int = 1, stop: Callable[[], bool] | None = None,
                 background: bool = False) -> ChainReport:
    """Walk the log in order and report the first entry whose hash or link does not hold.

    ``from_seq`` > 1 walks only the entries from there on: the link into the
    first walked entry (its stored ``prev_hash``) is taken as it is, so a
    change before ``from_seq`` is left to a walk of the whole chain. The
    unlock walks the newest entries this way (services.audit_integrity).

    The columns are read in their stored form (``stored_form``): the
    timestamp's stored text *is* the stamp that was hashed, the actor's 16
    bytes need only their canonical spelling (``canonical_actor``), and the
    details are parsed once by ``json``. That skips SQLAlchemy's datetime, UUID and JSON
    conversions, which were half of the cost (26.5 -> 12.3 µs per entry over
    20,000 entries). An edited timestamp changes its stored text, so it still
    breaks the hash. A row the walk cannot even read back into a hash (an actor
    that is not a UUID, details that are not JSON or nest too deep for the
    parser) is a broken entry like any other, never an exception: a walk that
    raised would report nothing.

    ``stop`` (checked every ``STOP_CHECK_EVERY`` entries) ends a long walk
    early with :class:`WalkStopped`. ``background``: the walk runs beside a
    UI thread and yields the GIL every ``SHARE_EVERY`` entries.
    """
    prev = GENESIS_HASH
    if from_seq > 1:
        link = session.execute(sa.select(AuditEvent.prev_hash).where(AuditEvent.seq == from_seq)).first()
        if link is None:  # no such entry (a short or gapped log): only the whole walk can say where it breaks
            return verify_chain(session, stop=stop, background=background)
        prev = str(link[0])
    expected_seq = from_seq
    count = from_seq - 1
    rows = session.execute(
        sa.select(AuditEvent.seq, stored_form(AuditEvent.at), stored_form(AuditEvent.actor_id), AuditEvent.action,
                  AuditEvent.target_kind, AuditEvent.target_id, stored_form(AuditEvent.details), AuditEvent.prev_hash,
                  AuditEvent.hash)
        .where(AuditEvent.seq >= from_seq)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=2000)
    )
    for seq, stamp, actor, action, target_kind, target_id, details, prev_hash, stored_hash in rows:
        count += 1
        if stop is not None and count % STOP_CHECK_EVERY == 0 and stop():
            raise WalkStopped()
        if background and count % SHARE_EVERY == 0:
            _let_others_run()
        try:
            who = canonical_actor(uuid_from_stored(actor)) if actor is not None else None
            digest = _hash_body(prev, seq, stamp, who, action, target_kind, target_id,
                                json.loads(details) if details is not None else None)
        except Exception:  # noqa: BLE001 - whatever a stored value makes the parser do, the entry is bad
            return ChainReport(count, expected_seq, from_seq)
        if seq != expected_seq or prev_hash != prev or stored_hash != digest:
            # The first position that does not hold: for a deleted entry that is the missing number.
            return ChainReport(count, expected_seq, from_seq)
        prev = stored_hash
        expected_seq += 1
    return ChainReport(count, None, from_seq)


def recent(session: Session, limit: int = 50) -> list[tuple[int, datetime, str, str | None]]:
    """Newest entries first, as (seq, at, action, actor id) tuples."""
    rows = session.execute(
        sa.select(AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.actor_id)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    ).all()
    return [(r[0], r[1], r[2], str(r[3]) if r[3] else None) for r in rows]


def head(session: Session) -> tuple[int, str] | None:
    """(seq, hash) of the newest entry, or None for an empty log."""
    row = session.execute(sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row else None


def hash_at(session: Session, seq: int) -> str | None:
    """The stored hash of entry ``seq`` (None when there is no such entry)."""
    return session.execute(sa.select(AuditEvent.hash).where(AuditEvent.seq == seq)).scalar_one_or_none()


def last_action_is(session: Session, action: str) -> bool:
    row = session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return row is not None and row[0] == action


def has_action(session: Session, action: str) -> bool:
    return session.execute(sa.select(AuditEvent.seq).where(AuditEvent.action == action).limit(1)).first() is not None


def count_action(session: Session, action: str) -> int:
    return int(session.execute(sa.select(sa.func.count()).where(AuditEvent.action == action)).scalar_one())
