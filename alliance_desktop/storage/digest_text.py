"""The version 3 digest text of a table (backup format 3), and how its rows are cut into key ranges.

What a table's digest covers (``storage.table_digest`` feeds it into the MAC):

- a prefix: ``alliance-desktop/table-digest/v3``, a newline, then the JSON
  array ``[table name, [column names], [which columns have BLOB affinity]]``
  and a newline; it fixes how each row's text below is to be read;
- then every row in key order, each followed by a newline: rowid order for
  rowid tables, primary-key order for WITHOUT ROWID tables. A row is one
  ``json_array(...)``: the value itself for a column without BLOB affinity;
  for a column with BLOB affinity (the 16-byte UUID keys) the blob's hex
  digits, or ``null``. A row that does not fit that (a blob in a column of
  the first kind: JSON would refuse it, or read it as JSONB, x'00' as null;
  text or a number in a column of the second kind; a table without STRICT
  types allows both) is written instead as ``B`` followed by
  ``json_array(h1, v1, h2, v2, ...)``: per column the blob's hex digits or
  null, then the value if it is not a blob, or null.

Why this text is unambiguous, so different row sets give different text:
JSON keeps NULL, integers, reals and text apart (``null``, ``1``, ``1.0``,
``"1"``, ``"null"``) and escapes quotes, control characters, NUL and
newlines inside text, so a row never contains a raw newline and ends at
its closing bracket. In a plain row a BLOB-affinity column holds only blobs
or NULL (anything else makes the row a ``B`` row), so its hex string or
``null`` says which; the prefix says which columns those are. A ``B`` row
starts with a letter no JSON array starts with, and its pairs say for every
value whether it is a blob. The only thing the text cannot tell apart is
what SQLite itself does not keep apart when it renders a value: 0.0 and
-0.0. (``quote()``, which version 1 used, also cuts text at a NUL.)

Why it is cheap: ``json_array`` builds the row in one pass and one
allocation, where ``quote()`` of every value joined by ``||`` allocates per
value. Measured on the large demo (9.9 million rows, one core): 10.8
CPU-seconds against 20.0 for version 1 with the current schema, 12.6
against 19.8 with 16-byte UUID keys and WITHOUT ROWID answers and scores
(item_answers 6.9 against 10.1, responses 3.1 against 6.2). What remains
is the scan (~3 s), building the text (~5 s) and the sort (~3.5 s). The test for a ``B`` row is one comparison per column
(``c >= x''`` holds for blobs only: blobs sort after every other value)
and sends every row of a clinic database down the ``json_array`` branch.

The order inside each chunk is set by ``ORDER BY`` inside the aggregate
(``group_concat`` order is otherwise unspecified, and a text whose order
depended on the query plan could refuse a good backup after a SQLite
update). Chunks are ranges of the rowid, or of the first primary-key column
of a WITHOUT ROWID table (integers by value, blobs by their first two bytes,
BINARY-collated text by its first character), disjoint, covering every
value of any type and following each other in key order; where the key
values give no usable ranges the table is one chunk. How a table is cut
only decides how the work is shared, never the text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ROWID_NAMES", "TableText", "describe", "key_ranges", "prefix", "quoted", "row_text"]

#: The names of a rowid table's rowid, in the order ``describe`` tries them (a column can hide each).
ROWID_NAMES = ("rowid", "_rowid_", "oid")
#: Rowid values per chunk: one statement builds the chunk's text (1-4 MB on the large demo). Smaller chunks sort
#: a little faster (the ORDER BY inside the aggregate) and hold less memory; the statements cost next to nothing.
CHUNK_ROWIDS = 10_000
#: At most this many chunks per table: very sparse rowids are cut into wider ranges instead.
MAX_CHUNKS = 4096
#: Chunks of a big WITHOUT ROWID table (its row count is not known without a scan): ~7,000 rows each for the
#: 7.1 million answers of the large demo with 16-byte UUID keys.
KEY_CHUNKS = 1024
#: Rows per chunk of a small WITHOUT ROWID table, counted up to ``_PROBE_ROWS`` (a bounded, cheap scan):
#: random UUID keys span the whole key space however few rows there are, and 1,024 statements for a
#: few hundred rows made a small clinic's backup 5x slower (35 -> 170 ms).
KEY_CHUNK_ROWS = 7_000
_PROBE_ROWS = 200_000
_LABEL = b"alliance-desktop/table-digest/v3\n"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableText:
    """What the version 3 text of one table is built from."""

    name: str
    columns: list[str]
    blob_columns: list[bool]  # True: the column has BLOB affinity; its blobs are written as hex
    order: str  # ORDER BY terms giving the rows' key order
    key: str | None  # the column (or rowid alias) the chunks are ranges of; None: one chunk
    rowid: bool  # ``key`` is a rowid alias (ranges by value, BETWEEN)
    key_binary: bool  # text comparisons on ``key`` are BINARY (text ranges allowed)


def _blob_affinity(declared: str) -> bool:
    """SQLite's affinity rules, in their order: INT first, then CHAR/CLOB/TEXT, then BLOB or no type."""
    upper = declared.upper()
    if "INT" in upper or any(t in upper for t in ("CHAR", "CLOB", "TEXT")):
        return False
    return "BLOB" in upper or not upper.strip()


