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
import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from models import Cluster, GroupMembership, School, SchoolProfile, User
from models.case_study_body import BarrierSolution, Support, TimelineStep
from models.record_bodies import (
    Action,
    Body,
    CaseStudyBody,
    Coach,
    Discussion,
    Impact,
    Lesson,
    LessonStudyBody,
    Measure,
    Pupil,
    Response,
    Stage,
    Team,
)
from models.records import Record, RecordBarrier, RecordCoauthor, RecordStandard, RecordVersion
from models.toolkit_data import PRIORITY_GROUPS
from network.extensions import db
from network.services import contexts, gate
from network.services.crowd import Crowds

GROUP_NAMES = {number: name for number, _, name, _ in PRIORITY_GROUPS}

# The stories themselves are data (network/data/demo_records.json):
# - case_studies: the phases each suits (null: any), the priority group the school started
#   in, its barriers, its sections, its actions as [text, standards] and its impact measures
#   as [measure, before, after];
# - lesson_studies: the phases each suits, the subject, year group and class, where each
#   case pupil started (baselines) and the impact on the group each stands for (impacts),
#   and its three research lessons, each with success criteria per case pupil, stages as
#   [name, [[predicted, observed] per pupil]], and its own interviews and progress per case
#   pupil and what changed for the next lesson;
# - stands_for: what the case pupils stand for; partners: who from outside joined the team.
_STORIES = json.loads((Path(__file__).parent.parent / "data" / "demo_records.json").read_text())
CASE_STUDIES, LESSON_STUDIES = _STORIES["case_studies"], _STORIES["lesson_studies"]
STANDS_FOR, PARTNERS = _STORIES["stands_for"], _STORIES["partners"]


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


_KEPT: dict[tuple, Crowds] = {}


def _crowds() -> Crowds:
    """The platform's crowds, read once while records are written (writing records changes
    no crowd); read again when the schools, profiles or group histories differ."""
    schools = tuple(db.session.execute(select(School.id, School.urn, School.cluster_id)
                                       .order_by(School.id)))
    counts = db.session.execute(select(
        select(func.count(SchoolProfile.school_id)).scalar_subquery(),
        select(func.count(GroupMembership.id)).scalar_subquery())).one()
    key = (str(db.engine.url), hash(schools), *counts)
    if key not in _KEPT:
        _KEPT.clear()
        _KEPT[key] = Crowds()
    return _KEPT[key]


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
        shown = {"group_id": template["group"]} if kind == "case_study" else {}
        try:
            context = contexts.for_publication(record, audience, record.attributed,
                                               crowds=_crowds(), body=shown)
        except contexts.TooFewSchools:  # too few schools like it on the platform
            context = dict(contexts.WIDEST)
            if going_out:
                continue
        title, body = _compose(kind, template, school, context, [author, coauthor], rng,
                               people)
        if not going_out or not gate.flags(record, title, body.to_json()):
            break
    else:  # nothing passes the gate or the crowd here: keep it back
        status = "submitted"
        title, body = _compose(kind, template, school, context, [author, coauthor], rng,
                               people)
    used.add(template["title"])
    record.title = title
    record.coauthors = [RecordCoauthor(user_id=coauthor.id)] if coauthor else []
    record.barriers = [RecordBarrier(barrier_slug=s) for s in body.barriers]
    record.standards = [RecordStandard(standard_id=s) for s in body.standards]
    # The first saved version: the sections written first, the rest still blank.
    record.body = _early(body).to_json()
    db.session.flush()
    _version(record, 1, author, "Created", started)
    edited = started + timedelta(days=rng.randint(5, 20))
    record.body, record.updated_at = body.to_json(), edited
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
             rng: random.Random, people: dict) -> tuple[str, Body]:
    if kind == "case_study":
        return template["title"], case_study_body(template, _context_text(school, context))
    first = _term_day(rng)
    partners = rng.choice(PARTNERS)
    elsewhere = sorted((sid, role, u.id) for (sid, role), u in people.items()
                       if sid != school.id and u is not None)
    coach = next((uid for _, role, uid in elsewhere if role == "leading_teacher"), None)
    partner_ids = ()
    if partners == PARTNERS[0]:  # the partner teacher is on the platform: named by id
        partner_ids = tuple(uid for _, role, uid in elsewhere if role == "member")[:1]
        partners = "" if partner_ids else partners
    return template["title"], lesson_study_body(
        template, [u.id for u in team if u is not None], partners, first,
        coach=Coach(user_id=coach, where="other") if coach else Coach(),
        partner_ids=partner_ids)


