"""The backup container: exact layout, every damage refused, nothing left behind on failure."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from alliance_desktop.storage import backup_format as fmt
from alliance_desktop.storage.backup_format import (
    BackupDamaged,
    BackupFileError,
    BackupHeader,
    NotABackupFile,
    TableSummary,
    UnsupportedBackup,
)

KEY = bytes(range(32))
BODY = secrets.token_bytes(3 * fmt.CHUNK + 123)  # spans several read chunks


def header() -> BackupHeader:
    return BackupHeader(created_at="2026-11-02T08:00:00+00:00", app_version="0.1.0",
                        database_id="6f1c1f4e-8d0e-4c39-9d0b-0f6a3c9b8e21", application_id=0x41444B31,
                        schema_version=2, keyfile=b'{"format": "alliance-desktop-keyfile"}\n',
                        tables={"users": TableSummary(3, "ab" * 32), "clients": TableSummary(0, "cd" * 32)})


@pytest.fixture
def written(tmp_path: Path) -> Path:
    body = tmp_path / "body.db"
    body.write_bytes(BODY)
    target = tmp_path / "out" / "clinic.adkbackup"
    target.parent.mkdir()
    fmt.write_backup(target, header(), body, KEY)
    return target


def test_layout_is_as_documented(written):
    raw = written.read_bytes()
    h = header().to_bytes()
    assert raw[:16] == fmt.MAGIC
    assert int.from_bytes(raw[16:18], "big") == fmt.FORMAT_VERSION
    assert int.from_bytes(raw[18:22], "big") == len(h)
    assert raw[22:22 + len(h)] == h
    assert int.from_bytes(raw[54 + len(h):62 + len(h)], "big") == len(BODY)
    assert raw[62 + len(h):62 + len(h) + len(BODY)] == BODY
    assert raw.endswith(fmt.END_MARKER)
    assert len(raw) == 102 + len(h) + len(BODY)


def test_round_trip_header_and_body(written, tmp_path):
    opened = fmt.verify_backup_file(written, KEY)
    assert opened.header == header()
    out = tmp_path / "extracted.db"
    fmt.extract_database(opened, KEY, out)
    assert out.read_bytes() == BODY
    assert [p.name for p in written.parent.iterdir()] == ["clinic.adkbackup"]  # no temp files left


def _region_offsets(written: Path) -> dict[str, int]:
    h = len(header().to_bytes())
    size = written.stat().st_size
    return {"magic": 3, "version": 17, "header length": 20, "header": 22 + h // 2, "header sha": 22 + h + 5,
            "body length": 58 + h, "body start": 62 + h, "body middle": 62 + h + len(BODY) // 2,
            "body end": 62 + h + len(BODY) - 1, "mac": size - 20, "end marker": size - 2}


@pytest.mark.parametrize("region", ["magic", "version", "header length", "header", "header sha", "body length",
                                    "body start", "body middle", "body end", "mac", "end marker"])
def test_one_flipped_byte_anywhere_is_refused(written, tmp_path, region):
    offset = _region_offsets(written)[region]
    raw = bytearray(written.read_bytes())
    raw[offset] ^= 0x01
    written.write_bytes(bytes(raw))
    with pytest.raises(BackupFileError):
        opened = fmt.verify_backup_file(written, KEY)
        fmt.extract_database(opened, KEY, tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("keep", [0, 10, 16, 21, 200, -1, -9, -41])
def test_truncated_backup_is_refused(written, keep):
    raw = written.read_bytes()
    written.write_bytes(raw[:keep] if keep >= 0 else raw[:len(raw) + keep])
    with pytest.raises((BackupDamaged, NotABackupFile)):
        fmt.read_backup(written)


def test_appended_bytes_are_refused(written):
    with written.open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(BackupDamaged):
        fmt.read_backup(written)


def test_the_mac_needs_the_right_key(written, tmp_path):
    opened = fmt.read_backup(written)  # structure alone needs no key
    with pytest.raises(BackupDamaged):
        fmt.extract_database(opened, secrets.token_bytes(32), tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("content", [b"", b"hello", b"SQLite format 3\x00" + bytes(4080), secrets.token_bytes(5000)])
def test_other_files_are_not_backups(tmp_path, content):
    path = tmp_path / "other"
    path.write_bytes(content)
    with pytest.raises(NotABackupFile):
        fmt.read_backup(path)


def test_missing_file_and_folder_are_not_backups(tmp_path):
    with pytest.raises(NotABackupFile):
        fmt.read_backup(tmp_path / "nope")
    with pytest.raises(NotABackupFile):
        fmt.read_backup(tmp_path)


def test_a_newer_format_version_asks_for_an_update(written):
    raw = bytearray(written.read_bytes())
    raw[16:18] = (fmt.FORMAT_VERSION + 1).to_bytes(2, "big")
    written.write_bytes(bytes(raw))
    with pytest.raises(UnsupportedBackup):
        fmt.read_backup(written)


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    body = tmp_path / "body.db"
    body.write_bytes(BODY)
    out = tmp_path / "out"
    out.mkdir()

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fmt.os, "replace", fail)
    with pytest.raises(OSError):
        fmt.write_backup(out / "b.adkbackup", header(), body, KEY)
    assert list(out.iterdir()) == []


def test_header_parsing_is_strict():
    good = header().to_bytes()
    assert BackupHeader.from_bytes(good) == header()
    for bad in (b"[]", b"{}", good.replace(b'"rows":3', b'"rows":-3'), good.replace(b"+00:00", b"+02:00"),
                good.replace(b'"schema_version":2', b'"schema_version":true'), b"\xff\xfe"):
        with pytest.raises(BackupDamaged):
            BackupHeader.from_bytes(bad)


def test_derived_keys_differ_from_the_data_key_and_each_other():
    assert len({fmt.mac_key(KEY), fmt.digest_key(KEY), KEY}) == 3
