"""Leaving the kiosk: the exit PIN, who sets it, and its doubling pause (RELIABILITY row 28)."""

from __future__ import annotations

import pytest

from alliance_desktop.core.model import Role
from alliance_desktop.services.kiosk import (
    ExitPinNotSet,
    InstrumentNotAdministrable,
    InvalidInput,
    KioskService,
    NotAllowed,
    PinPaused,
    kiosk_settings,
    set_exit_pin,
    set_kiosk_instruments,
)
from alliance_desktop.storage import repositories
from tests.services.kiosk_fixtures import *  # noqa: F403
from tests.services.kiosk_fixtures import audit_entries, staff_session

PIN = "482913"


def test_no_pin_until_an_admin_sets_one(session, kiosk):
    assert not kiosk.exit_pin_is_set() and not kiosk_settings(session).exit_pin_set
    with pytest.raises(ExitPinNotSet):
        kiosk.verify_exit_pin(PIN)
    set_exit_pin(session, PIN)
    assert kiosk.exit_pin_is_set() and kiosk_settings(session).exit_pin_set


def test_pin_is_stored_as_an_argon2id_hash(session):
    set_exit_pin(session, PIN)
    with session.read() as s:
        stored = repositories.get_setting(s, "kiosk_exit_pin")
    assert stored["hash"].startswith("$argon2id$") and PIN not in repr(stored)
    [entry] = audit_entries(session, "kiosk.exit_pin_set")
    assert PIN not in repr(entry.details)


@pytest.mark.parametrize("pin", ["12345", "", "12345a", "１２３４５６", " 123456", "1" * 33])
def test_pin_needs_six_to_32_ascii_digits(session, pin):
    with pytest.raises(InvalidInput) as err:
        set_exit_pin(session, pin)
    assert err.value.field == "pin"


def test_only_an_admin_sets_the_pin(clinic, session, therapist_session):
    with pytest.raises(NotAllowed) as err:
        set_exit_pin(therapist_session, PIN)
    assert "administrator" in err.value.user_message
    supervisor = staff_session(clinic, session, "sven", Role.SUPERVISOR)
    try:
        with pytest.raises(NotAllowed):
            set_exit_pin(supervisor, PIN)
    finally:
        supervisor.lock()
    assert audit_entries(session, "kiosk.exit_pin_set") == []


def test_right_and_wrong_pin(session, kiosk):
    set_exit_pin(session, PIN)
    assert kiosk.verify_exit_pin(PIN) is True
    assert kiosk.verify_exit_pin("000000") is False
    assert kiosk.verify_exit_pin("") is False
    assert kiosk.verify_exit_pin(PIN + "0") is False
    assert kiosk.verify_exit_pin(PIN) is True
    assert [e.action for e in audit_entries(session) if e.action.startswith("kiosk.exit_pin_")] == [
        "kiosk.exit_pin_set", "kiosk.exit_pin_ok", "kiosk.exit_pin_failed", "kiosk.exit_pin_failed",
        "kiosk.exit_pin_failed", "kiosk.exit_pin_ok",
    ]


def test_five_wrong_pins_pause_60_s_then_each_wrong_try_doubles_it(session, kiosk, clock):
    set_exit_pin(session, PIN)
    for _ in range(4):
        assert kiosk.verify_exit_pin("111111") is False
    with pytest.raises(PinPaused) as first:
        kiosk.verify_exit_pin("111111")
    assert first.value.seconds == 60
    clock.advance(59)
    with pytest.raises(PinPaused) as waiting:
        kiosk.verify_exit_pin(PIN)  # the right PIN waits too
    assert waiting.value.seconds == 1
    clock.jump_wall(-3600)  # the wall clock does not matter
    clock.advance(1)
    with pytest.raises(PinPaused) as second:
        kiosk.verify_exit_pin("222222")
    assert second.value.seconds == 120
    clock.advance(120)
    with pytest.raises(PinPaused) as third:
        kiosk.verify_exit_pin("333333")
    assert third.value.seconds == 240
    clock.advance(239)
    with pytest.raises(PinPaused):
        kiosk.verify_exit_pin(PIN)
    clock.advance(1)
    assert kiosk.verify_exit_pin(PIN) is True
    # A right PIN starts the count again: four free wrong tries.
    for _ in range(4):
        assert kiosk.verify_exit_pin("444444") is False


def test_pin_pause_survives_a_new_pin_attempt_from_the_same_kiosk_only(session, kiosk):
    set_exit_pin(session, PIN)
    for _ in range(4):
        kiosk.verify_exit_pin("111111")
    with pytest.raises(PinPaused):
        kiosk.verify_exit_pin("111111")
    other = KioskService.start(session, device_id="tablet-2")
    assert other.verify_exit_pin(PIN) is True


def test_changed_pin_applies_to_a_running_kiosk(session, kiosk):
    set_exit_pin(session, PIN)
    set_exit_pin(session, "99887766")
    assert kiosk.verify_exit_pin(PIN) is False
    assert kiosk.verify_exit_pin("99887766") is True


def test_kiosk_instruments_are_admin_only_and_administrable(session, therapist_session):
    assert kiosk_settings(session).instruments == ("example-alliance", "phq9")
    with pytest.raises(NotAllowed):
        set_kiosk_instruments(therapist_session, ["phq9"])
    with pytest.raises(InstrumentNotAdministrable, match="structure-only"):
        set_kiosk_instruments(session, ["ors"])
    assert set_kiosk_instruments(session, ["gad7", "phq9", "gad7"]).instruments == ("gad7", "phq9")
