"""A request for support may name the school it hopes for; an invitation keeps the email
address it was sent to and the seed its link is derived from

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 02:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # No foreign key: adding one would make SQLite rebuild support_requests, which
    # partnerships refer to.
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hoped_school_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('link_seed', sa.String(length=32), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('link_seed')
        batch_op.drop_column('email')
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_column('hoped_school_id')
