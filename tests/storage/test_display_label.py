"""The clinic's name sealed for the kiosk's first paint: readable only with this clinic's key."""

from __future__ import annotations

import os
import uuid

import pytest

from alliance_desktop.storage.display_label import read_label, write_label

KEY = os.urandom(32)
CLINIC = str(uuid.uuid4())


def test_a_sealed_name_reads_back_exactly_and_is_not_in_the_file(tmp_path):
    path = tmp_path / "clinic.label"
    name = "Praxis für Psychotherapie — am See 🌊"
    write_label(path, KEY, CLINIC, name)
    assert read_label(path, KEY, CLINIC) == name
    raw = path.read_bytes()
    assert b"Praxis" not in raw and "Praxis".encode("utf-16-le") not in raw


@pytest.mark.parametrize("problem", ["missing", "other key", "other clinic", "flipped", "garbage", "huge", "empty"])
def test_anything_but_this_clinics_own_label_reads_as_none(tmp_path, problem):
    path = tmp_path / "clinic.label"
    write_label(path, KEY, CLINIC, "Praxis am See")
    key, clinic = KEY, CLINIC
    if problem == "missing":
        path.unlink()
    elif problem == "other key":
        key = os.urandom(32)
    elif problem == "other clinic":
        clinic = str(uuid.uuid4())
    elif problem == "flipped":
        raw = bytearray(path.read_bytes())
        raw[-5] ^= 0x01  # inside the base64 of the sealed bytes
        path.write_bytes(bytes(raw))
    elif problem == "garbage":
        path.write_bytes(b"\x00\xff not json")
    elif problem == "huge":
        path.write_bytes(b"{" + b" " * 100_000 + b"}")
    elif problem == "empty":
        path.write_bytes(b"")
    assert read_label(path, key, clinic) is None


def test_a_label_sealed_by_a_build_with_another_schema_reads_as_none(tmp_path, monkeypatch):
    """After an update that changed the schema, the kiosk must not paint first: the database needs updating."""
    from alliance_desktop.storage import display_label

    path = tmp_path / "clinic.label"
    monkeypatch.setattr(display_label, "SCHEMA_VERSION", display_label.SCHEMA_VERSION - 1)
    write_label(path, KEY, CLINIC, "Praxis am See")  # as the previous build sealed it
    assert read_label(path, KEY, CLINIC) == "Praxis am See"
    monkeypatch.undo()
    assert read_label(path, KEY, CLINIC) is None


def test_a_label_of_the_first_format_reads_as_none(tmp_path):
    """Labels written before the schema was part of them (format version 1) are not used."""
    import base64
    import json

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from alliance_desktop.storage.display_label import FORMAT, _key

    nonce = os.urandom(12)
    sealed = AESGCM(_key(KEY)).encrypt(nonce, b"Praxis am See", CLINIC.encode("ascii"))
    body = {"format": FORMAT, "version": 1, "nonce": base64.b64encode(nonce).decode(),
            "sealed": base64.b64encode(sealed).decode()}
    path = tmp_path / "clinic.label"
    path.write_text(json.dumps(body), encoding="ascii")
    assert read_label(path, KEY, CLINIC) is None
