"""Things tests build and share: people's passwords and roles, form posts, record bodies, small
worlds and the planted matching network. Fixtures live in conftest.py; plain builders live here,
so test modules never import each other."""

import copy
import re
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from models import (
    Cluster,
    GroupMembership,
    OfferOptIn,
    Record,
    RegisterSchool,
    School,
    SchoolBarrier,
    SchoolProfile,
)
from network.extensions import db
from network.services import records

PASSWORD = "correct horse battery"
# People of a cluster's schools, and people a headteacher let follow one partnership read-only
# (no school, no cluster).
CLUSTER_ROLES = ("headteacher", "senior_leader", "leading_teacher", "member", "coordinator",
                 "lle", "site_admin")
OVERSIGHT_ROLES = ("la_adviser", "trust_lead", "governor")
ROLES = CLUSTER_ROLES + OVERSIGHT_ROLES


def csrf_token(browser, path: str) -> str:
    """The CSRF token the form at `path` carries."""
    page = browser.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    return match.group(1) if match else ""


def confirm_sign_up(browser, email: str):
    """Open the confirmation link mailed to `email` and press its button, as a person does;
    the answer to that press."""
    from models import OutboxMail

    db.session.commit()  # end the test's own read so the request's mail is seen
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)
                              .order_by(OutboxMail.id.desc())).first()
    path = re.search(r"https?://[^/\s]+(/signup/confirm/\S+)", mail.body).group(1)
    return browser.post(path, data={"csrf_token": csrf_token(browser, path)})


def api_token(user) -> str:
    """The secret of a new read-only API token for `user`, made as the command line does."""
    from network.services import tokens

    return tokens.create(None, "Test token", owner=user)[1]


def without_ids(summary: dict) -> dict:
    """A seed-demo summary without database ids, which differ between runs on PostgreSQL
    (sequences do not restart when rows are deleted)."""
    import copy

    plain = copy.deepcopy(summary)
    for cluster in plain.get("clusters", []):
        for record in cluster.get("records", []):
            record.pop("id", None)
    return plain


# --- Record bodies and forms ------------------------------------------------------------

# Two real register schools in each cluster, outside London so that no town is also a region.
CLUSTER_A = ("104425", "104427")  # Knowsley primaries


CLUSTER_B = ("108911", "108914")  # Bristol primaries


CASE_BODY = {
    "context": "A primary school of medium size; the share of pupils eligible for free school "
               "meals is above average.",
    "group_id": "3", "group_name": "Maximise progress",
    "barriers": ["tracking-inconsistent"],
    "barrier_narrative": "Each class tracked progress in its own way.",
    "what_needed_to_change": "One picture of progress that every teacher trusted.",
    "actions": [{"text": "One tracking format for every class, checked each half-term.",
                 "standards": ["CE2.A"]}],
    "impact": {"measures": [{"measure": "Pupils on track in mathematics",
                             "before": "about two thirds", "after": "about four in five"}],
               "narrative": "Extra help now starts weeks earlier."},
    "offer": "Our tracking format and the agenda of our progress meetings.",
    "offer_standards": ["CE2.A"], "standards": ["CE2.A"],
    "end_group_id": "", "end_group_name": "", "barrier_solutions": [], "timeline": [],
    "support": [], "next_steps": "", "risks": "",
}


