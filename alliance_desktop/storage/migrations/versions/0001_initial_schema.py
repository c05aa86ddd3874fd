"""Initial schema: clinic settings, staff, clients, episodes, sessions, responses, audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import alliance_desktop.storage.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None
#: Value of PRAGMA user_version once this revision is applied.
schema_version = 1


def upgrade() -> None:
    op.create_table('clinic_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_clinic_settings'))
    )
    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.CheckConstraint("role in ('admin','therapist','supervisor')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('target_kind', sa.String(length=32), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    op.create_table('clients',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('initials', sa.String(length=8), nullable=True),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('created_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('archived_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=True),
    sa.ForeignKeyConstraint(['therapist_id'], ['users.id'], name=op.f('fk_clients_therapist_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_clients_pseudonym'))
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('wording_packs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_version', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('installed_by', sa.Uuid(), nullable=False),
    sa.Column('installed_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['installed_by'], ['users.id'], name=op.f('fk_wording_packs_installed_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wording_packs'))
    )
    op.create_table('episodes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('planned_sessions', sa.Integer(), nullable=False),
    sa.Column('study_arm', sa.String(length=32), nullable=True),
    sa.Column('created_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_episodes_client_id_clients')),
    sa.ForeignKeyConstraint(['therapist_id'], ['users.id'], name=op.f('fk_episodes_therapist_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episodes'))
    )
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episodes_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_episodes_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notes_author_id_users')),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_notes_episode_id_episodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_episode_id'), ['episode_id'], unique=False)

    op.create_table('therapy_sessions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.CheckConstraint("status in ('held','missed','cancelled')", name=op.f('ck_therapy_sessions_status')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_therapy_sessions_number_positive')),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_therapy_sessions_episode_id_episodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_therapy_sessions')),
    sa.UniqueConstraint('episode_id', 'number', name='uq_therapy_sessions_episode_number')
    )
    op.create_table('instruction_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('text_version', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('delivered_by', sa.Uuid(), nullable=True),
    sa.Column('delivered_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['delivered_by'], ['users.id'], name=op.f('fk_instruction_events_delivered_by_users')),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_instruction_events_episode_id_episodes')),
    sa.ForeignKeyConstraint(['session_id'], ['therapy_sessions.id'], name=op.f('fk_instruction_events_session_id_therapy_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruction_events'))
    )
    with op.batch_alter_table('instruction_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instruction_events_episode_id'), ['episode_id'], unique=False)

    op.create_table('kiosk_tickets',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code_hash', sa.String(length=128), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('instrument_ids', sa.JSON(), nullable=False),
    sa.Column('issued_by', sa.Uuid(), nullable=False),
    sa.Column('issued_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('expires_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('used_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=True),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_kiosk_tickets_issued_by_users')),
    sa.ForeignKeyConstraint(['session_id'], ['therapy_sessions.id'], name=op.f('fk_kiosk_tickets_session_id_therapy_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_tickets'))
    )
    with op.batch_alter_table('kiosk_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_tickets_code_hash'), ['code_hash'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_version', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('licence_id', sa.String(length=64), nullable=False),
    sa.Column('respondent_role', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('entered_by', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('started_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=True),
    sa.Column('completed_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amends_id', sa.Uuid(), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('first_viewed_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=True),
    sa.Column('first_viewed_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("mode in ('kiosk','staff_paper','remote')", name=op.f('ck_responses_mode')),
    sa.CheckConstraint("status in ('completed','amended','entered_in_error')", name=op.f('ck_responses_status')),
    sa.ForeignKeyConstraint(['amends_id'], ['responses.id'], name=op.f('fk_responses_amends_id_responses')),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], name=op.f('fk_responses_entered_by_users')),
    sa.ForeignKeyConstraint(['first_viewed_by'], ['users.id'], name=op.f('fk_responses_first_viewed_by_users')),
    sa.ForeignKeyConstraint(['session_id'], ['therapy_sessions.id'], name=op.f('fk_responses_session_id_therapy_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_responses_submission_id'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_session_id'), ['session_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('response_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('rule_ids', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_alerts_episode_id_episodes')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_alerts_response_id_responses')),
    sa.ForeignKeyConstraint(['session_id'], ['therapy_sessions.id'], name=op.f('fk_alerts_session_id_therapy_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_episode_id'), ['episode_id'], unique=False)

    op.create_table('item_answers',
    sa.Column('response_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('vas_mm', sa.Integer(), nullable=True),
    sa.Column('vas_length_px', sa.Double(), nullable=True),
    sa.CheckConstraint('vas_mm is null or (vas_mm between 0 and 100)', name=op.f('ck_item_answers_vas_mm_range')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_item_answers_response_id_responses')),
    sa.PrimaryKeyConstraint('response_id', 'item_id', name=op.f('pk_item_answers'))
    )
    op.create_table('scores',
    sa.Column('response_id', sa.Uuid(), nullable=False),
    sa.Column('scale', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('scorable', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('scoring_version', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_scores_response_id_responses')),
    sa.PrimaryKeyConstraint('response_id', 'scale', name=op.f('pk_scores'))
    )
    op.create_table('alert_actions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('alert_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('at', alliance_desktop.storage.types.UtcDateTime(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_actions_alert_id_alerts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_actions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_actions'))
    )
    with op.batch_alter_table('alert_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_actions_alert_id'), ['alert_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alert_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_actions_alert_id'))

    op.drop_table('alert_actions')
    op.drop_table('scores')
    op.drop_table('item_answers')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_episode_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_session_id'))

    op.drop_table('responses')
    with op.batch_alter_table('kiosk_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_tickets_code_hash'))

    op.drop_table('kiosk_tickets')
    with op.batch_alter_table('instruction_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instruction_events_episode_id'))

    op.drop_table('instruction_events')
    op.drop_table('therapy_sessions')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notes_episode_id'))

    op.drop_table('notes')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_episodes_therapist_id'))
        batch_op.drop_index(batch_op.f('ix_episodes_client_id'))

    op.drop_table('episodes')
    op.drop_table('wording_packs')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_therapist_id'))

    op.drop_table('clients')
    op.drop_table('audit_events')
    op.drop_table('users')
    op.drop_table('clinic_settings')
