"""Key wrapping: what a clinic relies on when it types a password or a recovery key.

RELIABILITY.md rows 9 (wrong / odd passwords) and 31 (password change, reset,
recovery). Most tests use cheap Argon2 parameters; the defaults get their own test.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import stat
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_desktop.storage import keys
from alliance_desktop.storage.keys import (
    DATA_KEY_BYTES,
    DEFAULT_KDF,
    KdfParams,
    KeyFile,
    KeyFileError,
    Wrap,
    WrongSecret,
    generate_recovery_key,
    new_data_key,
    normalize_password,
    normalize_recovery_key,
)

CHEAP = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
USER = "Dr. Anna Berg"
PASSWORD = "Sup3r-Secret-Passw0rd!"


@dataclasses.dataclass(frozen=True)
class Clinic:
    data_key: bytes
    database_id: str
    recovery_key: str
    key_file: KeyFile


def _make_clinic(username: str = USER, password: str = PASSWORD) -> Clinic:
    data_key = new_data_key()
    database_id = str(uuid.uuid4())
    recovery_key = generate_recovery_key()
    key_file = KeyFile.create(data_key, database_id, username, password, recovery_key, kdf=CHEAP)
    return Clinic(data_key, database_id, recovery_key, key_file)


@pytest.fixture(scope="module")
def clinic() -> Clinic:
    return _make_clinic()  # KeyFile is immutable, so sharing it between tests is safe


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Records every Argon2 derivation (its parameters), still running the real one."""
    calls: list[dict[str, Any]] = []
    real = keys.hash_secret_raw

    def spy(**kwargs: Any) -> bytes:
        calls.append({k: v for k, v in kwargs.items() if k not in ("secret", "salt")})
        return real(**kwargs)

    monkeypatch.setattr(keys, "hash_secret_raw", spy)
    return calls


# --------------------------------------------------------------------------- data key


def test_new_data_key_is_256_random_bits() -> None:
    first, second = new_data_key(), new_data_key()
    assert DATA_KEY_BYTES == 32 and len(first) == 32 and len(second) == 32
    assert first != second


# --------------------------------------------------------------------------- passwords


def test_right_password_gives_the_data_key(clinic: Clinic) -> None:
    assert clinic.key_file.unlock_user(USER, PASSWORD) == clinic.data_key


WRONG_PASSWORDS = [
    pytest.param("", id="empty"),
    pytest.param(PASSWORD + " ", id="trailing-space"),
    pytest.param(PASSWORD.lower(), id="wrong-case"),
    pytest.param(PASSWORD[:-1], id="last-char-missing"),
    pytest.param("\"'; DROP TABLE users; --", id="quotes"),
    pytest.param("x'y\"z`", id="mixed-quotes"),
    pytest.param(PASSWORD + "\x00", id="nul-suffix"),
    pytest.param("\x00", id="nul-only"),
    pytest.param("a" * 1024, id="1KB"),
    pytest.param("🔐🙂 Grüße", id="emoji"),
    pytest.param("\ud800", id="lone-surrogate"),
]


@pytest.mark.parametrize("password", WRONG_PASSWORDS)
def test_wrong_and_odd_passwords_are_wrong_secret(clinic: Clinic, password: str) -> None:
    with pytest.raises(WrongSecret):
        clinic.key_file.unlock_user(USER, password)


ODD_PASSWORDS = [
    pytest.param("\"'; DROP TABLE users; --", id="quotes"),
    pytest.param("abc\x00def", id="nul-inside"),
    pytest.param("ä" * 512, id="1KB-non-ascii"),
    pytest.param("🔐🙂👩‍⚕️", id="emoji"),
    pytest.param("half \udc80 surrogate", id="lone-surrogate"),
    pytest.param("  spaces around  ", id="spaces"),
]


