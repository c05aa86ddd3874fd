"""A backup builds its table digests without the sort where SQLite reads the rows in key order anyway.

The sorted statement is the definition of the text (storage/digest_text.py);
the unsorted one may only be used where the query plan proves the same order,
and must then give the very same digests. A backup whose digests were built
in any other order must be refused when it is restored.
"""

from __future__ import annotations

import random

import pytest

from alliance_desktop.storage import backup as store
from alliance_desktop.storage import digest_text
from alliance_desktop.storage import table_digest as digests
from alliance_desktop.storage.backup_format import BackupDamaged, read_backup
from alliance_desktop.storage.engine import _raw_connect
from alliance_desktop.storage.keys import new_data_key
from tests.storage.test_backup_digest_v3 import make_db, shapes, summaries  # noqa: F401 - shapes is a fixture
from tests.storage.test_backup_store import draft


@pytest.fixture
def shuffled(tmp_path):
    """Rows written in random key order, some deleted and rewritten: pages no longer in key order."""
    rng = random.Random(7)
    key = new_data_key()
    ids = list(range(1, 30_001))
    rng.shuffle(ids)
    uuids = [rng.randbytes(16) for _ in range(8_000)]
    path = make_db(tmp_path / "shuffled.db", key, """
        CREATE TABLE r (id INTEGER PRIMARY KEY, t TEXT, v REAL);
        CREATE TABLE w (k BLOB NOT NULL, n INTEGER NOT NULL, v TEXT, PRIMARY KEY (k, n)) WITHOUT ROWID;
        CREATE INDEX r_by_t ON r (t);
    """, {"r": [(i, f"row {i % 97}", i / 3) for i in ids],
          "w": [(u, n, "x" * (n % 50)) for u in uuids for n in range(3)]})
    con = _raw_connect(path, key)
    con.execute("DELETE FROM r WHERE id % 5 = 0")
    con.execute("UPDATE w SET v = v || 'grown' WHERE n = 1")  # rows move between pages as they grow
    con.executemany("INSERT INTO r VALUES (?, ?, ?)", [(i * 5, "back", None) for i in range(1, 3000, 7)])
    con.close()
    return path, key


def scan_order_summaries(path, key, *, reverse: bool = False) -> tuple[dict, list]:
    con = _raw_connect(path, key)
    try:
        if reverse:
            con.execute("PRAGMA reverse_unordered_selects = ON")
        plans = digests.plan_digests(con, key, in_scan_order=True)
        digests.submit_digests(plans, lambda fn, *args: digests._inline(fn, *args, con=con))
        return digests.collect_digests(plans), plans
    finally:
        con.close()


@pytest.mark.parametrize("fixture", ["shapes", "shuffled"])
def test_unsorted_digests_equal_the_sorted_ones(request, monkeypatch, fixture):
    path, key = request.getfixturevalue(fixture)
    monkeypatch.setattr(digest_text, "CHUNK_ROWIDS", 1000)
    monkeypatch.setattr(digest_text, "KEY_CHUNK_ROWS", 50)  # small tables cut as a big one is
    expected = summaries(path, key)  # the definition: ORDER BY inside every aggregate
    got, plans = scan_order_summaries(path, key)
    assert got == expected
    unsorted = {p.name for p in plans if p.scan_ordered}
    wanted = {"r", "w"} if fixture == "shuffled" else {"dense", "sparse", "wr_blob", "wr_int", "wr_text"}
    assert wanted <= unsorted  # the fast path really ran on the tables that have key ranges
    if fixture == "shapes":  # a table ordered by its rows' own text (every rowid name is a column) keeps the sort
        assert not next(p for p in plans if p.name == "own_rowid").scan_ordered


def test_keys_stored_in_another_order_than_the_digests_keep_the_sort(tmp_path):
    """A DESC key is walked backwards for an ascending ORDER BY, a key collated NOCASE sorts otherwise than BINARY."""
    key = new_data_key()
    rows = [(f"{'aBcD'[i % 4]}{i:05d}", i % 7, str(i)) for i in range(3000)]
    path = make_db(tmp_path / "keys.db", key, """
        CREATE TABLE down (k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT, PRIMARY KEY (k DESC, n)) WITHOUT ROWID;
        CREATE TABLE all_down (k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT,
                               PRIMARY KEY (k DESC, n DESC)) WITHOUT ROWID;
        CREATE TABLE folded (k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT,
                             PRIMARY KEY (k COLLATE NOCASE, n)) WITHOUT ROWID;
        CREATE TABLE plain (k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT, PRIMARY KEY (k, n)) WITHOUT ROWID;
    """, {"down": rows, "all_down": rows, "folded": rows, "plain": rows})
    got, plans = scan_order_summaries(path, key)
    assert got == summaries(path, key)
    by_name = {p.name: p for p in plans}
    assert not by_name["down"].scan_ordered and not by_name["folded"].scan_ordered
    assert not by_name["all_down"].scan_ordered  # both plans read "SEARCH ... USING PRIMARY KEY": direction unseen
    assert by_name["plain"].scan_ordered  # the same table with an ordinary key does go without the sort


