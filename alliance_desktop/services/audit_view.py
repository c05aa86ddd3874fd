"""The audit log viewer: pages of entries and the hash-chain check. Administrators only.

``verify_audit_chain`` walks the whole chain (storage.audit.verify_chain), however long, and
names the first entry whose hash or link does not hold (RELIABILITY row 36);
the viewer shows it. Looking at the log is itself logged.
"""

from __future__ import annotations

from dataclasses import replace

from alliance_desktop.core.admin_model import AuditEntryView, AuditPage
from alliance_desktop.core.instrument_model import FrozenMap
from alliance_desktop.services import audit_integrity
from alliance_desktop.services.audit_integrity import AuditIntegrity
from alliance_desktop.services.authz import require_admin
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage import audit, course_queries

__all__ = ["AuditIntegrity", "AuditPage", "audit_page", "verify_audit_chain"]

MAX_PAGE = 500


def audit_page(session: ClinicSession, offset: int = 0, limit: int = 100) -> AuditPage:
    """Entries newest first, ``limit`` of them after skipping ``offset``."""
    require_admin(session.user, "view the audit log")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidInput("offset", "The offset must be 0 or more.")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("limit", f"A page holds 1 to {MAX_PAGE} entries.")
    now = session.clock.now()
    with session.write() as s:
        audit.append(s, at=now, action="audit.viewed", actor_id=session.user.id,
                     details={"offset": offset, "limit": limit})
        total, rows = course_queries.audit_rows(s, offset, limit)
    return AuditPage(total, offset, tuple(
        AuditEntryView(r.seq, r.at, r.actor_id, r.actor_name, r.action, r.target_kind, r.target_id,
                       FrozenMap(r.details)) for r in rows))


def verify_audit_chain(session: ClinicSession) -> AuditIntegrity:
    """Whether every entry's hash and link hold and the log reaches its anchored head.

    ``first_bad_seq`` names the first broken (or, after a rollback, missing)
    entry; ``earlier_alerts`` counts problems that earlier unlocks found and
    wrote into the log (the anchor has moved on since, the record has not).
    """
    require_admin(session.user, "verify the audit log")
    report = audit_integrity.check(session.database(), session.paths, session.data_key(), whole_chain=True)
    with session.read() as s:
        earlier = audit_integrity.earlier_alerts(s)
    report = replace(report, earlier_alerts=earlier)
    session.record("audit.verified", details={"entries": report.entries, "first_bad_seq": report.first_bad_seq,
                                              "anchor": report.anchor.value})
    return report