@pytest.mark.parametrize("password", ODD_PASSWORDS)
def test_odd_passwords_work_exactly_as_typed(clinic: Clinic, password: str) -> None:
    key_file = clinic.key_file.with_user("Ben", password, clinic.data_key, kdf=CHEAP)
    assert key_file.unlock_user("Ben", password) == clinic.data_key
    # Nothing is truncated (at NUL, at 72 bytes ...) or stripped.
    for near_miss in (password[:3], password[:-1], password.strip(), password + "!"):
        if near_miss != password:
            with pytest.raises(WrongSecret):
                key_file.unlock_user("Ben", near_miss)


def test_nfc_and_nfd_forms_of_a_password_both_unlock(clinic: Clinic) -> None:
    nfc = unicodedata.normalize("NFC", "Grüße-Ärztin-2026")
    nfd = unicodedata.normalize("NFD", "Grüße-Ärztin-2026")
    assert nfc != nfd  # really two different strings

    typed_on_windows = clinic.key_file.with_user("Ben", nfc, clinic.data_key, kdf=CHEAP)
    typed_on_mac = clinic.key_file.with_user("Ben", nfd, clinic.data_key, kdf=CHEAP)
    for key_file in (typed_on_windows, typed_on_mac):
        assert key_file.unlock_user("Ben", nfc) == clinic.data_key
        assert key_file.unlock_user("Ben", nfd) == clinic.data_key
        with pytest.raises(WrongSecret):
            key_file.unlock_user("Ben", "Grusse-Arztin-2026")
    assert normalize_password(nfd) == nfc


def test_normalize_password_keeps_everything_else() -> None:
    assert normalize_password("  a\x00'\" 🔐 ") == "  a\x00'\" 🔐 "
    assert normalize_password("\ud800") == "\ud800"
    with pytest.raises(TypeError):
        normalize_password(b"bytes")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=st.text(max_size=80), other=st.text(max_size=80))
def test_any_password_unlocks_only_itself(clinic: Clinic, password: str, other: str) -> None:
    key_file = clinic.key_file.with_user("Ben", password, clinic.data_key, kdf=CHEAP)
    assert key_file.unlock_user("Ben", password) == clinic.data_key
    if normalize_password(other) != normalize_password(password):
        with pytest.raises(WrongSecret):
            key_file.unlock_user("Ben", other)


# --------------------------------------------------------------------------- user names


@pytest.mark.parametrize("typed", [USER, USER.upper(), USER.lower(), f"  {USER}\t", "dR. aNNA bERG"])
def test_username_is_case_insensitive(clinic: Clinic, typed: str) -> None:
    assert clinic.key_file.has_user(typed)
    assert clinic.key_file.unlock_user(typed, PASSWORD) == clinic.data_key


def test_username_keeps_its_spelling_and_matches_across_unicode_forms(clinic: Clinic) -> None:
    name_nfd = unicodedata.normalize("NFD", "Jürgen Öztürk")
    key_file = clinic.key_file.with_user(name_nfd, "pw-jürgen", clinic.data_key, kdf=CHEAP)
    assert key_file.usernames() == (USER, "Jürgen Öztürk")
    assert key_file.unlock_user("JÜRGEN ÖZTÜRK", "pw-jürgen") == clinic.data_key


def test_unknown_user_is_wrong_secret_and_costs_one_derivation(
    clinic: Clinic, derivations: list[dict[str, Any]]
) -> None:
    with pytest.raises(WrongSecret) as unknown:
        clinic.key_file.unlock_user("nobody", PASSWORD)
    unknown_cost = list(derivations)
    derivations.clear()
    with pytest.raises(WrongSecret) as wrong_password:
        clinic.key_file.unlock_user(USER, "not it")
    # Same work and the same words: neither time nor message tells which names exist.
    assert unknown_cost == derivations and len(derivations) == 1
    assert str(unknown.value) == str(wrong_password.value)
    assert "nobody" not in str(unknown.value)


def test_empty_username_is_refused_when_adding(clinic: Clinic) -> None:
    with pytest.raises(ValueError):
        clinic.key_file.with_user("   ", "pw", clinic.data_key, kdf=CHEAP)
    assert not clinic.key_file.has_user("")


