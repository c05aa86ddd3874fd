"""Repositories: queries that hand ``core`` value objects to the layers above.

Each function takes the caller's ORM session, so a service decides where its
unit of work begins and ends (one transaction per user action).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from alliance_desktop.core.accounts import normalize_username
from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.storage.tables import ClinicSetting, User


def _staff(row: User) -> StaffUser:
    return StaffUser(id=row.id, username=row.username, display_name=row.display_name, role=Role(row.role), active=row.active)


def add_user(session: Session, *, username: str, display_name: str, role: Role, now: datetime) -> StaffUser:
    row = User(id=uuid.uuid4(), username=normalize_username(username), display_name=display_name, role=role.value, created_at=now)
    session.add(row)
    session.flush()
    return _staff(row)


def user_by_username(session: Session, username: str) -> StaffUser | None:
    """Usernames are stored normalised (``core.accounts.normalize_username``); so is the lookup."""
    row = session.execute(sa.select(User).where(User.username == normalize_username(username))).scalar_one_or_none()
    return _staff(row) if row else None


def user_by_id(session: Session, user_id: uuid.UUID) -> StaffUser | None:
    row = session.get(User, user_id)
    return _staff(row) if row else None


def list_users(session: Session) -> list[StaffUser]:
    return [_staff(r) for r in session.execute(sa.select(User).order_by(User.display_name)).scalars()]


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(ClinicSetting, key)
    return default if row is None else row.value.get("v", default)


def set_setting(session: Session, key: str, value: Any, now: datetime) -> None:
    row = session.get(ClinicSetting, key)
    if row is None:
        session.add(ClinicSetting(key=key, value={"v": value}, updated_at=now))
    else:
        row.value = {"v": value}
        row.updated_at = now
    session.flush()
