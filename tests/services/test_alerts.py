"""Alerts: rule ids and explanations, handling (append-only), persistence across lock and restart."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.alerts import acknowledge_alert, alerts_for_client, mark_discussed, open_alerts
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.caseload import caseload
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage.tables import AlertAction
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import STAFF_PASSWORD, login
from tests.support import FAST_KDF


def test_alerts_carry_rule_ids_and_one_sentence(clinic, seeded):
    t = login(clinic, "tara")
    try:
        alerts = alerts_for_client(t, seeded.repaired_episode)
    finally:
        t.lock()
    (rupture,) = alerts
    assert rupture.kind == "rupture" and rupture.session_number == 6 and rupture.rule_ids == ("R1", "R2", "R3")
    assert rupture.severity == "probable" and rupture.explanation.startswith("R1: Example check-in total 30")
    assert not rupture.handled and not rupture.superseded


def test_acknowledging_persists_across_lock_and_restart(clinic, seeded, data_paths, clock):
    t = login(clinic, "tara")
    (alert,) = alerts_for_client(t, seeded.repaired_episode)
    view = acknowledge_alert(t, alert.alert_id, "  Will talk about it next time.  ")
    assert view.handled and view.actions[0].note == "Will talk about it next time."
    t.lock()
    # a fresh access object: what a restarted app does
    again = ClinicAccess(data_paths, clock=clock, kdf=FAST_KDF).unlock("tara", STAFF_PASSWORD)
    try:
        (alert,) = alerts_for_client(again, seeded.repaired_episode)
        assert alert.handled and [a.action for a in alert.actions] == ["acknowledged"]
        assert alert.actions[0].user_name == "Tara Example"
        row = next(r for r in caseload(again) if r.client_id == seeded.repaired_client)
        assert row.badges.unhandled_alerts == 0
        assert all(a.alert_id != alert.alert_id for a in open_alerts(again))
        mark_discussed(again, alert.alert_id)
        (alert,) = alerts_for_client(again, seeded.repaired_episode)
        assert [a.action for a in alert.actions] == ["acknowledged", "discussed"] and alert.discussed
        with again.read() as s:  # append-only: two rows, the first unchanged
            notes = s.execute(sa.select(AlertAction.note).order_by(AlertAction.at)).scalars().all()
        assert notes == ["Will talk about it next time.", None]
    finally:
        again.lock()


def test_only_the_clients_therapist_handles_alerts(clinic, seeded):
    t = login(clinic, "tara")
    try:
        (alert,) = alerts_for_client(t, seeded.repaired_episode)
    finally:
        t.lock()
    for name in ("theo", "sue"):
        other = login(clinic, name)
        try:
            with pytest.raises(NotAllowed):
                acknowledge_alert(other, alert.alert_id)
        finally:
            other.lock()


def test_open_alerts_per_role(clinic, seeded):
    t, sue, theo = login(clinic, "tara"), login(clinic, "sue"), login(clinic, "theo")
    try:
        mine = open_alerts(t)
        assert {a.pseudonym for a in mine} == {"RP-0001", "UR-0002"}
        assert {a.alert_id for a in open_alerts(sue)} == {a.alert_id for a in mine}
        assert open_alerts(theo) == ()
        with pytest.raises(InvalidInput):
            acknowledge_alert(t, mine[0].alert_id, "x" * 2001)
    finally:
        for s in (t, sue, theo):
            s.lock()
