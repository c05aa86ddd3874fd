"""Administration: staff accounts and their key wraps, settings, instruments and wording packs, the audit log."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from alliance_desktop.core.instruments import load_bundled
from alliance_desktop.core.model import Role
from alliance_desktop.services import instrument_admin, settings
from alliance_desktop.services.admin_users import add_user, deactivate_user, list_users, reset_password
from alliance_desktop.services.audit_view import audit_page, verify_audit_chain
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.errors import InvalidInput, WrongPassword
from alliance_desktop.storage.keys import KeyFile
from alliance_desktop.storage.tables import AuditEvent, WordingPack
from tests.core.instrument_fixtures import make_pack
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import STAFF_PASSWORD, login
from tests.support import ADMIN_PASSWORD

NEW_PASSWORD = "fresh-password-4242"


def test_added_user_logs_in_and_a_deactivated_one_cannot(clinic, session):
    user = add_user(session, "nora", "Nora Neu", "therapist", STAFF_PASSWORD)
    assert user.role is Role.THERAPIST and KeyFile.load(clinic.paths.keyfile).has_user("nora")
    login(clinic, "nora").lock()
    with pytest.raises(InvalidInput, match="already taken"):
        add_user(session, "NORA", "x", "therapist", STAFF_PASSWORD)
    with pytest.raises(InvalidInput, match="administrator, therapist or supervisor"):
        add_user(session, "olga", "Olga", "owner", STAFF_PASSWORD)
    gone = deactivate_user(session, "nora")
    assert not gone.active and not KeyFile.load(clinic.paths.keyfile).has_user("nora")
    with pytest.raises(WrongPassword):
        login(clinic, "nora")
    with pytest.raises(InvalidInput, match="your own account"):
        deactivate_user(session, "admin")
    assert {u.username for u in list_users(session)} >= {"admin", "nora"}


def test_a_therapist_with_clients_is_not_deactivated(session, seeded):
    with pytest.raises(InvalidInput, match="still has 2 active client"):
        deactivate_user(session, "tara")


def test_reset_needs_the_admins_own_password(clinic, session, seeded):
    with pytest.raises(WrongPassword):
        reset_password(session, "tara", NEW_PASSWORD, "not-my-password")
    login(clinic, "tara").lock()  # unchanged
    reset_password(session, "tara", NEW_PASSWORD, ADMIN_PASSWORD)
    with pytest.raises(WrongPassword):
        login(clinic, "tara")
    clinic.unlock("tara", NEW_PASSWORD).lock()
    actions = [e.action for e in audit_page(session, 0, 50).entries]
    assert "password.reset" in actions and "password.reset_refused" in actions


def test_staff_administration_is_for_administrators_only(clinic, seeded):
    t = login(clinic, "tara")
    try:
        for call in (lambda: add_user(t, "x1", "X", "therapist", STAFF_PASSWORD),
                     lambda: deactivate_user(t, "theo"),
                     lambda: reset_password(t, "theo", NEW_PASSWORD, STAFF_PASSWORD),
                     lambda: settings.set_clinic_settings(t, auto_lock_minutes=10),
                     lambda: audit_page(t), lambda: verify_audit_chain(t),
                     lambda: instrument_admin.set_instrument_enabled(t, "gad7", False)):
            with pytest.raises(NotAllowed):
                call()
    finally:
        t.lock()


def test_settings_ranges(session):
    assert settings.clinic_settings(session).auto_lock_minutes == 5
    changed = settings.set_clinic_settings(session, auto_lock_minutes=2, kiosk_idle_warning_s=90, languages=["de", "en"])
    assert (changed.auto_lock_minutes, changed.kiosk_idle_warning_s, changed.languages) == (2, 90, ("de", "en"))
    for kwargs, field in (({"auto_lock_minutes": 1}, "auto_lock_minutes"), ({"auto_lock_minutes": 31}, None),
                          ({"kiosk_idle_reset_s": 301}, "idle_reset_s"), ({"languages": ["xx"]}, "languages"),
                          ({"languages": []}, "languages")):
        with pytest.raises(InvalidInput) as err:
            settings.set_clinic_settings(session, **kwargs)
        assert field is None or err.value.field == field
    assert settings.auto_lock_minutes(session) == 2


def test_report_paper_size_defaults_to_a4_and_takes_letter(session):
    assert settings.paper_size(session) == "A4"
    assert settings.set_clinic_settings(session, paper_size="Letter").paper_size == "Letter"
    assert settings.clinic_settings(session).paper_size == "Letter"
    with pytest.raises(InvalidInput) as err:
        settings.set_clinic_settings(session, paper_size="A5")
    assert err.value.field == "paper_size" and "A4 or Letter" in err.value.detail
    assert settings.paper_size(session) == "Letter"


def test_instruments_licence_status_enable_and_wording_pack(session):
    statuses = {s.id: s for s in instrument_admin.instrument_statuses(session)}
    assert statuses["phq9"].administrable and statuses["phq9"].enabled
    srs = statuses["srs"]
    assert not srs.administrable and not srs.enabled and "wording pack" in srs.not_administrable_reason
    assert "example" in statuses["example-alliance"].title
    enabled = instrument_admin.set_instrument_enabled(session, "srs", True)
    assert enabled.enabled and not enabled.administrable
    pack = json.dumps(make_pack(load_bundled()["srs"])).encode()
    installed = instrument_admin.install_wording_pack(session, pack, "srs-pack.json")
    assert installed.administrable and installed.wording_installed and installed.wording == "full"
    merged = instrument_admin.clinic_instruments(session)
    assert merged["srs"].items[0].text["en"] == "Test line 1 [en]"
    assert load_bundled()["srs"].wording == "structure_only"  # the shipped definition is untouched
    with session.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(WordingPack)).scalar_one() == 1
    bad = make_pack(load_bundled()["srs"])
    del bad["items"][0]
    with pytest.raises(InvalidInput, match=r"srs-bad\.json: \$\.items"):
        instrument_admin.install_wording_pack(session, json.dumps(bad).encode(), "srs-bad.json")
    with pytest.raises(InvalidInput, match="not a wording pack"):
        instrument_admin.install_wording_pack(session, b"{}", "empty.json")


def test_audit_chain_verifies_and_names_the_first_tampered_entry(session):
    report = verify_audit_chain(session)
    assert report.intact and report.entries >= 3
    page = audit_page(session, 0, 2)
    assert page.total >= 4 and [e.seq for e in page.entries] == [page.total, page.total - 1]
    with session.write() as s:
        s.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(action="tampered"))
    report = verify_audit_chain(session)
    assert not report.intact and report.first_bad_seq == 2
