"""Process-wide SQLite settings, made once before the first connection of the process opens.

SQLite keeps memory statistics (``sqlite3_status``) unless told not to: every
allocation then takes one global mutex to update a counter. Building a
backup's table digests allocates for every row, so the two digest threads
queue on that one lock. Measured on the large demo: a digest thread ran 25 %
slower with the statistics on, and two threads at once spent 3-4 s in the
kernel waiting for each other (the whole backup: 10.2-10.4 s against
8.3-8.9 s, both with 16 KiB pages). SQLite's own advice is to build with ``SQLITE_DEFAULT_MEMSTATUS=0``;
the ``sqlcipher3`` wheel does not, and its Python API has no
``sqlite3_config``. So it is called here through ctypes on the very library
the extension module is, with the order SQLite requires:
``sqlite3_shutdown``, ``sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)``,
``sqlite3_initialize``.

``sqlite3_shutdown`` must not run while a connection is open. Every
connection of the app is made by ``storage.engine._connect``, which calls
``prepare`` first, so the first call comes before any connection exists
(the test suite calls it at its start for the same reason). Where the
library does not export these functions (a Windows ``.pyd`` exports only its
module init), nothing changes: SQLite works as before, only slower.
"""

from __future__ import annotations

import logging
import threading

_log = logging.getLogger(__name__)

#: ``SQLITE_CONFIG_MEMSTATUS`` and ``SQLITE_STATUS_MEMORY_USED`` from sqlite3.h.
_CONFIG_MEMSTATUS = 9
_STATUS_MEMORY_USED = 0

_lock = threading.Lock()
_state: dict[str, bool] = {}


def prepare() -> bool:
    """Turn SQLite's memory statistics off, once per process; whether they are off.

    Call before the first connection opens (see the module docstring); later
    calls return the first call's result without touching SQLite again.
    """
    with _lock:
        if "off" not in _state:
            _state["off"] = _memstatus_off()
        return _state["off"]


def _library() -> object | None:
    """The SQLite that sqlcipher3 links statically, through ctypes (the module is loaded already)."""
    try:
        import ctypes

        import sqlcipher3._sqlite3 as extension

        return ctypes.CDLL(extension.__file__)
    except (ImportError, OSError, AttributeError, TypeError):
        return None


def _memstatus_off() -> bool:
    import ctypes

    lib = _library()
    try:
        shutdown, config, initialize = lib.sqlite3_shutdown, lib.sqlite3_config, lib.sqlite3_initialize  # type: ignore[union-attr]
    except AttributeError:
        _log.debug("SQLite's configuration functions are not exported here; memory statistics stay on")
        return False
    # sqlite3_config is variadic: only the fixed argument is declared, so ctypes passes the value the way
    # variadic arguments go (on the stack on Apple's arm64, where a register would be read as garbage).
    config.argtypes = [ctypes.c_int]
    if shutdown() != 0:
        return False
    configured = config(_CONFIG_MEMSTATUS, ctypes.c_int(0)) == 0
    if initialize() != 0:  # pragma: no cover - SQLite could not start again; the first connect reports it
        _log.warning("SQLite did not initialise again after its memory statistics were turned off")
        return False
    return configured and memory_counted() == 0  # initialising allocates: counted only if still on


def memory_counted() -> int | None:
    """SQLite's count of the memory it holds now (0 while the statistics are off); None where not reachable."""
    import ctypes

    lib = _library()
    try:
        status = lib.sqlite3_status64  # type: ignore[union-attr]
    except AttributeError:
        return None
    current, highest = ctypes.c_int64(0), ctypes.c_int64(0)
    if status(_STATUS_MEMORY_USED, ctypes.byref(current), ctypes.byref(highest), 0) != 0:
        return None
    return int(current.value)