LESSON_BODY = {
    "team": {"member_ids": [], "partner_ids": [], "partners": ""},
    "coach": {"user_id": 0, "where": ""}, "subject": "Mathematics",
    "year_group": "Year 5", "class_size_band": "20 to 29",
    "focus": "Reasoning about fractions",
    "question": "Do bar models help pupils compare fractions?",
    "technique": "Pupils draw bars of equal length before comparing.",
    "pupils": [{"label": "Pupil A", "stands_for": "working below expectations",
                "baseline": "Compares unit fractions only.",
                "impact": "The group compares fractions with bars."},
               {"label": "Pupil B", "stands_for": "working above expectations",
                "baseline": "Compares by rule, without reasons.", "impact": ""}],
    "lessons": [{"date": "2024-10-03", "objective": "Compare two fractions",
                 "taught_by": [], "observed_by": [],
                 "criteria": ["Compares with bars", "Compares and explains"],
                 "stages": [{"name": "Drawing the bars",
                             "responses": [{"predicted": "Unequal bars", "observed": "Equal"},
                                           {"predicted": "Accurate", "observed": "Accurate"}]}],
                 "interviews": ["The bars help me see it.", "I use them to check."],
                 "discussion": {"progress": ["Compares reliably.", "Reasons without bars."],
                                "changes": "Give out rulers from the start."}}],
    "outcomes": "Bar models gave a reliable method.", "practice_changes": "Used all unit.",
    "sharing": "Staff meeting.", "related_case_studies": [],
    "barriers": ["low-maths"], "standards": ["CE5.B"],
}


def case_body(**changes) -> dict:
    """A small valid case-study body; keyword arguments replace sections."""
    return {**copy.deepcopy(CASE_BODY), **changes}


def lesson_body(member_ids=(), **changes) -> dict:
    """A small valid lesson-study body for the team `member_ids`."""
    body = {**copy.deepcopy(LESSON_BODY), **changes}
    body["team"]["member_ids"] = list(member_ids)
    return body


def data(title: str, body: dict, audience="network", attributed=False, coauthor_ids=()) -> dict:
    """What records.create and records.update take."""
    return {"title": title, "body": body, "barriers": body["barriers"],
            "standards": body["standards"], "coauthor_ids": list(coauthor_ids),
            "audience": audience, "attributed": attributed}


def cluster_of(name: str, urns) -> Cluster:
    cluster = Cluster(name=name, region="", description=name)
    db.session.add(cluster)
    for urn in urns:
        db.session.add(School(urn=urn, name=db.session.get(RegisterSchool, urn).name,
                              cluster=cluster))
    db.session.commit()
    return cluster


def build_world(make_user) -> SimpleNamespace:
    """Cluster A: the authors' school (head, a leading teacher who writes, a leading teacher
    who co-writes) and a neighbouring school; cluster B: a reader, their head, a third person."""
    a = cluster_of("Alpha Learning Partnership", CLUSTER_A)
    b = cluster_of("Beta Learning Partnership", CLUSTER_B)
    home, neighbour = a.schools[0], a.schools[1]
    far, far_other = b.schools[0], b.schools[1]
    return SimpleNamespace(
        a=a, b=b, school=home, entry=home.register_entry,
        head=make_user(home, "headteacher", coordinator=True, name="Helen Ashworth"),
        author=make_user(home, "leading_teacher", name="Amelia Hartley"),
        coauthor=make_user(home, "leading_teacher", name="Owen Prichard"),
        neighbour=make_user(neighbour, "member", name="Nadia Quereshi"),
        neighbour_head=make_user(neighbour, "headteacher", name="Priya Raman"),
        reader=make_user(far, "member", name="Tomasz Wilczek"),
        reader_head=make_user(far, "headteacher", coordinator=True, name="Grace Okonkwo"),
        third=make_user(far_other, "member", name="Ruth Abernethy"),
    )


