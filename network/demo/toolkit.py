"""Demo toolkit records for every demo school: profile, priority group with history,
barriers, three terms of self-evaluation and the offers it shares.

Every choice comes from the demo's `rng`, so the same seed gives the same network; dates
are counted from the current school term, so the demo stays sensible in later years.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from models import (
    Cluster,
    GroupMembership,
    OfferOptIn,
    Rating,
    RatingAction,
    School,
    SchoolBarrier,
    SchoolProfile,
    SelfEvaluation,
    User,
)
from models.toolkit_data import BARRIERS, PRIORITY_GROUPS
from network.domain import terms
from network.extensions import db
from network.services.evaluations import all_standard_ids

GROUP_SLUGS = {number: slug for number, slug, _, _ in PRIORITY_GROUPS}

# Ofsted rating -> (groups, weights): a plausible priority group for a school so judged.
GROUPS_FOR_RATING = {
    "Inadequate": ((1,), (1,)),
    "Requires Improvement": ((1, 2), (2, 3)),
    "Good": ((3, 4, 5), (4, 3, 4)),
    "Outstanding": ((5, 6), (2, 3)),
}
GROUPS_UNRATED = ((3, 4), (1, 1))

# Where a school in a group might have been before (an earlier spell that has ended).
EARLIER_GROUPS = {1: (3, 4), 2: (1,), 3: (2, 4), 4: (2, 3), 5: (2, 3), 6: (5,)}
HISTORY_CHANCE = {1: 0.15, 2: 0.6, 3: 0.35, 4: 0.3, 5: 0.45, 6: 0.6}

# The typical rating (1 strong .. 4 weak) of a school in each group, and how likely it is
# to have overcome each barrier it names.
TYPICAL_RATING = {1: 3.3, 2: 2.8, 3: 2.55, 4: 2.6, 5: 1.95, 6: 1.45}
OVERCOME_CHANCE = {1: 0.1, 2: 0.35, 3: 0.3, 4: 0.25, 5: 0.6, 6: 0.75}

EVIDENCE = {
    "CE1": (("Leaders and governors agreed the priorities from a full review of last year.",
             "Our self-evaluation is revisited each half-term and has changed what we do."),
            ("Priorities are set by the head alone and are not yet shared by all staff.",
             "We collect plenty of information but have not used it to choose priorities.")),
    "CE2": (("Termly tracking picks out pupils who stall and interventions follow quickly.",
             "Moderation with two partner schools confirmed our teacher assessments."),
            ("Each class tracks progress differently, so the picture is hard to compare.",
             "Gaps for pupils eligible for free school meals are not yet analysed.")),
    "CE3": (("The plan has termly milestones that governors review against evidence.",
             "Every action in the plan has a named lead and a date, and dates are kept."),
            ("The plan lists actions but says little about the progress we expect.",
             "Milestones slip without anyone noticing until the end of the year.")),
    "CE4": (("Training this year followed our priorities and lesson visits show the effect.",
             "Teachers plan and observe together in fortnightly sessions."),
            ("Training is chosen course by course rather than from our priorities.",
             "Staff have little time to try out new approaches with colleagues.")),
    "CE5": (("Lesson visits show teaching that is good or better in almost every class.",
             "Pupils can explain what they are learning and what their next step is."),
            ("Teaching varies a great deal between classes in the same year group.",
             "Lessons are planned one at a time rather than as a sequence.")),
    "CE6": (("Progress meetings each term end with actions that we check at the next one.",
             "Findings are shared with staff and governors every term and acted on."),
            ("Monitoring happens but rarely changes what we do next.",
             "Judgements rest mostly on test data rather than a range of evidence.")),
}
ACTIONS = {
    "CE1": ("Run a whole-staff review of priorities using this term's data",
            "Agree three priorities with governors and share them on one page"),
    "CE2": ("Introduce one tracking format for every class and check it each half-term",
            "Moderate writing with a partner school once a term"),
    "CE3": ("Add termly milestones with named leads to the improvement plan",
            "Review the plan's milestones at every governors' meeting"),
    "CE4": ("Link each teacher's training to one priority in the plan",
            "Set aside a fortnightly slot for teachers to plan and observe together"),
    "CE5": ("Pair teachers for lesson visits focused on planning sequences of lessons",
            "Share next-step targets with pupils in every English and maths lesson"),
    "CE6": ("Turn each progress meeting into three dated actions reviewed next term",
            "Add work scrutiny and pupil conversations to the monitoring timetable"),
}
WHO = ("Headteacher", "Deputy headteacher", "Assessment lead", "English lead", "Maths lead",
       "SENCo", "Phase leader", "Governor for standards")
# How a school might offer a strength (rated 1) to others.
SHARE_HOW = ("Visit us to see it in two classrooms, then talk it through with the lead.",
             "We can share our templates and run a twilight session for your staff.",
             "Our lead can spend half a day with your leaders, then keep in touch by email.",
             "Pair one of your teachers with ours for three coaching sessions.")
# What a school might write about each barrier, in its own words.
NOTES = {
    "tracking-inconsistent": "Each class kept its own records, so we could not see who was "
                             "falling behind.",
    "data-not-used": "We had plenty of data, but it did not shape our targets.",
    "assessment-insecure": "Teachers' judgements differed from class to class and were "
                           "rarely moderated.",
    "groups-not-identified": "We had not looked closely at how different groups of pupils "
                             "were doing.",
    "low-expectations": "Some staff expected too little of some of our pupils.",
    "weak-subject-knowledge": "Teachers lack confidence in parts of the mathematics "
                              "curriculum.",
    "teaching-inconsistent": "The quality of teaching depends on which class a pupil is in.",
    "curriculum-fragmented": "Topics do not link up and pupils find much of the curriculum dull.",
    "writing-weak": "Pupils write too little, and hardly ever outside English lessons.",
    "low-maths": "Too few pupils reach the expected standard in mathematics.",
    "low-english": "Reading and English results lag behind the rest of our work.",
    "uneven-progress": "Progress is strong in some year groups and stalls in others.",
    "leadership-unclear": "Several senior leaders are new and their roles are still settling.",
    "middle-leaders-passive": "Subject leaders hold the title but do not yet lead change.",
    "low-morale": "Morale dipped after a difficult year and the staff are divided.",
    "cpd-unlinked": "Training has been chosen course by course, not from our priorities.",
    "self-evaluation-weak": "As a staff we have not yet agreed what matters most.",
    "plan-without-milestones": "Our plan lists actions with no milestones and no one "
                               "answerable for them.",
    "monitoring-no-action": "We monitor a great deal, but it rarely changes what we do.",
    "sen-unfocused": "Support for pupils with special educational needs is spread too thinly.",
    "behaviour": "Low-level disruption takes time from learning in several classes.",
    "attendance": "Too many pupils miss school, and the same families each term.",
    "pupils-not-involved": "Pupils have little say in how they learn or what they aim for next.",
    "parents-disengaged": "Few parents come to progress meetings or know how their child is "
                          "doing.",
    "small-or-merged": "With small year groups, one cohort can swing our results a long way.",
}
NOTES_FOLLOW_UP = ("", " We are working on it with the cluster.",
                   " This is where we most want a partner school.")
NOTES_ALL_OVERCOME = ("We have worked through what held us back and would like to help other "
                      "schools do the same.")


def _term_start(year: int, term: str) -> date:
    """The first day of a term, as network.domain.terms counts terms."""
    return {"autumn": date(year, 9, 1), "spring": date(year + 1, 1, 1),
            "summer": date(year + 1, 4, 1)}[term]


def _term_end(year: int, term: str) -> date:
    """The last day of a term, as network.domain.terms counts terms."""
    return {"autumn": date(year, 12, 31), "spring": date(year + 1, 3, 31),
            "summer": date(year + 1, 8, 31)}[term]


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def add_school_records(cluster: Cluster, schools: list[School], users: list[User],
                       rng: random.Random, out: dict) -> None:
    """Give every school of a demo cluster its toolkit records; note its group in `out`."""
    standard_ids = all_standard_ids()
    past = terms.recent_terms(12)  # past[k] is the term k terms ago; past[0] is this term
    heads = {u.school_id: u for u in users if u.school_role == "headteacher"}
    records: list = []
    groups: dict[str, str] = {}
    for school in schools:
        head = heads.get(school.id)
        group = _group(school, rng)
        groups[school.urn] = GROUP_SLUGS[group]
        records += _memberships(school, group, past, rng)
        barriers = _barriers(school, group, past, rng)
        records += barriers
        records.append(_profile(school, barriers, head, past, rng))
        evaluations = _evaluations(school, group, barriers, standard_ids, head, past, rng)
        records += evaluations
        latest_final = evaluations[-2]
        records += [OfferOptIn(school_id=school.id, standard_id=sid)
                    for sid in standard_ids
                    if latest_final.ratings[sid].rating == 1 and rng.random() < 0.8]
    db.session.add_all(records)
    db.session.flush()
    for entry in out["schools"]:
        entry["priority_group"] = groups[entry["urn"]]


def _group(school: School, rng: random.Random) -> int:
    rating = school.register_entry.ofsted_rating if school.register_entry else None
    choices, weights = GROUPS_FOR_RATING.get(rating or "", GROUPS_UNRATED)
    return rng.choices(choices, weights)[0]


def _memberships(school: School, group: int, past, rng: random.Random) -> list:
    """The current group, and for some schools the earlier group they moved out of."""
    this_year = past[0][0]
    if rng.random() < HISTORY_CHANCE[group]:
        moved = date(this_year - rng.choice((1, 2)), 9, 1)
        earlier = rng.choice(EARLIER_GROUPS[group])
        began = date(moved.year - rng.randint(1, 3), 9, 1)
        return [GroupMembership(school_id=school.id, group_id=earlier, started_on=began,
                                ended_on=moved),
                GroupMembership(school_id=school.id, group_id=group, started_on=moved)]
    began = date(this_year - rng.randint(0, 2), 9, 1)
    return [GroupMembership(school_id=school.id, group_id=group, started_on=began)]


def _barriers(school: School, group: int, past, rng: random.Random) -> list[SchoolBarrier]:
    """Two to five barriers from the taxonomy; some overcome in an earlier term."""
    slugs = [slug for slug, _, _ in BARRIERS]
    chosen = rng.sample(slugs, rng.randint(2, 5))
    if group == 4 and "small-or-merged" not in chosen and rng.random() < 0.6:
        chosen[0] = "small-or-merged"
    found = []
    for slug in chosen:
        ago = rng.randint(3, 11)
        since = _term_start(*past[ago])
        overcome = (_term_start(*past[rng.randint(1, ago - 1)])
                    if rng.random() < OVERCOME_CHANCE[group] else None)
        found.append(SchoolBarrier(school_id=school.id, barrier_slug=slug, since=since,
                                   overcome_on=overcome))
    return found


def _profile(school: School, barriers: list[SchoolBarrier], head: User | None, past,
             rng: random.Random) -> SchoolProfile:
    facing = [b.barrier_slug for b in barriers if b.overcome_on is None]
    notes = (NOTES[facing[0]] + rng.choice(NOTES_FOLLOW_UP) if facing
             else NOTES_ALL_OVERCOME)
    open_to_partnering = rng.random() < 0.8
    return SchoolProfile(
        school_id=school.id,
        visibility="network" if rng.random() < 1 / 3 else "cluster",
        open_to_partnering=open_to_partnering,
        capacity=rng.randint(0, 3) if open_to_partnering else 0,
        barrier_notes=notes,
        updated_at=_at(_term_start(*past[0])),
        updated_by_id=head.id if head else None,
    )


def _evaluations(school: School, group: int, barriers: list[SchoolBarrier],
                 standard_ids: list[str], head: User | None, past,
                 rng: random.Random) -> list[SelfEvaluation]:
    """Three terms, oldest first: two final, then this term's draft, improving a little."""
    offset = {code: rng.uniform(-0.35, 0.35) for code in EVIDENCE}
    for barrier in barriers:
        codes = next(elements for slug, _, elements in BARRIERS if slug == barrier.barrier_slug)
        for code in codes.split():
            offset[code] += 0.35 if barrier.overcome_on is None else -0.25
    level = {sid: TYPICAL_RATING[group] + offset[sid[:3]] + rng.gauss(0, 0.45)
             for sid in standard_ids}
    evidenced = {sid for sid in standard_ids if rng.random() < 0.4}
    author = head.id if head else None
    evaluations = []
    for ago in (2, 1, 0):
        year, term = past[ago]
        if ago < 2:
            level = {sid: value - rng.uniform(0, 0.2) for sid, value in level.items()}
        final = ago > 0
        started = _at(_term_start(year, term) + (timedelta(days=7) if final else timedelta()))
        done = _at(_term_end(year, term) - timedelta(days=10), 16) if final else None
        evaluation = SelfEvaluation(
            school_id=school.id, year=year, term=term, status="final" if final else "draft",
            created_at=started, updated_at=done or started, updated_by_id=author,
            finalised_at=done, finalised_by_id=author if final else None)
        for sid in standard_ids:
            rating = min(4, max(1, int(level[sid] + 0.5)))
            evidence = sef_ref = ""
            if sid in evidenced:
                evidence = rng.choice(EVIDENCE[sid[:3]][rating >= 3])
                if rng.random() < 0.5:
                    sef_ref = f"SEF {sid[2]}.{ord(sid[4]) - ord('A') + 1}"
            evaluation.ratings[sid] = Rating(standard_id=sid, rating=rating, evidence=evidence,
                                             sef_ref=sef_ref)
        evaluations.append(evaluation)
    _add_actions(evaluations[-1], past, rng)
    backing = random.Random(f"backing-{school.urn}")  # the main rng's draws stay as they were
    for evaluation, ago in zip(evaluations, (2, 1, 0), strict=True):
        _back_up(evaluation, _term_end(*past[ago]), backing)
    return evaluations


