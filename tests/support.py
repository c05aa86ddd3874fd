"""Constants and helpers shared by tests (imported as ``tests.support``)."""

from __future__ import annotations

from alliance_desktop.storage.keys import KdfParams

#: Argon2id parameters cheap enough for tests; the default parameters are tested on their own.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)

ADMIN_USER = "admin"
ADMIN_PASSWORD = "correct-horse-battery-7"
CLINIC_NAME = "Praxis am See"
