"""Notice endpoints: an inbox notice names the page it leads to and its arguments

Revision ID: 0009_notice_endpoints
Revises: 0008_public_bodies
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_notice_endpoints'
down_revision = '0008_public_bodies'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('endpoint', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('args', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_column('args')
        batch_op.drop_column('endpoint')
