"""Demo case studies and lesson studies for each demo cluster, in every state of the workflow.

Each cluster gets about two case studies and two lesson studies, written by different schools:
one published to the whole network, one published to the cluster, and the rest a draft or
waiting for the headteacher; the first cluster also has one publication that was withdrawn.
Published records are set exactly as `services.records.publish` leaves them, and only once the
anonymisation gate finds nothing in them; every record keeps its saved versions.

The stories are the project's own, told in bands and general terms, never with a name, a place
or an exact figure. The hook works on a copy of the demo's `rng`, so adding records leaves every
other demo choice as it was.
"""

import copy
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import (
    Cluster,
    GroupMembership,
    Record,
    RecordBarrier,
    RecordCoauthor,
    RecordStandard,
    RecordVersion,
    School,
    User,
)
from models.toolkit_data import PRIORITY_GROUPS
from network.extensions import db
from network.services import gate

GROUP_NAMES = {number: name for number, _, name, _ in PRIORITY_GROUPS}
PRIMARY, SECONDARY = "Primary", "Secondary"

# --- Case studies ------------------------------------------------------------------------
# Each: the phases it suits (None: any), the group the school started in, and its sections.

CASE_STUDIES = [
    {
        "phases": None,
        "group": 3,
        "title": "Progress meetings that change what happens in class",
        "barriers": ["tracking-inconsistent", "uneven-progress", "monitoring-no-action"],
        "barrier_narrative": (
            "Every class kept its own tracking sheet in its own format, so leaders could not "
            "compare one year group with another. Progress meetings took place, but they ended "
            "with a list of names rather than a plan, and the same pupils came up term after "
            "term."),
        "what_needed_to_change": (
            "We needed one picture of progress that everyone trusted, and meetings that ended "
            "with a few actions that someone was answerable for. Teachers also needed to see "
            "the meetings as help for their class rather than a judgement on them."),
        "actions": [
            ("Agreed one tracking format for every class; the assessment lead checks the "
             "entries each half-term.", ["CE2.A", "CE2.D"]),
            ("Rebuilt the termly progress meeting around three questions: who has stalled, why, "
             "and what we will try before the next meeting.", ["CE6.D", "CE2.E"]),
            ("Gave every action a named lead and a date, and opened each meeting by checking "
             "the actions agreed at the last one.", ["CE3.D", "CE6.C"]),
            ("Shared a one-page summary of each term's findings with staff and governors.",
             ["CE6.F"]),
        ],
        "measures": [
            ("Pupils making the progress expected of them in mathematics", "about two thirds",
             "about four in five"),
            ("Year groups where progress was judged uneven", "four", "one"),
            ("Actions from progress meetings completed on time", "under half", "nearly all"),
        ],
        "impact": (
            "Within a year leaders could see at a glance where progress had stalled, and extra "
            "help started weeks earlier than before. Teachers now bring their own questions to "
            "the meetings, and the gap between the strongest and the weakest year groups has "
            "narrowed every term."),
        "offer": (
            "We can share our tracking format, the three-question agenda and how we brought "
            "both in without adding to teachers' workload. Visitors are welcome to sit in on a "
            "progress meeting."),
        "offer_standards": ["CE6.D", "CE2.A"],
    },
    {
        "phases": None,
        "group": 2,
        "title": "From titles to leadership: middle leaders who drive change",
        "barriers": ["middle-leaders-passive", "low-morale", "cpd-unlinked"],
        "barrier_narrative": (
            "Several teachers held posts of responsibility, but nobody expected them to lead "
            "anything beyond ordering resources. Training was booked course by course. After "
            "two hard years the staff had split into those who wanted change and those who "
            "were tired of it."),
        "what_needed_to_change": (
            "Leadership had to be shared out for real: each subject or phase leader needed a "
            "clear part of the improvement plan, time to work on it and a way to show what had "
            "changed. Training had to follow the plan rather than the brochure."),
        "actions": [
            ("Rewrote every post of responsibility as one priority from the improvement plan, "
             "with a milestone each term.", ["CE3.D", "CE1.C"]),
            ("Protected a fortnightly slot for middle leaders to visit lessons and look at "
             "pupils' work together.", ["CE4.C", "CE6.B"]),
            ("Linked each teacher's training and appraisal objective to one of the three "
             "school priorities.", ["CE4.B"]),
            ("Spent a year in the cluster's leadership programme, with coaching from an "
             "experienced headteacher.", ["CE4.D", "CE1.D"]),
        ],
        "measures": [
            ("Middle leaders leading a priority in the plan", "none", "all of them"),
            ("Staff who agree that they know the school's priorities", "under half",
             "almost everyone"),
            ("Lessons judged good or better in monitoring", "around half", "most"),
        ],
        "impact": (
            "Middle leaders now present their own evidence to governors each term, and staff "
            "talk about our plan rather than the head's plan. Morale has lifted, and two "
            "middle leaders now coach colleagues in another school."),
        "offer": (
            "We can coach new middle leaders, share how we turned each post into a priority of "
            "the plan, and host a visitor for a subject leader's monitoring week."),
        "offer_standards": ["CE4.C", "CE3.D"],
    },
    {
        "phases": {PRIMARY},
        "group": 4,
        "title": "One view of good writing across two sites",
        "barriers": ["small-or-merged", "assessment-insecure", "writing-weak"],
        "barrier_narrative": (
            "An infant school and a junior school became one school on two sites. Each had "
            "its own idea of what good writing looked like at each age, so judgements jumped "
            "when pupils moved from one site to the other, and results swung from year to "
            "year."),
        "what_needed_to_change": (
            "Staff on both sites needed one shared understanding of age-related expectations "
            "in writing, and the habit of checking their judgements against each other and "
            "against another school."),
        "actions": [
            ("Held a moderation meeting each half-term in which teachers from both sites "
             "assessed the same pieces of writing without seeing each other's marks.",
             ["CE2.C"]),
            ("Built a set of annotated writing for every year group, agreed by both sites.",
             ["CE2.C", "CE5.B"]),
            ("Joined a partner school for moderation once a term.", ["CE4.D"]),
            ("Made extended writing part of science and humanities lessons every week.",
             ["CE5.A"]),
        ],
        "measures": [
            ("Agreement between teachers in moderation", "roughly six in ten",
             "roughly nine in ten"),
            ("Pupils at the expected standard in writing at the end of the juniors",
             "well below the national figure", "in line with the national figure"),
            ("Difference between the two sites' writing judgements", "large", "small"),
        ],
        "impact": (
            "Judgements no longer jump when pupils change site, and results have held steady "
            "for two years. Teachers say the annotated writing is the document they use most."),
        "offer": (
            "We can lead a moderation session with another school's staff and share the "
            "annotated writing and how we put it together."),
        "offer_standards": ["CE2.C"],
    },
    {
        "phases": {SECONDARY},
        "group": 1,
        "title": "Closing the gap in mathematics for disadvantaged pupils",
        "barriers": ["low-maths", "groups-not-identified", "data-not-used"],
        "barrier_narrative": (
            "Mathematics results were well below the floor, and the school had never compared "
            "how pupils eligible for free school meals did with their classmates. Data was "
            "collected every half-term and then filed away."),
        "what_needed_to_change": (
            "We had to know, class by class, which pupils were falling behind in mathematics "
            "and why, and act quickly. Teachers needed more confidence with the topics pupils "
            "found hardest."),
        "actions": [
            ("Compared results by free school meals, gender and ethnicity every term and "
             "shared the gaps with governors.", ["CE2.B", "CE2.D"]),
            ("Set each pupil an end-of-year expectation from their prior attainment and "
             "reviewed it every term.", ["CE2.B", "CE1.B"]),
            ("Ran weekly small-group tuition, led by specialist teachers, for pupils who had "
             "fallen behind.", ["CE2.A"]),
            ("Gave mathematics teachers paired planning time for the topics with the weakest "
             "results.", ["CE4.A", "CE5.B"]),
        ],
        "measures": [
            ("Pupils reaching the expected standard in mathematics", "just over half",
             "about seven in ten"),
            ("Gap between pupils eligible for free school meals and the rest", "wide",
             "about half as wide"),
            ("Value added in mathematics", "below average", "above average"),
        ],
        "impact": (
            "The school rose above the floor within two years, and the gap for disadvantaged "
            "pupils is now narrower than the gap nationally. Governors ask about groups of "
            "pupils at every meeting."),
        "offer": (
            "We can share our termly analysis of gaps and how we fit small-group tuition into "
            "the timetable without pupils missing their mathematics lessons."),
        "offer_standards": ["CE2.B"],
    },
]