# --------------------------------------------------------------------------- recovery key


def test_recovery_key_format() -> None:
    key = generate_recovery_key()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", key), key
    assert len(base64.b32decode(key.replace("-", ""))) == 20  # 160 bits
    assert generate_recovery_key() != key
    assert normalize_recovery_key(key) == key


def test_recovery_key_unlocks_in_any_typed_form(clinic: Clinic) -> None:
    key = clinic.recovery_key
    compact = key.replace("-", "")
    for typed in (key, key.lower(), compact, compact.lower(), " ".join(key.split("-")), f"  {key} \n"):
        assert clinic.key_file.unlock_recovery(typed) == clinic.data_key


def test_wrong_recovery_key_is_wrong_secret(clinic: Clinic) -> None:
    with pytest.raises(WrongSecret):
        clinic.key_file.unlock_recovery(generate_recovery_key())
    one_char_off = clinic.recovery_key[:-1] + ("A" if clinic.recovery_key[-1] != "A" else "B")
    with pytest.raises(WrongSecret):
        clinic.key_file.unlock_recovery(one_char_off)


def test_password_does_not_open_recovery_wrap_and_vice_versa(clinic: Clinic) -> None:
    with pytest.raises(WrongSecret):
        clinic.key_file.unlock_user(USER, clinic.recovery_key)


@pytest.mark.parametrize(
    "typed",
    [
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23-4567",
        "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567",
        "abcdefghijklmnopqrstuvwxyz234567",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567",
        "ABCDEFGH-IJKLMNOP-QRSTUVWX-YZ234567",
        "ABCD\u2013EFGH\u2013IJKL\u2013MNOP\u2013QRST\u2013UVWX\u2013YZ23\u20134567",  # en dashes from a PDF
    ],
)
def test_normalize_recovery_key_accepts_how_people_type(typed: str) -> None:
    assert normalize_recovery_key(typed) == "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ABCD",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23",  # a group missing
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD",  # a group too many
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4560",  # 0 is not base32
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4518",  # 1 and 8 neither
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-45Ä7",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-45=7",
        "correct horse battery staple",
    ],
)
def test_normalize_recovery_key_rejects_garbage_clearly(typed: str) -> None:
    with pytest.raises(ValueError, match="recovery key") as info:
        normalize_recovery_key(typed)
    if len(typed) > 8:
        assert typed not in str(info.value)  # never echo a (near-)secret into logs


def test_malformed_recovery_key_at_unlock_is_a_clear_value_error(clinic: Clinic) -> None:
    with pytest.raises(ValueError, match="recovery key"):
        clinic.key_file.unlock_recovery("not a key")


# --------------------------------------------------------------------------- lifecycle (row 31)


