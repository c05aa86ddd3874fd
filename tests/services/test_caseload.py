"""The caseload: rows, badges, the need-of-attention order, and who may open which caseload."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance_desktop.config import DataPaths
from alliance_desktop.core.caseload_model import Attention
from alliance_desktop.core.change import ChangeClass
from alliance_desktop.core.clock import FakeClock
from alliance_desktop.core.tracking import Colour
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.services.alerts import acknowledge_alert, alerts_for_client, mark_discussed
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.caseload import caseload, therapists
from alliance_desktop.services.demo import DEMO_PASSWORD, build_demo_clinic
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import login
from tests.support import FAST_KDF


def test_rows_hold_the_hand_computed_numbers(clinic, seeded):
    t = login(clinic, "tara")
    try:
        rows = caseload(t)
    finally:
        t.lock()
    assert [r.pseudonym for r in rows] == ["UR-0002", "RP-0001"]
    unrepaired, repaired = rows
    assert unrepaired.sessions_label == "9/24" and repaired.sessions_label == "8/24"
    assert repaired.latest_alliance == 38.5 and repaired.latest_alliance_session == 8
    # running mean of sessions 1-7: (37 + 37.5 + 38 + 37.5 + 38 + 30 + 38) / 7 = 36.571...
    assert repaired.alliance_deviation == pytest.approx(38.5 - 256.0 / 7)
    assert repaired.latest_outcome == 7 and repaired.change_class is ChangeClass.RECOVERED
    assert repaired.colour is Colour.WHITE
    assert repaired.badges.unrepaired_ruptures == 0 and not repaired.badges.below_cutoff
    # the rupture at session 6 raised an alert nobody has handled yet
    assert repaired.badges.unhandled_alerts == 1 and repaired.attention is Attention.UNHANDLED_ALERT
    assert unrepaired.attention is Attention.RISK and unrepaired.badges.risk and unrepaired.badges.red
    assert unrepaired.change_class is ChangeClass.DETERIORATED and unrepaired.colour is Colour.RED
    assert unrepaired.badges.unrepaired_ruptures == 1 and unrepaired.badges.pending_ruptures == 3
    assert unrepaired.badges.below_cutoff
    assert unrepaired.reasons[0].startswith("Risk item positive (session 9)")


def test_badges_clear_only_when_the_alerts_are_handled(clinic, seeded):
    t = login(clinic, "tara")
    try:
        alerts = alerts_for_client(t, seeded.unrepaired_episode)
        risk = [a for a in alerts if a.kind == "risk"]
        assert [a.session_number for a in risk] == [9]
        acknowledge_alert(t, risk[0].alert_id, "Called the client, safety plan in place.")
        row = next(r for r in caseload(t) if r.client_id == seeded.unrepaired_client)
        assert not row.badges.risk and row.badges.red and row.attention is Attention.RED
        for a in alerts:
            if a.kind != "risk":
                mark_discussed(t, a.alert_id)
        row = next(r for r in caseload(t) if r.client_id == seeded.unrepaired_client)
        assert row.badges.unhandled_alerts == 0
        assert (row.badges.risk, row.badges.red, row.badges.unrepaired_ruptures, row.badges.below_cutoff) == (
            False, False, 0, False)
        # still not on track: a handled red ranks with yellow, and the colour chip stays red
        assert row.attention is Attention.YELLOW and row.colour is Colour.RED
    finally:
        t.lock()


def test_who_may_open_which_caseload(clinic, session, seeded):
    theo = login(clinic, "theo")
    sue = login(clinic, "sue")
    try:
        assert [r.pseudonym for r in caseload(theo)] == ["TH-0003"]
        with pytest.raises(NotAllowed):
            caseload(theo, seeded.tara.id)
        assert {r.pseudonym for r in caseload(sue, seeded.tara.id)} == {"UR-0002", "RP-0001"}
        with pytest.raises(NotAllowed):
            caseload(session)  # administrators see no clinical data
        assert [u.username for u in therapists(sue)] == ["tara", "theo"]
    finally:
        theo.lock()
        sue.lock()


def test_theo_client_with_a_missed_session_is_grey_and_quiet(clinic, seeded):
    h = login(clinic, "theo")
    try:
        (row,) = caseload(h)
    finally:
        h.lock()
    assert row.sessions_label == "3/24" and row.colour is Colour.GREY and row.attention is Attention.NONE
    assert row.latest_outcome == 11 and row.latest_outcome_session == 4


@pytest.fixture(scope="module")
def demo_clinic(tmp_path_factory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("demo") / "clinic")
    clock = FakeClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    build_demo_clinic(paths, size="small", seed=7, kdf=FAST_KDF, clock=clock, today=date(2026, 11, 2))
    return paths


def test_caseload_order_of_the_seeded_demo_clinic(demo_clinic):
    """The default order is the documented ladder, then the drop against the client's own mean."""
    access = ClinicAccess(demo_clinic, kdf=FAST_KDF, clock=FakeClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)))
    sup = access.unlock("supervisor", DEMO_PASSWORD)
    try:
        orders = {t.username: caseload(sup, t.id) for t in therapists(sup)}
    finally:
        sup.lock()
    assert sum(len(rows) for rows in orders.values()) == 24  # 3 therapists x 8 active clients
    for rows in orders.values():
        keys = [(r.attention, -r.badges.unhandled_alerts,
                 r.alliance_deviation if r.alliance_deviation is not None else float("inf")) for r in rows]
        assert keys == sorted(keys)
        for r in rows:
            assert r.reasons or r.attention is Attention.NONE
        for r in rows:
            assert r.attention is expected_level(r), r
    levels = {r.attention for rows in orders.values() for r in rows}
    assert len(levels) >= 3, levels  # the demo has ruptures, not-on-track and quiet clients


def expected_level(r) -> Attention:
    """The ladder of core.caseload_model, re-derived from the badges and the colour."""
    b = r.badges
    if b.risk:
        return Attention.RISK
    if b.red:
        return Attention.RED
    if b.unrepaired_ruptures:
        return Attention.UNREPAIRED_RUPTURE
    if b.below_cutoff:
        return Attention.BELOW_CUTOFF
    if b.pending_ruptures:
        return Attention.PENDING_RUPTURE
    if r.colour in (Colour.YELLOW, Colour.RED):
        return Attention.YELLOW
    if b.unhandled_alerts:
        return Attention.UNHANDLED_ALERT
    return Attention.NONE
