"""published notices, citizen tips and periodic record validations

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('record_validations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('validated_at', sa.DateTime(), nullable=False),
    sa.Column('validated_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_record_validations_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'], name=op.f('fk_record_validations_validated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_validations'))
    )
    with op.batch_alter_table('record_validations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_validations_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_validations_validated_at'), ['validated_at'], unique=False)

    op.create_table('citizen_tips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_code', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('seen_place', sa.String(length=300), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_citizen_tips_closed_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_citizen_tips_person_id_wanted_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_citizen_tips_photo_id_photos'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_citizen_tips_taken_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_citizen_tips_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_tips')),
    sa.UniqueConstraint('receipt_code', name=op.f('uq_citizen_tips_receipt_code'))
    )
    with op.batch_alter_table('citizen_tips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_tips_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_tips_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_tips_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_tips_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_tips_unit_id'), ['unit_id'], unique=False)

    op.create_table('public_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('area_search', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_public_notices_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_public_notices_photo_id_photos'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_public_notices_published_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_public_notices_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_notices'))
    )
    with op.batch_alter_table('public_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_notices_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_notices_withdrawn_at'), ['withdrawn_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('public_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_notices_withdrawn_at'))
        batch_op.drop_index(batch_op.f('ix_public_notices_person_id'))

    op.drop_table('public_notices')
    with op.batch_alter_table('citizen_tips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_tips_unit_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_tips_status'))
        batch_op.drop_index(batch_op.f('ix_citizen_tips_person_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_tips_due_at'))
        batch_op.drop_index(batch_op.f('ix_citizen_tips_created_at'))

    op.drop_table('citizen_tips')
    with op.batch_alter_table('record_validations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_validations_validated_at'))
        batch_op.drop_index(batch_op.f('ix_record_validations_person_id'))

    op.drop_table('record_validations')