def test_password_change_rewraps_the_same_data_key(clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_be_called() -> bytes:
        raise AssertionError("a password change must never make a new data key")

    monkeypatch.setattr(keys, "new_data_key", must_not_be_called)
    changed = clinic.key_file.with_user(USER.upper(), "New-Passw0rd-2026", clinic.data_key, kdf=CHEAP)

    with pytest.raises(WrongSecret):
        changed.unlock_user(USER, PASSWORD)
    assert changed.unlock_user(USER, "New-Passw0rd-2026") == clinic.data_key
    assert changed.unlock_recovery(clinic.recovery_key) == clinic.data_key
    assert changed.usernames() == (USER,)  # replaced, not added; original spelling kept
    assert changed.database_id == clinic.database_id
    # The original object is untouched (immutable): the caller decides when to save.
    assert clinic.key_file.unlock_user(USER, PASSWORD) == clinic.data_key


def test_change_survives_save_and_load(tmp_path: Path, clinic: Clinic) -> None:
    path = tmp_path / "clinic.keys"
    clinic.key_file.save(path)
    loaded = KeyFile.load(path)
    assert loaded == clinic.key_file
    loaded.with_user(USER, "second password", clinic.data_key, kdf=CHEAP).save(path)
    reloaded = KeyFile.load(path)
    assert reloaded.unlock_user(USER, "second password") == clinic.data_key
    with pytest.raises(WrongSecret):
        reloaded.unlock_user(USER, PASSWORD)


def test_admin_adds_resets_and_removes_users(clinic: Clinic) -> None:
    admin_key = clinic.key_file.unlock_user(USER, PASSWORD)
    with_ben = clinic.key_file.with_user("Ben Kraus", "ben-initial", admin_key, kdf=CHEAP)
    assert with_ben.usernames() == (USER, "Ben Kraus")
    assert with_ben.has_user("ben kraus")

    # Ben forgot his password: the admin sets a new one; Ben's old one stops working.
    reset = with_ben.with_user("ben kraus", "ben-after-reset", admin_key, kdf=CHEAP)
    assert reset.unlock_user("Ben Kraus", "ben-after-reset") == clinic.data_key
    with pytest.raises(WrongSecret):
        reset.unlock_user("Ben Kraus", "ben-initial")
    assert reset.unlock_user(USER, PASSWORD) == clinic.data_key  # others unaffected

    removed = reset.without_user("BEN KRAUS")
    assert removed.usernames() == (USER,)
    assert not removed.has_user("Ben Kraus")
    with pytest.raises(WrongSecret):
        removed.unlock_user("Ben Kraus", "ben-after-reset")
    with pytest.raises(KeyError):
        removed.without_user("Ben Kraus")


def test_wrap_for_a_different_data_key_is_refused(clinic: Clinic) -> None:
    with pytest.raises(ValueError, match="not the data key"):
        clinic.key_file.with_user("Ben", "pw", new_data_key(), kdf=CHEAP)
    with pytest.raises(ValueError, match="not the data key"):
        clinic.key_file.with_recovery(generate_recovery_key(), new_data_key(), kdf=CHEAP)


def test_new_recovery_key_replaces_the_old_one(clinic: Clinic) -> None:
    new_key = generate_recovery_key()
    renewed = clinic.key_file.with_recovery(new_key, clinic.data_key, kdf=CHEAP)
    assert renewed.unlock_recovery(new_key) == clinic.data_key
    with pytest.raises(WrongSecret):
        renewed.unlock_recovery(clinic.recovery_key)
    assert sum(w.kind == "recovery" for w in renewed.wraps) == 1
    assert renewed.unlock_user(USER, PASSWORD) == clinic.data_key


def test_each_wrap_has_fresh_salt_and_nonce(clinic: Clinic) -> None:
    again = clinic.key_file.with_user(USER, PASSWORD, clinic.data_key, kdf=CHEAP)
    old, new = clinic.key_file.wraps[0], again.wraps[0]
    assert old.salt != new.salt and old.nonce != new.nonce and old.ciphertext != new.ciphertext
    assert all(len(w.salt) == 16 and len(w.nonce) == 12 for w in again.wraps)


# --------------------------------------------------------------------------- binding (AAD)


def test_wrap_moved_into_another_databases_key_file_fails(clinic: Clinic) -> None:
    other = _make_clinic(username=USER, password=PASSWORD)
    victim_wrap = clinic.key_file.wraps[0]
    other_recovery = next(w for w in other.key_file.wraps if w.kind == "recovery")
    forged = KeyFile(
        database_id=other.database_id,
        wraps=(victim_wrap, other_recovery),
        key_check=other.key_file.key_check,
    )
    with pytest.raises(WrongSecret):
        forged.unlock_user(USER, PASSWORD)


def test_wrap_moved_between_files_fails_even_with_a_valid_checksum(clinic: Clinic) -> None:
    """Someone edits the JSON and recomputes the checksum: the AAD still catches it."""
    other = _make_clinic()
    document = json.loads(clinic.key_file.to_bytes())
    document["database_id"] = other.database_id
    document["key_check"] = base64.b64encode(other.key_file.key_check).decode()
    forged = KeyFile.from_bytes(_reseal(document))
    with pytest.raises(WrongSecret):
        forged.unlock_user(USER, PASSWORD)
    with pytest.raises(WrongSecret):
        forged.unlock_recovery(clinic.recovery_key)


def test_user_wrap_renamed_to_another_user_fails(clinic: Clinic) -> None:
    wrap = clinic.key_file.wraps[0]
    renamed = dataclasses.replace(
        clinic.key_file, wraps=(dataclasses.replace(wrap, username="Mallory"), *clinic.key_file.wraps[1:])
    )
    with pytest.raises(WrongSecret):
        renamed.unlock_user("Mallory", PASSWORD)

    # Swapping two users' names in the file does not swap their passwords either.
    two = clinic.key_file.with_user("Ben", "ben-pw", clinic.data_key, kdf=CHEAP)
    anna, recovery, ben = two.wraps
    swapped = dataclasses.replace(
        two,
        wraps=(dataclasses.replace(anna, username="Ben"), recovery, dataclasses.replace(ben, username=USER)),
    )
    with pytest.raises(WrongSecret):
        swapped.unlock_user("Ben", PASSWORD)
    with pytest.raises(WrongSecret):
        swapped.unlock_user(USER, "ben-pw")


def test_user_wrap_relabelled_as_recovery_fails(clinic: Clinic) -> None:
    user_wrap = clinic.key_file.wraps[0]
    relabelled = dataclasses.replace(
        clinic.key_file, wraps=(dataclasses.replace(user_wrap, kind="recovery", username=""),)
    )
    with pytest.raises(WrongSecret):
        relabelled.unlock_recovery(clinic.recovery_key)


# --------------------------------------------------------------------------- the file on disk


def _forms(secret: bytes) -> list[bytes]:
    """The ways a secret could leak into a text file."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.b64encode(secret).rstrip(b"="),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
        base64.b32encode(secret).rstrip(b"="),
    ]


def test_key_file_never_contains_the_data_key_password_or_recovery_key(tmp_path: Path, clinic: Clinic) -> None:
    path = tmp_path / "clinic.keys"
    clinic.key_file.save(path)
    on_disk = path.read_bytes()
    assert on_disk == clinic.key_file.to_bytes()

    recovery_raw = base64.b32decode(clinic.recovery_key.replace("-", ""))
    secrets_ = [
        *_forms(clinic.data_key),
        *_forms(PASSWORD.encode()),
        PASSWORD.encode("utf-16-le"),
        *_forms(recovery_raw),
        clinic.recovery_key.encode(),
        clinic.recovery_key.replace("-", "").encode(),
        clinic.recovery_key.lower().encode(),
    ]
    for secret in secrets_:
        assert secret not in on_disk, secret
        assert secret not in repr(clinic.key_file).encode()


def test_saved_key_file_is_private_json(tmp_path: Path, clinic: Clinic) -> None:
    path = tmp_path / "clinic.keys"
    clinic.key_file.save(path)
    document = json.loads(path.read_bytes().decode("utf-8"))
    assert document["database_id"] == clinic.database_id
    assert document["format_version"] == 1
    assert [w["kind"] for w in document["wraps"]] == ["user", "recovery"]
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_load_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        KeyFile.load(tmp_path / "nope.keys")


@pytest.mark.parametrize("content", [b"", b"\n", b"\x00" * 512, b"PK\x03\x04 a zip file"])
def test_load_empty_or_garbage_file_is_key_file_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "clinic.keys"
    path.write_bytes(content)
    with pytest.raises(KeyFileError, match="damaged"):
        KeyFile.load(path)


# --------------------------------------------------------------------------- from_bytes strictness


def _reseal(document: dict[str, Any]) -> bytes:
    """Re-serialise an edited key file with a matching checksum (as a careful attacker would)."""
    body = {k: v for k, v in document.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    document = {**body, "checksum": "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()}
    return json.dumps(document).encode()


def test_reseal_helper_matches_the_real_format(clinic: Clinic) -> None:
    assert KeyFile.from_bytes(_reseal(json.loads(clinic.key_file.to_bytes()))) == clinic.key_file


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"  \r\n ", id="whitespace"),
        pytest.param(b"{}", id="empty-object"),
        pytest.param(b"[]", id="list"),
        pytest.param(b"null", id="null"),
        pytest.param(b"42", id="number"),
        pytest.param(b"\x00\x01\x02garbage\xff", id="binary"),
        pytest.param(b"\xff\xfe{\x00}\x00", id="utf16-bom"),
        pytest.param(b'{"format": "alliance-desktop-keyfile", "wraps": [\xc3\x28]}', id="invalid-utf8"),
        pytest.param(b'{"format": "alliance-desktop-keyfile",', id="truncated-json"),
        pytest.param(b"[" * 100_000, id="deeply-nested"),
        pytest.param(b'{"format": "alliance-desktop-keyfile", "format_version": NaN}', id="nan"),
        pytest.param(b'{"format": "alliance-desktop-keyfile", "format_version": 1e400}', id="huge-float"),
        pytest.param(b'{"format": "alliance-desktop-keyfile", "format_version": ' + b"9" * 5000 + b"}", id="huge-int"),
        pytest.param(b'{"format": "other-app", "format_version": 1}', id="foreign-format"),
    ],
)
def test_from_bytes_garbage_is_key_file_error(data: bytes) -> None:
    with pytest.raises(KeyFileError, match="damaged"):
        KeyFile.from_bytes(data)


def test_every_truncation_of_a_valid_file_is_key_file_error(clinic: Clinic) -> None:
    data = clinic.key_file.to_bytes()
    for cut in range(0, len(data) - 2, 5):  # the last bytes are only the closing brace and newline
        with pytest.raises(KeyFileError):
            KeyFile.from_bytes(data[:cut])


def test_any_flipped_byte_is_damage_not_wrong_password(clinic: Clinic) -> None:
    """Bit rot must say "damaged": telling a user their correct password is wrong is worse."""
    data = bytearray(clinic.key_file.to_bytes())
    for position in range(0, len(data), 11):
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        try:
            parsed = KeyFile.from_bytes(bytes(damaged))
        except KeyFileError:
            continue
        # Only harmless flips (e.g. JSON whitespace) may parse, and then they change nothing.
        assert parsed == clinic.key_file


def _edit(clinic: Clinic, change) -> bytes:
    document = json.loads(clinic.key_file.to_bytes())
    change(document)
    return _reseal(document)


def _kdf(document: dict[str, Any], **values: Any) -> None:
    document["wraps"][0]["kdf"].update(values)


TAMPERED = {
    "format-version-2": lambda d: d.update(format_version=2),
    "format-version-0": lambda d: d.update(format_version=0),
    "format-version-string": lambda d: d.update(format_version="1"),
    "format-version-true": lambda d: d.update(format_version=True),
    "missing-database-id": lambda d: d.pop("database_id"),
    "missing-wraps": lambda d: d.pop("wraps"),
    "missing-key-check": lambda d: d.pop("key_check"),
    "extra-field": lambda d: d.update(plaintext_key="oops"),
    "database-id-not-uuid": lambda d: d.update(database_id="clinic-1"),
    "database-id-upper-case": lambda d: d.update(database_id=d["database_id"].upper()),
    "key-check-short": lambda d: d.update(key_check="AAAA"),
    "wraps-empty": lambda d: d.update(wraps=[]),
    "wraps-not-list": lambda d: d.update(wraps={"0": d["wraps"][0]}),
    "wrap-not-object": lambda d: d["wraps"].append("user"),
    "wrap-missing-salt": lambda d: d["wraps"][0].pop("salt"),
    "wrap-extra-field": lambda d: d["wraps"][0].update(password="x"),
    "wrap-kind-admin": lambda d: d["wraps"][0].update(kind="admin"),
    "wrap-user-without-name": lambda d: d["wraps"][0].update(username=" "),
    "wrap-username-number": lambda d: d["wraps"][0].update(username=7),
    "wrap-recovery-with-name": lambda d: d["wraps"][1].update(username="Eve"),
    "no-recovery-wrap": lambda d: d["wraps"].pop(1),
    "two-recovery-wraps": lambda d: d["wraps"].append(dict(d["wraps"][1])),
    "duplicate-user-other-case": lambda d: d["wraps"].append({**d["wraps"][0], "username": USER.upper()}),
    "salt-too-short": lambda d: d["wraps"][0].update(salt=base64.b64encode(b"x" * 8).decode()),
    "nonce-not-base64": lambda d: d["wraps"][0].update(nonce="!!!not base64!!!"),
    "nonce-non-ascii": lambda d: d["wraps"][0].update(nonce="ÄÄÄÄ"),
    "ciphertext-truncated": lambda d: d["wraps"][0].update(ciphertext=d["wraps"][0]["ciphertext"][:20]),
    "ciphertext-bytes-as-list": lambda d: d["wraps"][0].update(ciphertext=[1, 2, 3]),
    "created-at-garbage": lambda d: d["wraps"][0].update(created_at="yesterday"),
    "created-at-not-utc": lambda d: d["wraps"][0].update(created_at="2026-03-01T10:00:00+01:00"),
    "kdf-not-object": lambda d: d["wraps"][0].update(kdf="argon2id"),
    "kdf-missing-parallelism": lambda d: d["wraps"][0]["kdf"].pop("parallelism"),
    "kdf-argon2i": lambda d: _kdf(d, algorithm="argon2i"),
    "kdf-version-16": lambda d: _kdf(d, version=16),
    "kdf-memory-absurd": lambda d: _kdf(d, memory_kib=2**40),
    "kdf-memory-8GiB": lambda d: _kdf(d, memory_kib=8 * 1024 * 1024),
    "kdf-memory-too-small": lambda d: _kdf(d, memory_kib=1024),
    "kdf-memory-negative": lambda d: _kdf(d, memory_kib=-65536),
    "kdf-memory-float": lambda d: _kdf(d, memory_kib=65536.0),
    "kdf-time-zero": lambda d: _kdf(d, time_cost=0),
    "kdf-time-huge": lambda d: _kdf(d, time_cost=10**9),
    "kdf-time-bool": lambda d: _kdf(d, time_cost=True),
    "kdf-parallelism-zero": lambda d: _kdf(d, parallelism=0),
    "kdf-parallelism-huge": lambda d: _kdf(d, parallelism=1000),
}


@pytest.mark.parametrize("change", TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_structure_is_key_file_error(
    clinic: Clinic, change, derivations: list[dict[str, Any]]
) -> None:
    with pytest.raises(KeyFileError, match="damaged") as info:
        KeyFile.from_bytes(_edit(clinic, change))
    assert derivations == []  # rejected before any Argon2 work, so no absurd allocation
    message = str(info.value)
    assert PASSWORD not in message and clinic.recovery_key not in message


def test_edit_without_recomputed_checksum_is_key_file_error(clinic: Clinic) -> None:
    document = json.loads(clinic.key_file.to_bytes())
    document["wraps"][0]["username"] = "Mallory"
    with pytest.raises(KeyFileError, match="checksum"):
        KeyFile.from_bytes(json.dumps(document).encode())


def test_duplicate_json_keys_are_key_file_error(clinic: Clinic) -> None:
    text = clinic.key_file.to_bytes().decode()
    doubled = text.replace('"format_version": 1,', '"format_version": 1,\n  "format_version": 1,', 1)
    assert doubled != text
    with pytest.raises(KeyFileError, match="twice"):
        KeyFile.from_bytes(doubled.encode())


def test_newer_format_version_says_so(clinic: Clinic) -> None:
    with pytest.raises(KeyFileError, match="newer"):
        KeyFile.from_bytes(_edit(clinic, lambda d: d.update(format_version=2)))


# --------------------------------------------------------------------------- KDF parameters


def test_kdf_defaults_are_64_mib_t3_p4() -> None:
    assert DEFAULT_KDF == KdfParams() == KdfParams(time_cost=3, memory_kib=65536, parallelism=4)


def test_default_kdf_is_used_and_stored_with_each_wrap(derivations: list[dict[str, Any]]) -> None:
    data_key, recovery_key = new_data_key(), generate_recovery_key()
    key_file = KeyFile.create(data_key, str(uuid.uuid4()), USER, PASSWORD, recovery_key)  # default kdf

    document = json.loads(key_file.to_bytes())
    for wrap in document["wraps"]:
        assert wrap["kdf"] == {
            "algorithm": "argon2id",
            "version": 19,
            "time_cost": 3,
            "memory_kib": 65536,
            "parallelism": 4,
        }
    loaded = KeyFile.from_bytes(key_file.to_bytes())
    assert loaded.unlock_user(USER, PASSWORD) == data_key

    assert len(derivations) == 3  # two wraps made, one opened
    for call in derivations:
        assert (call["time_cost"], call["memory_cost"], call["parallelism"]) == (3, 65536, 4)
        assert call["hash_len"] == 32 and call["type"] == keys.Type.ID


def test_each_wrap_opens_with_its_own_stored_parameters(clinic: Clinic, derivations: list[dict[str, Any]]) -> None:
    stronger = KdfParams(time_cost=2, memory_kib=16384, parallelism=2)
    key_file = KeyFile.from_bytes(
        clinic.key_file.with_user("Ben", "ben-pw", clinic.data_key, kdf=stronger).to_bytes()
    )
    derivations.clear()
    assert key_file.unlock_user("Ben", "ben-pw") == clinic.data_key
    assert key_file.unlock_user(USER, PASSWORD) == clinic.data_key
    assert [(c["time_cost"], c["memory_cost"], c["parallelism"]) for c in derivations] == [(2, 16384, 2), (1, 8192, 1)]


@pytest.mark.parametrize(
    "values",
    [dict(time_cost=0), dict(time_cost=21), dict(memory_kib=4096), dict(memory_kib=2**23), dict(parallelism=17)],
)
def test_kdf_params_out_of_bounds_are_refused(values: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        KdfParams(**values)


# --------------------------------------------------------------------------- construction guards


def test_create_refuses_bad_inputs() -> None:
    recovery = generate_recovery_key()
    db_id = str(uuid.uuid4())
    with pytest.raises(ValueError):
        KeyFile.create(b"short", db_id, USER, PASSWORD, recovery, kdf=CHEAP)
    with pytest.raises(ValueError):
        KeyFile.create(new_data_key(), "not-a-uuid", USER, PASSWORD, recovery, kdf=CHEAP)
    with pytest.raises(ValueError):
        KeyFile.create(new_data_key(), db_id, "", PASSWORD, recovery, kdf=CHEAP)
    with pytest.raises(ValueError):
        KeyFile.create(new_data_key(), db_id, USER, PASSWORD, "not a recovery key", kdf=CHEAP)


def test_create_stores_database_id_in_canonical_form() -> None:
    db_uuid = uuid.uuid4()
    key_file = KeyFile.create(
        new_data_key(), str(db_uuid).upper(), USER, PASSWORD, generate_recovery_key(), kdf=CHEAP
    )
    assert key_file.database_id == str(db_uuid)


def test_wrap_validates_its_fields(clinic: Clinic) -> None:
    wrap = clinic.key_file.wraps[0]
    with pytest.raises(ValueError):
        dataclasses.replace(wrap, salt=b"short")
    with pytest.raises(ValueError):
        dataclasses.replace(wrap, kind="admin")
    assert isinstance(wrap, Wrap)
