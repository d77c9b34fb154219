"""A case study's shape as real ones are written: any number of actions up to a bound, what
solved each barrier, a dated timeline, support received (a partner school on the platform
known only inside the school), the group at the start and the end, next steps and risks.
No database, no app."""

import copy

import pytest

from models.body_parts import BodyError
from models.case_study_body import MAX_ACTIONS, CaseStudyBody
from tests.factories import CASE_BODY

REAL = {**copy.deepcopy(CASE_BODY),
        "actions": [{"text": f"Action {n}", "standards": ["CE2.A"]} for n in range(1, 11)],
        "end_group_id": "5", "end_group_name": "Good to great",
        "barrier_solutions": [{"barrier": "tracking-inconsistent",
                               "solution": "One format, checked each half-term."}],
        "timeline": [{"when": "2019-09", "what": "A new head arrived."},
                     {"when": "2023", "what": "Results rose."}],
        "support": [{"kind": "partner", "description": "Shared training.", "school_id": 41},
                    {"kind": "local_authority", "description": "A consultant.",
                     "school_id": 0}],
        "next_steps": "Train a second lead.", "risks": "Pupil mobility."}


def test_a_real_case_study_comes_back_exactly():
    body = CaseStudyBody.from_json(copy.deepcopy(REAL))
    assert body.to_json() == REAL and len(body.actions) == 10
    assert body.start_date() == "2019-09"
    assert body.solution_for("tracking-inconsistent").startswith("One format")
    assert body.solution_for("low-maths") == ""


def test_a_body_saved_before_the_new_sections_reads_with_defaults():
    old = {k: v for k, v in CASE_BODY.items() if k in (
        "context", "group_id", "group_name", "barriers", "actions", "impact")}
    body = CaseStudyBody.from_json(old)
    assert (body.timeline, body.support, body.barrier_solutions) == ((), (), ())
    assert (body.end_group_id, body.next_steps, body.risks, body.start_date()) == ("",) * 4
    assert CaseStudyBody.read({"support": "lots", "timeline": [{"when": "soon"}]}).support == ()


@pytest.mark.parametrize(("change", "field"), [
    ({"actions": [{"text": "x"}] * (MAX_ACTIONS + 1)}, "actions"),
    ({"timeline": [{"when": "Sept 2019", "what": "x"}]}, "timeline.1.when"),
    ({"timeline": [{"when": "2019-13", "what": "x"}]}, "timeline.1.when"),
    ({"support": [{"kind": "friends", "description": "x"}]}, "support.1.kind"),
    ({"support": [{"kind": "partner", "school_id": "41"}]}, "support.1.school_id"),
    ({"barrier_solutions": [{"barrier": "low-maths", "solved": "x"}]},
     "barrier_solutions.1.solved"),
])
def test_what_is_out_of_shape_is_refused_naming_the_field(change, field):
    with pytest.raises(BodyError) as refused:
        CaseStudyBody.from_json({**copy.deepcopy(REAL), **change})
    assert refused.value.field == field


def test_the_published_copy_never_says_which_partner_school():
    body = CaseStudyBody.from_json(copy.deepcopy(REAL))
    published = body.published()
    assert [s.school_id for s in published.support] == [0, 0]
    assert [s.description for s in published.support] == ["Shared training.", "A consultant."]
    assert body.support[0].school_id == 41  # the working copy keeps it for the school


def test_every_new_text_is_walked_and_searched_but_no_school_id():
    body = CaseStudyBody.from_json(copy.deepcopy(REAL))
    texts = dict(body.texts())
    assert (texts["risks"], texts["next_steps"], texts["timeline.2.what"]) == (
        "Pupil mobility.", "Train a second lead.", "Results rose.")
    assert texts["support.1.description"] == "Shared training."
    assert texts["barrier_solutions.1.solution"] == "One format, checked each half-term."
    assert not any(where.endswith("school_id") for where in texts)
    assert "One format, checked each half-term." in body.barrier_texts()
    assert "A new head arrived." in body.action_texts() and "A consultant." in \
        body.action_texts()
    assert body.impact_texts()[-2:] == ["Train a second lead.", "Pupil mobility."]
