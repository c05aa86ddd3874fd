"""Column types that behave the same on SQLCipher today and PostgreSQL later.

SQLite has no timezone-aware timestamp type: SQLAlchemy's ``DateTime(timezone=True)``
would silently drop the offset. ``UtcDateTime`` stores ISO-8601 text in UTC and
hands back aware datetimes, and refuses naive ones, so nobody can store a local
time by accident (RELIABILITY row 16: ordering must survive clock and zone changes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware timestamp stored as UTC ISO-8601 text (sorts correctly as text)."""

    impl = sa.String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: timestamps must be timezone-aware")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def stored_form(column: Any) -> Any:
    """``column`` read as the text SQLite holds (hex for a UUID, ISO text for a ``UtcDateTime``, JSON text).

    For queries that only compare, group or hash values (bulk reads, the audit
    chain walk): it skips a UUID, datetime or JSON object per row. Labelled with
    table and column, so several in one select never clash.
    """
    return sa.type_coerce(column, sa.String).label(f"raw_{column.table.name}_{column.name}")
