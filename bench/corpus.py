"""A deterministic synthetic corpus of school-improvement records, for benchmarks.

Each record is about 420 words in six sections (title, barriers, actions,
impact, context, narrative), assembled from sentence pools written for this
project, with permission labels (network / cluster-N / school-N), a priority
group, barrier tags, core elements, phase, region and a publication date.

    from bench.corpus import records, queries
    docs = list(records(10_000, seed=1))
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from search import Document

GROUPS = ["raise-attainment", "build-on-improvement", "maximise-progress",
          "improve-consistency", "good-to-great", "lead-improvement"]
ELEMENTS = ["CE1", "CE2", "CE3", "CE4", "CE5", "CE6"]
PHASES = ["primary", "secondary", "special", "all-through", "nursery"]
REGIONS = ["north-east", "north-west", "yorkshire", "east-midlands", "west-midlands",
           "east", "london", "south-east", "south-west"]
BARRIERS = {
    "tracking-inconsistent": "pupil progress was tracked inconsistently between classes",
    "data-unused": "assessment data was collected but never used to set targets",
    "assessment-insecure": "teacher assessment was insecure with little moderation",
    "groups-unidentified": "underperforming groups such as disadvantaged pupils went unnoticed",
    "low-expectations": "expectations of what pupils could achieve were too low",
    "subject-knowledge": "subject knowledge among teachers was weak",
    "teaching-inconsistent": "teaching was inconsistent and too often less than good",
    "curriculum-fragmented": "the curriculum felt fragmented and failed to engage pupils",
    "writing-weak": "writing was weak and rarely practised across subjects",
    "maths-low": "attainment in mathematics was low",
    "reading-low": "attainment in reading and English was low",
    "progress-uneven": "progress was slow and uneven across year groups",
    "leadership-unstable": "senior leadership roles were unclear after staff changes",
    "middle-leaders": "middle leaders held posts without leading improvement",
    "morale-low": "staff morale was low and the staff room divided",
    "cpd-unlinked": "professional development was not linked to priorities",
    "self-evaluation-weak": "self evaluation was weak and priorities were not agreed",
    "plan-no-milestones": "the improvement plan had no milestones or clear accountability",
    "monitoring-no-action": "monitoring rarely led to action",
    "sen-unfocused": "special educational needs provision was poorly focused",
    "behaviour-poor": "behaviour management was unsatisfactory",
    "attendance-low": "attendance was persistently low",
    "pupils-passive": "pupils were not involved in their own learning",
    "parents-disengaged": "parents were not engaged in their children's progress",
    "merger-inconsistency": "a recent merger of two schools caused inconsistency",
}
_WHO = ["the headteacher", "the deputy head", "middle leaders", "the standards team",
        "class teachers", "teaching assistants", "the SENCO", "governors", "subject leads",
        "a leading teacher", "the local leader of education", "learning mentors",
        "the senior team", "phase leaders", "the maths lead", "the English lead"]
_DID = ["introduced", "rebuilt", "reviewed", "trialled", "led", "coached staff on",
        "set up", "modelled", "evaluated", "shared", "redesigned", "monitored",
        "planned", "embedded", "moderated", "refined"]
_WHAT = ["termly pupil progress meetings", "a tracking system for every class",
         "half-termly reviews of pupil data", "moderation of writing with a partner school",
         "lesson study cycles on questioning", "a new behaviour policy",
         "coaching for newly qualified teachers", "phonics sessions in small groups",
         "one-to-one tuition for pupils falling behind", "targets linked to prior attainment",
         "a raising attainment plan with milestones", "joint observations with a partner school",
         "reading interventions for disadvantaged pupils", "talk for writing in every class",
         "shared training for teaching assistants", "pupil conferencing each term",
         "work scrutiny against agreed success criteria", "a calculation policy for mathematics",
         "attendance clinics with families", "oracy routines across the curriculum",
         "metacognition strategies in science", "feedback marking guidance",
         "a curriculum map with clear sequences", "peer review of leadership"]
_WHEN = ["every half term", "each week", "across the autumn term", "over two years",
         "from the spring term", "within a month", "throughout the year", "each term"]
_IMPACT = ["the share of pupils at the expected standard rose", "the disadvantaged gap narrowed",
           "value added scores improved", "attendance climbed above the national figure",
           "teaching judged good or better became the norm", "exclusions fell sharply",
           "writing standards improved in every year group", "results in mathematics rose",
           "staff turnover dropped", "pupils talked confidently about their learning",
           "parents attended progress evenings in greater numbers",
           "assessment became accurate and consistent", "reading ages improved quickly"]
_CONTEXT = ["a small rural primary", "a large two form entry primary near a city centre",
            "an infant and junior school recently merged", "a secondary academy on an estate",
            "a special school for complex needs", "a coastal school with high mobility",
            "a faith school with a stable intake", "an all-through school in a market town"]
_BANDS = ["free school meal eligibility well above average", "a below average proportion of pupils "
          "with special needs", "many pupils speaking English as an additional language",
          "an intake mostly from affluent homes", "a roll that fell and then recovered",
          "attainment on entry below typical levels"]
_LINK = ["As a result", "Over time", "Within a year", "Looking back", "Crucially",
         "In practice", "By the summer", "Alongside this", "At first", "Later"]
_RARE = ["phonics", "oracy", "metacognition", "moderation", "mentoring", "scaffolding",
         "retrieval", "vocabulary", "numeracy", "safeguarding", "transition", "nurture",
         "mastery", "fluency", "inference", "manipulatives", "sketchbooks", "apprenticeship",
         "residential", "allotment", "orchestra", "debating", "chess", "coding", "history",
         "geography", "music", "computing", "French", "Spanish", "drama", "gymnastics",
         "swimming", "forest school", "eco council", "breakfast club", "homework", "spelling",
         "handwriting", "times tables", "reading buddies", "knowledge organisers",
         "quizzing", "visualisers", "dialogic teaching", "cold tasks", "editing stations",
         "bar modelling", "place value", "fractions", "poetry", "journalling"]


def _pool(rng: random.Random, n: int, make) -> list[str]:
    return [make(rng) for _ in range(n)]


def _action(r: random.Random) -> str:
    return (f"{r.choice(_WHO).capitalize()} {r.choice(_DID)} {r.choice(_WHAT)} "
            f"{r.choice(_WHEN)}, with a focus on {r.choice(_WHAT)}.")


def _barrier(r: random.Random) -> str:
    return f"{r.choice(_LINK)}, {r.choice(list(BARRIERS.values()))} and {r.choice(_WHO)} knew it."


def _impact(r: random.Random) -> str:
    return f"{r.choice(_LINK)}, {r.choice(_IMPACT)} because {r.choice(_WHAT)} took hold."


def _context(r: random.Random) -> str:
    return f"The school is {r.choice(_CONTEXT)} with {r.choice(_BANDS)}."


def _story(r: random.Random) -> str:
    return (f"{r.choice(_LINK)}, {r.choice(_WHO)} {r.choice(_DID)} {r.choice(_WHAT)} "
            f"so that {r.choice(_IMPACT)}, using {r.choice(_RARE)} and {r.choice(_RARE)}.")


def records(n: int, seed: int = 1) -> Iterator[Document]:
    """Yield `n` synthetic documents; the same seed always gives the same corpus."""
    rng = random.Random(seed)
    pools = {name: _pool(rng, 4000, make) for name, make in
             (("a", _action), ("b", _barrier), ("i", _impact), ("c", _context), ("s", _story))}
    schools = max(4, n // 4)
    start = datetime(2019, 1, 1)
    for i in range(n):
        school = rng.randrange(schools)
        cluster = school // 8
        kind = rng.choices(["case_study", "lesson_study", "school"], weights=[45, 35, 20])[0]
        share = rng.random()
        labels = [f"school-{school}"]
        if share < 0.85:
            labels.append(f"cluster-{cluster}")
        if share < 0.5:
            labels.append("network")
        barriers = rng.sample(list(BARRIERS), rng.randint(1, 4))
        title = f"{rng.choice(_WHAT).capitalize()} to tackle {BARRIERS[barriers[0]]}"
        yield Document(
            id=f"{kind}:{i}", kind=kind, title=title,
            barriers_text=" ".join(rng.choices(pools["b"], k=4)),
            actions_text=" ".join(rng.choices(pools["a"], k=6)),
            impact_text=" ".join(rng.choices(pools["i"], k=4)),
            context_text=" ".join(rng.choices(pools["c"], k=2)),
            body_text=" ".join(rng.choices(pools["s"], k=6)),
            labels=labels, group=rng.choice(GROUPS), barriers=barriers,
            elements=rng.sample(ELEMENTS, rng.randint(1, 3)), phase=rng.choice(PHASES),
            region=rng.choice(REGIONS),
            published=start + timedelta(days=rng.randrange(2400)) if "network" in labels else None,
            record_id=i,
        )


def queries(n: int = 240, seed: int = 2) -> list[str]:
    """`n` search strings of one to three words, common and rare, drawn from the corpus's words."""
    rng = random.Random(seed)
    words = sorted({w.strip(",.").lower() for text in (*_WHAT, *_IMPACT, *BARRIERS.values(),
                                                       *_BANDS, *_CONTEXT)
                    for w in text.split() if len(w) > 3} | set(_RARE))
    return [" ".join(rng.sample(words, rng.choice([1, 1, 2, 2, 3]))) for _ in range(n)]


def tenant_labels(n_records: int, users: int = 200, seed: int = 3) -> list[list[str]]:
    """The labels of random users of a corpus of `n_records`: network, their cluster and school."""
    rng = random.Random(seed)
    schools = max(4, n_records // 4)
    out = []
    for _ in range(users):
        school = rng.randrange(schools)
        out.append(["network", f"cluster-{school // 8}", f"school-{school}"])
    return out