def describe(con: Any, name: str, without_rowid: bool, info: Sequence[Any]) -> TableText:
    """The shape of ``name`` (``info`` is its ``PRAGMA table_info``) as its version 3 text needs it."""
    columns = [str(c[1]) for c in info]
    blobbish = [_blob_affinity(str(c[2] or "")) for c in info]
    if without_rowid:
        pk = [str(c[1]) for c in sorted((c for c in info if c[5]), key=lambda c: c[5])]
        return TableText(name, columns, blobbish, ", ".join(quoted(c) for c in pk), quoted(pk[0]), False,
                         _binary_key(con, name, pk[0]))
    names = {c.lower() for c in columns}
    alias = next((a for a in ROWID_NAMES if a not in names), None)
    if alias is None:  # every rowid name is a column: order by the row's own text, in one chunk
        text = TableText(name, columns, blobbish, "", None, False, False)
        return TableText(name, columns, blobbish, row_text(text), None, False, False)
    return TableText(name, columns, blobbish, alias, alias, True, False)


def _binary_key(con: Any, table: str, column: str) -> bool:
    """Whether the primary key compares ``column`` BINARY (then ranges of its first character are in key order)."""
    for index in con.execute(f"PRAGMA main.index_list({quoted(table)})").fetchall():
        if index[3] == "pk":
            for col in con.execute(f"PRAGMA main.index_xinfo({quoted(str(index[1]))})").fetchall():
                if col[2] == column and col[5]:
                    return str(col[4]).upper() == "BINARY"
    return False


def prefix(table: TableText) -> bytes:
    """The bytes the table's MAC starts with: the label, then what the rows' text is to be read as."""
    shape = [table.name, table.columns, table.blob_columns]
    return _LABEL + json.dumps(shape, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def row_text(table: TableText) -> str:
    """The SQL expression of one row's text (see the module docstring)."""
    cols = [quoted(c) for c in table.columns]
    if not cols:
        return "'[]'"
    pairs = list(zip(cols, table.blob_columns, strict=True))
    values = [f"iif({c} IS NULL, NULL, hex({c}))" if blob else c for c, blob in pairs]
    unexpected = [f"{c} < x''" if blob else f"{c} >= x''" for c, blob in pairs]  # blobs sort after everything else
    as_pairs = ", ".join(f"iif({c} >= x'', hex({c}), NULL), iif({c} >= x'', NULL, {c})" for c in cols)
    return (f"CASE WHEN {' OR '.join(unexpected)} THEN 'B' || json_array({as_pairs}) "
            f"ELSE json_array({', '.join(values)}) END")


def key_ranges(con: Any, table: TableText) -> list[tuple[str, tuple[Any, ...]]]:
    """(WHERE condition, parameters) per chunk: disjoint, covering the table, in key order."""
    if table.key is None:
        return [("1", ())]
    t, k = quoted(table.name), table.key
    if table.rowid:
        low, high = con.execute(f"SELECT min({k}), max({k}) FROM {t}").fetchone()
        if low is None:
            return []
        width = max(CHUNK_ROWIDS, -(-(high - low + 1) // MAX_CHUNKS))
        return [(f"{k} BETWEEN ? AND ?", (a, min(a + width - 1, high))) for a in range(low, high + 1, width)]
    seen = int(con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {t} LIMIT {_PROBE_ROWS})").fetchone()[0])
    if seen == 0:
        return []
    chunks = KEY_CHUNKS if seen >= _PROBE_ROWS else min(KEY_CHUNKS, seen // KEY_CHUNK_ROWS + 1)
    if chunks == 1:
        return [("1", ())]
    first = con.execute(f"SELECT {k} FROM {t} ORDER BY {k} LIMIT 1").fetchone()
    last = con.execute(f"SELECT {k} FROM {t} ORDER BY {k} DESC LIMIT 1").fetchone()
    bounds = _bounds(first[0], last[0], table.key_binary, chunks)
    if not bounds:
        return [("1", ())]
    ranges = [(f"{k} < ?", (bounds[0],))]
    ranges += [(f"{k} >= ? AND {k} < ?", (a, b)) for a, b in zip(bounds, bounds[1:])]
    ranges.append((f"{k} >= ?", (bounds[-1],)))
    return ranges


def _bounds(low: Any, high: Any, binary: bool, chunks: int) -> list[Any]:
    """Strictly increasing values between the key's smallest and largest value that cut it into ~``chunks``."""
    if type(low) is int and type(high) is int:
        width = max(1, -(-(high - low + 1) // chunks))
        return list(range(low + width, high + 1, width))
    if isinstance(low, bytes) and isinstance(high, bytes):
        a, b = (int.from_bytes(v[:2].ljust(2, b"\x00"), "big") for v in (low, high))
        step = max(1, (b - a) // chunks)
        return [v.to_bytes(2, "big") for v in range(a + step, b + 1, step)]
    if isinstance(low, str) and isinstance(high, str) and binary and high:
        a, b = ord(low[0]) if low else 0, ord(high[0])
        step = max(1, (b - a) // chunks)
        return [chr(v) for v in range(a + step, b + 1, step) if not 0xD800 <= v <= 0xDFFF]
    return []
