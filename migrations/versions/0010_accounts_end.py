"""Accounts: confirmed emails, a database sign-in throttle, form recovery tied to a session

Revision ID: 0010
Revises: 0009_notice_endpoints
Create Date: 2026-12-06 23:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009_notice_endpoints'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # Accounts made before confirmation existed keep working.
    op.execute("UPDATE users SET email_verified_at = created_at")

    # Drafts kept so far belong to no session: they cannot be given back safely.
    op.execute("DELETE FROM saved_drafts")
    with op.batch_alter_table('saved_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_saved_drafts_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_saved_drafts_user_id_users'), 'users',
                                    ['user_id'], ['id'], ondelete='CASCADE')

    op.create_table(
        'sign_in_attempts',
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('window_start', sa.Integer(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('subject', 'window_start', name=op.f('pk_sign_in_attempts')),
    )


def downgrade():
    op.drop_table('sign_in_attempts')
    with op.batch_alter_table('saved_drafts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_saved_drafts_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_saved_drafts_user_id'))
        batch_op.drop_column('user_id')
        batch_op.drop_column('session_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
