"""Therapist workspace: covering indexes for the caseload and overview reads, course summaries.

Why: a caseload reads the sessions, responses and total scores of 40 courses.
With random UUID keys every one of those rows sits on its own table page;
these indexes hold exactly the columns the read needs (storage.caseload_queries),
so it touches one index page per session and per response instead of three
(measured on the large demo clinic: ~110 ms -> ~55 ms of SQL per caseload).
``ix_episodes_open_therapist`` (partial: open episodes) finds a therapist's 40
open episodes without reading the 500 clients they ever had;
``ix_responses_amends_id`` (partial: only amendments) answers "what amends this
response?" without scanning every response. ``course_summaries`` holds derived
per-episode tallies of the supervisor overview (services.supervision),
recomputed from the answers when the audit log shows a change; it can be
emptied at any time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import alliance_desktop.storage.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None
#: Value of PRAGMA user_version once this revision is applied.
schema_version = 2


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_index('ix_episodes_open_therapist', ['therapist_id'], unique=False,
                              sqlite_where=sa.text('closed_on IS NULL'),
                              postgresql_where=sa.text('closed_on IS NULL'))
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_therapy_sessions_episode_cover', ['episode_id', 'number', 'status', 'held_on', 'id'],
                              unique=False)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_session_cover',
                              ['session_id', 'instrument_id', 'status', 'amends_id', 'completed_at', 'mode', 'id'],
                              unique=False)
        batch_op.create_index('ix_responses_amends_id', ['amends_id'], unique=False,
                              sqlite_where=sa.text('amends_id IS NOT NULL'),
                              postgresql_where=sa.text('amends_id IS NOT NULL'))
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index('ix_scores_response_cover', ['response_id', 'scale', 'value'], unique=False)
    op.create_table('course_summaries',
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('rules', sa.String(length=64), nullable=False),
    sa.Column('as_of_seq', sa.Integer(), nullable=False),
    sa.Column('held_sessions', sa.Integer(), nullable=False),
    sa.Column('held_with_feedback', sa.Integer(), nullable=False),
    sa.Column('ruptures', sa.Integer(), nullable=False),
    sa.Column('repaired', sa.Integer(), nullable=False),
    sa.Column('unrepaired', sa.Integer(), nullable=False),
    sa.Column('pending', sa.Integer(), nullable=False),
    sa.Column('colour', sa.String(length=8), nullable=False),
    sa.Column('computed_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_course_summaries_episode_id_episodes')),
    sa.PrimaryKeyConstraint('episode_id', name=op.f('pk_course_summaries'))
    )


def downgrade() -> None:
    op.drop_table('course_summaries')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index('ix_scores_response_cover')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_amends_id')
        batch_op.drop_index('ix_responses_session_cover')
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_therapy_sessions_episode_cover')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_index('ix_episodes_open_therapist')
