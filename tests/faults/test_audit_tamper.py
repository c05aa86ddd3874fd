"""RELIABILITY row 36: edits, deletions, reordering, cut-off entries and an older database are detected.

Each tampering is done below the services, with the data key, as someone
with the key and the files could. Detection is checked where staff meet it:
at the next unlock (``session.audit_integrity`` and the warning in the main
window) and in the audit viewer's verification (``verify_audit_chain``),
which names the first bad entry.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from alliance_desktop.services.audit_integrity import AnchorStatus, anchor_path
from alliance_desktop.services.audit_view import verify_audit_chain
from alliance_desktop.storage.keys import KeyFile
from alliance_desktop.storage.tables import AuditEvent
from tests.support import ADMIN_PASSWORD, ADMIN_USER
from tests.ui.conftest import _private_settings_folder, fake_printer, make_shell  # noqa: F401

ENTRIES = 12


def db_files(paths) -> list[Path]:
    return [paths.database, Path(f"{paths.database}-wal"), Path(f"{paths.database}-shm")]


@pytest.fixture
def logged(clinic):
    """A clinic with a dozen extra entries, locked (so its files are checkpointed and closed)."""
    s = clinic.unlock(ADMIN_USER, ADMIN_PASSWORD)
    for n in range(ENTRIES):
        s.record("test.entry", details={"n": n})
    s.lock()
    return clinic


def tamper(clinic, change) -> None:
    key = KeyFile.load(clinic.paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    from alliance_desktop.storage.engine import open_database

    db = open_database(clinic.paths.database, key)  # no anchoring: the tamperer does not update the anchor
    try:
        with db.write() as s:
            change(s)
    finally:
        db.dispose()


def seq_of_nth(s, n: int) -> int:
    return s.execute(sa.select(AuditEvent.seq).where(AuditEvent.action == "test.entry")
                     .order_by(AuditEvent.seq).offset(n).limit(1)).scalar_one()


def edit(s):
    seq = seq_of_nth(s, 3)
    s.execute(sa.update(AuditEvent).where(AuditEvent.seq == seq).values(details={"n": 99}))
    return seq


def delete_middle(s):
    seq = seq_of_nth(s, 5)
    s.execute(sa.delete(AuditEvent).where(AuditEvent.seq == seq))


def reorder(s):
    a, b = seq_of_nth(s, 6), seq_of_nth(s, 7)
    s.execute(sa.update(AuditEvent).where(AuditEvent.seq == a).values(seq=-1))
    s.execute(sa.update(AuditEvent).where(AuditEvent.seq == b).values(seq=a))
    s.execute(sa.update(AuditEvent).where(AuditEvent.seq == -1).values(seq=b))


def cut_tail(s):
    top = s.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar_one()
    s.execute(sa.delete(AuditEvent).where(AuditEvent.seq > top - 3))


def rewrite_chain(s):
    """Edit an entry and recompute every hash after it: the chain inside holds, the anchor does not."""
    from alliance_desktop.storage import audit

    rows = s.execute(sa.select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    prev = audit.GENESIS_HASH
    for row in rows:
        if row.action == "test.entry" and row.details == {"n": 4}:
            row.details = {"n": 44}
        row.prev_hash = prev
        row.hash = audit._entry_hash(prev, row.seq, row.at, row.actor_id, row.action, row.target_kind,
                                     row.target_id, row.details)
        prev = row.hash
    s.flush()


def garble(s):
    """Raw text the app never writes in the details column: reported, not a crash."""
    seq = seq_of_nth(s, 3)
    s.execute(sa.text("UPDATE audit_events SET details = 'not json {' WHERE seq = :seq"),
              {"seq": seq})
    return seq


CASES = {"edit": edit, "delete": delete_middle, "reorder": reorder, "cut-tail": cut_tail, "rewrite": rewrite_chain,
         "garble": garble}


def first_bad_expected(clinic, case: str) -> int:
    with_key = KeyFile.load(clinic.paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    from alliance_desktop.storage.engine import open_database

    db = open_database(clinic.paths.database, with_key)
    try:
        with db.read() as s:
            top = s.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar_one()
            nth = {"edit": 3, "delete": 5, "reorder": 6, "garble": 3}
            # A recomputed chain is only known to differ at the anchored head (the newest entry).
            return seq_of_nth(s, nth[case]) if case in nth else (top if case == "rewrite" else top - 2)
    finally:
        db.dispose()


@pytest.mark.parametrize("case", sorted(CASES))
def test_tampering_is_detected_at_unlock_and_in_the_viewer(logged, case):
    expected = first_bad_expected(logged, case)
    tamper(logged, CASES[case])
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        found = session.audit_integrity
        assert found is not None and not found.intact, case
        assert found.first_bad_seq == expected, (case, found)
        assert found.message()
        report = verify_audit_chain(session)
        if case in ("cut-tail", "rewrite"):
            # the anchor moved on at the unlock (recording the problem); the log itself keeps the record
            assert report.earlier_alerts == 1
        else:
            assert not report.intact and report.first_bad_seq == expected
    finally:
        session.lock()


def test_an_older_copy_of_the_database_is_detected(logged):
    paths = logged.paths
    old = paths.root / "old-copy"
    old.mkdir()
    for f in db_files(paths):
        if f.exists():
            shutil.copy2(f, old / f.name)
    s = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    for n in range(5):
        s.record("test.later", details={"n": n})
    s.lock()
    for f in db_files(paths):  # swap the older database in (the anchor file stays)
        f.unlink(missing_ok=True)
        if (old / f.name).exists():
            shutil.copy2(old / f.name, f)
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        found = session.audit_integrity
        assert found.anchor is AnchorStatus.ROLLED_BACK and found.first_bad_seq == found.entries + 1
        assert "older copy" in found.message()
        assert verify_audit_chain(session).earlier_alerts == 1
    finally:
        session.lock()


def test_a_deleted_or_forged_anchor_is_reported(logged):
    path = anchor_path(logged.paths)
    raw = path.read_bytes()
    path.unlink()
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert session.audit_integrity.anchor is AnchorStatus.MISSING
    session.lock()
    path.write_bytes(raw.replace(b'"seq": ', b'"seq": 1'))
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    assert session.audit_integrity.anchor is AnchorStatus.FORGED
    session.lock()
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)  # re-anchored: normal work goes on
    assert session.audit_integrity.intact and session.audit_integrity.anchor is AnchorStatus.OK
    session.lock()


def test_normal_work_keeps_the_anchor_in_step_and_leaks_nothing(logged, data_paths):
    for _ in range(3):
        session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
        assert session.audit_integrity.intact and session.audit_integrity.anchor is AnchorStatus.OK
        session.record("test.more")
        session.lock()
    text = anchor_path(data_paths).read_text()
    assert set(__import__("json").loads(text)) == {"format", "version", "seq", "hash", "mac"}


def test_the_main_window_warns_whoever_logs_in(qtbot, make_shell, logged):
    from tests.ui.helpers import log_in

    tamper(logged, edit)
    main = log_in(qtbot, make_shell(logged))
    assert main.audit_warning.isVisibleTo(main) and "altered" in main.audit_warning.text()


def test_a_clean_login_shows_no_warning(qtbot, make_shell, logged):
    from tests.ui.helpers import log_in

    main = log_in(qtbot, make_shell(logged))
    assert not main.audit_warning.isVisibleTo(main)


# -- a long log: the unlock walks the newest entries, the rest is walked after the login ------------
@pytest.fixture
def short_unlock_walk(monkeypatch):
    """As if the log were longer than the unlock's walk: it walks only the newest 6 of ~20 entries."""
    from alliance_desktop.services import audit_integrity

    monkeypatch.setattr(audit_integrity, "UNLOCK_WALK", 6)


