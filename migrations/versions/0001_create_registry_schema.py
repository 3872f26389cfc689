"""create registry schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 22:54:54.359523
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charges')),
    sa.UniqueConstraint('article', name=op.f('uq_charges_article'))
    )
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charges_category'), ['category'], unique=False)

    op.create_table('gallery_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gallery_state'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('mfa_secret', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('source_ip', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    op.create_table('wanted_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.String(length=1000), nullable=False),
    sa.Column('sex', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('birth_place', sa.String(length=300), nullable=False),
    sa.Column('ethnicity', sa.String(length=64), nullable=False),
    sa.Column('nationality', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=20), nullable=True),
    sa.Column('registered_address', sa.String(length=300), nullable=False),
    sa.Column('last_known_address', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('marks', sa.Text(), nullable=False),
    sa.Column('caution_flags', sa.JSON(), nullable=False),
    sa.Column('danger_class', sa.String(length=8), nullable=False),
    sa.Column('decision_number', sa.String(length=64), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('decision_agency', sa.String(length=300), nullable=False),
    sa.Column('decision_issued_by', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_wanted_persons_created_by_id_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_wanted_persons_officer_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_wanted_persons_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wanted_persons'))
    )
    with op.batch_alter_table('wanted_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wanted_persons_birth_year'), ['birth_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_danger_class'), ['danger_class'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_last_activity_at'), ['last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_search_text'), ['search_text'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_persons_unit_id'), ['unit_id'], unique=False)

    op.create_table('campaign_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('arrests_target', sa.Integer(), nullable=False),
    sa.Column('surrenders_target', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_targets_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_campaign_targets_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_targets'))
    )
    with op.batch_alter_table('campaign_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_targets_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('outreach_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_outreach_contacts_officer_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_outreach_contacts_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_contacts'))
    )
    with op.batch_alter_table('outreach_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_contacts_contacted_at'), ['contacted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_contacts_follow_up_on'), ['follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_contacts_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_contacts_person_id'), ['person_id'], unique=False)

    op.create_table('person_charges',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('charge_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_person_charges_charge_id_charges')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_person_charges_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'charge_id', name=op.f('pk_person_charges'))
    )
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_photos_added_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_photos_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_sha256'), ['sha256'], unique=False)

    op.create_table('status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_status_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_status_changes_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_status_changes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes'))
    )
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_changes_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_changes_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_changes_to_status'), ['to_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_changes_unit_id'), ['unit_id'], unique=False)

    op.create_table('tips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_tips_handled_by_id_users')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'], name=op.f('fk_tips_logged_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_tips_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tips'))
    )
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tips_follow_up_on'), ['follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_tips_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tips_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tips_status'), ['status'], unique=False)

    op.create_table('faces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('top', sa.Integer(), nullable=False),
    sa.Column('right', sa.Integer(), nullable=False),
    sa.Column('bottom', sa.Integer(), nullable=False),
    sa.Column('left', sa.Integer(), nullable=False),
    sa.Column('encoding', sa.LargeBinary(), nullable=False),
    sa.Column('model', sa.String(length=64), nullable=False),
    sa.Column('quality', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_faces_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_faces_photo_id_photos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faces'))
    )
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faces_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_faces_photo_id'), ['photo_id'], unique=False)

    op.create_table('match_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('case_ref', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('thresholds', sa.JSON(), nullable=False),
    sa.Column('gallery_version', sa.Integer(), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_match_searches_photo_id_photos')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_match_searches_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_searches'))
    )
    with op.batch_alter_table('match_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_searches_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_searches_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('arrest_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('officers', sa.String(length=500), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=True),
    sa.Column('match_search_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['match_search_id'], ['match_searches.id'], name=op.f('fk_arrest_attempts_match_search_id_match_searches')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_arrest_attempts_officer_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_arrest_attempts_person_id_wanted_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_arrest_attempts_tip_id_tips')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrest_attempts'))
    )
    with op.batch_alter_table('arrest_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrest_attempts_attempted_at'), ['attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_arrest_attempts_follow_up_on'), ['follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_arrest_attempts_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arrest_attempts_person_id'), ['person_id'], unique=False)

    op.create_table('match_faces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('search_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('top', sa.Integer(), nullable=False),
    sa.Column('right', sa.Integer(), nullable=False),
    sa.Column('bottom', sa.Integer(), nullable=False),
    sa.Column('left', sa.Integer(), nullable=False),
    sa.Column('quality', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['search_id'], ['match_searches.id'], name=op.f('fk_match_faces_search_id_match_searches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_faces'))
    )
    with op.batch_alter_table('match_faces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_faces_search_id'), ['search_id'], unique=False)

    op.create_table('match_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('face_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('gallery_face_id', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('distance', sa.Double(), nullable=False),
    sa.Column('band', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['face_id'], ['match_faces.id'], name=op.f('fk_match_candidates_face_id_match_faces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gallery_face_id'], ['faces.id'], name=op.f('fk_match_candidates_gallery_face_id_faces'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['wanted_persons.id'], name=op.f('fk_match_candidates_person_id_wanted_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_candidates'))
    )
    with op.batch_alter_table('match_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_candidates_face_id'), ['face_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_candidates_person_id'), ['person_id'], unique=False)

    op.create_table('match_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['match_candidates.id'], name=op.f('fk_match_reviews_candidate_id_match_candidates')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_match_reviews_reviewer_id_users')),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_match_reviews_tip_id_tips')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_reviews'))
    )
    with op.batch_alter_table('match_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_reviews_candidate_id'), ['candidate_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('match_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_reviews_candidate_id'))

    op.drop_table('match_reviews')
    with op.batch_alter_table('match_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_candidates_person_id'))
        batch_op.drop_index(batch_op.f('ix_match_candidates_face_id'))

    op.drop_table('match_candidates')
    with op.batch_alter_table('match_faces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_faces_search_id'))

    op.drop_table('match_faces')
    with op.batch_alter_table('arrest_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrest_attempts_person_id'))
        batch_op.drop_index(batch_op.f('ix_arrest_attempts_officer_id'))
        batch_op.drop_index(batch_op.f('ix_arrest_attempts_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_arrest_attempts_attempted_at'))

    op.drop_table('arrest_attempts')
    with op.batch_alter_table('match_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_searches_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_match_searches_created_at'))

    op.drop_table('match_searches')
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faces_photo_id'))
        batch_op.drop_index(batch_op.f('ix_faces_person_id'))

    op.drop_table('faces')
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tips_status'))
        batch_op.drop_index(batch_op.f('ix_tips_received_at'))
        batch_op.drop_index(batch_op.f('ix_tips_person_id'))
        batch_op.drop_index(batch_op.f('ix_tips_follow_up_on'))

    op.drop_table('tips')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_changes_unit_id'))
        batch_op.drop_index(batch_op.f('ix_status_changes_to_status'))
        batch_op.drop_index(batch_op.f('ix_status_changes_person_id'))
        batch_op.drop_index(batch_op.f('ix_status_changes_changed_at'))

    op.drop_table('status_changes')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_sha256'))
        batch_op.drop_index(batch_op.f('ix_photos_person_id'))

    op.drop_table('photos')
    op.drop_table('person_charges')
    with op.batch_alter_table('outreach_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_contacts_person_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_contacts_officer_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_contacts_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_outreach_contacts_contacted_at'))

    op.drop_table('outreach_contacts')
    with op.batch_alter_table('campaign_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_targets_campaign_id'))

    op.drop_table('campaign_targets')
    with op.batch_alter_table('wanted_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wanted_persons_unit_id'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_status'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_search_text'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_officer_id'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_last_activity_at'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_id_number'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_danger_class'))
        batch_op.drop_index(batch_op.f('ix_wanted_persons_birth_year'))

    op.drop_table('wanted_persons')
    op.drop_table('campaigns')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))

    op.drop_table('units')
    op.drop_table('gallery_state')
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charges_category'))

    op.drop_table('charges')
