"""Initial schema of the registry: formats, summits, documents, commitments, projects, the
network, members, tokens, the notification outbox and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-30 10:53:32.462575
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# The audit log is append-only: the database itself refuses UPDATE and DELETE on it.
_SQLITE_AUDIT_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
)
_PG_AUDIT_TRIGGERS = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def _audit_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in (_PG_AUDIT_TRIGGERS if dialect == "postgresql" else _SQLITE_AUDIT_TRIGGERS):
        op.execute(statement)


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('digest', name=op.f('uq_api_tokens_digest'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('actor_state', sa.String(length=3), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('resource', sa.String(length=32), nullable=False),
    sa.Column('resource_id', sa.String(length=80), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_resource', ['resource', 'resource_id'], unique=False)

    op.create_table('corridors',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corridors'))
    )
    op.create_table('country_profiles',
    sa.Column('iso3', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('customs_zone', sa.String(length=24), nullable=False),
    sa.Column('grid_zone', sa.String(length=40), nullable=True),
    sa.Column('rail_gauge_mm', sa.Integer(), nullable=True),
    sa.Column('rail_signalling', sa.String(length=24), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('iso3', name=op.f('pk_country_profiles'))
    )
    op.create_table('formats',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('partner', sa.String(length=8), nullable=True),
    sa.Column('established', sa.String(length=10), nullable=True),
    sa.Column('secretariat', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_formats'))
    )
    with op.batch_alter_table('formats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_formats_published'), ['published'], unique=False)

    op.create_table('members',
    sa.Column('iso3', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=True),
    sa.Column('webhook_secret', sa.String(length=128), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('iso3', name=op.f('pk_members'))
    )
    op.create_table('network_nodes',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('coord_precision', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_nodes'))
    )
    with op.batch_alter_table('network_nodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_nodes_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_nodes_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_nodes_published'), ['published'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=24), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('connection', sa.JSON(), nullable=False),
    sa.Column('issues', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_subject_id'), ['subject_id'], unique=False)

    op.create_table('registry_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_registry_meta'))
    )
    op.create_table('format_members',
    sa.Column('format_id', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['format_id'], ['formats.id'], name=op.f('fk_format_members_format_id_formats'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('format_id', 'state', name=op.f('pk_format_members'))
    )
    with op.batch_alter_table('format_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_format_members_state'), ['state'], unique=False)

    op.create_table('network_segments',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('from_node', sa.String(length=64), nullable=False),
    sa.Column('to_node', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('gauge_mm', sa.Integer(), nullable=True),
    sa.Column('signalling', sa.String(length=24), nullable=True),
    sa.Column('voltage_kv', sa.Integer(), nullable=True),
    sa.Column('length_km', sa.Float(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.CheckConstraint('from_node <> to_node', name=op.f('ck_network_segments_not_a_loop')),
    sa.ForeignKeyConstraint(['from_node'], ['network_nodes.id'], name=op.f('fk_network_segments_from_node_network_nodes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_node'], ['network_nodes.id'], name=op.f('fk_network_segments_to_node_network_nodes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_segments'))
    )
    with op.batch_alter_table('network_segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_segments_from_node'), ['from_node'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_segments_mode'), ['mode'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_segments_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_segments_to_node'), ['to_node'], unique=False)

    op.create_table('summits',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('format_id', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['format_id'], ['formats.id'], name=op.f('fk_summits_format_id_formats'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summits'))
    )
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summits_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_summits_format_id'), ['format_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_summits_published'), ['published'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=True),
    sa.Column('signed', sa.String(length=10), nullable=True),
    sa.Column('in_force', sa.String(length=10), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_documents_summit_id_summits'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_signed'), ['signed'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_summit_id'), ['summit_id'], unique=False)

    op.create_table('segment_corridors',
    sa.Column('segment_id', sa.String(length=80), nullable=False),
    sa.Column('corridor_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['corridor_id'], ['corridors.id'], name=op.f('fk_segment_corridors_corridor_id_corridors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['segment_id'], ['network_segments.id'], name=op.f('fk_segment_corridors_segment_id_network_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'corridor_id', name=op.f('pk_segment_corridors'))
    )
    with op.batch_alter_table('segment_corridors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_corridors_corridor_id'), ['corridor_id'], unique=False)

    op.create_table('segment_countries',
    sa.Column('segment_id', sa.String(length=80), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['network_segments.id'], name=op.f('fk_segment_countries_segment_id_network_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'state', name=op.f('pk_segment_countries'))
    )
    with op.batch_alter_table('segment_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_countries_state'), ['state'], unique=False)

    op.create_table('summit_participants',
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_summit_participants_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('summit_id', 'state', name=op.f('pk_summit_participants'))
    )
    with op.batch_alter_table('summit_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summit_participants_state'), ['state'], unique=False)

    op.create_table('commitments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sector', sa.String(length=24), nullable=False),
    sa.Column('deadline', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_commitments_document_id_documents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_sector'), ['sector'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_status'), ['status'], unique=False)

    op.create_table('document_parties',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('signed', sa.String(length=10), nullable=True),
    sa.Column('ratified', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_parties_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'state', name=op.f('pk_document_parties'))
    )
    with op.batch_alter_table('document_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_parties_state'), ['state'], unique=False)

    op.create_table('commitment_evidence',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_evidence_commitment_id_commitments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_evidence'))
    )
    with op.batch_alter_table('commitment_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_evidence_commitment_id'), ['commitment_id'], unique=False)

    op.create_table('commitment_segments',
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_segments_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['network_segments.id'], name=op.f('fk_commitment_segments_segment_id_network_segments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('commitment_id', 'segment_id', name=op.f('pk_commitment_segments'))
    )
    with op.batch_alter_table('commitment_segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_segments_segment_id'), ['segment_id'], unique=False)

    op.create_table('commitment_states',
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_states_commitment_id_commitments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('commitment_id', 'state', name=op.f('pk_commitment_states'))
    )
    with op.batch_alter_table('commitment_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_states_state'), ['state'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('start_date', sa.String(length=10), nullable=True),
    sa.Column('end_date', sa.String(length=10), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('aiddata_ids', sa.JSON(), nullable=False),
    sa.Column('locations', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_projects_commitment_id_commitments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_type'), ['type'], unique=False)

    op.create_table('project_countries',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_countries_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'state', name=op.f('pk_project_countries'))
    )
    with op.batch_alter_table('project_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_countries_state'), ['state'], unique=False)

    op.create_table('project_financing',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('lender', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=20, scale=2, asdecimal=False), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_financing_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_financing'))
    )
    with op.batch_alter_table('project_financing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_financing_project_id'), ['project_id'], unique=False)

    op.create_table('project_segments',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_segments_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['network_segments.id'], name=op.f('fk_project_segments_segment_id_network_segments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('project_id', 'segment_id', name=op.f('pk_project_segments'))
    )
    with op.batch_alter_table('project_segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_segments_segment_id'), ['segment_id'], unique=False)
    _audit_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table('project_segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_segments_segment_id'))

    op.drop_table('project_segments')
    with op.batch_alter_table('project_financing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_financing_project_id'))

    op.drop_table('project_financing')
    with op.batch_alter_table('project_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_countries_state'))

    op.drop_table('project_countries')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_type'))
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_published'))
        batch_op.drop_index(batch_op.f('ix_projects_commitment_id'))

    op.drop_table('projects')
    with op.batch_alter_table('commitment_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_states_state'))

    op.drop_table('commitment_states')
    with op.batch_alter_table('commitment_segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_segments_segment_id'))

    op.drop_table('commitment_segments')
    with op.batch_alter_table('commitment_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_evidence_commitment_id'))

    op.drop_table('commitment_evidence')
    with op.batch_alter_table('document_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_parties_state'))

    op.drop_table('document_parties')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_status'))
        batch_op.drop_index(batch_op.f('ix_commitments_sector'))
        batch_op.drop_index(batch_op.f('ix_commitments_published'))
        batch_op.drop_index(batch_op.f('ix_commitments_document_id'))

    op.drop_table('commitments')
    with op.batch_alter_table('summit_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summit_participants_state'))

    op.drop_table('summit_participants')
    with op.batch_alter_table('segment_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_countries_state'))

    op.drop_table('segment_countries')
    with op.batch_alter_table('segment_corridors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_corridors_corridor_id'))

    op.drop_table('segment_corridors')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_summit_id'))
        batch_op.drop_index(batch_op.f('ix_documents_signed'))
        batch_op.drop_index(batch_op.f('ix_documents_published'))
        batch_op.drop_index(batch_op.f('ix_documents_kind'))

    op.drop_table('documents')
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summits_published'))
        batch_op.drop_index(batch_op.f('ix_summits_format_id'))
        batch_op.drop_index(batch_op.f('ix_summits_date'))

    op.drop_table('summits')
    with op.batch_alter_table('network_segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_segments_to_node'))
        batch_op.drop_index(batch_op.f('ix_network_segments_published'))
        batch_op.drop_index(batch_op.f('ix_network_segments_mode'))
        batch_op.drop_index(batch_op.f('ix_network_segments_from_node'))

    op.drop_table('network_segments')
    with op.batch_alter_table('format_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_format_members_state'))

    op.drop_table('format_members')
    op.drop_table('registry_meta')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_subject_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_state'))
        batch_op.drop_index('ix_notifications_due')

    op.drop_table('notifications')
    with op.batch_alter_table('network_nodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_nodes_published'))
        batch_op.drop_index(batch_op.f('ix_network_nodes_kind'))
        batch_op.drop_index(batch_op.f('ix_network_nodes_country'))

    op.drop_table('network_nodes')
    op.drop_table('members')
    with op.batch_alter_table('formats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_formats_published'))

    op.drop_table('formats')
    op.drop_table('country_profiles')
    op.drop_table('corridors')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_resource')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    op.drop_table('api_tokens')
