"""Alembic migrations of the clinic database (frozen history; never edit a released revision)."""
