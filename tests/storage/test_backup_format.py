"""The backup container: exact layout, every damage refused, nothing left behind on failure."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
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


def write_v1(target: Path, hdr: BackupHeader, body: bytes, key: bytes = KEY) -> None:
    """A version 1 file as the version 1 writer laid it out: header first, then body, MAC, end marker."""
    raw_header = hdr.to_bytes()
    packed = (struct.pack(">16sHI", fmt.MAGIC, 1, len(raw_header)) + raw_header + hashlib.sha256(raw_header).digest()
              + struct.pack(">Q", len(body)) + body)
    target.write_bytes(packed + hmac.new(fmt.mac_key(key), packed, hashlib.sha256).digest() + fmt.END_MARKER)


@pytest.fixture
def written_v1(tmp_path: Path) -> Path:
    target = tmp_path / "old.adkbackup"
    write_v1(target, header(), BODY)
    return target


def test_layout_is_as_documented(written):
    raw = written.read_bytes()
    h = header().to_bytes()
    b = len(BODY)
    assert fmt.FORMAT_VERSION == 4
    assert raw[:b] == BODY
    assert raw[b:b + len(h)] == h
    assert raw[b + len(h):b + len(h) + 32] == hashlib.sha256(h).digest()
    assert int.from_bytes(raw[b + len(h) + 32:b + len(h) + 40], "big") == b
    assert int.from_bytes(raw[b + len(h) + 40:b + len(h) + 44], "big") == len(h)
    assert int.from_bytes(raw[b + len(h) + 44:b + len(h) + 46], "big") == fmt.FORMAT_VERSION
    assert raw[b + len(h) + 46:b + len(h) + 62] == fmt.MAGIC
    assert raw[b + len(h) + 62:b + len(h) + 94] == hmac.new(fmt.mac_key(KEY), raw[:b + len(h) + 62],
                                                            hashlib.sha256).digest()
    assert raw.endswith(fmt.END_MARKER)
    assert len(raw) == 102 + len(h) + b


def test_version_1_files_are_still_read(written_v1, tmp_path):
    opened = fmt.verify_backup_file(written_v1, KEY)
    assert opened.version == 1 and opened.header == header() and opened.body_offset == 62 + len(header().to_bytes())
    out = tmp_path / "extracted.db"
    fmt.extract_database(opened, KEY, out)
    assert out.read_bytes() == BODY


def _v1_region_offsets(written: Path) -> dict[str, int]:
    h = len(header().to_bytes())
    size = written.stat().st_size
    return {"magic": 3, "version": 17, "header length": 20, "header": 22 + h // 2, "header sha": 22 + h + 5,
            "body length": 58 + h, "body start": 62 + h, "body middle": 62 + h + len(BODY) // 2,
            "body end": 62 + h + len(BODY) - 1, "mac": size - 20, "end marker": size - 2}


def test_a_body_changed_after_its_mac_was_taken_is_not_sealed(tmp_path):
    body = tmp_path / "scratch.db"
    body.write_bytes(BODY)
    mac = fmt.mac_body(body, KEY)
    with body.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"x")
    with pytest.raises(OSError):
        fmt.seal_backup(body, header(), KEY, tmp_path / "b.adkbackup", mac)
    assert not (tmp_path / "b.adkbackup").exists()


def test_round_trip_header_and_body(written, tmp_path):
    opened = fmt.verify_backup_file(written, KEY)
    assert opened.header == header()
    out = tmp_path / "extracted.db"
    fmt.extract_database(opened, KEY, out)
    assert out.read_bytes() == BODY
    assert [p.name for p in written.parent.iterdir()] == ["clinic.adkbackup"]  # no temp files left


def _region_offsets(written: Path) -> dict[str, int]:
    h = len(header().to_bytes())
    b = len(BODY)
    size = written.stat().st_size
    return {"body start": 0, "body middle": b // 2, "body end": b - 1, "header": b + h // 2,
            "header sha": b + h + 5, "body length": b + h + 39, "header length": b + h + 43,
            "version": b + h + 45, "magic": b + h + 50, "mac": size - 20, "end marker": size - 2}


@pytest.mark.parametrize("version", [2, 1])
@pytest.mark.parametrize("region", ["magic", "version", "header length", "header", "header sha", "body length",
                                    "body start", "body middle", "body end", "mac", "end marker"])
def test_one_flipped_byte_anywhere_is_refused(written, written_v1, tmp_path, region, version):
    """In the layout written now (2) and in files written by version 1, which stay readable."""
    path = written if version == 2 else written_v1
    offset = (_region_offsets if version == 2 else _v1_region_offsets)(path)[region]
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(BackupFileError):
        opened = fmt.verify_backup_file(path, KEY)
        fmt.extract_database(opened, KEY, tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("keep", [0, 10, 16, 21, 200, -1, -9, -41])
def test_truncated_backup_is_refused(written, keep):
    raw = written.read_bytes()
    written.write_bytes(raw[:keep] if keep >= 0 else raw[:len(raw) + keep])
    with pytest.raises((BackupDamaged, NotABackupFile)):
        fmt.read_backup(written)


def test_a_backup_cut_inside_its_header_is_damaged_and_one_cut_to_its_body_may_be_either(written):
    opened = fmt.read_backup(written)
    raw = written.read_bytes()
    written.write_bytes(raw[:opened.body_size + 40])  # body and the start of the header
    with pytest.raises(BackupDamaged):
        fmt.read_backup(written)
    written.write_bytes(raw[:opened.body_size])  # the whole trailer lost: looks like any other file
    with pytest.raises(NotABackupFile) as refused:
        fmt.read_backup(written)
    assert "cut short" in refused.value.user_message


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


def test_a_newer_format_version_asks_for_an_update(written, written_v1):
    raw = bytearray(written.read_bytes())
    at = len(BODY) + len(header().to_bytes()) + 44
    raw[at:at + 2] = (fmt.FORMAT_VERSION + 1).to_bytes(2, "big")
    written.write_bytes(bytes(raw))
    with pytest.raises(UnsupportedBackup):
        fmt.read_backup(written)
    raw = bytearray(written_v1.read_bytes())  # a newer writer that puts its header first again
    raw[16:18] = (fmt.FORMAT_VERSION + 1).to_bytes(2, "big")
    written_v1.write_bytes(bytes(raw))
    with pytest.raises(UnsupportedBackup):
        fmt.read_backup(written_v1)


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
