"""Which databases this build reads: its application id and schema version, without the database layer.

Apart from ``storage.engine`` (which re-exports both) so that code that must
stay light, such as the kiosk's sealed clinic name read before its first
paint, can compare versions without importing SQLAlchemy.
"""

from __future__ import annotations

#: ``PRAGMA application_id`` of every Alliance Desktop database ("ADK1").
APPLICATION_ID = 0x41444B31
#: Schema version this build writes; kept in ``PRAGMA user_version``.
#: Raised by every migration (see migrations/versions).
SCHEMA_VERSION = 3