# --- Lesson studies ----------------------------------------------------------------------
# Pupils stand for groups; each lesson has criteria and predicted/observed responses per pupil.

STANDS_FOR = ["working below age-related expectations", "working at age-related expectations",
              "working above age-related expectations"]

LESSON_STUDIES = [
    {
        "phases": {PRIMARY},
        "title": "Saying it before writing it: structuring a paragraph",
        "subject": "English", "year_group": "Year 4", "class_size_band": "20 to 29",
        "focus": "Writing that is organised into clear paragraphs",
        "question": ("Does rehearsing a paragraph aloud with a partner help pupils working "
                     "below expectations to organise their writing?"),
        "technique": ("Talk for writing: the class learns a model paragraph with actions, "
                      "changes it aloud with a partner, then writes its own version."),
        "pupils": 3,
        "lessons": [
            {"objective": "Retell a model paragraph in the right order",
             "criteria": ["Retells the paragraph with a partner's prompts",
                          "Retells it in order without prompts",
                          "Retells it and explains why the order matters"],
             "stages": [
                 ("Learning the model with actions",
                  [("Joins in with the actions but loses the words", "Kept up with the actions "
                    "and said most of the words by the third time"),
                   ("Joins in confidently", "Joined in and helped a partner"),
                   ("Joins in quickly and gets restless", "Added a new action of their own")]),
                 ("Changing the paragraph aloud",
                  [("Copies the partner's changes", "Changed one detail on their own"),
                   ("Changes two or three details", "Changed the opening and the ending"),
                   ("Changes the whole paragraph", "Changed the setting and kept the order")]),
             ]},
            {"objective": "Write a paragraph with an opening, detail and a closing sentence",
             "criteria": ["Writes an opening and one detail", "Writes all three parts",
                          "Writes all three parts and links them"],
             "stages": [
                 ("Rehearsing aloud with a partner",
                  [("Says a short version", "Said all three parts with one prompt"),
                   ("Says all three parts", "Said all three parts fluently"),
                   ("Adds linking words", "Used two linking words")]),
                 ("Writing independently",
                  [("Writes one sentence", "Wrote three sentences in order"),
                   ("Writes the paragraph", "Wrote the paragraph and checked it"),
                   ("Writes and extends it", "Wrote two linked paragraphs")]),
             ]},
            {"objective": "Plan and write a paragraph on a new topic",
             "criteria": ["Plans with a picture for each part", "Plans and writes all parts",
                          "Plans, writes and improves it"],
             "stages": [
                 ("Planning with pictures",
                  [("Draws the opening only", "Sketched all three parts"),
                   ("Plans all three parts", "Planned all three parts quickly"),
                   ("Plans in words, not pictures", "Planned in words and added detail")]),
                 ("Writing and improving",
                  [("Writes two sentences", "Wrote a full paragraph for the first time"),
                   ("Writes the paragraph", "Wrote it and improved one sentence"),
                   ("Improves the vocabulary", "Improved the vocabulary and the joins "
                    "between sentences")]),
             ]},
        ],
        "interviews": [
            "Saying it first meant I knew what to write. The actions help me remember.",
            "I liked changing the story with my partner. Writing was easier after that.",
            "I want to write longer ones. The actions are a bit babyish but they do help.",
        ],
        "progress": [
            "Moved from one sentence to a full, ordered paragraph across the cycle.",
            "Now writes paragraphs in order without prompts and checks them.",
            "Needed more stretch; did best when asked to improve and link paragraphs.",
        ],
        "changes": ("Keep the oral rehearsal for everyone but give confident writers a second "
                    "model to change; shorten the actions stage after the first lesson."),
        "outcomes": ("Oral rehearsal made the biggest difference for the pupil working below "
                     "expectations: by the third lesson they wrote a complete paragraph in "
                     "order. The approach helped every group, but pupils working above "
                     "expectations needed a harder model sooner."),
        "practice_changes": ("Every writing unit in the year group now begins with a "
                             "rehearsed model paragraph, and planning uses pictures for pupils "
                             "who find writing hard."),
        "sharing": ("Presented at a staff meeting and at the cluster's English network; the "
                    "model paragraphs are shared with partner schools."),
        "barriers": ["writing-weak", "low-english"],
        "standards": ["CE5.C", "CE5.D", "CE4.C"],
    },
    {
        "phases": {PRIMARY},
        "title": "Bar models for comparing fractions",
        "subject": "Mathematics", "year_group": "Year 5", "class_size_band": "20 to 29",
        "focus": "Reasoning about fractions",
        "question": ("Does drawing bar models help pupils who struggle with fractions to "
                     "compare them and explain why?"),
        "technique": ("Pupils draw bar models of the same length for each fraction before "
                      "comparing, and explain their drawing to a partner."),
        "pupils": 2,
        "lessons": [
            {"objective": "Compare two fractions with the same numerator",
             "criteria": ["Draws both bars the same length and compares them",
                          "Compares them and explains why the larger denominator is smaller"],
             "stages": [
                 ("Drawing the bars",
                  [("Draws bars of different lengths", "Began with bars of different lengths, then "
                    "corrected them after a partner's question"),
                   ("Draws them accurately", "Made both bars accurately and quickly")]),
                 ("Explaining to a partner",
                  [("Points but does not explain", "Said which was bigger and pointed to the "
                    "parts"),
                   ("Explains using the parts", "Explained using the size of the parts")]),
             ]},
            {"objective": "Compare fractions with different numerators and denominators",
             "criteria": ["Uses bars to find the larger fraction",
                          "Finds the larger fraction and checks it another way"],
             "stages": [
                 ("Modelling with bars",
                  [("Needs help to split the bars", "Split both bars with a ruler on their own"),
                   ("Splits the bars on their own", "Split them and labelled each part")]),
                 ("Reasoning without bars",
                  [("Goes back to drawing", "Went back to drawing and got it right"),
                   ("Reasons without drawing", "Reasoned without drawing for most questions")]),
             ]},
        ],
        "interviews": [
            "The bars show me which is bigger. Before, I just guessed.",
            "I don't need the bars for easy ones now, but I use them to check.",
        ],
        "progress": [
            "Can now compare fractions reliably using a drawing and explain the answer.",
            "Moved from drawing to reasoning and uses the bars to check.",
        ],
        "changes": ("Give rulers and squared paper from the start, and add a step where "
                    "partners check that the bars are the same length."),
        "outcomes": ("Bar models gave the pupil who struggled a reliable method and the words "
                     "to explain it. Accurate drawing mattered more than we predicted."),
        "practice_changes": ("Bar models are now used throughout the fractions unit in both "
                             "Year 5 classes, with a checking step for equal lengths."),
        "sharing": "Shared at a staff meeting and in the cluster's mathematics network.",
        "barriers": ["low-maths", "weak-subject-knowledge"],
        "standards": ["CE5.B", "CE5.C", "CE4.C"],
    },
    {
        "phases": {SECONDARY},
        "title": "Talking like scientists: structured discussion in Year 9",
        "subject": "Science", "year_group": "Year 9", "class_size_band": "30 or more",
        "focus": "Explaining results using evidence",
        "question": ("Do sentence stems and assigned talk roles help quieter pupils explain "
                     "experimental results using evidence?"),
        "technique": ("Groups of three with rotating roles (explainer, questioner, summariser) "
                      "and sentence stems for using evidence."),
        "pupils": 3,
        "lessons": [
            {"objective": "Explain how temperature affects the rate of a reaction",
             "criteria": ["States the pattern in the results",
                          "Explains the pattern using the results",
                          "Explains it using particle ideas and the results"],
             "stages": [
                 ("Looking at the results table",
                  [("Reads values but sees no pattern", "Saw the pattern once the questioner "
                    "asked about the first and last rows"),
                   ("Describes the pattern", "Described the pattern clearly"),
                   ("Describes and questions the data", "Spotted an odd result and asked why")]),
                 ("Explaining as a group",
                  [("Stays quiet", "Used a sentence stem to give one explanation"),
                   ("Gives an explanation", "Gave an explanation using two results"),
                   ("Leads the explanation", "Summarised the group's explanation")]),
             ]},
            {"objective": "Evaluate a method using evidence",
             "criteria": ["Names one problem with the method",
                          "Names a problem and how to fix it",
                          "Judges how much the problem affected the results"],
             "stages": [
                 ("Questioning each other",
                  [("Asks no questions", "Asked one question as questioner"),
                   ("Asks a question", "Asked two questions about the method"),
                   ("Asks searching questions", "Challenged a partner's claim politely")]),
                 ("Writing an evaluation",
                  [("Writes one sentence", "Wrote a short evaluation using a stem"),
                   ("Writes a full evaluation", "Wrote a full evaluation"),
                   ("Writes and weighs it up", "Weighed up two problems")]),
             ]},
        ],
        "interviews": [
            "Having a job made it easier to talk. I knew what I was meant to say.",
            "The stems are useful when I'm stuck, but I don't always need them.",
            "Being questioner was hard because I had to listen properly.",
        ],
        "progress": [
            "Spoke in every discussion by the second lesson and wrote a short evaluation.",
            "Explanations now use the results as evidence.",
            "Began to judge how reliable results were, not only to describe them.",
        ],
        "changes": ("Rotate roles more often, and model the questioner role before the "
                    "first discussion."),
        "outcomes": ("Roles and stems gave the quietest pupil a way into the discussion, and "
                     "every case pupil used evidence more often in writing."),
        "practice_changes": ("Talk roles are now used in practical lessons across Key Stage 3 "
                             "science."),
        "sharing": "Presented to the science department and to teachers from partner schools.",
        "barriers": ["pupils-not-involved", "teaching-inconsistent"],
        "standards": ["CE5.C", "CE6.G"],
    },
    {
        "phases": None,
        "title": "Pupils choosing their own next step",
        "subject": "English", "year_group": "Year 7", "class_size_band": "20 to 29",
        "focus": "Pupils knowing what to do next",
        "question": ("If pupils choose their next step from a short menu after feedback, do "
                     "they act on it in the next piece of work?"),
        "technique": ("After marking, each pupil picks one next step from a menu of three "
                      "and writes how they will show it in their next piece of work."),
        "pupils": 2,
        "lessons": [
            {"objective": "Use feedback to improve a piece of descriptive writing",
             "criteria": ["Chooses a next step and uses it once",
                          "Chooses a next step and uses it throughout"],
             "stages": [
                 ("Choosing from the menu",
                  [("Chooses the easiest step", "Chose the step that matched the feedback "
                    "after talking it through"),
                   ("Chooses a fitting step", "Chose quickly and explained why")]),
                 ("Improving the writing",
                  [("Makes one change", "Made two changes and underlined them"),
                   ("Changes the whole piece", "Changed the whole piece")]),
             ]},
        ],
        "interviews": [
            "Choosing it myself meant I remembered it.",
            "I liked having three to pick from. I know what my target is now.",
        ],
        "progress": [
            "Acted on a chosen next step in two pieces of work in a row.",
            "Now explains their target and how they will show it.",
        ],
        "changes": "Cut the menu to two choices for pupils who find choosing hard.",
        "outcomes": ("Choosing made next steps stick: both case pupils used their chosen step "
                     "in the following piece of work, which rarely happened before."),
        "practice_changes": ("The next-step menu is now part of feedback in the year group's "
                             "English lessons."),
        "sharing": "Shared at a staff meeting and with the cluster's assessment leads.",
        "barriers": ["pupils-not-involved", "low-english"],
        "standards": ["CE5.D", "CE2.F"],
    },
]