WORKED = {
    "title": "From a divided staff to shared responsibility for every pupil",
    "context": "A large two-form-entry primary near a city centre. Most pupils come from "
               "well-off homes and start school at about the expected level, yet results at "
               "the end of Key Stage 2 were well below average.",
    "group_id": "1",
    "barriers": ["middle-leaders-passive", "low-morale", "teaching-inconsistent",
                 "tracking-inconsistent", "sen-unfocused", "behaviour"],
    "barrier_narrative": "Many staff held management posts without being expected to lead, "
                         "and the staff room had split into camps.",
    "what_needed_to_change": "Leaders had to own the progress of every pupil, and teaching "
                             "had to become consistently good.",
    "actions-0-text": "Spent a year in a structured improvement programme.",
    "actions-0-standards": ["CE1.A", "CE3.A"],
    "actions-1-text": "Rebuilt the leadership team so that each post carried real "
                      "responsibility.",
    "actions-1-standards": ["CE6.E"],
    "actions-2-text": "A standards team looks at class and pupil data every half-term; special "
                      "needs support is reviewed each term.",
    "actions-2-standards": ["CE2.A", "CE2.D", "CE6.D"],
    "actions-3-text": "Trained teaching assistants, brought in a new behaviour plan and two "
                      "learning mentors.",
    "actions-3-standards": ["CE4.A"],
    "measures-0-measure": "Pupils at the expected level in English and mathematics",
    "measures-0-before": "58%",
    "measures-0-after": "79%",
    "measures-1-measure": "Value added",
    "measures-1-before": "98.6",
    "measures-1-after": "101.1",
    "measures-2-measure": "FSM gap (percentage points)",
    "measures-2-before": "21",
    "measures-2-after": "9",
    "impact_narrative": "Attainment is now above the national average at both key stages.",
    "offer": "Our deputy head coaches other schools as a leading literacy teacher.",
    "offer_standards": ["CE2.D", "CE4.D"],
    "audience": "network",
}


# The worked example written in steps: each step's form, then ten actions one at a time.
CASE_STEPS = {
    "groups": {
        "timeline-0-year": "2019", "timeline-0-month": "09",
        "timeline-0-what": "A new headteacher shared the results honestly with every teacher.",
        "timeline-1-year": "2020", "timeline-1-month": "",
        "timeline-1-what": "A year in an improvement programme.",
        "timeline-2-year": "2022", "timeline-2-month": "07",
        "timeline-2-what": "Results above the national average at both key stages.",
        "timeline-3-year": "2024", "timeline-3-month": "04",
        "timeline-3-what": "Our deputy head began coaching teachers in other schools.",
        "group_id": "1", "end_group_id": "5"},
    "barriers": {"barrier_narrative": WORKED["barrier_narrative"]},  # plus the solutions
    "actions": {"what_needed_to_change": WORKED["what_needed_to_change"]},
    "support": {"support-0-kind": "programme",
                "support-0-details": "A year in an improvement programme.",
                "support-1-kind": "local_authority",
                "support-1-details": "The local authority's literacy consultant ran training.",
                "support-2-kind": "partner",
                "support-2-details": "Joint training days for teaching assistants."},
    "impact": {k: v for k, v in WORKED.items() if k.startswith("measures-")}
    | {"impact_narrative": WORKED["impact_narrative"]},
    "next-steps": {"next_steps": "Share the leadership of mathematics with a second teacher.",
                   "risks": "High pupil mobility will test our capacity.",
                   "offer": WORKED["offer"], "offer_standards": WORKED["offer_standards"]},
    "publication": {"audience": "cluster"},
}
CASE_ACTIONS = [
    ("A year in a structured improvement programme.", ["CE1.A", "CE3.A"]),
    ("Rebuilt the leadership team with real areas to lead.", ["CE6.E"]),
    ("A standards team reviews class and pupil data every half-term.", ["CE2.A", "CE2.D"]),
    ("Pupil progress meetings with every class teacher each term.", ["CE6.D"]),
    ("Support for pupils with special educational needs reviewed each term.", ["CE2.E"]),
    ("Teaching assistants trained to run short catch-up sessions.", ["CE4.A"]),
    ("Every teacher answers for the progress of every pupil in the class.", ["CE6.C"]),
    ("A behaviour plan that every adult applies the same way.", ["CE5.A"]),
    ("Two learning mentors for pupils whose behaviour held them back.", ["CE5.B"]),
    ("Every training session linked to a priority in the plan.", ["CE4.B"]),
]


