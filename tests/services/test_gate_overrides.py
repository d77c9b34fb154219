"""What a headteacher may wave through on an anonymous record, and whose names the gate knows.

A passage that names the school itself (its name or distinctive stem, street, town, local
authority or postcode, in any case, with a possessive, punctuation or odd spacing) can never
be marked "not identifying" on an anonymous record; other findings can, with a reason. The
names the gate knows come from the author's own cluster only.
"""

import pytest

from models import AnonymityOverride
from network.extensions import db
from network.services import gate, records
from network.services.errors import Invalid
from tests.factories import case_body, data, fresh, lesson_body, write

# The world's school is Malvern Primary School, Willoughby Road, Liverpool (Knowsley), L14 6XA.
NAMING_THE_SCHOOL = [
    "MALVERN PRIMARY SCHOOL'S staff",
    "the Malvern Primary   School’s hall",
    "Malvern's teachers",
    "Willoughby Road",
    "Liverpool",
    "Knowsley",
    "L14 6XA",
    "l14 6xa",
]


@pytest.fixture
def world(records_world):
    """The records workflow's world (see tests/test_records_workflow.py)."""
    return records_world


def _flag_for(record, passage: str):
    found = [f for f in gate.flags(fresh(record)) if f.text.casefold() in passage.casefold()
             or passage.casefold() in f.text.casefold()]
    assert found, (passage, gate.flags(fresh(record)))
    return found[0]


@pytest.mark.parametrize("passage", NAMING_THE_SCHOOL)
def test_nothing_that_names_the_school_can_be_waved_through(world, passage):
    record = write(world, body=case_body(barrier_narrative=f"We met at {passage} each week."))
    records.submit(world.author, record.id)
    flag = _flag_for(record, passage)
    with pytest.raises(Invalid, match="always identifies"):
        records.mark_not_identifying(world.head, record.id, flag.kind, flag.text,
                                     "Many schools share this name")
    assert not db.session.query(AnonymityOverride).count()


def test_other_findings_can_be_waved_through_with_a_reason(world, make_user):
    make_user(world.school, "member", name="Julia Donaldson")
    record = write(world, body=case_body(
        barrier_narrative="We read The Gruffalo by Julia Donaldson with every class."))
    records.submit(world.author, record.id)
    flag = _flag_for(record, "Julia Donaldson")
    records.mark_not_identifying(world.head, record.id, flag.kind, flag.text,
                                 "She wrote the class book; she is not our colleague.")
    assert gate.flags(fresh(record)) == []


def test_an_old_override_of_the_school_s_name_no_longer_clears_it(world):
    """Decisions taken before the rule (or written round it) do not hide the school."""
    record = write(world, body=case_body(barrier_narrative="Malvern's teachers met weekly."))
    flag = _flag_for(record, "Malvern's")
    db.session.add(AnonymityOverride(record_id=record.id, kind=flag.kind, text=flag.text,
                                     reason="Decided long ago", decided_by_id=world.head.id))
    db.session.commit()
    assert [f.text for f in gate.flags(fresh(record))] == [flag.text]


def test_a_named_record_may_mention_its_own_school(world):
    body = case_body(barrier_narrative="Malvern's teachers met weekly.")
    record = write(world, body=body, attributed=True)
    flag = _flag_for(record, "Malvern's")
    records.submit(world.author, record.id)
    records.mark_not_identifying(world.head, record.id, flag.kind, flag.text,
                                 "The record carries the school's name anyway.")
    assert gate.flags(fresh(record)) == []


def test_pupil_labels_from_another_cluster_are_not_known_names(world, make_user):
    """Whether a label is flagged must not tell an author what another cluster wrote."""
    label = "Zqbrindle Hollowmere"
    far = records.create(world.reader_head, "lesson_study", data(
        "Fractions", lesson_body(pupils=[{"label": label, "stands_for": "working below"}])))
    assert any(f.text == label for f in gate.flags(far))  # known in its own cluster
    mine = write(world, body=case_body(barrier_narrative=f"{label} joined the group."))
    assert not any(label in f.text for f in gate.flags(fresh(mine)))


def test_a_pupil_s_first_name_typed_alone_is_flagged_in_a_lesson_study(world):
    """The form says never to use pupils' names; a lesson study that does is stopped, while a
    name that is also an ordinary word, or one in a case study about adults, is left alone."""
    body = lesson_body(outcomes="Jayden (Pupil A) joined in; Grace was shown to everyone.")
    record = records.create(world.author, "lesson_study", data("Fractions", body))
    names = [(f.kind, f.text) for f in gate.flags(record)]
    assert ("pupil_name", "Jayden") in names
    assert not any(text == "Grace" for _, text in names)
    case = write(world, body=case_body(barrier_narrative="Jayden from the council visited."))
    assert not any(f.kind == "pupil_name" for f in gate.flags(fresh(case)))


def test_national_bodies_are_not_findings_and_site_admins_can_add_more(world, make_user):
    from network.services import public_bodies

    text = ("Guidance at https://www.gov.uk/government/publications and the trust's own "
            "site https://www.example-learning-trust.org.uk/about helped us.")
    record = write(world, body=case_body(barrier_narrative=text))
    flagged = [f.text for f in gate.flags(fresh(record))]
    assert not any("gov.uk" in f for f in flagged)
    assert any("example-learning-trust" in f for f in flagged)
    admin = make_user(site_admin=True)
    public_bodies.add(admin, "domain", "example-learning-trust.org.uk", "A national charity")
    db.session.commit()
    assert not any("example-learning-trust" in f.text for f in gate.flags(fresh(record)))