def test_a_change_to_a_recent_entry_is_found_by_the_unlock_itself(logged, short_unlock_walk):
    edited: list[int] = []

    def edit_a_recent_entry(s):
        edited.append(seq_of_nth(s, ENTRIES - 2))
        s.execute(sa.update(AuditEvent).where(AuditEvent.seq == edited[0]).values(details={"n": 77}))

    tamper(logged, edit_a_recent_entry)
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        found = session.audit_integrity
        assert not found.whole_chain and found.walked_from <= edited[0]
        assert not found.intact and found.first_bad_seq == edited[0]
    finally:
        session.lock()


def test_a_change_to_an_older_entry_is_found_by_the_walk_after_the_login(logged, short_unlock_walk):
    from alliance_desktop.services.audit_integrity import INTEGRITY_FAILED, verify_history

    expected = first_bad_expected(logged, "edit")
    tamper(logged, edit)
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        at_unlock = session.audit_integrity
        assert at_unlock.intact and not at_unlock.whole_chain and at_unlock.walked_from > expected
        found = verify_history(session)
        assert found is not None and not found.intact and found.first_bad_seq == expected
        assert "altered" in found.message()
        with session.read() as s:  # written into the log, so the viewer and later log-ins see it
            recorded = s.execute(sa.select(AuditEvent.details).where(AuditEvent.action == INTEGRITY_FAILED)).all()
        assert [row[0]["first_bad_seq"] for row in recorded] == [expected]
        report = verify_audit_chain(session)  # the viewer walks everything
        assert report.whole_chain and report.first_bad_seq == expected and report.earlier_alerts == 1
    finally:
        session.lock()


