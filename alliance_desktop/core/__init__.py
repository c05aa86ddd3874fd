"""Pure-Python domain core: no Qt, no SQLAlchemy, no I/O beyond what it is handed."""
