"""Keep the garbage collector's full passes out of the clicks after a login.

Why: after a login the process holds a few hundred thousand long-lived
objects (SQLAlchemy's mappers and compiled statements, instrument
definitions, Qt wrappers). CPython's cyclic collector walks all of them on
every full (generation 2) pass, and such a pass lands at random inside a
click: on the large demo it turned a 55 ms caseload refresh into 100 ms at
the 95th percentile. ``gc.freeze()`` moves everything alive at that moment
into a permanent generation the collector no longer walks; new objects are
collected as before.

The price is that cycles among frozen objects are never collected, so the
heap is unfrozen again when the session closes (lock, log out): what the
closed session held becomes collectable, and the next login freezes afresh.
"""

from __future__ import annotations

import gc

#: How long after the first screen of a session is shown the heap is settled: the
#: collection before the freeze takes tens of milliseconds and must not delay that paint.
SETTLE_DELAY_MS = 200


def settle() -> None:
    """Collect what is garbage now, then freeze the survivors (idempotent)."""
    gc.collect()
    gc.freeze()


def release() -> None:
    """Make the frozen objects collectable again (a session closed)."""
    gc.unfreeze()
