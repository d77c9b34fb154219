"""Lesson studies as a cycle per research lesson: the pupil interviews and post-lesson
discussion a lesson study kept once for the whole cycle move onto its last research lesson
(or onto a first lesson made for them when it had none). Nothing else changes; the schema
does not change either, only the JSON in records.body, records.published_body and
record_versions.body of lesson studies.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 04:30:00

"""
import copy

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_records = sa.table('records', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                    sa.column('body', sa.JSON), sa.column('published_body', sa.JSON))
_versions = sa.table('record_versions', sa.column('id', sa.Integer),
                     sa.column('record_id', sa.Integer), sa.column('body', sa.JSON))


def _has_text(value) -> bool:
    if isinstance(value, dict):
        return any(_has_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_text(v) for v in value)
    return isinstance(value, str) and bool(value.strip())


def cycle_body(body):
    """An old-shape lesson-study body in the new shape: its cycle-level interviews and
    discussion on its last research lesson. Anything else, or a body already moved, comes
    back as it was (so running it twice changes nothing)."""
    if not isinstance(body, dict) or ('interviews' not in body and 'discussion' not in body):
        return body
    body = copy.deepcopy(body)
    interviews, discussion = body.pop('interviews', None), body.pop('discussion', None)
    if not _has_text(interviews) and not _has_text(discussion):
        return body
    lessons = body.get('lessons')
    if not isinstance(lessons, list):
        lessons = body['lessons'] = []
    if not lessons or not isinstance(lessons[-1], dict):
        lessons.append({})
    last = lessons[-1]
    if interviews is not None:
        last['interviews'] = interviews
    if discussion is not None:
        last['discussion'] = discussion
    return body


def whole_cycle_body(body):
    """The way back: the last research lesson's interviews and discussion become the
    cycle's again (the other lessons' are kept on them, which the old shape ignores)."""
    if not isinstance(body, dict) or not isinstance(body.get('lessons'), list):
        return body
    body = copy.deepcopy(body)
    lessons = body['lessons']
    if not lessons or not isinstance(lessons[-1], dict):
        return body
    last = lessons[-1]
    if 'interviews' in last:
        body['interviews'] = last.pop('interviews')
    if 'discussion' in last:
        body['discussion'] = last.pop('discussion')
    if last == {}:
        lessons.pop()
    return body


def _rewrite(change) -> None:
    connection = op.get_bind()
    kind = _records.c.kind == 'lesson_study'
    for row in connection.execute(sa.select(_records.c.id, _records.c.body,
                                            _records.c.published_body).where(kind)).all():
        values = {}
        for name, old in (('body', row.body), ('published_body', row.published_body)):
            new = change(old)
            if new != old:
                values[name] = new
        if values:
            connection.execute(_records.update().where(_records.c.id == row.id)
                               .values(**values))
    ids = sa.select(_records.c.id).where(kind)
    for row in connection.execute(sa.select(_versions.c.id, _versions.c.body).where(
            _versions.c.record_id.in_(ids))).all():
        new = change(row.body)
        if new != row.body:
            connection.execute(_versions.update().where(_versions.c.id == row.id)
                               .values(body=new))


def upgrade():
    _rewrite(cycle_body)


def downgrade():
    _rewrite(whole_cycle_body)
