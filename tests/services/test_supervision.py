"""The supervisor's clinic overview, and its stored per-episode tallies staying current."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from alliance_desktop.services import clients, sessions
from alliance_desktop.services.authz import NotAllowed
from alliance_desktop.services.supervision import clinic_overview
from alliance_desktop.storage.tables import CourseSummary
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import alliance, login, phq


def test_overview_counts_by_hand(clinic, seeded):
    sue = login(clinic, "sue")
    try:
        ov = clinic_overview(sue)
    finally:
        sue.lock()
    tara, theo = ov.therapists
    assert (tara.display_name, theo.display_name) == ("Tara Example", "Theo Example")
    assert (tara.clients_in_treatment, tara.held_sessions, tara.held_with_feedback) == (2, 17, 17)
    # repaired course: one probable rupture at 6, repaired at 7; unrepaired course: 6 unrepaired, 7-9 pending
    assert (tara.ruptures.events, tara.ruptures.repaired, tara.ruptures.unrepaired, tara.ruptures.pending) == (
        5, 1, 1, 3)
    assert dict(tara.colours) == {"red": 1, "yellow": 0, "grey": 0, "white": 1, "green": 0, "none": 0}
    assert (theo.clients_in_treatment, theo.held_sessions, theo.held_with_feedback) == (1, 3, 3)
    assert theo.colours["grey"] == 1 and theo.feedback_share == 1.0
    assert ov.clinic.clients_in_treatment == 3 and ov.clinic.ruptures.events == 5


def test_overview_follows_new_answers_and_closed_episodes(clinic, session, seeded):
    sue = login(clinic, "sue")
    try:
        clinic_overview(sue)
        t = login(clinic, "tara")
        try:  # session 9 of the repaired course: a sharp drop, and a held session without answers
            s9 = sessions.record_session(t, seeded.repaired_episode, date(2025, 11, 1))
            sessions.enter_paper_response(t, s9.therapy_session_id, "example-alliance", alliance(29.0))
            sessions.enter_paper_response(t, s9.therapy_session_id, "phq9", phq(23))  # 16 -> 23: reliably worse
            sessions.record_session(t, seeded.repaired_episode, date(2025, 11, 8))
        finally:
            t.lock()
        tara = clinic_overview(sue).therapists[0]
        assert (tara.held_sessions, tara.held_with_feedback, tara.ruptures.events) == (19, 18, 6)
        assert tara.colours["red"] == 2
        clients.close_episode(session, seeded.unrepaired_episode)
        tara = clinic_overview(sue).therapists[0]
        assert tara.clients_in_treatment == 1 and tara.colours["red"] == 1
        with sue.read() as s:  # only the changed episode was recomputed after the first overview
            seqs = dict(s.execute(sa.select(CourseSummary.episode_id, CourseSummary.as_of_seq)).all())
        assert seqs[seeded.repaired_episode] > seqs[seeded.theo_episode]
    finally:
        sue.lock()


def test_a_write_the_overview_cannot_place_recomputes_everything(clinic, seeded):
    sue = login(clinic, "sue")
    try:
        before = clinic_overview(sue)
        sue.record("import.bulk", details={"rows": 3})  # an unknown writer naming no episode
        with sue.read() as s:
            old = dict(s.execute(sa.select(CourseSummary.episode_id, CourseSummary.as_of_seq)).all())
        assert clinic_overview(sue) == before
        with sue.read() as s:
            new = dict(s.execute(sa.select(CourseSummary.episode_id, CourseSummary.as_of_seq)).all())
        assert all(new[e] > old[e] for e in old)
    finally:
        sue.lock()


def test_a_backup_or_an_export_does_not_make_the_next_overview_recompute(clinic, session, seeded, tmp_path):
    """Copies out change no course: the morning's first overview after a nightly backup stays quick."""
    from alliance_desktop.core.export_model import ExportScope
    from alliance_desktop.services import backup, export_data
    from alliance_desktop.storage.tables import AuditEvent

    sue = login(clinic, "sue")
    try:
        before = clinic_overview(sue)
        backup.create_backup(session, tmp_path / "nightly.adkbackup")
        for kind in sorted(export_data.EXPORT_KINDS):
            with export_data.course_export(sue, ExportScope("clinic"), kind=kind) as episodes:
                list(episodes)
        assert clinic_overview(sue) == before
        with sue.read() as s:
            actions = s.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(6)).all()
            details = s.scalar(sa.select(AuditEvent.details).where(AuditEvent.action == "overview.viewed")
                               .order_by(AuditEvent.seq.desc()).limit(1))
        assert {"backup.created", "export.csv", "export.fhir", "export.research"} <= set(actions)
        assert details["recomputed"] == 0
    finally:
        sue.lock()


def test_only_supervisors_open_the_overview(clinic, session, seeded):
    t = login(clinic, "tara")
    try:
        for who in (t, session):
            with pytest.raises(NotAllowed):
                clinic_overview(who)
    finally:
        t.lock()