PARTNERS = ("A teacher from another school in the cluster joined the team for the cycle.",
            "The team was from our own school; a partner school's teacher observed one lesson.",
            "")


def add_cluster_records(cluster: Cluster, schools: list[School], users: list[User],
                        rng: random.Random, out: dict) -> None:
    """Write the cluster's demo records and list them in `out["records"]`."""
    local = random.Random()
    local.setstate(rng.getstate())  # a copy: the rest of the demo stays as it was
    people = {(u.school_id, u.school_role): u for u in users}
    writers = local.sample(schools, min(4, len(schools)))
    groups = _groups_of(schools)
    unpublished = local.sample(["draft", "submitted"], 2)
    first_withdrawn = db.session.scalar(select(Record.id).where(
        Record.status == "withdrawn").limit(1)) is None
    plan = [("case_study", "published", "network"), ("lesson_study", "published", "cluster"),
            ("case_study", unpublished[0], local.choice(["cluster", "network"])),
            ("lesson_study", unpublished[1], local.choice(["cluster", "network"]))]
    if first_withdrawn:
        plan.append((local.choice(["case_study", "lesson_study"]), "withdrawn", "network"))
    used: set[str] = set()
    entries = out.setdefault("records", [])
    for index, (kind, status, audience) in enumerate(plan):
        school = writers[index % len(writers)]
        record = _write(kind, status, audience, school, people, groups.get(school.id, set()),
                        used, local)
        entries.append({"kind": record.kind, "id": record.id, "status": record.status,
                        "visibility": record.published_visibility or record.audience})


