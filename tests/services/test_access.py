"""Setup, unlock, recovery and password change, as staff experience them."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest

from alliance_desktop.services.access import ClinicState
from alliance_desktop.services.errors import (
    DamagedKeyFile,
    DatabaseMissing,
    InvalidInput,
    SessionClosed,
    UnlockBackoff,
    WrongPassword,
)
from alliance_desktop.storage import audit
from alliance_desktop.storage.cipher_layout import CURRENT
from tests.support import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_folder_is_a_new_clinic(access):
    assert access.state() is ClinicState.NEW


def test_setup_then_login_shows_user_role_and_clinic(clinic):
    assert clinic.state() is ClinicState.READY
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        assert session.user.display_name == "Dr. Anna Muster"
        assert session.user.role.label == "Administrator"
        assert session.clinic_name == CLINIC_NAME
    finally:
        session.lock()


def test_login_is_case_insensitive_for_the_user_name(clinic):
    clinic.unlock("  ADMIN ", ADMIN_PASSWORD).lock()


@pytest.mark.parametrize(
    "password",
    ["", "wrong-password-123", ADMIN_PASSWORD + " ", "'; DROP TABLE users; --", "a\x00b", "x" * 1024, "😀" * 12],
)
def test_wrong_password_is_wrong_password_and_leaves_database_untouched(clinic, data_paths, password):
    before = sha256(data_paths.database)
    mtime = data_paths.database.stat().st_mtime_ns
    with pytest.raises(WrongPassword) as err:
        clinic.unlock(ADMIN_USER, password)
    assert err.value.user_message == "Wrong user name or password."
    assert sha256(data_paths.database) == before
    assert data_paths.database.stat().st_mtime_ns == mtime


def test_unknown_user_is_told_like_a_wrong_password(clinic):
    with pytest.raises(WrongPassword):
        clinic.unlock("nobody", ADMIN_PASSWORD)


def test_nfc_and_nfd_spellings_of_the_password_both_unlock(access, recovery_key):
    word = "Grüße-Ärztin-2026"
    access.create_clinic(clinic_name="Praxis", username="anna", display_name="Anna",
                         password=unicodedata.normalize("NFD", word), recovery_key=recovery_key)
    access.unlock("anna", unicodedata.normalize("NFC", word)).lock()
    access.unlock("anna", unicodedata.normalize("NFD", word)).lock()


def test_backoff_after_five_failures_and_failures_reach_the_audit_log(clinic, clock):
    for _ in range(5):
        clock.advance(1)
        with pytest.raises(WrongPassword):
            clinic.unlock(ADMIN_USER, "not-the-password")
    # After 5 failures the next try waits 2^(5-5) = 1 s, even with the right password.
    with pytest.raises(UnlockBackoff) as wait:
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert wait.value.seconds == 1
    clock.advance(1.1)
    with pytest.raises(WrongPassword):
        clinic.unlock(ADMIN_USER, "still-not-it")
    # Sixth failure: 2^(6-5) = 2 s.
    clock.advance(1.5)
    with pytest.raises(UnlockBackoff):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    clock.advance(0.6)
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        with session.read() as s:
            actions = [a for _, _, a, _ in audit.recent(s, 20)]
        assert actions.count("login.failed") == 6
        assert clinic.backoff_seconds() == 0
    finally:
        session.lock()


def test_recovery_key_sets_a_new_password(clinic, recovery_key):
    session = clinic.unlock_with_recovery_key(recovery_key.lower().replace("-", " "), ADMIN_USER, "brand-new-secret-42")
    session.lock()
    with pytest.raises(WrongPassword):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    clinic.unlock(ADMIN_USER, "brand-new-secret-42").lock()


def test_wrong_recovery_key_is_refused(clinic, access):
    other = access.new_recovery_key()
    with pytest.raises(WrongPassword):
        clinic.unlock_with_recovery_key(other, ADMIN_USER, "brand-new-secret-42")
    clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()


def _pages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    size = CURRENT.page_size
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_password_change_rewraps_without_rewriting_the_database(clinic, data_paths):
    """Old password fails, new one works, same data key, and the database pages are not re-encrypted.

    Re-encryption would give every page a new IV (all pages differ); a re-wrap
    only adds the audit entry for the change, which touches a handful of pages.
    """
    from alliance_desktop.storage.keys import KeyFile

    key_before = KeyFile.load(data_paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()  # checkpointed and closed: the file is stable
    pages_before = _pages(data_paths.database)
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        with pytest.raises(WrongPassword):
            session.change_password("not-the-old-one", "another-long-secret-9")
        with pytest.raises(InvalidInput):
            session.change_password(ADMIN_PASSWORD, "short")
        keyfile_before = data_paths.keyfile.read_bytes()
        session.change_password(ADMIN_PASSWORD, "another-long-secret-9")
        assert data_paths.keyfile.read_bytes() != keyfile_before
    finally:
        session.lock()
    with pytest.raises(WrongPassword):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert KeyFile.load(data_paths.keyfile).unlock_user(ADMIN_USER, "another-long-secret-9") == key_before
    pages_after = _pages(data_paths.database)
    same = sum(a == b for a, b in zip(pages_before, pages_after))
    assert len(pages_before) >= 20
    assert same >= len(pages_before) - 6, f"{len(pages_before) - same} of {len(pages_before)} pages rewritten"
    session = clinic.unlock(ADMIN_USER, "another-long-secret-9")
    try:
        with session.read() as s:
            assert audit.verify_chain(s).intact
    finally:
        session.lock()


def test_locked_session_refuses_further_use(session):
    session.lock()
    assert not session.is_open
    with pytest.raises(SessionClosed):
        with session.read():
            pass


def test_setup_rejects_bad_input_and_creates_nothing(access, recovery_key, data_paths):
    cases = [
        dict(clinic_name="  ", username="admin", password=ADMIN_PASSWORD),
        dict(clinic_name="Praxis", username="a b", password=ADMIN_PASSWORD),
        dict(clinic_name="Praxis", username="admin", password="short"),
        dict(clinic_name="Praxis", username="admin", password="admin-admin-admin"),
    ]
    for case in cases:
        with pytest.raises(InvalidInput):
            access.create_clinic(display_name="X", recovery_key=recovery_key, **case)
    assert access.state() is ClinicState.NEW
    assert not data_paths.database.exists()


def test_setup_refuses_a_folder_that_already_holds_a_clinic(clinic, recovery_key):
    with pytest.raises(InvalidInput):
        clinic.create_clinic(clinic_name="Other", username="other", display_name="O",
                             password="long-enough-pass-1", recovery_key=recovery_key)


def test_missing_key_file_is_damage_not_a_new_clinic(clinic, data_paths):
    data_paths.keyfile.unlink()
    with pytest.raises(DamagedKeyFile):
        clinic.state()


def test_missing_database_is_damage_not_a_new_clinic(clinic, data_paths):
    data_paths.database.unlink()
    with pytest.raises(DatabaseMissing):
        clinic.state()


def test_garbled_key_file_is_reported_as_damaged(clinic, data_paths):
    data_paths.keyfile.write_bytes(b"{not json")
    with pytest.raises(DamagedKeyFile):
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)


def test_audit_chain_records_setup_and_login(session):
    with session.read() as s:
        report = audit.verify_chain(s)
        actions = [a for _, _, a, _ in audit.recent(s, 10)]
    assert report.intact and report.entries >= 3
    # Setup anchors the chain outside the database first (services/audit_integrity.py, row 36).
    assert actions[-4:] == ["login", "user.created", "clinic.created", "audit.anchor_created"]


def test_checking_a_password_leaves_the_database_closed_and_unread(clinic, data_paths):
    """The kiosk paints between check_password and open_checked: the first must not touch the database."""
    import hashlib

    before = (hashlib.sha256(data_paths.database.read_bytes()).hexdigest(), data_paths.database.stat().st_mtime_ns)
    checked = clinic.check_password(ADMIN_USER, ADMIN_PASSWORD)
    after = (hashlib.sha256(data_paths.database.read_bytes()).hexdigest(), data_paths.database.stat().st_mtime_ns)
    assert before == after
    assert "data_key" not in repr(checked)  # the key never shows up in a log line or a traceback
    session = clinic.open_checked(checked)
    try:
        assert session.is_open and session.user.username == ADMIN_USER
        assert clinic.sealed_clinic_name(checked) == session.clinic_name  # sealed at this open
    finally:
        session.lock()