def version_on(page: str) -> str:
    """The version a step's form was read at."""
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def post_step(client, path: str, data: dict):
    """Post a step's form as its page would, with the CSRF token and version it carries."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    sent = {"csrf_token": token.group(1) if token else "", **data}
    found = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    if found and "version" not in data:
        sent["version"] = found.group(1)
    return client.post(path, data={k: v for k, v in sent.items() if v is not None})


def write_case_study(client, partner_id: int | None = None, solutions: bool = True,
                     **steps) -> int:
    """Write the worked example through every step as a person would and return its id;
    `partner_id` names the partner school of support 3; keyword arguments (a step's name
    with "_" for "-") replace a step's fields."""
    answer = post_step(client, "/case-studies/new", {"title": WORKED["title"],
                                                     "context": WORKED["context"]})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    record_id = int(answer.headers["Location"].rstrip("/").split("/")[-2])
    base = f"/case-studies/{record_id}/steps"
    page = client.get(f"{base}/barriers").get_data(as_text=True)
    slugs = re.findall(r'name="barriers" type="checkbox" value="([^"]+)"', page)
    barriers = {"barriers": WORKED["barriers"], **{
        f"solution_{slugs.index(slug)}": f"What solved {slug}: a plan everyone kept to."
        for slug in WORKED["barriers"] if solutions}}
    for text, standards in CASE_ACTIONS:
        assert post_step(client, f"{base}/actions/new", {
            "text": text, "standards": standards}).status_code == 302
    for step, data in CASE_STEPS.items():
        data = {**data, **(barriers if step == "barriers" else {})}
        if step == "support" and partner_id:
            data["support-2-school_id"] = str(partner_id)
        data.update(steps.get(step.replace("-", "_"), {}))
        answer = post_step(client, f"{base}/{step}", data)
        assert answer.status_code == 302, (step, answer.get_data(as_text=True)[:3000])
    return record_id


def day(days_ago: int) -> list[str]:
    when = date.today() - timedelta(days=days_ago)
    return [str(when.day), str(when.month), str(when.year)]


def lesson_form(**overrides) -> dict:
    """A complete post of a lesson study's first step (team, coach and focus), which is what
    /lesson-studies/new takes."""
    data = {
        "version": "", "title": "Talk for writing in Year 4", "partners": "", "coach": "",
        "subject": "English (writing)", "year_group": "Year 4", "class_size_band": "20 to 29",
        "focus": "Writing across the school is our first priority.",
        "question": "Does talk for writing help pupils working below expectations to "
                    "structure a paragraph?",
        "technique": "Talk for writing, with a shared story map",
    }
    data.update(overrides)
    return data


def pupils_form(version, **overrides) -> dict:
    """A post of the case-pupils step: two case pupils with baselines, the third slot empty."""
    data = {"version": str(version),
            "pupils-0-pseudonym": "Pupil A",
            "pupils-0-stands_for": "working below age-related expectations",
            "pupils-0-baseline": "Writes one sentence without an order.",
            "pupils-1-pseudonym": "Pupil B", "pupils-1-stands_for": "working at expectations",
            "pupils-1-baseline": "Writes in order without a closing sentence.",
            "pupils-2-pseudonym": "", "pupils-2-stands_for": "", "pupils-2-baseline": ""}
    data.update(overrides)
    return data