def _back_up(evaluation: SelfEvaluation, term_ends: date, rng: random.Random) -> None:
    """What the toolkit asks before a term is final: evidence (and often how it could be
    shared) for every 1, and at least one action for every 3 or 4."""
    for sid, rating in evaluation.ratings.items():
        if rating.rating == 1:
            rating.evidence = rating.evidence or rng.choice(EVIDENCE[sid[:3]][False])
            if rng.random() < 0.5:
                rating.share_how = rng.choice(SHARE_HOW)
        elif rating.rating >= 3 and not rating.actions:
            rating.actions = [RatingAction(
                position=0, what=rng.choice(ACTIONS[sid[:3]]), who=rng.choice(WHO),
                by_when=term_ends + timedelta(days=rng.randint(14, 120)))]


def _add_actions(draft: SelfEvaluation, past, rng: random.Random) -> None:
    """An action (what, who, by when) for a few of the draft's standards rated 3 or 4."""
    needs = [sid for sid, r in draft.ratings.items() if r.rating >= 3]
    term_ends = _term_end(*past[0])
    for sid in rng.sample(needs, min(len(needs), rng.randint(2, 4))):
        draft.ratings[sid].actions = [RatingAction(
            position=0, what=rng.choice(ACTIONS[sid[:3]]), who=rng.choice(WHO),
            by_when=term_ends + timedelta(days=rng.randint(14, 200)))]
