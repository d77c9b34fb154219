"""Support agreements (versions both heads sign), each school's own milestone status and
evidence, an LLE's declared conflict of interest and its approval, and closing by agreement

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agreements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('supported_people', sa.JSON(), nullable=False),
        sa.Column('supporting_people', sa.JSON(), nullable=False),
        sa.Column('days_per_term', sa.Integer(), nullable=False),
        sa.Column('cost_pounds', sa.Integer(), nullable=False),
        sa.Column('funded_by', sa.String(length=20), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('success_criteria', sa.JSON(), nullable=False),
        sa.Column('exit_criteria', sa.Text(), nullable=False),
        sa.Column('drafted_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('supported_signed_by_id', sa.Integer(), nullable=True),
        sa.Column('supported_signed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('supporting_signed_by_id', sa.Integer(), nullable=True),
        sa.Column('supporting_signed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'],
                                name=op.f('fk_agreements_drafted_by_id_users')),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_agreements_partnership_id_partnerships')),
        sa.ForeignKeyConstraint(['supported_signed_by_id'], ['users.id'],
                                name=op.f('fk_agreements_supported_signed_by_id_users')),
        sa.ForeignKeyConstraint(['supporting_signed_by_id'], ['users.id'],
                                name=op.f('fk_agreements_supporting_signed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
        sa.UniqueConstraint('partnership_id', 'number',
                            name=op.f('uq_agreements_partnership_id')),
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_partnership_id'), ['partnership_id'],
                              unique=False)

    # Existing partnerships keep working: no declaration, no approval needed, not closing.
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_declaration', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('conflict_approval', sa.String(length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column('conflict_decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closing', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('inclusion_reason', sa.Text(), nullable=False,
                                      server_default=''))

    # Each school's status starts as the milestone's single status had it.
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('success_criteria', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('supported_status', sa.String(length=10),
                                      nullable=False, server_default='planned'))
        batch_op.add_column(sa.Column('supporting_status', sa.String(length=10),
                                      nullable=False, server_default='planned'))
    op.execute("UPDATE milestones SET supported_status = status, supporting_status = status")

    with op.batch_alter_table('milestone_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.Text(), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('milestone_notes', schema=None) as batch_op:
        batch_op.drop_column('evidence')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_column('supporting_status')
        batch_op.drop_column('supported_status')
        batch_op.drop_column('success_criteria')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('inclusion_reason')
        batch_op.drop_column('closing')
        batch_op.drop_column('conflict_decided_by_id')
        batch_op.drop_column('conflict_approval')
        batch_op.drop_column('conflict_declaration')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_partnership_id'))
    op.drop_table('agreements')
