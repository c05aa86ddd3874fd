"""Column types that behave the same on SQLCipher today and PostgreSQL later.

SQLite has no timezone-aware timestamp type: SQLAlchemy's ``DateTime(timezone=True)``
would silently drop the offset. ``UtcDateTime`` stores ISO-8601 text in UTC and
hands back aware datetimes, and refuses naive ones, so nobody can store a local
time by accident (RELIABILITY row 16: ordering must survive clock and zone changes).

SQLite has no UUID type either: SQLAlchemy's ``Uuid`` stores 32 hex characters,
twice the 16 bytes a UUID is, in every table and again in every index that
holds it. ``BinaryUuid`` (schema version 3) stores the 16 raw bytes instead:
a fresh large demo clinic is 0.92 GB instead of 1.80 GB (with the other
changes of revision 0003), and every page-bound operation (backup copy,
integrity checks, cold reads) shrank with it. Byte order is
the order of the hex text, so ``ORDER BY`` an id is unchanged.
"""

from __future__ import annotations

import uuid
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


class BinaryUuid(sa.types.TypeDecorator[uuid.UUID]):
    """A UUID stored as its 16 raw bytes (a BLOB) on SQLite; the native UUID type where there is one (PostgreSQL).

    Only ``uuid.UUID`` values bind: a string is refused rather than stored in a
    second spelling that would never compare equal to the first.
    """

    impl = sa.LargeBinary(16)
    cache_ok = True

    @property
    def python_type(self) -> type[uuid.UUID]:
        return uuid.UUID

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.supports_native_uuid:
            return dialect.type_descriptor(sa.Uuid())
        return dialect.type_descriptor(sa.LargeBinary(16))

    def process_bind_param(self, value: uuid.UUID | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            raise TypeError(f"a UUID column takes uuid.UUID values, not {type(value).__name__}")
        return value if dialect.supports_native_uuid else value.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(bytes=bytes(value))


class _StoredUuid(sa.types.TypeDecorator[Any]):
    """A ``BinaryUuid`` column's value as the database holds it: 16 bytes on SQLite, a UUID on PostgreSQL.

    Bound values must already be in that form (keys read back through ``stored_form``).
    """

    impl = sa.LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return BinaryUuid().load_dialect_impl(dialect)


def stored_form(column: Any) -> Any:
    """``column`` read as the value SQLite holds: 16 bytes for a UUID, ISO text for a ``UtcDateTime``, JSON text.

    For queries that only compare, group or hash values (bulk reads, the audit
    chain walk): it skips a UUID, datetime or JSON object per row. The result
    is the column itself, only typed differently: used in a WHERE clause
    (``stored_form(col).in_(keys)``) it still uses the column's indexes. A
    UUID's stored form is an opaque key (bytes here, a UUID object on
    PostgreSQL); ``uuid_from_stored`` turns it into a UUID. Labelled with table
    and column, so several in one select never clash.
    """
    raw: Any = _StoredUuid() if isinstance(column.type, BinaryUuid) else sa.String()
    return sa.type_coerce(column, raw).label(f"raw_{column.table.name}_{column.name}")


def uuid_from_stored(value: Any) -> uuid.UUID:
    """The UUID behind a ``stored_form`` key (16 bytes on SQLite, already a UUID on PostgreSQL)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))