def _groups_of(schools: list[School]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for school_id, group_id in db.session.execute(select(
            GroupMembership.school_id, GroupMembership.group_id).where(
            GroupMembership.school_id.in_([s.id for s in schools]))):
        found.setdefault(school_id, set()).add(group_id)
    return found


def _suits(template: dict, school: School) -> bool:
    phases = template["phases"]
    return phases is None or (school.register_entry.phase or "") in phases


def _candidates(kind: str, school: School, groups: set[int], used: set[str],
                rng: random.Random) -> list[dict]:
    """Templates that fit the school, those not yet used in this cluster (and for case
    studies those in a group the school has been in) first."""
    library = CASE_STUDIES if kind == "case_study" else LESSON_STUDIES
    fitting = [t for t in library if _suits(t, school)] or list(library)
    rng.shuffle(fitting)
    return sorted(fitting, key=lambda t: (t["title"] in used,
                                          kind == "case_study" and t["group"] not in groups))


def _write(kind: str, status: str, audience: str, school: School, people: dict,
           groups: set[int], used: set[str], rng: random.Random) -> Record:
    head = people.get((school.id, "headteacher"))
    senior = people.get((school.id, "senior_leader")) or head
    teacher = people.get((school.id, "leading_teacher")) or senior
    member = people.get((school.id, "member"))
    author, coauthor = (senior, teacher) if kind == "case_study" else (teacher, member)
    context = gate.published_context(school)
    now = datetime.now(UTC).replace(microsecond=0)
    started = now - timedelta(days=rng.randint(60, 120))
    record = Record(kind=kind, school_id=school.id, cluster_id=school.cluster_id,
                    author_id=author.id, status="draft", audience=audience,
                    attributed=kind == "lesson_study" and audience == "cluster"
                    and rng.random() < 0.5,
                    title="", body={}, created_at=started, updated_at=started)
    db.session.add(record)
    db.session.flush()
    going_out = status in ("published", "withdrawn")
    for template in _candidates(kind, school, groups, used, rng):
        title, body = _compose(kind, template, school, context, [author, coauthor], rng)
        if not going_out or not gate.flags(record, title, body):
            break
    else:  # nothing passes the gate here (a place named like a common word): keep it back
        status = "submitted"
    used.add(template["title"])
    record.title = title
    record.coauthors = [RecordCoauthor(user_id=coauthor.id)] if coauthor else []
    record.barriers = [RecordBarrier(barrier_slug=s) for s in body["barriers"]]
    record.standards = [RecordStandard(standard_id=s) for s in body["standards"]]
    # The first saved version: the sections written first, the rest still blank.
    record.body = _early(kind, body)
    db.session.flush()
    _version(record, 1, author, "Created", started)
    edited = started + timedelta(days=rng.randint(5, 20))
    record.body, record.updated_at = body, edited
    db.session.flush()
    _version(record, 2, coauthor or author, "Edited", edited)
    if status == "draft":
        return record
    record.status, record.submitted_at = "submitted", edited + timedelta(days=rng.randint(1, 7))
    if status == "submitted":
        db.session.flush()
        return record
    published = record.submitted_at + timedelta(days=rng.randint(1, 5))
    record.status = "published"
    record.published_title, record.published_body = record.title, copy.deepcopy(record.body)
    record.published_visibility, record.published_attributed = audience, record.attributed
    record.published_context = context
    record.published_at, record.published_by_id, record.withdrawn_at = published, head.id, None
    if status == "withdrawn":
        record.status = "withdrawn"
        record.withdrawn_at = min(now, published + timedelta(days=rng.randint(7, 21)))
    db.session.flush()
    return record


def _version(record: Record, number: int, who: User, note: str, when: datetime) -> None:
    db.session.add(RecordVersion(record_id=record.id, number=number, title=record.title,
                                 body=record.body, status=record.status, saved_by_id=who.id,
                                 note=note, saved_at=when))


def _context_text(school: School, context: dict) -> str:
    """The context section: phase and, when the gate shows them, size and meals bands.

    Only what the published bands reveal is written, so the text never narrows what the gate
    widened; the region is left to the published context."""
    phase = (context["phase"] or "").lower()
    noun = {"all-through": "all-through school", "special": "special school",
            "not known": "school"}.get(phase, f"{phase} school")
    size = context["size"]
    parts = [f"We are a{'n' if noun[0] in 'aeiou' else ''} {noun}"]
    if size not in ("Any", "Not known"):
        parts.append(f" of {size.split(' (')[0].lower()} size ({size.split('(')[-1].rstrip(')')})")
    text = "".join(parts) + "."
    if context["fsm"] not in ("Any", "Not known"):
        text += (" The share of pupils eligible for free school meals is "
                 f"{context['fsm'].split(' (')[0].lower()} for England.")
    entry = school.register_entry
    area = (entry.urban_rural or "").lower()
    if "rural" in area:
        text += " Many pupils travel in from the surrounding villages."
    elif "urban" in area or "city" in area:
        text += " Most pupils live within walking distance of the school."
    return text


def _compose(kind: str, template: dict, school: School, context: dict, team: list,
             rng: random.Random) -> tuple[str, dict]:
    if kind == "case_study":
        return template["title"], _case_study(template, school, context)
    return template["title"], _lesson_study(template, team, rng)


def _case_study(t: dict, school: School, context: dict) -> dict:
    actions = [{"text": text, "standards": list(stds)} for text, stds in t["actions"]]
    standards = sorted({s for _, stds in t["actions"] for s in stds} | set(t["offer_standards"]))
    return {
        "context": _context_text(school, context),
        "group_id": str(t["group"]), "group_name": GROUP_NAMES[t["group"]],
        "barriers": list(t["barriers"]), "barrier_narrative": t["barrier_narrative"],
        "what_needed_to_change": t["what_needed_to_change"],
        "actions": actions,
        "impact": {"measures": [{"measure": m, "before": b, "after": a}
                                for m, b, a in t["measures"]],
                   "narrative": t["impact"]},
        "offer": t["offer"], "offer_standards": list(t["offer_standards"]),
        "standards": standards,
    }


def _lesson_study(t: dict, team: list, rng: random.Random) -> dict:
    count = t["pupils"]
    stands_for = STANDS_FOR if count == 3 else [STANDS_FOR[0], STANDS_FOR[2]]
    first = _term_day(rng)
    lessons = []
    for n, lesson in enumerate(t["lessons"]):
        lessons.append({
            "date": (first + timedelta(days=14 * n)).isoformat(),
            "objective": lesson["objective"],
            "criteria": list(lesson["criteria"]),
            "stages": [{"name": name, "responses": [{"predicted": p, "observed": o}
                                                    for p, o in responses]}
                       for name, responses in lesson["stages"]],
        })
    return {
        "team": {"member_ids": [u.id for u in team if u is not None],
                 "partners": rng.choice(PARTNERS)},
        "subject": t["subject"], "year_group": t["year_group"],
        "class_size_band": t["class_size_band"], "focus": t["focus"],
        "question": t["question"], "technique": t["technique"],
        "pupils": [{"label": f"Pupil {chr(65 + i)}", "stands_for": stands_for[i]}
                   for i in range(count)],
        "lessons": lessons,
        "interviews": list(t["interviews"]),
        "discussion": {"progress": list(t["progress"]), "changes": t["changes"]},
        "outcomes": t["outcomes"], "practice_changes": t["practice_changes"],
        "sharing": t["sharing"], "related_case_studies": [],
        "barriers": list(t["barriers"]), "standards": list(t["standards"]),
    }


def _term_day(rng: random.Random) -> date:
    """A school day in the last few months for the first research lesson."""
    day = date.today() - timedelta(days=rng.randint(70, 110))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _early(kind: str, body: dict) -> dict:
    """The same body as first saved: the opening sections, later ones not yet written."""
    early = copy.deepcopy(body)
    if kind == "case_study":
        early["impact"] = {"measures": [], "narrative": ""}
        early["offer"], early["offer_standards"] = "", []
        early["actions"] = early["actions"][:2]
        early["standards"] = sorted({s for a in early["actions"] for s in a["standards"]})
    else:
        early["lessons"] = early["lessons"][:1]
        early["interviews"] = ["" for _ in early["interviews"]]
        early["discussion"] = {"progress": ["" for _ in early["discussion"]["progress"]],
                               "changes": ""}
        early["outcomes"] = early["practice_changes"] = early["sharing"] = ""
    return early

