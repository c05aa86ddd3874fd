"""Use cases, one per user action, each one unit of work. No Qt here."""
