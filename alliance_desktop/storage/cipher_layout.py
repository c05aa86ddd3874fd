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
times (copy, checks, digests). Measured on the large demo (one core each):
the backup-API copy 6.2 -> 4.3 s, ``quick_check`` 5.7 -> 3.2 s, the page
HMAC check 2.6 -> 1.1 s, the whole backup 13.7-14.2 s -> 8.3-8.9 s. SHA-256
has hardware support on current x86 and ARM processors, SHA-512 has not;
16 KiB pages quarter the number of pages, and the per-page work with it.
The HMAC is still a 256-bit tag under a 256-bit key, each page still has
its own random IV; nothing about what is protected changes.

Databases written before this layout (``LEGACY``, SQLCipher 4's defaults)
still open, and are rewritten into ``CURRENT`` once, as a step of the
update at the next login (``storage.relayout``), after the usual copy.
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
CURRENT = CipherLayout(16384, "HMAC_SHA256")
#: SQLCipher 4's defaults: every clinic database written before ``CURRENT`` existed.
LEGACY = CipherLayout(4096, "HMAC_SHA512")
#: The layouts a file is tried with, most likely first.
KNOWN = (CURRENT, LEGACY)


def layout_of(con: Any) -> CipherLayout:
    """The layout an open, keyed connection reads its main database with."""
    page = int(con.execute("PRAGMA cipher_page_size").fetchone()[0])
    algorithm = str(con.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0])
    return CipherLayout(page, algorithm)
