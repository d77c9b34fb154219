"""Migration 0018: the toolkit's reworded CE2.C, CE2.D and group 1 reach existing databases,
ratings keep their standards, and a rating of 1 gains room to say how it could be shared."""

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from models import PriorityGroup, Rating, RatingAction, Standard
from models.toolkit_data import CORE_ELEMENTS, PRIORITY_GROUPS
from network.extensions import db


def _now() -> dict:
    """Group 1's description, CE2.C's and CE2.D's titles, and the ratings' columns."""
    db.session.remove()
    with db.engine.connect() as connection:
        words = dict(connection.execute(text(
            "SELECT id, title FROM standards WHERE id IN ('CE2.C', 'CE2.D')")).all())
        group = connection.execute(text(
            "SELECT description FROM priority_groups WHERE id = 1")).scalar_one()
        rated = dict(connection.execute(text(
            "SELECT standard_id, rating FROM ratings")).all())
        rated["actions"] = connection.execute(text(
            "SELECT what FROM rating_actions")).scalars().all()
    columns = {c["name"] for c in inspect(db.engine).get_columns("ratings")}
    return {"titles": words, "group": group, "rated": rated, "share_how": "share_how" in columns}


def test_0018_rewords_existing_rows_and_keeps_ratings(app, make_cluster, make_evaluation):
    """Down to the revision before 0018 the old wording is back and share_how is gone; up
    again the new wording is there, every rating still on its standard."""
    school = make_cluster().schools[0]
    evaluation = make_evaluation(school, ratings={"CE2.C": 1, "CE2.D": 4})
    evaluation.ratings["CE2.D"].actions = [RatingAction(what="Weekly catch-up groups")]
    db.session.commit()
    parent = ScriptDirectory.from_config(
        current_app.extensions["migrate"].migrate.get_config()).get_revision("0018")
    directory = current_app.extensions["migrate"].directory
    new_c, new_d = (title for letter, title, _ in CORE_ELEMENTS[1][3] if letter in "CD")
    try:
        downgrade(directory=directory, revision=parent.down_revision)
        before = _now()
        assert before["titles"] == {"CE2.C": "Accurate teacher assessment",
                                    "CE2.D": "Termly analysis reaches leaders and governors"}
        assert "55%" not in before["group"] and not before["share_how"]
    finally:
        upgrade(directory=directory)
    after = _now()
    assert after["titles"] == {"CE2.C": new_c, "CE2.D": new_d}
    assert after["group"] == PRIORITY_GROUPS[0][3] and "55%" in after["group"]
    assert after["share_how"]
    assert after["rated"] == before["rated"]
    assert after["rated"]["CE2.C"] == 1 and after["rated"]["CE2.D"] == 4
    assert after["rated"]["actions"] == ["Weekly catch-up groups"]


def test_new_databases_have_the_new_wording(app):
    """A database built from scratch reads the reworded standards and group 1."""
    assert "55%" in db.session.get(PriorityGroup, 1).description
    assert "stuck" in db.session.get(Standard, "CE2.C").description
    assert "end-of-year" not in db.session.get(Standard, "CE2.D").title
    assert "expectation for the year" in db.session.get(Standard, "CE2.D").description
    assert Rating.__table__.c.share_how.default.arg == ""
