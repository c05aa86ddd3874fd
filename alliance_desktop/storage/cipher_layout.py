"""How the clinic database's pages are cut and authenticated: the SQLCipher settings set beside the key.

A raw key alone does not open an SQLCipher file: the page size and the HMAC
algorithm must match the ones it was written with, and they are not stored
in the file (its first bytes are a random salt). So every connection sets
them right after the key, and a file of unknown layout is opened by trying
the known layouts in turn (``engine._raw_connect``); a wrong layout fails
its first page's HMAC exactly like a wrong key, so trying cannot misread a
file.

Why not SQLCipher's defaults (4 KiB pages, HMAC-SHA512): every page read or
written runs AES and the HMAC, and a backup reads the whole file several
times (copy, checks, digests). SHA-256 has hardware support on current x86
and ARM processors, SHA-512 has not. Measured on the large demo, one core
each: the backup-API copy 6.2 -> 4.2 s, ``quick_check`` 5.7 -> 3.7-4.1 s, the
page HMAC check 2.6 -> 1.3-1.5 s. The HMAC is still a 256-bit tag under a 256-bit
key, each page still has its own random IV; nothing about what is protected
changes.

Why 8 KiB pages: fewer pages mean less per-page work for whatever reads the
whole file, but every random read decrypts a whole page. Measured on the
large demo (whole backup / caseload p95 / kiosk submit p95 / a raw
aggregate): 4 KiB 10.4-10.7 s / 64 ms / 42 ms / 238 ms; 8 KiB 9.5-9.8 s /
67 ms / 54 ms / 279 ms; 16 KiB 9.3-10.3 s / 111 ms / 60 ms / 421 ms (the same
hour, the VM in a slow spell). 16 KiB buys the backup nothing more and
costs the therapist's screens their budget.

Databases written before this layout (``LEGACY``, SQLCipher 4's defaults)
still open, and are rewritten into ``CURRENT`` by the update at a staff
login in the app (``storage.relayout``; at most one try per run of the app,
best effort: until it succeeds the old layout works, only slower).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CURRENT", "KNOWN", "LEGACY", "CipherLayout", "layout_of"]


@dataclass(frozen=True, slots=True)
class CipherLayout:
    """An SQLCipher page layout: page size in bytes and the per-page HMAC algorithm."""

    page_size: int
    hmac_algorithm: str

    def pragmas(self, schema: str = "main") -> tuple[str, ...]:
        """What a connection runs after ``PRAGMA key`` (for ``schema``: an attached database) before any read."""
        return (f"PRAGMA {schema}.cipher_page_size = {self.page_size}",
                f"PRAGMA {schema}.cipher_hmac_algorithm = {self.hmac_algorithm}")


#: What every database is written with now.
CURRENT = CipherLayout(8192, "HMAC_SHA256")
#: SQLCipher 4's defaults: every clinic database written before ``CURRENT`` existed.
LEGACY = CipherLayout(4096, "HMAC_SHA512")
#: The layouts a file is tried with, most likely first.
KNOWN = (CURRENT, LEGACY)


def layout_of(con: Any) -> CipherLayout:
    """The layout an open, keyed connection reads its main database with."""
    page = int(con.execute("PRAGMA cipher_page_size").fetchone()[0])
    algorithm = str(con.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0])
    return CipherLayout(page, algorithm)
