"""Per-table row counts and keyed content digests: what a backup's header promises about its database.

A table's digest is HMAC-SHA256 under ``backup_format.digest_key`` over a
short prefix naming the table and its columns, then one line of text per row
in a fixed order. So two databases with the same rows give the same digest
however their pages are laid out; a restore recomputes them on the extracted
file and compares. Which text depends on the backup's format version
(``scheme_for``):

- **Version 1 text** (backups of format 1 and 2, still verified exactly as
  they were written): each value by SQLite's ``quote()``, joined by ``,``, in
  rowid order (primary-key order for WITHOUT ROWID tables); the prefix is the
  table name, a NUL, the column names joined by ``,`` and a newline.
- **Version 3 text** (format 3, written now; ``storage.digest_text``): each
  row one ``json_array(...)`` (blobs of BLOB-typed columns as hex), 35-45 %
  cheaper to build than ``quote()`` of every value; WITHOUT ROWID tables are
  cut into primary-key ranges too, so both workers share every table.

How the text is produced does not change what it is: per chunk of rows
(a rowid range, or a range of the first primary-key column) one SQL
statement builds it (``group_concat(... ORDER BY key)``, the GIL released
throughout), chunks run on several connections at once and are fed into
each table's MAC in key order (``plan_digests`` / ``submit_digests`` /
``collect_digests``). The chunks are disjoint, cover the table and follow
each other in key order, and each ends with its last row's newline, so the
bytes fed into the MAC are the same however the table is cut. The ``ORDER
BY`` inside the aggregate is what makes the order part of the statement's
meaning (``group_concat`` order is otherwise unspecified); it costs a sort
per chunk, 40 % of a digest's time on the large demo (15.1 CPU-seconds with
it, 8.6 without).

A backup therefore builds the same text without that sort where SQLite
itself says it reads the rows in key order (``plan_digests(...,
in_scan_order=True)``): an aggregate takes its rows in the order the loop
over the table yields them, and ``EXPLAIN QUERY PLAN`` of each chunk's
statement must show exactly one step, a scan or key-range search of the
table's own b-tree (rowid order, or primary-key order WITHOUT ROWID): no
index, no temporary b-tree; a plain query over the same rows with the
digest's ``ORDER BY`` must take that same step without a sorter (so the
key's collations are the digest's), and a key stored in descending order is
ruled out (a plan's text does not show the direction of a walk).
``reverse_unordered_selects``, which would turn
that scan around, is off on every connection that reads for a backup. Any
other plan (a future SQLite choosing differently) falls back to the sorted
statement, chunk shape by chunk shape; so does a shape whose first chunk
does not give the same text both ways (a check that costs one chunk per
table), and every table of a database with planner statistics (ANALYZE,
which the app never runs, could make plans depend on a chunk's values). A
restore always uses the sorted
statement, the definition of the text, so a backup whose digests had been
built in any other order would be refused at its first check, never
restored; the suite compares both ways on tables filled in shuffled order.
Version 1 tables without rowids, with very sparse rowids or with a column
named like the rowid are read row by row in one pass, as version 1 did.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from alliance_desktop.storage import digest_text
from alliance_desktop.storage.backup_format import FORMAT_VERSION, TableSummary, digest_key
from alliance_desktop.storage.digest_text import ROWID_NAMES, quoted

__all__ = [
    "Chunk",
    "TablePlan",
    "collect_digests",
    "digest_chunk",
    "digest_rows",
    "plan_digests",
    "quoted",
    "row_counts",
    "scheme_for",
    "submit_digests",
    "table_summaries",
    "user_tables",
]

#: Rows fetched per round trip when a table is digested row by row (version 1: WITHOUT ROWID, sparse rowids).
_FETCH = 20_000
#: Rowid values per version 1 digest chunk: one SQL statement builds the chunk's text (about 1 MB).
_CHUNK_ROWIDS = 20_000
#: More chunks than this (very sparse rowids) and a version 1 table is digested row by row instead.
_MAX_CHUNKS = 4096


def scheme_for(format_version: int) -> int:
    """The digest text a backup of ``format_version`` carries: 1 for formats 1 and 2, 3 from format 3 on."""
    return 1 if format_version < 3 else 3


def user_tables(con: Any) -> list[tuple[str, bool]]:
    """(name, without_rowid) of every user table, in name order (SQLite's own tables excluded)."""
    rows = con.execute("PRAGMA main.table_list").fetchall()
    found = [(str(r[1]), bool(r[4])) for r in rows if r[2] == "table" and not str(r[1]).startswith("sqlite_")]
    return sorted(found)


def row_counts(con: Any) -> dict[str, int]:
    return {name: int(con.execute(f"SELECT count(*) FROM {quoted(name)}").fetchone()[0]) for name, _ in user_tables(con)}


@dataclass(frozen=True)
class Chunk:
    """The rows one statement serialises: a ``WHERE`` condition on the table's key and its parameters."""

    where: str
    params: tuple[Any, ...]


@dataclass
class TablePlan:
    """How one table is digested: its MAC so far and the statements that produce its text, in key order."""

    name: str
    mac: Any  # hmac.HMAC
    expr: str  # one row's text
    order: str  # the key order of the rows (inside each chunk's aggregate)
    chunks: list[Chunk] | None  # None: row by row in one pass (version 1 only)
    futures: list[Future[tuple[bytes, int]]] = field(default_factory=list)
    #: The chunk conditions (``Chunk.where``) whose unsorted statement SQLite reads in key order (see the docstring).
    scan_ordered: frozenset[str] = frozenset()

    def statement(self, where: str) -> str:
        """The statement that builds the text of the rows matching ``where``: unsorted only where proven in order."""
        order = "" if where in self.scan_ordered else f" ORDER BY {self.order}"
        return (f"SELECT CAST(group_concat({self.expr}, char(10){order}) AS BLOB), count(*) "
                f"FROM {quoted(self.name)} WHERE {where}")


def plan_digests(con: Any, data_key: bytes, version: int = FORMAT_VERSION, *,
                 in_scan_order: bool = False) -> list[TablePlan]:
    """One plan per table, for the digest text of backup format ``version`` (see the module docstring).

    ``in_scan_order`` (format 3 on): leave out the sort wherever ``con``'s
    query plan reads the chunk in key order; the connections that run the
    statements must have ``reverse_unordered_selects`` off, as ``con`` has.
    """
    key = digest_key(data_key)
    scheme = scheme_for(version)
    utf8 = str(con.execute("PRAGMA encoding").fetchone()[0]).upper() == "UTF-8"
    scan_ok = in_scan_order and not int(con.execute("PRAGMA reverse_unordered_selects").fetchone()[0])
    # Statistics (ANALYZE, which the app never runs) could make a plan depend on a chunk's values.
    scan_ok = scan_ok and not con.execute(
        "SELECT 1 FROM sqlite_schema WHERE name LIKE 'sqlite_stat%' LIMIT 1").fetchone()
    plans = []
    for name, without_rowid in user_tables(con):
        info = con.execute(f"PRAGMA main.table_info({quoted(name)})").fetchall()
        if scheme == 1:
            plans.append(_plan_v1(con, key, name, without_rowid, info, utf8))
        else:
            table = digest_text.describe(con, name, without_rowid, info)
            mac = hmac.new(key, digest_text.prefix(table), hashlib.sha256)
            plan = TablePlan(name, mac, digest_text.row_text(table), table.order,
                             [Chunk(w, p) for w, p in digest_text.key_ranges(con, table)])
            if scan_ok and table.key is not None and _ascending_key(con, table):
                plan.scan_ordered = frozenset(_scan_ordered(con, plan))
            plans.append(plan)
    return plans


def _ascending_key(con: Any, table: digest_text.TableText) -> bool:
    """Whether the table's b-tree holds its rows in ascending key order (a ``DESC`` primary key does not)."""
    if table.rowid:
        return True
    for index in con.execute(f"PRAGMA main.index_list({quoted(table.name)})").fetchall():
        if index[3] == "pk":
            keys = [c for c in con.execute(f"PRAGMA main.index_xinfo({quoted(str(index[1]))})").fetchall() if c[5]]
            return bool(keys) and not any(c[3] for c in keys)
    return False


def _scan_ordered(con: Any, plan: TablePlan) -> set[str]:
    """The chunk conditions of ``plan`` whose unsorted statement reads the rows in the sorted statement's order.

    Two plans must agree: the unsorted aggregate walks the table's own
    b-tree forward in one step, and a plain query over the same rows with the
    digest's ``ORDER BY`` takes that very step and no sorter, so SQLite
    itself finds the walk in that order (collations included). The walk's
    direction is not in the plan's text: ``_ascending_key`` rules out the
    one case where SQLite would walk backwards for an ascending ``ORDER BY``.
    """
    found: set[str] = set()
    table = quoted(plan.name)
    first: dict[str, tuple[Any, ...]] = {}
    for c in plan.chunks or []:
        first.setdefault(c.where, c.params)
    for where, params in first.items():
        candidate = TablePlan(plan.name, None, plan.expr, plan.order, None, scan_ordered=frozenset({where}))
        steps = _query_plan(con, candidate.statement(where), params)
        ordered = _query_plan(con, f"SELECT {plan.expr} FROM {table} WHERE {where} ORDER BY {plan.order}", params)
        if len(steps) == 1 and _in_key_order(steps[0], plan.name) and ordered == steps:
            # And in fact: the first chunk of this shape gives the same text both ways (one chunk of ~1,000).
            sorted_text = con.execute(plan.statement(where), params).fetchone()
            if con.execute(candidate.statement(where), params).fetchone() == sorted_text:
                found.add(where)
    return found


def _query_plan(con: Any, sql: str, params: tuple[Any, ...]) -> list[str]:
    return [str(r[3]) for r in con.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def _in_key_order(step: str, table: str) -> bool:
    """Whether one ``EXPLAIN QUERY PLAN`` step reads ``table``'s own b-tree from its first key to its last."""
    return step == f"SCAN {table}" or any(
        step.startswith(f"SEARCH {table} USING {how} (") for how in ("INTEGER PRIMARY KEY", "PRIMARY KEY"))


def _plan_v1(con: Any, key: bytes, name: str, without_rowid: bool, info: Sequence[Any], utf8: bool) -> TablePlan:
    """The version 1 plan, unchanged: rowid chunks where they give the row-by-row text byte for byte."""
    columns = [str(c[1]) for c in info]
    if without_rowid:
        pk = [str(c[1]) for c in sorted((c for c in info if c[5]), key=lambda c: c[5])]
        order = ", ".join(quoted(c) for c in pk)
    else:
        order = "rowid"
    expr = " || ',' || ".join(f"quote({quoted(c)})" for c in columns) or "''"
    mac = hmac.new(key, name.encode("utf-8") + b"\x00" + ",".join(columns).encode("utf-8") + b"\n", hashlib.sha256)
    chunks: list[Chunk] | None = None
    if not without_rowid and utf8 and not {c.lower() for c in columns}.intersection(ROWID_NAMES):
        low, high = con.execute(f"SELECT min(rowid), max(rowid) FROM {quoted(name)}").fetchone()
        if low is None:
            chunks = []
        elif (high - low) // _CHUNK_ROWIDS < _MAX_CHUNKS:
            chunks = [Chunk("rowid BETWEEN ? AND ?", (a, min(a + _CHUNK_ROWIDS - 1, high)))
                      for a in range(low, high + 1, _CHUNK_ROWIDS)]
    return TablePlan(name, mac, expr, order, chunks)


def digest_chunk(con: Any, plan: TablePlan, chunk: Chunk) -> tuple[bytes, int]:
    """The text of one chunk's rows, a newline after each row, and how many rows there were.

    Built inside SQLite (one statement, the GIL released throughout) instead
    of row by row in Python; the ``ORDER BY`` inside the aggregate makes the
    order part of the statement's meaning, unless the plan was proven to read
    the rows in that order (``TablePlan.scan_ordered``). The
    bytes are the database's UTF-8 text as is, which is what the row-by-row
    version 1 code hashed after decoding and re-encoding it.
    """
    blob, n = con.execute(plan.statement(chunk.where), chunk.params).fetchone()
    return (bytes(blob) + b"\n", int(n)) if n else (b"", 0)


def digest_rows(con: Any, plan: TablePlan) -> tuple[bytes, int]:
    """The whole table row by row, fed into its MAC directly (the version 1 code, unchanged)."""
    count = 0
    cursor = con.execute(f"SELECT {plan.expr} FROM {quoted(plan.name)} ORDER BY {plan.order}")
    while rows := cursor.fetchmany(_FETCH):
        plan.mac.update("\n".join(r[0] for r in rows).encode("utf-8", "surrogatepass"))
        plan.mac.update(b"\n")
        count += len(rows)
    return b"", count


Submit = Callable[..., "Future[Any]"]


def submit_digests(plans: list[TablePlan], submit: Submit) -> None:
    """Hand every chunk to ``submit``, table by table in the order ``collect_digests`` feeds them in.

    In that order the chunks' texts are hashed and dropped about as fast as
    the workers produce them; submitted in any other order, finished chunks
    of later tables would wait in memory (hundreds of MB on the large demo).
    """
    for plan in plans:
        if plan.chunks is None:
            plan.futures.append(submit(digest_rows, plan))
        else:
            plan.futures.extend(submit(digest_chunk, plan, chunk) for chunk in plan.chunks)


def collect_digests(plans: list[TablePlan]) -> dict[str, TableSummary]:
    """Feed every table's chunks into its MAC in key order, as they come in."""
    result: dict[str, TableSummary] = {}
    for plan in plans:
        count = 0
        for future in plan.futures:
            text, n = future.result()
            plan.mac.update(text)
            count += n
        result[plan.name] = TableSummary(count, plan.mac.hexdigest())
    return result


def _inline(fn: Callable[..., Any], *args: Any, con: Any) -> Future[Any]:
    future: Future[Any] = Future()
    try:
        future.set_result(fn(con, *args))
    except BaseException as exc:  # noqa: BLE001 - handed over to whoever asks for the result
        future.set_exception(exc)
    return future


def table_summaries(con: Any, data_key: bytes, version: int = FORMAT_VERSION) -> dict[str, TableSummary]:
    """Row count and keyed content digest of every table, as a backup of format ``version`` carries them.

    Independent of page layout and of how the work is cut into chunks (see
    the module docstring); one connection, in this thread.
    """
    plans = plan_digests(con, data_key, version)
    submit_digests(plans, lambda fn, *args: _inline(fn, *args, con=con))
    return collect_digests(plans)