def lesson_step_form(version, n: int, taught=(), observed=(), **overrides) -> dict:
    """A post of research lesson `n` (1 to 3) for two case pupils: three stages, its own
    interviews and post-lesson discussion."""
    data = {"version": str(version), "date": day(60 - 20 * (n - 1)),
            "objective": f"To order events in a paragraph (lesson {n})",
            "taught_by": [str(i) for i in taught], "observed_by": [str(i) for i in observed],
            "changes": f"What changes after lesson {n}"}
    for p in range(3):
        data[f"criteria-{p}-text"] = f"Criterion {n}.{p}" if p < 2 else ""
        data[f"interviews-{p}-text"] = f"Pupil {'AB'[p]} said lesson {n} helped" if p < 2 else ""
        data[f"progress-{p}-text"] = f"Progress of pupil {p + 1} in lesson {n}" if p < 2 else ""
    for s in range(4):
        data[f"stages-{s}-stage"] = f"Stage {s + 1} of lesson {n}" if s < 3 else ""
        for p in range(3):
            filled = s < 3 and p < 2
            data[f"stages-{s}-responses-{p}-predicted"] = \
                f"Predicted L{n}S{s + 1}P{p + 1}" if filled else ""
            data[f"stages-{s}-responses-{p}-observed"] = \
                f"Observed L{n}S{s + 1}P{p + 1}" if filled else ""
    data.update(overrides)
    return data


def outcomes_form(version, **overrides) -> dict:
    """A post of the outcomes step for two case pupils."""
    data = {"version": str(version),
            "impacts-0-text": "Pupils working below now write an ordered paragraph.",
            "impacts-1-text": "Pupils working at expectations add a closing sentence.",
            "impacts-2-text": "",
            "outcomes": "Both case pupils wrote a structured paragraph by lesson 3.",
            "practice_changes": "Story maps in every Year 3 and Year 4 class."}
    data.update(overrides)
    return data


def sharing_form(version, **overrides) -> dict:
    """A post of the sharing step."""
    data = {"version": str(version),
            "sharing": "A staff meeting, then a workshop with our partner schools.",
            "audience": "cluster", "standards": ["CE5.C", "CE2.E"]}
    data.update(overrides)
    return data


def register_entries(phase: str, count: int) -> list[RegisterSchool]:
    claimed = select(School.urn)
    return list(db.session.scalars(
        select(RegisterSchool).where(RegisterSchool.status.like("Open%"),
                                     RegisterSchool.phase == phase,
                                     RegisterSchool.urn.not_in(claimed))
        .order_by(RegisterSchool.urn).limit(count)))


def planted_school(cluster, entry, visibility="network", open_=True, capacity=2):
    school = School(urn=entry.urn, name=entry.name, cluster=cluster)
    db.session.add(school)
    db.session.flush()
    db.session.add(SchoolProfile(school_id=school.id, visibility=visibility,
                                 open_to_partnering=open_, capacity=capacity, barrier_notes=""))
    return school


def strong_school(make_evaluation, school, standards, overcome=(), left_group=None):
    make_evaluation(school, ratings={s: 1 for s in standards}, status="final")
    db.session.add_all([OfferOptIn(school_id=school.id, standard_id=s) for s in standards])
    for slug in overcome:
        db.session.add(SchoolBarrier(school_id=school.id, barrier_slug=slug,
                                     since=date(2021, 9, 1), overcome_on=date(2023, 7, 1)))
    if left_group:
        db.session.add_all([
            GroupMembership(school_id=school.id, group_id=left_group,
                            started_on=date(2020, 9, 1), ended_on=date(2023, 9, 1)),
            GroupMembership(school_id=school.id, group_id=5, started_on=date(2023, 9, 1))])
    db.session.commit()


def write(world, title="Progress meetings that work", body=None, kind="case_study", **options):
    """A draft by the world's author with the leading teacher as co-author."""
    body = body or (case_body() if kind == "case_study" else lesson_body())
    options.setdefault("coauthor_ids", [world.coauthor.id])
    return records.create(world.author, kind, data(title, body, **options))


def revise(world, record, title, body, actor=None, version=None, **options) -> Record:
    """Save a new working copy (by the author unless `actor`), keeping the co-author."""
    return records.update(actor or world.author, record.id,
                          fresh(record).version if version is None else version,
                          data(title, body, coauthor_ids=[world.coauthor.id], **options))


def publish(world, record, audience="network") -> Record:
    """Submit and publish through the services (the gate must be clear)."""
    records.submit(world.author, record.id)
    return records.publish(world.head, record.id, record.version, audience)


