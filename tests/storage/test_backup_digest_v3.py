"""Format 3: its table digests (storage.digest_text), and that format 1 and 2 files still verify as before."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from alliance_desktop.storage import backup as store
from alliance_desktop.storage import digest_text
from alliance_desktop.storage import table_digest as digests
from alliance_desktop.storage.backup_format import BackupDamaged, BackupHeader, read_backup, write_backup
from alliance_desktop.storage.engine import APPLICATION_ID, _raw_connect
from alliance_desktop.storage.keys import new_data_key
from tests.storage.test_backup_store import draft, v1_table_summaries, write_v1


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, key: bytes, script: str, rows: dict[str, list[tuple]] | None = None) -> Path:
    con = _raw_connect(path, key)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.executescript(script)
    con.execute("BEGIN")
    for table, values in (rows or {}).items():
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {digests.quoted(table)} VALUES ({marks})", values)
    con.execute("COMMIT")
    con.close()
    return path


def summaries(path: Path, key: bytes, version: int = 3) -> dict:
    con = _raw_connect(path, key)
    try:
        return digests.table_summaries(con, key, version)
    finally:
        con.close()


@pytest.fixture
def shapes(tmp_path):
    """Every table shape the version 3 chunking treats differently, with enough rows for many chunks."""
    key = new_data_key()
    uuids = [hashlib.md5(str(i).encode()).digest() for i in range(6000)]
    script = """
        CREATE TABLE dense (a TEXT, b REAL, c INTEGER, d BLOB, e);
        CREATE TABLE sparse (a TEXT);
        CREATE TABLE wr_blob (id BLOB NOT NULL, item TEXT NOT NULL, v REAL, PRIMARY KEY (id, item)) WITHOUT ROWID;
        CREATE TABLE wr_int (n INTEGER NOT NULL, k TEXT NOT NULL, v TEXT, PRIMARY KEY (n, k)) WITHOUT ROWID;
        CREATE TABLE wr_text (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
        CREATE TABLE wr_nocase (k TEXT COLLATE NOCASE PRIMARY KEY, v INTEGER) WITHOUT ROWID;
        CREATE TABLE wr_mixed (k PRIMARY KEY, v TEXT) WITHOUT ROWID;
        CREATE TABLE own_rowid (rowid TEXT, _rowid_ TEXT, oid TEXT);
        CREATE TABLE empty_wr (k BLOB PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE empty (a TEXT);
    """
    rows = {
        "dense": [(f"t{i} \u00e9\u4e2d\U0001f600 'q' ,\n\"]", i / 7, i * 10**12 - 5, bytes([i % 256, 0, 255]),
                   [None, 1, 1.5, "x", b"\x00"][i % 5]) for i in range(23_456)],
        "wr_blob": [(u, f"item{j}", (i * 3 + j) / 4) for i, u in enumerate(uuids[:2000]) for j in range(3)]
                   + [(b"", "empty-key", None), (b"\xff" * 17, "long", 1.0)],
        "wr_int": [(i * 1_000_003 - 2**40, f"k{i % 3}", "v" * (i % 40)) for i in range(5000)],
        "wr_text": [(f"{chr(0x4E00 + i * 7)}{i}\u00e9", i) for i in range(3000)]
                   + [("", -1), ("!", 0), ("\U0001f600z", 7)],
        "wr_nocase": [(f"{'aAbB'[i % 4]}{i}", i) for i in range(400)],
        "wr_mixed": [(1, "int"), (2.5, "real"), ("text", "text"), (b"blob", "blob"), (-7, "neg")],
        "own_rowid": [(str(9 - i), "x", None) for i in range(10)] + [("1", "x", None)],  # duplicates on purpose
    }
    path = make_db(tmp_path / "shapes.db", key, script, rows)
    con = _raw_connect(path, key)
    con.execute("DELETE FROM dense WHERE rowid % 3 = 0")  # holes inside the chunks
    con.executemany("INSERT INTO sparse(rowid, a) VALUES (?, ?)",
                    [(-(2**62), "low"), (-1, "minus"), (0, "zero"), (2**62, "high"), (2**63 - 1, "max")])
    con.close()
    return path, key


def whole_table_text(con, name: str) -> tuple[bytes, int]:
    """The version 3 text of a table from one statement over all of it: the reference the chunks must equal."""
    info = con.execute(f"PRAGMA table_info({digests.quoted(name)})").fetchall()
    without_rowid = dict(digests.user_tables(con))[name]
    table = digest_text.describe(con, name, without_rowid, info)
    blob, n = con.execute(f"SELECT CAST(group_concat({digest_text.row_text(table)}, char(10) ORDER BY {table.order})"
                          f" AS BLOB), count(*) FROM {digests.quoted(name)}").fetchone()
    return digest_text.prefix(table) + (bytes(blob) + b"\n" if n else b""), n


def test_chunked_digests_equal_one_statement_per_table(shapes):
    import hmac

    from alliance_desktop.storage.backup_format import digest_key

    path, key = shapes
    got = summaries(path, key)
    con = _raw_connect(path, key)
    try:
        for name, summary in got.items():
            text, n = whole_table_text(con, name)
            assert summary.rows == n
            assert summary.digest == hmac.new(digest_key(key), text, hashlib.sha256).hexdigest(), name
    finally:
        con.close()
    assert got["dense"].rows == 15_638 and got["sparse"].rows == 5 and got["wr_blob"].rows == 6002
    assert got["empty"].rows == got["empty_wr"].rows == 0


@pytest.mark.parametrize(("rowids", "key_chunks"), [(1, 1), (7, 3), (10_000, 1024), (10**9, 65_536)])
def test_digests_are_equal_however_the_work_is_cut(shapes, monkeypatch, rowids, key_chunks):
    path, key = shapes
    expected = summaries(path, key)
    monkeypatch.setattr(digest_text, "CHUNK_ROWIDS", rowids)
    monkeypatch.setattr(digest_text, "KEY_CHUNKS", key_chunks)
    monkeypatch.setattr(digest_text, "KEY_CHUNK_ROWS", 1)  # these small tables cut as finely as a big one
    assert summaries(path, key) == expected
    assert store.check_database_file(path, key, thorough=False)[2] == expected  # two workers, chunks in any order


def test_without_rowid_tables_are_cut_into_key_ranges(shapes, monkeypatch):
    path, key = shapes
    monkeypatch.setattr(digest_text, "KEY_CHUNK_ROWS", 10)  # ~6,000 rows: cut as a big table is
    con = _raw_connect(path, key)
    try:
        plans = {p.name: p for p in digests.plan_digests(con, key)}
        for name in ("wr_blob", "wr_int", "wr_text"):
            assert plans[name].chunks is not None and len(plans[name].chunks) > 100, name
            counted = [digests.digest_chunk(con, plans[name], c)[1] for c in plans[name].chunks]
            assert max(counted) < sum(counted) / 20  # the rows are really spread over the chunks
        # No ranges where they would not follow the key order: a NOCASE key, keys of several types, no rowid name.
        assert [c.where for c in plans["wr_nocase"].chunks] == ["1"]
        assert [c.where for c in plans["wr_mixed"].chunks] == ["1"]
        assert [c.where for c in plans["own_rowid"].chunks] == ["1"]
        assert plans["empty_wr"].chunks == [] and plans["empty"].chunks == []
    finally:
        con.close()


def test_a_small_without_rowid_table_is_one_chunk(shapes):
    """Random UUID keys span the whole key space: a few rows must not be cut into 1,024 statements.

    That made a small clinic's backup and restore check about 5 times slower (35 -> 170 ms).
    """
    path, key = shapes
    con = _raw_connect(path, key)
    try:
        plans = {p.name: p for p in digests.plan_digests(con, key)}
        assert [c.where for c in plans["wr_blob"].chunks] == ["1"]  # 6,002 rows, under KEY_CHUNK_ROWS
    finally:
        con.close()


VALUES = {
    "null": None, "empty text": "", "text NULL": "NULL", "text null": "null", "int 1": 1, "real 1.0": 1.0,
    "text 1": "1", "text 1.0": "1.0", "blob of 1": b"1", "text ab": "ab", "blob ab": b"ab", "hex text": "6162",
    "quote literal": "X'6162'", "empty blob": b"", "blob 00": b"\x00", "blob of JSON null": b"\x00",
    "text with NUL": "a\x00b", "text a": "a", "comma": "a,b", "newline": "a\nb", "bracket": 'a"],["b',
    "B text": "B'x'", "big int": 2**63 - 1, "small real": 1e-300, "neg": -1,
}


@pytest.mark.parametrize("column_type", ["TEXT", "BLOB", "", "REAL", "INTEGER"])
def test_different_values_give_different_digests(tmp_path, column_type):
    """NULL, '' and 'NULL'; a blob and text of the same bytes; values with separators: all told apart.

    What is compared is the value as stored: the column's affinity turns some of them into the same value
    (1.0 in an INTEGER column is 1), and those must give the same digest.
    """
    key = new_data_key()
    seen: dict[tuple, tuple[str, str]] = {}
    for i, (label, value) in enumerate(VALUES.items()):
        path = make_db(tmp_path / f"v{i}.db", key, f"CREATE TABLE t (x {column_type}, y TEXT);", {"t": [(value, "y")]})
        con = _raw_connect(path, key)
        stored = con.execute("SELECT x FROM t").fetchone()[0]
        con.close()
        digest = summaries(path, key)["t"].digest
        for other_stored, (other_label, other_digest) in seen.items():
            same = other_stored == (type(stored).__name__, stored)
            assert (digest == other_digest) == same, (label, other_label, stored)
        seen[(type(stored).__name__, stored)] = (label, digest)
    assert len(seen) >= 15


def test_rows_cannot_trade_values_across_a_separator(tmp_path):
    key = new_data_key()
    cases = [[("a", "b,c")], [("a,b", "c")], [("a", None)], [("a", "")], [("a\n", "b")], [("a", "\nb")],
             [("x", "y"), ("z", "w")], [("x", "y\nz"), ("", "w")], [("x", '"],["y')], [('x"', '],["y')]]
    digests_seen = set()
    for i, rows in enumerate(cases):
        path = make_db(tmp_path / f"c{i}.db", key, "CREATE TABLE t (a TEXT, b TEXT);", {"t": rows})
        digests_seen.add(summaries(path, key)["t"].digest)
    assert len(digests_seen) == len(cases)


def test_rows_that_json_would_misread_are_written_as_pairs(tmp_path):
    """json_array refuses most blobs and reads others as JSONB (x'00' as null): such rows get one pair per value."""
    key = new_data_key()
    path = make_db(tmp_path / "b.db", key, "CREATE TABLE t (a TEXT, b REAL, c BLOB);",
                   {"t": [(b"\x00", 1.5, b"\xab"), ("ok", 2, b"\xab"), ("ok", 2, "text in a blob column"),
                          ("n", None, None)]})
    con = _raw_connect(path, key)
    try:
        table = digest_text.describe(con, "t", False, con.execute("PRAGMA table_info(t)").fetchall())
        texts = [r[0] for r in con.execute(f"SELECT {digest_text.row_text(table)} FROM t ORDER BY rowid")]
    finally:
        con.close()
    assert texts == ['B["00",null,null,1.5,"AB",null]', '["ok",2.0,"AB"]',
                     'B[null,"ok",null,2.0,null,"text in a blob column"]', '["n",null,null]']


def test_versions_use_their_own_digest_and_are_keyed(shapes):
    path, key = shapes
    v3 = summaries(path, key, 3)
    v1 = summaries(path, key, 1)
    assert {n: t.rows for n, t in v3.items()} == {n: t.rows for n, t in v1.items()}
    assert all(v3[n].digest != v1[n].digest for n in v3)
    assert summaries(path, key, 2) == v1
    other = new_data_key()
    con = _raw_connect(path, key)
    try:
        assert all(t.digest != v3[n].digest for n, t in digests.table_summaries(con, other).items())
    finally:
        con.close()


# ------------------------------------------------------------------------------------- whole backups


@pytest.fixture
def made(session, tmp_path):
    target = tmp_path / "b.adkbackup"
    header = store.create_backup(session.database(), session.data_key(), draft(session), target)
    return target, header


def extracted(target: Path, key: bytes, out: Path) -> Path:
    store.stage_restore(read_backup(target), key, out)
    return out


def test_a_backup_round_trips_with_identical_table_hashes(session, made, tmp_path):
    target, header = made
    opened = read_backup(target)
    assert opened.version == 4  # format 4: the version 3 digests, a body in the current page layout
    _app, _version, tables = store.stage_restore(opened, session.data_key(), tmp_path / "staged.db")
    assert dict(tables) == dict(header.tables)
    assert dict(tables) == summaries(tmp_path / "staged.db", session.data_key())


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_a_flipped_byte_is_refused_and_the_live_database_is_unchanged(session, made, tmp_path, where):
    target, _ = made
    key = session.data_key()
    live = session.paths.database
    session.lock()
    before = sha256(live)
    raw = bytearray(target.read_bytes())
    raw[int(read_backup(target).body_size * where)] ^= 0x10
    target.write_bytes(bytes(raw))
    with pytest.raises(BackupDamaged):
        store.stage_restore(read_backup(target), key, tmp_path / "s.db")
    assert not (tmp_path / "s.db").exists()
    assert sha256(live) == before


def test_a_changed_row_in_an_otherwise_valid_backup_is_refused_by_the_digests(session, made, tmp_path):
    """Same row counts, valid pages and container MAC: only the table digest can tell, and it does."""
    target, header = made
    key = session.data_key()
    body = extracted(target, key, tmp_path / "body.db")
    con = _raw_connect(body, key)
    con.execute("UPDATE users SET display_name = display_name || '.'")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    forged = tmp_path / "forged.adkbackup"
    write_backup(forged, header, body, key)  # a writer holding the key, packing content that is not the header's
    assert read_backup(forged).version == 4
    with pytest.raises(BackupDamaged):
        store.stage_restore(read_backup(forged), key, tmp_path / "s.db")
    assert not (tmp_path / "s.db").exists()


def test_version_2_and_1_files_still_verify_and_restore(session, made, tmp_path):
    target, made_header = made
    key = session.data_key()
    body = extracted(target, key, tmp_path / "body.db")
    v1_tables = summaries(body, key, 1)
    assert v1_tables == v1_table_summaries_of(body, key)
    old_header = BackupHeader(**{**made_header.__dict__, "tables": v1_tables})
    v2 = tmp_path / "v2.adkbackup"
    write_backup(v2, old_header, body, key, version=2)
    v1 = tmp_path / "v1.adkbackup"
    write_v1(v1, old_header, body, key)
    for path, version in ((v2, 2), (v1, 1)):
        opened = read_backup(path)
        assert opened.version == version
        _app, _schema, tables = store.stage_restore(opened, key, tmp_path / f"r{version}.db")
        assert dict(tables) == v1_tables
    # The version in the trailer decides which digest is checked: the other kind is refused.
    mixed = tmp_path / "mixed.adkbackup"
    write_backup(mixed, made_header, body, key, version=2)
    with pytest.raises(BackupDamaged):
        store.stage_restore(read_backup(mixed), key, tmp_path / "never.db")
    assert not (tmp_path / "never.db").exists()


def v1_table_summaries_of(path: Path, key: bytes) -> dict:
    con = _raw_connect(path, key)
    try:
        return v1_table_summaries(con, key)
    finally:
        con.close()