def test_a_descending_key_would_give_another_text_without_its_own_check(tmp_path, monkeypatch):
    """Why ``_ascending_key`` is needed: the plans alone do not tell a backward walk, the text does differ."""
    key = new_data_key()
    rows = [(f"k{i:05d}", i % 3, "v") for i in range(3000)]
    path = make_db(tmp_path / "down.db", key, """
        CREATE TABLE all_down (k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT,
                               PRIMARY KEY (k DESC, n DESC)) WITHOUT ROWID;
    """, {"all_down": rows})
    monkeypatch.setattr(digests, "_ascending_key", lambda con, table: True)
    con = _raw_connect(path, key)
    try:
        [plan] = digests.plan_digests(con, key, in_scan_order=True)
        chunk = plan.chunks[0]
        unsorted = con.execute(plan.statement(chunk.where).replace(f" ORDER BY {plan.order}", ""),
                               chunk.params).fetchone()
        sorted_ = con.execute(plan.statement(chunk.where), chunk.params).fetchone()
        assert unsorted != sorted_
        assert not plan.scan_ordered  # caught anyway by comparing the first chunk both ways
    finally:
        con.close()


def test_planner_statistics_keep_the_sort(shuffled):
    path, key = shuffled
    con = _raw_connect(path, key)
    con.execute("ANALYZE")
    con.close()
    got, plans = scan_order_summaries(path, key)
    assert not any(p.scan_ordered for p in plans)
    assert got == summaries(path, key)


def test_reversed_scans_keep_the_sort(shuffled):
    """``reverse_unordered_selects`` turns unordered scans around: no statement may then leave out its sort."""
    path, key = shuffled
    got, plans = scan_order_summaries(path, key, reverse=True)
    assert not any(p.scan_ordered for p in plans)
    assert got == summaries(path, key)


@pytest.mark.parametrize(("step", "ordered"), [
    ("SCAN t", True),
    ("SEARCH t USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", True),
    ("SEARCH t USING PRIMARY KEY (k<?)", True),
    ("SCAN t USING COVERING INDEX t_by_v", False),
    ("SEARCH t USING INDEX t_by_v (v>?)", False),
    ("SEARCH t USING COVERING INDEX sqlite_autoindex_t_1 (k>?)", False),
    ("SCAN tt", False),
    ("SEARCH t2 USING INTEGER PRIMARY KEY (rowid>?)", False),
])
def test_only_a_walk_of_the_tables_own_tree_counts_as_key_order(step, ordered):
    assert digests._in_key_order(step, "t") is ordered


def test_a_backup_with_digests_in_another_order_is_refused_on_restore(session, tmp_path, monkeypatch):
    """What protects a clinic if a future SQLite read the rows in another order than its plan says: the restore."""
    used: list[str] = []

    def backwards(con, plan, chunk):  # an unnoticed change of scan direction, after the plans were checked
        sql = plan.statement(chunk.where)
        if chunk.where in plan.scan_ordered:
            used.append(plan.name)
            sql = sql.replace("char(10))", f"char(10) ORDER BY {plan.order} DESC)")
        blob, n = con.execute(sql, chunk.params).fetchone()
        return (bytes(blob) + b"\n", int(n)) if n else (b"", 0)

    real = digests.digest_chunk
    monkeypatch.setattr(digests, "digest_chunk", backwards)
    target = tmp_path / "b.adkbackup"
    store.create_backup(session.database(), session.data_key(), draft(session), target)
    monkeypatch.setattr(digests, "digest_chunk", real)
    assert "audit_events" in used  # four rows: reading them backwards gives another text
    with pytest.raises(BackupDamaged):
        store.stage_restore(read_backup(target), session.data_key(), tmp_path / "staged.db")
    assert not (tmp_path / "staged.db").exists()