def case_study_body(t: dict, context: str) -> CaseStudyBody:
    """A case study told from one of the stories, with the school's context in words; stories
    told as real case studies are (end group, what solved each barrier, a timeline, support
    received, next steps and risks) keep those sections too."""
    standards = sorted({s for _, stds in t["actions"] for s in stds} | set(t["offer_standards"]))
    end = t.get("end_group")
    return CaseStudyBody(
        context=context, group_id=str(t["group"]), group_name=GROUP_NAMES[t["group"]],
        barriers=tuple(t["barriers"]), barrier_narrative=t["barrier_narrative"],
        what_needed_to_change=t["what_needed_to_change"],
        actions=tuple(Action(text=text, standards=tuple(stds)) for text, stds in t["actions"]),
        impact=Impact(measures=tuple(Measure(measure=m, before=b, after=a)
                                     for m, b, a in t["measures"]), narrative=t["impact"]),
        offer=t["offer"], offer_standards=tuple(t["offer_standards"]),
        standards=tuple(standards),
        end_group_id=str(end) if end else "", end_group_name=GROUP_NAMES[end] if end else "",
        barrier_solutions=tuple(BarrierSolution(barrier=b, solution=text)
                                for b, text in t.get("barrier_solutions", [])),
        timeline=tuple(TimelineStep(when=w, what=what) for w, what in t.get("timeline", [])),
        support=tuple(Support(kind=kind, description=text)
                      for kind, text in t.get("support", [])),
        next_steps=t.get("next_steps", ""), risks=t.get("risks", ""))


def lesson_study_body(t: dict, member_ids: list[int], partners: str, first: date,
                      coach: Coach | None = None, partner_ids: tuple[int, ...] = ()
                      ) -> LessonStudyBody:
    """A lesson study told from one of the stories, by the team `member_ids` (with
    `partner_ids` from other schools and `coach`), its first research lesson on `first` and
    the next ones a fortnight apart. Who teaches changes from lesson to lesson; the rest of
    the team and the coach observe."""
    coach = coach or Coach()
    count = t["pupils"]
    stands_for = STANDS_FOR if count == 3 else [STANDS_FOR[0], STANDS_FOR[2]]
    team = [*member_ids, *partner_ids]
    lessons = []
    for n, lesson in enumerate(t["lessons"]):
        teacher = team[n % len(team)] if team else None
        watchers = [p for p in team if p != teacher]
        if coach.user_id and n == 0:
            watchers.append(coach.user_id)
        lessons.append(Lesson(
            date=(first + timedelta(days=14 * n)).isoformat(), objective=lesson["objective"],
            taught_by=(teacher,) if teacher else (), observed_by=tuple(watchers),
            criteria=tuple(lesson["criteria"]),
            stages=tuple(Stage(name=name, responses=tuple(Response(predicted=p, observed=o)
                                                          for p, o in responses))
                         for name, responses in lesson["stages"]),
            interviews=tuple(lesson["interviews"]),
            discussion=Discussion(progress=tuple(lesson["progress"]),
                                  changes=lesson["changes"])))
    return LessonStudyBody(
        team=Team(member_ids=tuple(member_ids), partner_ids=tuple(partner_ids),
                  partners=partners),
        coach=coach, subject=t["subject"], year_group=t["year_group"],
        class_size_band=t["class_size_band"], focus=t["focus"],
        question=t["question"], technique=t["technique"],
        pupils=tuple(Pupil(label=f"Pupil {chr(65 + i)}", stands_for=stands_for[i],
                           baseline=t["baselines"][i], impact=t["impacts"][i])
                     for i in range(count)),
        lessons=tuple(lessons), outcomes=t["outcomes"], practice_changes=t["practice_changes"],
        sharing=t["sharing"], related_case_studies=(),
        barriers=tuple(t["barriers"]), standards=tuple(t["standards"]))


def _term_day(rng: random.Random) -> date:
    """A school day in the last few months for the first research lesson."""
    day = date.today() - timedelta(days=rng.randint(70, 110))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _early(body: Body) -> Body:
    """The same body as first saved: the opening sections, later ones not yet written."""
    if isinstance(body, CaseStudyBody):
        actions = body.actions[:2]
        return replace(body, impact=Impact(), offer="", offer_standards=(), actions=actions,
                       standards=tuple(sorted({s for a in actions for s in a.standards})))
    first = body.lessons[0]
    first = replace(first, interviews=tuple("" for _ in first.interviews),
                    discussion=Discussion(progress=tuple("" for _ in first.discussion.progress)))
    return replace(body, lessons=(first,), outcomes="", practice_changes="", sharing="",
                   pupils=tuple(replace(p, impact="") for p in body.pupils))
