"""RELIABILITY row 37: the storage self-test passes on this build and blocks every unsafe setting.

The real connection must pass every assertion; each assertion is then broken
on its own (a pragma changed in the engine, a value faked on the connection,
an older SQLAlchemy reported) and the clinic must refuse to open with the
self-test's message, leaving the file as it was.
"""

from __future__ import annotations

import hashlib

import pytest

from alliance_desktop.services.errors import StorageError, UnsafeConfiguration
from alliance_desktop.storage import engine as E
from alliance_desktop.storage import self_test
from alliance_desktop.storage.keys import KeyFile
from tests.support import ADMIN_PASSWORD, ADMIN_USER


def test_this_build_passes_every_assertion(session):
    with session.database().engine.connect() as conn:
        report = self_test.run_self_test(conn.connection.dbapi_connection)
    assert report.passed, report.failures
    values = report.values
    print(f"\nself-test: {values}")
    assert values["cipher_version"].startswith("4.") and values["journal_mode"] == "wal"
    assert int(values["synchronous"]) == 2 and int(values["temp_store"]) == 2
    assert "not authorized" in values["load_extension"]


class Faked:
    """A real keyed connection whose answer to one query is replaced."""

    def __init__(self, con, query: str, value) -> None:
        self.con, self.query, self.value = con, query, value

    def execute(self, sql: str, *args):
        if sql == self.query:
            value = self.value

            class Cursor:
                def fetchone(self):
                    return (value,)

                def fetchall(self):
                    return [(value,)]

            return Cursor()
        return self.con.execute(sql, *args)


BROKEN = [
    ("PRAGMA cipher_version", "3.4.2 community", "cipher_version"),
    ("PRAGMA cipher_version", None, "cipher_version"),
    ("PRAGMA cipher_provider", "", "cipher_provider"),
    ("PRAGMA cipher_use_hmac", "0", "cipher_use_hmac"),
    ("PRAGMA cipher_plaintext_header_size", "32", "cipher_plaintext_header_size"),
    ("PRAGMA journal_mode", "delete", "journal_mode"),
    ("PRAGMA synchronous", 1, "synchronous"),
    ("PRAGMA foreign_keys", 0, "foreign_keys"),
    ("PRAGMA secure_delete", 0, "secure_delete"),
    ("PRAGMA temp_store", 0, "temp_store"),
]


@pytest.fixture
def raw(session, data_paths):
    con = E._raw_connect(data_paths.database, session.data_key())
    E._apply_pragmas(con)
    yield con
    con.close()


@pytest.mark.parametrize(("query", "value", "name"), BROKEN, ids=[f"{n}={v!r}" for _, v, n in BROKEN])
def test_each_wrong_value_fails_the_self_test(raw, query, value, name):
    report = self_test.run_self_test(Faked(raw, query, value))
    assert not report.passed and any(f.startswith(name) for f in report.failures)


def test_enabled_extension_loading_fails_the_self_test(raw):
    raw.enable_load_extension(True)
    try:
        report = self_test.run_self_test(raw)
    finally:
        raw.enable_load_extension(False)
    assert any("extension loading" in f for f in report.failures)


@pytest.mark.parametrize("version", ["2.0.49", "1.4.54", "garbage"])
def test_an_old_sqlalchemy_fails_the_self_test(raw, version):
    report = self_test.run_self_test(raw, sqlalchemy_version=lambda: version)
    assert any(f.startswith("SQLAlchemy") for f in report.failures)
    assert self_test.run_self_test(raw, sqlalchemy_version=lambda: "2.0.50").passed


@pytest.mark.parametrize("pragma", ["PRAGMA synchronous = NORMAL", "PRAGMA secure_delete = OFF",
                                    "PRAGMA temp_store = FILE", "PRAGMA foreign_keys = OFF",
                                    "PRAGMA journal_mode = DELETE"])
def test_the_clinic_refuses_to_open_when_a_pragma_drifts(clinic, data_paths, monkeypatch, pragma):
    """A future edit that drops or changes one pragma: login is refused with the self-test's message."""
    name = pragma.split()[1]
    drifted = tuple(p for p in E._PRAGMAS if p.split()[1] != name) + (pragma,)
    monkeypatch.setattr(E, "_PRAGMAS", drifted)
    before = hashlib.sha256(data_paths.database.read_bytes()).hexdigest()
    with pytest.raises(UnsafeConfiguration) as refused:
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert isinstance(refused.value, StorageError)
    assert refused.value.user_message.startswith("Alliance Desktop did not open the clinic data because its "
                                                 "safety self-test failed")
    assert name in refused.value.user_message
    if name != "journal_mode":  # leaving WAL is itself a write; everything else leaves the file untouched
        assert hashlib.sha256(data_paths.database.read_bytes()).hexdigest() == before
    monkeypatch.undo()
    clinic.unlock(ADMIN_USER, ADMIN_PASSWORD).lock()  # the same file opens again once the setting is right


def test_the_login_window_shows_the_refusal(qtbot, clinic, monkeypatch):
    from alliance_desktop.ui.login import LoginWindow

    monkeypatch.setattr(self_test, "MIN_CIPHER_MAJOR", 99)
    window = LoginWindow(clinic, username=ADMIN_USER)
    qtbot.addWidget(window)
    window.password.setText(ADMIN_PASSWORD)
    with qtbot.assertNotEmitted(window.unlocked):
        window.submit()
    assert "safety self-test failed" in window.error.text() and "cipher_version" in window.error.text()


def test_keys_are_never_in_the_message(clinic, data_paths, monkeypatch):
    monkeypatch.setattr(self_test, "MIN_CIPHER_MAJOR", 99)
    key = KeyFile.load(data_paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    with pytest.raises(UnsafeConfiguration) as refused:
        clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert key.hex() not in str(refused.value) and str(data_paths.root) not in str(refused.value)
