"""The toolkit says what it means: group 1 names the attainment threshold, CE2.C and CE2.D
are reworded to their meaning (ratings keep their standard ids); a rating of 1 may say how
another school could learn from it

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07 04:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# The wording as it stood before and as it stands now, written out here (not read from
# models/toolkit_data.py) so this migration means the same whatever the data file says later.
GROUP_1 = (
    "Below the floor: too few pupils reach the expected level in both English and "
    "mathematics, or the school is in an Ofsted category.",
    "Under the floor target: fewer than 55% of pupils reach the expected level in English "
    "and mathematics together, or Ofsted has put the school in a category (special measures "
    "or a notice to improve).")
STANDARDS = {
    "CE2.C": (
        ("Accurate teacher assessment",
         "Staff share a sense of age-related expectations and good progress; assessment is "
         "checked through periodic assessment and moderation."),
        ("Every adult spots pupils who stall",
         "All staff know what age-related expectations and good progress across a key stage "
         "look like; teachers assess accurately at regular points; and every adult notices "
         "pupils who are falling behind, moving slowly or stuck, and plans support that helps "
         "them catch up quickly.")),
    "CE2.D": (
        ("Termly analysis reaches leaders and governors",
         "Each term the tracking is analysed and acted on, and under-performance is reported "
         "upwards."),
        ("Each child tracked to their year-end goal",
         "Leaders and staff follow every child's progress towards their expectation for the "
         "year. Each term the checked tracking results are analysed and acted on, and pupils "
         "who are behind, with what the school is doing for them, are discussed by leaders, "
         "governors and key-stage or year-group teams.")),
}

groups = sa.table("priority_groups", sa.column("id", sa.Integer), sa.column("description"))
standards = sa.table("standards", sa.column("id"), sa.column("title"),
                     sa.column("description"))


def _reword(which: int) -> None:
    op.execute(groups.update().where(groups.c.id == 1).values(description=GROUP_1[which]))
    for standard_id, wording in STANDARDS.items():
        title, description = wording[which]
        op.execute(standards.update().where(standards.c.id == standard_id).values(
            title=title, description=description))


def upgrade():
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_how', sa.String(length=300), nullable=False,
                                      server_default=''))
    _reword(1)


def downgrade():
    _reword(0)
    # A plain DROP COLUMN (SQLite 3.35 and later have it): a batch rebuild of ratings would
    # break the foreign keys of rating_actions that refer to it.
    op.drop_column('ratings', 'share_how')
