"""SQLite runs without its memory statistics (storage/sqlite_runtime.py): the backup's digest threads need that."""

from __future__ import annotations

import sys

import pytest

from alliance_desktop.storage import sqlite_runtime
from alliance_desktop.storage.engine import create_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Windows extension module exports no SQLite API")


def test_statistics_are_off_and_databases_still_work(tmp_path) -> None:
    assert sqlite_runtime.prepare() is True
    assert sqlite_runtime.prepare() is True  # once per process; the second call changes nothing
    db = create_database(tmp_path / "clinic.db", b"k" * 32)
    try:
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                "SELECT group_concat(i) FROM n").scalar()
        assert rows.count(",") == 19999
        # With the statistics on, SQLite counts the page cache and the statement it just ran (megabytes).
        assert sqlite_runtime.memory_counted() == 0
    finally:
        db.dispose()
