"""Staff accounts and clinic-level records the administrator changes (besides settings).

Kept apart from ``repositories`` (the foundation's account functions) so the
administration screens' writes are in one place: deactivating an account and
storing an installed wording pack (inside the encrypted database, never under
resources/).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.storage.tables import Client, User, WordingPack


def set_user_active(s: Session, user_id: uuid.UUID, active: bool) -> None:
    s.execute(sa.update(User).where(User.id == user_id).values(active=active)
              .execution_options(synchronize_session=False))


def active_admins(s: Session) -> int:
    return int(s.execute(sa.select(sa.func.count()).select_from(User)
                         .where(User.role == "admin", User.active.is_(True))).scalar_one())


def active_clients_of(s: Session, therapist_id: uuid.UUID) -> int:
    return int(s.execute(sa.select(sa.func.count()).select_from(Client)
                         .where(Client.therapist_id == therapist_id, Client.archived_at.is_(None))).scalar_one())


def add_wording_pack(s: Session, *, instrument_id: str, instrument_version: str, language: str,
                     content: dict[str, Any], installed_by: uuid.UUID, now: datetime) -> uuid.UUID:
    pack_id = uuid.uuid4()
    s.execute(sa.insert(WordingPack), [dict(id=pack_id, instrument_id=instrument_id,
                                            instrument_version=instrument_version, language=language,
                                            content=content, installed_by=installed_by, installed_at=now)])
    return pack_id
