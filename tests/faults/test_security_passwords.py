"""RELIABILITY row 9: wrong and odd passwords are "wrong password", never "damaged", and never touch the database.

Every failure must (a) raise WrongPassword with the wrong-password text, (b)
leave the database's bytes and mtime as they were, (c) count towards the
backoff — at least 2^(n-5) s after the n-th failure from the 5th on — and
(d) reach the audit log on the next successful unlock. The right password
unlocks in NFC and in NFD.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_desktop.services.errors import StorageError, UnlockBackoff, WrongPassword
from alliance_desktop.storage import audit
from tests.support import ADMIN_PASSWORD, ADMIN_USER

WRONG_TEXT = "Wrong user name or password."
ODD = ["", " ", "'", '"', "''; --", '"; DROP TABLE users; --', "\\", "a\x00b", "\x00" * 16, "x" * 1024,
       "ä" * 1024, "\u202e" + ADMIN_PASSWORD, ADMIN_PASSWORD.upper(), ADMIN_PASSWORD[:-1], ADMIN_PASSWORD + "\x00",
       unicodedata.normalize("NFD", "Grüße-Ärztin-2026"), "\ud800", "😀" * 300]


def fingerprint(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def assert_wrong(clinic, password: str) -> None:
    clinic.failures.clear()  # isolate the attempt from the backoff of earlier ones
    try:
        clinic.unlock(ADMIN_USER, password)
    except WrongPassword as err:
        assert err.user_message == WRONG_TEXT
        return
    except StorageError as err:  # "damaged", "missing" ... is the wrong answer to a wrong password
        raise AssertionError(f"{password!r} was answered with {type(err).__name__}: {err.user_message}") from None
    raise AssertionError(f"{password!r} unlocked the clinic")


@pytest.mark.parametrize("password", ODD, ids=[f"odd{i}" for i in range(len(ODD))])
def test_odd_passwords_are_wrong_passwords_and_the_database_is_untouched(clinic, data_paths, password):
    before = fingerprint(data_paths.database)
    assert_wrong(clinic, password)
    assert fingerprint(data_paths.database) == before


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=st.text(max_size=300))
def test_any_generated_password_is_a_wrong_password(clinic, data_paths, password):
    if unicodedata.normalize("NFC", password) == ADMIN_PASSWORD:
        return
    before = fingerprint(data_paths.database)
    assert_wrong(clinic, password)
    assert fingerprint(data_paths.database) == before


@pytest.mark.parametrize("word", ["Grüße-Ärztin-2026", "Ångström-Café-naïve", "한국어-비밀번호-42", "ṩ̣-Đặng-Việt-99"])
def test_nfc_and_nfd_of_the_right_password_both_unlock(access, recovery_key, word):
    access.create_clinic(clinic_name="Praxis", username="anna", display_name="Anna",
                         password=unicodedata.normalize("NFC", word), recovery_key=recovery_key)
    assert unicodedata.normalize("NFC", word) != unicodedata.normalize("NFD", word)
    for form in ("NFC", "NFD"):
        access.unlock("anna", unicodedata.normalize(form, word)).lock()


def test_backoff_is_at_least_two_to_the_n_minus_5_and_every_failure_is_audited(clinic, data_paths, clock):
    before = fingerprint(data_paths.database)
    waits = {}
    for n in range(1, 11):
        clock.advance(3600)  # far past any wait: the only thing that counts is the number of failures
        with pytest.raises(WrongPassword):
            clinic.unlock(ADMIN_USER, f"wrong-{n}")
        waits[n] = clinic.backoff_seconds()
        if n >= 5:
            assert waits[n] >= 2 ** (n - 5), (n, waits[n])
            with pytest.raises(UnlockBackoff) as refused:  # even the right password waits
                clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
            assert refused.value.seconds >= 2 ** (n - 5)
            clock.advance(2 ** (n - 5) - 0.5)
            with pytest.raises(UnlockBackoff):
                clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
        else:
            assert waits[n] == 0
    assert fingerprint(data_paths.database) == before  # ten failures and twelve refusals wrote nothing
    clock.advance(2 ** 5)
    session = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        with session.read() as s:
            failed = [a for _, _, a, _ in audit.recent(s, 100) if a == "login.failed"]
    finally:
        session.lock()
    assert len(failed) == 10
    print(f"\nbackoff after n failures (s): {waits}")
