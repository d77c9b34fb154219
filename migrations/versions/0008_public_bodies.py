"""Public bodies: domains, phone numbers and postcodes site admins add to the built-in list

Revision ID: 0008_public_bodies
Revises: 0007_barrier_index
Create Date: 2026-12-06 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_public_bodies'
down_revision = '0007_barrier_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_body_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_public_body_entries_added_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_body_entries')),
    sa.UniqueConstraint('kind', 'value', name=op.f('uq_public_body_entries_kind'))
    )


def downgrade():
    op.drop_table('public_body_entries')
