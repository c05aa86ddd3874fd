"""Storing the demo clinic's alerts and their handling in one go (see services/demo_alerts.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import Alert, AlertAction


@dataclass(frozen=True, slots=True)
class DemoAlert:
    """An alert as the kiosk would have stored it, and who acknowledged it when (None: still open)."""

    episode_id: uuid.UUID
    session_id: uuid.UUID
    response_id: uuid.UUID | None
    kind: str
    rule_ids: str
    severity: str
    explanation: str
    created_at: datetime
    acknowledged_by: uuid.UUID | None = None
    acknowledged_at: datetime | None = None


def write_alerts(s: Session, alerts: Sequence[DemoAlert]) -> None:
    """Insert the alerts, then an ``acknowledged`` action for each handled one (two statements)."""
    if not alerts:
        return
    ids = [uuid.uuid4() for _ in alerts]
    s.execute(sa.insert(Alert), [
        dict(id=aid, episode_id=a.episode_id, session_id=a.session_id, response_id=a.response_id, kind=a.kind,
             rule_ids=a.rule_ids, severity=a.severity, explanation=a.explanation, created_at=a.created_at)
        for aid, a in zip(ids, alerts, strict=True)
    ])
    handled = [dict(id=uuid.uuid4(), alert_id=aid, action="acknowledged", user_id=a.acknowledged_by,
                    at=a.acknowledged_at, note=None)
               for aid, a in zip(ids, alerts, strict=True) if a.acknowledged_by is not None]
    if handled:
        s.execute(sa.insert(AlertAction), handled)
