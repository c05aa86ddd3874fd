"""SQLAlchemy 2 typed models of the clinic database.

Design rules (DESIGN.md §4 and §7, CLINICAL.md §6):
- UUID primary keys for everything a device creates, so records from a kiosk
  tablet and a workstation can later merge on a clinic server without clashes.
- Clinical records are append-only: a correction is a new response that points
  at the one it amends; an acknowledgement is a new ``alert_actions`` row.
- Timestamps are timezone-aware (``UtcDateTime``); UUIDs are 16 raw bytes on
  SQLite (``BinaryUuid``, schema version 3), half the pages of hex text.
- No SQLite-only SQL here; the engine module is the one place that knows it is
  talking to SQLCipher.

This module describes the *current* schema. The migrations under
``migrations/versions`` are the frozen history that builds it; a test checks
that the two agree.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from alliance_desktop.storage.types import BinaryUuid, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: sa.JSON(), uuid.UUID: BinaryUuid()}


def _uuid() -> uuid.UUID:
    return uuid.uuid4()


class ClinicSetting(Base):
    """Key/value settings of the clinic (name, auto-lock minutes, instruction session ...)."""

    __tablename__ = "clinic_settings"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    __table_args__ = (sa.CheckConstraint("role in ('admin','therapist','supervisor')", name="role"),)


class Client(Base):
    """A client, known only by a pseudonym code (and optional initials)."""

    __tablename__ = "clients"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    pseudonym: Mapped[str] = mapped_column(sa.String(64), unique=True)
    initials: Mapped[str | None] = mapped_column(sa.String(8))
    therapist_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    birth_year: Mapped[int | None]
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]


class Episode(Base):
    """One course of treatment (planned 24 sessions by default)."""

    __tablename__ = "episodes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    therapist_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    planned_sessions: Mapped[int] = mapped_column(default=24)
    study_arm: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime]
    # A therapist's open episodes (the caseload, revision 0002) without walking every client they ever had.
    __table_args__ = (sa.Index("ix_episodes_open_therapist", "therapist_id",
                               sqlite_where=sa.text("closed_on IS NULL"),
                               postgresql_where=sa.text("closed_on IS NULL")),)


class TherapySession(Base):
    __tablename__ = "therapy_sessions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("episodes.id"))
    number: Mapped[int]
    held_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16), default="held")
    created_at: Mapped[datetime]
    __table_args__ = (
        sa.UniqueConstraint("episode_id", "number", name="uq_therapy_sessions_episode_number"),
        sa.CheckConstraint("status in ('held','missed','cancelled')", name="status"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        # Covering index of the caseload/overview read (revision 0002): an episode's sessions in one place.
        sa.Index("ix_therapy_sessions_episode_cover", "episode_id", "number", "status", "held_on", "id"),
    )


class Response(Base):
    """One filled-in questionnaire (CLINICAL.md §6). Never updated in place."""

    __tablename__ = "responses"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    submission_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    # No index of its own: ix_responses_session_cover starts with it (revision 0003 dropped the other).
    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("therapy_sessions.id"))
    instrument_id: Mapped[str] = mapped_column(sa.String(64))
    instrument_version: Mapped[str] = mapped_column(sa.String(32))
    language: Mapped[str] = mapped_column(sa.String(16))
    licence_id: Mapped[str] = mapped_column(sa.String(64))
    respondent_role: Mapped[str] = mapped_column(sa.String(16), default="client")
    mode: Mapped[str] = mapped_column(sa.String(16))
    entered_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(sa.String(64))
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(20), default="completed")
    amends_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("responses.id"))
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    first_viewed_at: Mapped[datetime | None]
    first_viewed_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    __table_args__ = (
        sa.CheckConstraint("mode in ('kiosk','staff_paper','remote')", name="mode"),
        sa.CheckConstraint("status in ('completed','amended','entered_in_error')", name="status"),
        # Covering index of the caseload/overview read (revision 0002): no table page per response.
        sa.Index("ix_responses_session_cover", "session_id", "instrument_id", "status", "amends_id",
                 "completed_at", "mode", "id"),
        # "What amends this response?" (history, corrections): only the few amendments are indexed.
        sa.Index("ix_responses_amends_id", "amends_id", sqlite_where=sa.text("amends_id IS NOT NULL"),
                 postgresql_where=sa.text("amends_id IS NOT NULL")),
    )


class ItemAnswer(Base):
    """One item's raw answer; visual analogue lines keep millimetres and the drawn length.

    WITHOUT ROWID (revision 0003): the rows live in their primary key's b-tree,
    so a response's answers are together and the key is not stored twice
    (a table plus an index of the same size, 7 million rows on the large clinic).
    """

    __tablename__ = "item_answers"
    response_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("responses.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    value: Mapped[float | None]
    vas_mm: Mapped[int | None]
    vas_length_px: Mapped[float | None]
    __table_args__ = (
        sa.CheckConstraint("vas_mm is null or (vas_mm between 0 and 100)", name="vas_mm_range"),
        {"sqlite_with_rowid": False},
    )


class Score(Base):
    """A total or subscale score of a response, with the scoring version that produced it.

    WITHOUT ROWID on (response_id, scale) (revision 0003): the primary key holds
    the whole row, so it covers the caseload's read of a total by itself, which
    revision 0002's ``ix_scores_response_cover`` did beside a rowid table.
    """

    __tablename__ = "scores"
    response_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("responses.id"), primary_key=True)
    scale: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    value: Mapped[float | None]
    scorable: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    scoring_version: Mapped[str] = mapped_column(sa.String(32))
    __table_args__ = ({"sqlite_with_rowid": False},)


class Alert(Base):
    """A rule that fired for a session (rupture, not on track, risk item, below cutoff)."""

    __tablename__ = "alerts"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    session_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("therapy_sessions.id"))
    response_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("responses.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    rule_ids: Mapped[str] = mapped_column(sa.String(64))
    severity: Mapped[str] = mapped_column(sa.String(16))
    explanation: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]


class AlertAction(Base):
    """Append-only handling of an alert: acknowledged, discussed with client."""

    __tablename__ = "alert_actions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    alert_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("alerts.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(24))
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(sa.Text)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(sa.Text)


class KioskTicket(Base):
    """A one-time code for the kiosk, stored only as a hash."""

    __tablename__ = "kiosk_tickets"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    code_hash: Mapped[str] = mapped_column(sa.String(128), index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("therapy_sessions.id"))
    instrument_ids: Mapped[dict[str, Any]] = mapped_column()
    issued_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class InstructionEvent(Base):
    """Delivery of the clinic's feedback instruction (CLINICAL.md §1)."""

    __tablename__ = "instruction_events"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    session_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("therapy_sessions.id"))
    text_version: Mapped[str] = mapped_column(sa.String(32))
    language: Mapped[str] = mapped_column(sa.String(16))
    channel: Mapped[str] = mapped_column(sa.String(16))
    device_id: Mapped[str | None] = mapped_column(sa.String(64))
    delivered_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    delivered_at: Mapped[datetime]


