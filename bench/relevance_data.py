"""Judged queries for the relevance benchmark, and the records that answer them.

Written for this project: the records are invented case studies and lesson studies of the
kind heads publish, in the words a school would use (so they say "every half-term" where a
head searches "half-termly", "well-being" where a head types "wellbeing"). Each query is
typed the way a headteacher or teacher would, as a question or as a few keywords, and names
the record(s) that answer it. bench/bench_relevance.py hides these records among thousands
of look-alikes from bench/corpus.py, which share much of their vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from search import Document


@dataclass(frozen=True)
class Judged:
    """A query as typed and the ids of the records that answer it."""

    text: str
    answers: tuple[str, ...]
    question: bool


def _doc(key: str, kind: str, title: str, barriers: str, actions: str, impact: str,
         context: str, body: str = "") -> Document:
    return Document(id=f"{kind}:answer-{key}", kind=kind, title=title, barriers_text=barriers,
                    actions_text=actions, impact_text=impact, context_text=context,
                    body_text=body, labels=["network"], group="raise-attainment",
                    phase="primary", region="east", published=datetime(2026, 3, 1))


CS, LS = "case_study", "lesson_study"

ANSWERS: list[Document] = [
    _doc("measures", CS, "Out of special measures in eighteen months",
         "Inspectors placed the junior school in special measures. Nobody could say which "
         "children were falling behind until the end of the year.",
         "The new headteacher started pupil progress meetings every fortnight. Each class "
         "teacher sat with the deputy and the SENCO, brought the tracking sheet and named the "
         "children who had stalled; every meeting ended with an action for each child and a "
         "date to check it.",
         "Monitoring visits noted rapid progress and the school was removed from special "
         "measures after eighteen months.",
         "A junior school of 240 children on the edge of a market town."),
    _doc("tas", CS, "Making the most of teaching assistants in key stage 2",
         "Teaching assistants spent most lessons sitting with the same low-attaining children, "
         "which made those children more dependent, not less.",
         "We trained every teaching assistant in two structured catch-up programmes, gave them "
         "fifteen minutes of planning time with the class teacher each day, and changed their "
         "role in lessons to roving feedback rather than sitting beside one group.",
         "Children in the catch-up groups made on average nine months' progress in a term, and "
         "staff said the assistants felt valued as professionals.",
         "A two-form entry primary school with a large support staff team."),
    _doc("coach", LS, "Lesson study with a coach: reasoning in year 4 maths",
         "Our teachers found it hard to see how children reasoned about fractions; lesson "
         "observation had become a judgement rather than a way to learn.",
         "Three teachers planned a research lesson together, with a maths specialist from a "
         "partner school acting as coach. Each teacher watched two case pupils, and after the "
         "lesson the coach led the discussion about what the pupils did, not about the "
         "teaching. The triad ran three cycles over the year.",
         "Teachers changed how they introduce fractions, and the case pupils could explain "
         "equivalence using diagrams by the third cycle.",
         "Three primary schools in a rural cluster, one triad per school."),
    _doc("standards", CS, "A standards team that looks at the numbers every half-term",
         "Assessment information sat in a spreadsheet that only the headteacher opened.",
         "We set up a standards team: the head, the deputy, the English lead and the maths "
         "lead. Every half-term they go through the latest data year group by year group, "
         "agree which classes need support, and report to governors in plain English.",
         "Leaders at every level can now say how each year group is doing and why, and "
         "support reaches a class within weeks instead of at the end of the year.",
         "A large primary school in a town with two other schools in its cluster."),
    _doc("boys", CS, "Boys who want to write",
         "Boys' writing lagged well behind girls' in every year group, and many boys said "
         "they had nothing to write about.",
         "We adopted talk for writing across the school: children learn a model text orally, "
         "act it out, then change it before writing their own. Topics were chosen with the "
         "boys, including football reports and survival guides.",
         "The gap between boys and girls in writing halved in two years.",
         "A primary school with more boys than girls in most classes."),
    _doc("absence", CS, "Attendance clinics that brought children back",
         "One child in six was persistently absent, mostly in families the school rarely saw.",
         "The attendance officer and a learning mentor ran weekly attendance clinics with "
         "families, offered a breakfast club place and a named adult to greet each child, and "
         "phoned home before nine on the first morning of any absence.",
         "Persistent absence fell from 17 per cent to 8 per cent within a year.",
         "An infant and junior school on a large estate."),
    _doc("wellbeing", CS, "Looking after staff well-being through a merger",
         "After two schools merged, workload rose, morale fell and three teachers left in a "
         "term.",
         "Leaders surveyed staff on well-being, cut the number of data drops to three a year, "
         "protected planning time and stopped emails after six in the evening. A well-being "
         "group of staff agreed each change.",
         "Staff absence halved and no teacher left the following year.",
         "A recently merged primary school on two sites."),
    _doc("phonics", CS, "Phonics catch-up for year 2",
         "Too many children reached year 2 without passing the phonics screening check.",
         "Every child who had not passed got a short daily catch-up session with a trained "
         "assistant, using the same scheme and sound cards as their class.",
         "Most of the group passed the check in the autumn resit.",
         "A one-form entry infant school."),
    _doc("moderate", CS, "Moderating writing with our partner schools",
         "Teacher assessment of writing was generous in some classes and harsh in others.",
         "Teachers from four schools met each term to moderate writing together, each bringing "
         "three pieces from children at different standards, and agreed the judgements "
         "before submitting them.",
         "External moderation agreed with every judgement the following summer.",
         "Four small primary schools in a rural cluster."),
    _doc("middle", CS, "Middle leaders who lead improvement",
         "Subject leaders held the title but had no time and no say in how their subject "
         "improved.",
         "Each subject leader now has half a day a fortnight, a budget, and a coach from the "
         "senior team. They review their own subject every year, visit lessons, look at "
         "books and present an action plan to governors.",
         "Subject leaders now lead training for colleagues and two have become senior "
         "leaders.",
         "A secondary school with a young staff."),
    _doc("premium", CS, "Spending the pupil premium where it closes the gap",
         "Disadvantaged children were a year behind their classmates by the end of key stage 2.",
         "We spent the pupil premium on three things only: small-group tuition in maths, a "
         "speech and language assistant, and trips that build background knowledge, and "
         "checked each one's effect every term.",
         "The attainment gap for disadvantaged pupils narrowed from twelve months to four.",
         "A primary school where 40 per cent of children are eligible for free school meals."),
    _doc("questioning", LS, "Lesson study on questioning in year 6 science",
         "Children gave one-word answers and the same few hands went up.",
         "Two year 6 teachers ran a lesson study on questioning in science: no hands up, "
         "thinking time, and follow-up questions that ask why. They filmed the research "
         "lessons and watched three case pupils.",
         "The case pupils gave longer answers with reasons, and quieter children spoke more.",
         "A two-form entry primary school."),
    _doc("governors", CS, "Governors who ask the hard questions",
         "The governing body received the head's report and asked few questions.",
         "Governors took on link roles for each priority, visited with a focus agreed in "
         "advance, and learnt how to read the school's data so they could challenge leaders "
         "and hold them to account.",
         "Inspectors noted that governors knew the school's weaknesses and challenged "
         "leaders well.",
         "A voluntary aided primary school."),
    _doc("behaviour", CS, "A behaviour policy everyone follows",
         "Each teacher had their own rules, so children never knew where they stood and "
         "lessons were often disrupted.",
         "We rewrote the behaviour policy with staff and the school council: five rules, the "
         "same language in every room, and a script for adults. Leaders were on the corridors "
         "at every change of lesson.",
         "Exclusions fell sharply and staff said lessons were rarely interrupted.",
         "An 11-16 secondary school."),
    _doc("parents", CS, "Reading cafes bring parents in",
         "Few parents came into school, and many children never read at home.",
         "Every Friday morning a reading cafe opened in the hall: parents and carers read with "
         "their children over breakfast, borrowed books and picked up tips from the English "
         "lead.",
         "Three quarters of families came at least once, and home reading records doubled.",
         "A primary school where many parents had poor experiences of school themselves."),
    _doc("transition", CS, "Settling into secondary school",
         "Many children fell back in their first year at secondary school and some stopped "
         "attending.",
         "Year 7 tutors visited every feeder primary in the summer term, children spent two "
         "days in the secondary school in July, and vulnerable pupils had a mentor from year 10.",
         "Attendance in year 7 stayed high and fewer pupils needed support in the spring.",
         "A secondary school with twelve feeder primaries."),
    _doc("mastery", LS, "Bar models in year 5: a lesson study on maths mastery",
         "Children could follow methods but not solve word problems.",
         "Teachers used lesson study to introduce the bar model, planning research lessons "
         "in which children drew the problem before calculating.",
         "Children used bar models without prompting by the third lesson.",
         "A primary school starting a mastery approach to mathematics."),
    _doc("send", CS, "Sharper support for pupils with special educational needs",
         "Support plans were vague and were reviewed once a year.",
         "The SENCO reviewed every plan with the class teacher and parents each term, set "
         "small targets that could be seen in lessons, and trained staff in adapting tasks.",
         "Children with special educational needs made progress in line with their peers.",
         "A primary school with a specialist resource base."),
    _doc("plan", CS, "From self-evaluation to an improvement plan with milestones",
         "The school's self-evaluation listed everything and prioritised nothing.",
         "Leaders cut the plan to three priorities, each with milestones for every half-term "
         "and a named leader, and governors checked the milestones at each meeting.",
         "Every milestone was met or explained, and staff could name the three priorities.",
         "A primary school after a change of headteacher."),
    _doc("oracy", LS, "Building talk in reception",
         "Many children started school with little spoken language.",
         "Reception teachers ran a lesson study on oracy routines: talk partners, sentence "
         "stems, and adults modelling new vocabulary during play.",
         "Children used new words in their play, and the early years outcomes for "
         "communication rose.",
         "A reception class in an urban primary school."),
    _doc("marking", CS, "Feedback without the marking mountain",
         "Teachers spent their evenings writing comments that children did not read.",
         "We replaced written marking with whole-class feedback: teachers read books, noted "
         "common errors, and began the next lesson by putting them right.",
         "Teachers' workload fell by three hours a week and books showed more corrections.",
         "A secondary school English department."),
    _doc("coastal", CS, "Keeping teachers in a coastal school",
         "Every year a third of the teachers left, and posts went unfilled.",
         "The school offered early career teachers a mentor, a reduced timetable, and a "
         "partnership with a university; recruitment moved to the autumn.",
         "Teacher turnover fell to one in ten and every post was filled in September.",
         "A secondary school in a coastal town far from a city."),
]


def _a(*keys: str) -> tuple[str, ...]:
    found = {d.id.split("answer-")[1]: d.id for d in ANSWERS}
    return tuple(found[k] for k in keys)


QUERIES: list[Judged] = [
    Judged("how did a school in special measures use pupil progress meetings", _a("measures"),
           True),
    Judged("pupil progress meetings special measures", _a("measures"), False),
    Judged("how can we make better use of our teaching assistants", _a("tas"), True),
    Judged("teaching assistants", _a("tas"), False),
    Judged("lesson study coaching", _a("coach"), False),
    Judged("what does a lesson study cycle with a coach look like", _a("coach"), True),
    Judged("standards team half-termly data", _a("standards"), False),
    Judged("who should sit on a standards team", _a("standards"), True),
    Judged("how did schools improve boys' writing", _a("boys"), True),
    Judged("boys writing talk for writing", _a("boys"), False),
    Judged("what worked to reduce persistent absence", _a("absence"), True),
    Judged("attendance clinics persistent absence", _a("absence"), False),
    Judged("how did leaders look after staff wellbeing", _a("wellbeing"), True),
    Judged("staff wellbeing workload merger", _a("wellbeing"), False),
    Judged("phonics catch-up year 2", _a("phonics"), False),
    Judged("how can we moderate writing with another school", _a("moderate"), True),
    Judged("moderation writing partner schools", _a("moderate"), False),
    Judged("how do we get middle leaders to lead improvement", _a("middle"), True),
    Judged("what did schools spend pupil premium on to close the gap", _a("premium"), True),
    Judged("pupil premium disadvantaged gap", _a("premium"), False),
    Judged("questioning science lesson study", _a("questioning"), False),
    Judged("how can governors hold leaders to account", _a("governors"), True),
    Judged("governors challenge link visits", _a("governors"), False),
    Judged("why did behaviour improve after a new policy", _a("behaviour"), True),
    Judged("consistent behaviour policy", _a("behaviour"), False),
    Judged("how did a school get parents involved in reading", _a("parents"), True),
    Judged("parents reading cafe", _a("parents"), False),
    Judged("what helps pupils settle in secondary school", _a("transition"), True),
    Judged("transition year 6 year 7", _a("transition"), False),
    Judged("maths mastery bar model", _a("mastery"), False),
    Judged("how did a SENCO improve support for pupils with special educational needs",
           _a("send"), True),
    Judged("how should we write an improvement plan with milestones", _a("plan"), True),
    Judged("self-evaluation improvement plan milestones", _a("plan"), False),
    Judged("oracy reception talk", _a("oracy"), False),
    Judged("how can we cut marking but keep good feedback", _a("marking"), True),
    Judged("how did a coastal school keep its teachers", _a("coastal"), True),
]