def test_an_intact_long_log_passes_the_walk_after_the_login_and_writes_nothing(logged, short_unlock_walk):
    from alliance_desktop.services.audit_integrity import verify_history

    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        with session.read() as s:
            before = s.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()
        assert not session.audit_integrity.whole_chain and verify_history(session) is None
        with session.read() as s:
            assert s.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == before
    finally:
        session.lock()


def test_the_main_window_warns_once_the_walk_after_the_login_finds_an_older_change(qtbot, make_shell, logged,
                                                                                short_unlock_walk):
    from tests.ui.helpers import log_in

    tamper(logged, edit)
    main = log_in(qtbot, make_shell(logged))
    qtbot.waitUntil(lambda: main.audit_warning.isVisibleTo(main), timeout=10_000)
    assert "altered" in main.audit_warning.text()


def nest_details_too_deep(s):
    """Details that are valid JSON but nest deeper than the parser goes: a broken entry, not a crash."""
    seq = seq_of_nth(s, 3)
    s.execute(sa.text("UPDATE audit_events SET details = :d WHERE seq = :seq"),
              {"d": "[" * 100_000 + "]" * 100_000, "seq": seq})
    return seq


def test_an_old_entry_the_parser_cannot_read_is_reported_not_raised(logged, short_unlock_walk):
    from alliance_desktop.services.audit_integrity import verify_history

    expected = first_bad_expected(logged, "edit")  # the same entry: the fourth test entry
    tamper(logged, nest_details_too_deep)
    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        assert session.audit_integrity.intact and not session.audit_integrity.whole_chain
        found = verify_history(session)
        assert found is not None and found.first_bad_seq == expected
        assert verify_audit_chain(session).first_bad_seq == expected
    finally:
        session.lock()


def test_a_kiosk_login_walks_the_whole_log_too_and_records_what_it_finds(qtbot, logged, short_unlock_walk):
    """No staff window on a kiosk device: the shell's walk still runs and writes the problem into the log."""
    from alliance_desktop.services.audit_integrity import INTEGRITY_FAILED
    from alliance_desktop.ui.shell import ShellController

    expected = first_bad_expected(logged, "edit")
    tamper(logged, edit)
    controller = ShellController(logged, idle_timeout_ms=0, kiosk_on_login=True, device_id="test-kiosk")
    try:
        with qtbot.waitSignal(controller.auditProblem, timeout=10_000) as said:
            controller.open_session(logged.unlock(ADMIN_USER, ADMIN_PASSWORD))
        assert controller.kiosk is not None and "altered" in said.args[0]
        with controller.session.read() as s:
            recorded = s.execute(sa.select(AuditEvent.details).where(AuditEvent.action == INTEGRITY_FAILED)).all()
        assert [row[0]["first_bad_seq"] for row in recorded] == [expected]
    finally:
        controller.shutdown()


def test_a_walk_asked_to_stop_ends_early_and_reports_nothing(logged):
    """Locking during a long walk: the walk ends at its next look at the flag, not at the end of the log."""
    from alliance_desktop.storage import audit
    from alliance_desktop.storage.engine import open_database

    key = KeyFile.load(logged.paths.keyfile).unlock_user(ADMIN_USER, ADMIN_PASSWORD)
    db = open_database(logged.paths.database, key)
    try:
        with db.write() as s:
            for n in range(audit.STOP_CHECK_EVERY + 10):
                audit.append(s, at=audit_time(n), action="test.bulk", details={"n": n})
        looked: list[int] = []
        with db.read() as s:
            with pytest.raises(audit.WalkStopped):
                audit.verify_chain(s, stop=lambda: looked.append(1) or True)
            assert looked == [1]  # stopped at its first look, after STOP_CHECK_EVERY entries
            assert audit.verify_chain(s, stop=lambda: False).intact
    finally:
        db.dispose()


def audit_time(n: int):
    from datetime import UTC, datetime, timedelta

    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n)


def test_the_walk_after_the_login_keeps_giving_way_to_the_ui_thread(logged, short_unlock_walk, monkeypatch):
    """It runs beside the UI: it lets go of the GIL every SHARE_EVERY entries instead of every 5 ms."""
    from alliance_desktop.services.audit_integrity import verify_history
    from alliance_desktop.storage import audit

    session = logged.unlock(ADMIN_USER, ADMIN_PASSWORD)
    try:
        for n in range(3 * audit.SHARE_EVERY):
            session.record("test.more", details={"n": n})
        with session.read() as s:
            entries = s.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()
        yielded: list[int] = []
        monkeypatch.setattr(audit, "_let_others_run", lambda: yielded.append(1))
        assert verify_history(session) is None
        assert len(yielded) == entries // audit.SHARE_EVERY
    finally:
        session.lock()