def fresh(record: Record) -> Record:
    db.session.expire_all()
    return db.session.get(Record, record.id)


# --- The planted matching network -------------------------------------------------------

def plant_network(make_user, make_evaluation) -> SimpleNamespace:
    """A seeker weak in CE2.A (4) and CE2.D (3) facing untracked progress in Raise attainment;
    the right partner in another cluster, and decoys."""
    primary, secondary = register_entries("Primary", 6), register_entries("Secondary", 1)
    home, away, other = (Cluster(name=n, region="North West", description=n)
                         for n in ("Home Partnership", "Away Partnership", "Other Federation"))
    db.session.add_all([home, away, other])
    seeker = planted_school(home, primary[0], visibility="cluster")
    right = planted_school(away, primary[1])
    elsewhere = planted_school(away, primary[2])
    other_phase = planted_school(away, secondary[0])
    same_head = planted_school(home, primary[3], visibility="cluster")
    closed = planted_school(home, primary[4], open_=False, capacity=0)
    hidden = planted_school(other, primary[5], visibility="cluster")
    db.session.commit()
    make_evaluation(seeker, ratings={"CE2.A": 4, "CE2.D": 3}, status="final")
    db.session.add_all([
        GroupMembership(school_id=seeker.id, group_id=1, started_on=date(2022, 9, 1)),
        SchoolBarrier(school_id=seeker.id, barrier_slug="tracking-inconsistent",
                      since=date(2022, 9, 1))])
    target = ("CE2.A", "CE2.D")
    strong_school(make_evaluation, right, target, ["tracking-inconsistent"], left_group=1)
    strong_school(make_evaluation, elsewhere, ("CE1.A", "CE5.B"), left_group=1)
    strong_school(make_evaluation, other_phase, target, ["tracking-inconsistent"], left_group=1)
    strong_school(make_evaluation, same_head, target, ["tracking-inconsistent"], left_group=1)
    strong_school(make_evaluation, closed, target, ["tracking-inconsistent"], left_group=1)
    strong_school(make_evaluation, hidden, target, ["tracking-inconsistent"], left_group=1)
    people = {
        "head": make_user(seeker, "headteacher", name="Pat Morgan"),
        "senior": make_user(seeker, "senior_leader"),
        "member": make_user(seeker, "member"),
        "twin_head": make_user(same_head, "headteacher", name="pat  morgan"),
        "away_head": make_user(right, "headteacher"),
    }
    return SimpleNamespace(seeker=seeker, right=right, elsewhere=elsewhere,
                           other_phase=other_phase, same_head=same_head, closed=closed,
                           hidden=hidden, **people)


# --- Need-first matching (tests/web/test_matching_need_first.py) ------------------------------

def _unclaimed(phase: str) -> list:
    """Open register schools of a phase that no cluster has claimed, by URN (the columns
    the need-first network picks them by)."""
    r = RegisterSchool
    return list(db.session.execute(
        select(r.urn, r.name, r.la_name, r.region, r.postcode, r.ofsted_rating)
        .where(r.status.like("Open%"), r.phase == phase, r.urn.not_in(select(School.urn)))
        .order_by(r.urn)))


def _local_authority_for_need_first() -> tuple[dict[str, list], list]:
    """A local authority with four unclaimed primaries graded good or better, one graded
    below good and two secondaries graded good or better; and primaries graded good in
    other regions."""
    primaries, secondaries = _unclaimed("Primary"), _unclaimed("Secondary")
    good, below = ("Good", "Outstanding"), ("Requires Improvement", "Inadequate")
    by_la: dict[str, dict[str, list]] = {}
    for entries, kinds in ((primaries, (("good", good), ("below", below))),
                           (secondaries, (("secondary", good),))):
        for e in entries:
            for kind, grades in kinds:
                if e.la_name and e.ofsted_rating in grades:
                    by_la.setdefault(e.la_name, {"good": [], "below": [], "secondary": []}
                                     )[kind].append(e)
    for la in sorted(by_la):
        here = by_la[la]
        if len(here["good"]) >= 4 and here["below"] and len(here["secondary"]) >= 2:
            region = here["good"][0].region
            far = [e for e in primaries if e.region != region and e.ofsted_rating == "Good"
                   and e.postcode and e.postcode[:2] != here["good"][0].postcode[:2]]
            return here, far
    raise LookupError("the register has no local authority to plant need-first matching in")


