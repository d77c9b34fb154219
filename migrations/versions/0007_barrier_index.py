"""Index record tags by barrier: "published work on your barriers" at national scale

Revision ID: 0007_barrier_index
Revises: 0006_operations
Create Date: 2026-11-23 18:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_barrier_index'
down_revision = '0006_operations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('record_barriers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_barriers_barrier_slug'), ['barrier_slug'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('record_barriers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_barriers_barrier_slug'))