class WordingPack(Base):
    """Licensed item wording a clinic installed; kept only inside the encrypted database."""

    __tablename__ = "wording_packs"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_uuid)
    instrument_id: Mapped[str] = mapped_column(sa.String(64))
    instrument_version: Mapped[str] = mapped_column(sa.String(32))
    language: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[dict[str, Any]] = mapped_column()
    installed_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    installed_at: Mapped[datetime]


class CourseSummary(Base):
    """Derived, rebuildable per-episode tallies of the supervisor overview (revision 0002).

    Not a record of anything: services.supervision recomputes a row whenever
    the audit log shows a change to the episode's sessions or answers (or the
    rules changed: ``rules``), and may drop and rebuild them all at any time.
    ``as_of_seq`` is the audit sequence number the row reflects.
    """

    __tablename__ = "course_summaries"
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("episodes.id"), primary_key=True)
    rules: Mapped[str] = mapped_column(sa.String(64))
    as_of_seq: Mapped[int]
    held_sessions: Mapped[int]
    held_with_feedback: Mapped[int]
    ruptures: Mapped[int]
    repaired: Mapped[int]
    unrepaired: Mapped[int]
    pending: Mapped[int]
    colour: Mapped[str] = mapped_column(sa.String(8))
    computed_at: Mapped[datetime]


class AuditEvent(Base):
    """Append-only, hash-chained audit log: each entry holds the previous entry's hash."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(48))
    target_kind: Mapped[str | None] = mapped_column(sa.String(32))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column()
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

