"""Tokens a person controls (name, scope, expiry, last use); one headteacher per school

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:00:00

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

HEAD = sa.text("school_role = 'headteacher'")


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), nullable=False,
                                      server_default='API token'))
        batch_op.add_column(sa.Column('scope', sa.String(length=10), nullable=False,
                                      server_default='read'))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # Tokens issued before expiry existed last the default 90 days from the upgrade, so no
    # integration stops without warning; none lasts for ever.
    op.execute(sa.text("UPDATE api_tokens SET expires_at = :until WHERE expires_at IS NULL")
               .bindparams(until=datetime.now(UTC) + timedelta(days=90)))

    # A school with two headteachers (invitations could make one) keeps its first; the others
    # become senior leaders, noted in the audit log, before the index forbids it.
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('school_id', sa.Integer),
                     sa.column('school_role', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.school_id)
                              .where(users.c.school_role == 'headteacher')
                              .order_by(users.c.school_id, users.c.id)).all()
    seen = set()
    audit = sa.table('audit_events', sa.column('at', sa.DateTime(timezone=True)),
                     sa.column('actor_id', sa.Integer), sa.column('action', sa.String),
                     sa.column('target', sa.String), sa.column('detail', sa.Text),
                     sa.column('remote_addr', sa.String))
    for user_id, school_id in rows:
        if school_id in seen:
            connection.execute(users.update().where(users.c.id == user_id)
                               .values(school_role='senior_leader'))
            connection.execute(audit.insert().values(
                at=datetime.now(UTC), actor_id=None, action='role changed',
                target=f'user:{user_id}',
                detail='headteacher -> senior_leader (second headteacher of the school; '
                       'migration 0011)', remote_addr='migration'))
        seen.add(school_id)
    op.create_index('uq_users_one_head', 'users', ['school_id'], unique=True,
                    sqlite_where=HEAD, postgresql_where=HEAD)


def downgrade():
    op.drop_index('uq_users_one_head', table_name='users')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
        batch_op.drop_column('name')
