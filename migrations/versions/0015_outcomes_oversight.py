"""Outcomes and oversight: a partnership's outcome measures with their dated values, and
read-only oversight grants for advisers, trust leads and governors

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outcome_measures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=10), nullable=False),
        sa.Column('standard_id', sa.String(length=5), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_outcome_measures_created_by_id_users')),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_outcome_measures_partnership_id_partnerships')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'],
                                name=op.f('fk_outcome_measures_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_measures')),
    )
    with op.batch_alter_table('outcome_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_measures_partnership_id'),
                              ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_measures_school_id'), ['school_id'],
                              unique=False)
    op.create_table(
        'outcome_values',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('measured_on', sa.Date(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['measure_id'], ['outcome_measures.id'],
                                name=op.f('fk_outcome_values_measure_id_outcome_measures')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_outcome_values_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_values')),
    )
    with op.batch_alter_table('outcome_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_values_measure_id'), ['measure_id'],
                              unique=False)
    op.create_table(
        'oversight_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=12), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'],
                                name=op.f('fk_oversight_grants_granted_by_id_users')),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_oversight_grants_partnership_id_partnerships')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_oversight_grants_revoked_by_id_users')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'],
                                name=op.f('fk_oversight_grants_school_id_schools')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_oversight_grants_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oversight_grants')),
    )
    with op.batch_alter_table('oversight_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oversight_grants_partnership_id'),
                              ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oversight_grants_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('oversight_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oversight_grants_user_id'))
        batch_op.drop_index(batch_op.f('ix_oversight_grants_partnership_id'))
    op.drop_table('oversight_grants')
    with op.batch_alter_table('outcome_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_values_measure_id'))
    op.drop_table('outcome_values')
    with op.batch_alter_table('outcome_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_measures_school_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_measures_partnership_id'))
    op.drop_table('outcome_measures')
