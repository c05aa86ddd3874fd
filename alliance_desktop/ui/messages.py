"""Turning a service or storage error into the sentence staff read.

Every service and storage error carries ``user_message``: the specific
explanation it was raised with, or its class's general one. Both are written
for staff (never a path with PHI, a key or a trace).
"""

from __future__ import annotations


def staff_message(error: Exception) -> str:
    message = getattr(error, "user_message", None)
    return message if isinstance(message, str) and message else "The action could not be completed."