def plant_need_first(make_user, make_evaluation) -> SimpleNamespace:
    """Seekers whose right partner is known. A primary seeker in Maximise progress rating
    CE2.A and CE2.B 4 and CE3.A 3; in its local authority: `right` (good, offers both 4s),
    `one_four` (offers CE2.A only, but has every signal: LLE head, a track record, a barrier
    overcome with its history, a move to Good to great), `context_only` (no standard, only a
    move and context), `below` (graded below good, offers both 4s) and `secondary` (offers
    both 4s); `far` offers both 4s in another region. A secondary seeker (`seeker_2`, rating
    CE4.A 4) in the same authority, with `secondary` its only same-phase partner and `right`
    (a primary) also strong in CE4.A."""
    from models import Partnership

    here, far_entries = _local_authority_for_need_first()
    cluster = Cluster(name="Need First Partnership", region=here["good"][0].region or "London",
                      description="Need first")
    away = Cluster(name="Far Away Partnership", region=far_entries[0].region or "North East",
                   description="Far away")
    db.session.add_all([cluster, away])
    seeker, right, one_four, context_only = (planted_school(cluster, e)
                                             for e in here["good"][:4])
    below = planted_school(cluster, here["below"][0])
    secondary, seeker_2 = (planted_school(cluster, e) for e in here["secondary"][:2])
    far = planted_school(away, far_entries[0])
    db.session.commit()
    make_evaluation(seeker, ratings={"CE2.A": 4, "CE2.B": 4, "CE3.A": 3}, status="final")
    make_evaluation(seeker_2, ratings={"CE4.A": 4}, status="final")
    db.session.add_all([
        GroupMembership(school_id=seeker.id, group_id=3, started_on=date(2022, 9, 1)),
        SchoolBarrier(school_id=seeker.id, barrier_slug="low-maths", since=date(2022, 9, 1))])
    both = ("CE2.A", "CE2.B")
    strong_school(make_evaluation, right, (*both, "CE4.A"))
    strong_school(make_evaluation, far, both)
    strong_school(make_evaluation, below, both)
    strong_school(make_evaluation, secondary, (*both, "CE4.A"))
    strong_school(make_evaluation, one_four, ("CE2.A",), ["low-maths"])
    recent = date.today().replace(day=1) - timedelta(days=400)
    for school in (one_four, context_only):
        db.session.add_all([
            GroupMembership(school_id=school.id, group_id=3, started_on=date(2019, 9, 1),
                            ended_on=recent),
            GroupMembership(school_id=school.id, group_id=5, started_on=recent)])
    people = {"head": make_user(seeker, "headteacher"),
              "head_2": make_user(seeker_2, "headteacher"),
              "lle_head": make_user(one_four, "headteacher", lle=True),
              "context_head": make_user(context_only, "headteacher", lle=True)}
    db.session.add(Partnership(
        broker_id=people["lle_head"].id, supported_school_id=far.id,
        supporting_school_id=one_four.id, status="closed", focus_standards=["CE2.A"],
        review={"summary": "Better", "schools": {"supported": {"rows": [
            {"standard": "CE2.A", "before": 4, "after": 2, "change": 2}]}}}))
    db.session.commit()
    return SimpleNamespace(seeker=seeker, right=right, one_four=one_four,
                           context_only=context_only, below=below, secondary=secondary,
                           seeker_2=seeker_2, far=far, left_on=recent, **people)
