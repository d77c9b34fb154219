"""Demo brokering for each demo cluster: one consistent story of school-to-school support.

In a cluster of four or more schools, the three schools with most needs ask for support:
- the first asked the coordinators, who proposed a partner with a draft support agreement:
  both heads still to decide;
- the second asked the coordinators, who deployed the school of the cluster's Local Leader of
  Education when matching offers it (else the best match): the agreement is signed, the first
  milestone is met with both schools' evidence, the second is on track, pupils' outcomes are
  recorded at the start and since, and a governor and the local authority's adviser follow it;
- the third asked the LLE last term, and that partnership is closed: both heads agreed the
  impact review after both schools' final self-evaluations, and the outcomes moved.
Every date follows from the schools' evaluation terms and today, in order: asked, proposed,
signed and started, milestones and notes, then closing. The focus is what the supported school
rates 3 or 4 and the supporting school offers; activities, milestones, success criteria and
outcome measures come from network/demo/support_story.py for that focus.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from models import (
    Agreement,
    Cluster,
    InboxMessage,
    Milestone,
    MilestoneNote,
    OutcomeMeasure,
    OutcomeValue,
    OversightGrant,
    Partnership,
    School,
    SupportRequest,
    User,
)
from network.demo.support_story import work_for
from network.domain import terms
from network.extensions import db

STAGES = ("proposed", "active", "closed")
HOPES = ("We want every teacher to track pupils' progress the same way, and leaders to act on "
         "it quickly.")
EXIT = ("Support ends on the end date, or sooner when both focus standards are rated 2 or "
        "better in a final self-evaluation and the success criteria are met.")
SUMMARY = ("Both schools met the success criteria. Tracking is consistent across the school, "
           "leaders meet half-termly to act on what it shows, and the outcome measures rose.")
ON_TRACK = "Visits are booked for the rest of the term; the first review is in the diary."
DAY_RATE = 450  # pounds a day of a supporting school's leader's time


def add_cluster_brokering(cluster: Cluster, schools: list[School], users: list[User],
                          rng: random.Random, out: dict) -> None:
    """Add the demo requests and partnerships of one cluster; list them in `out`."""
    out["partnerships"] = []
    if len(schools) < 4:
        return
    story = _Story(cluster, users, rng, out)
    seekers = sorted(schools, key=lambda s: (-_need_count(s), s.urn))
    for stage, seeker in zip(STAGES, seekers, strict=False):
        story.tell(stage, seeker)
    db.session.flush()


def _success(focus: list[str]) -> dict[str, str]:
    """A success criterion per focus standard: the element's own for its first standard, and
    a rating with evidence for any other standard of the same element."""
    out, seen = {}, set()
    for sid in focus:
        out[sid] = (work_for([sid])[0].success if sid[:3] not in seen else
                    "The school rates this standard 2 or better in a final self-evaluation, "
                    "with the evidence to show it.")
        seen.add(sid[:3])
    return out


def _need_count(school: School) -> int:
    from network.services.evaluations import latest

    final = latest(school.id, final=True)
    return sum(1 for r in final.ratings.values() if (r.rating or 0) >= 3) if final else 0


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


class _Story:
    """One cluster's partnerships, told in date order."""

    def __init__(self, cluster: Cluster, users: list[User], rng: random.Random, out: dict):
        self.cluster, self.users, self.rng, self.out = cluster, users, rng, out
        self.heads = {u.school_id: u for u in users if u.school_role == "headteacher"}
        self.seniors = {u.school_id: u for u in users if u.school_role == "senior_leader"}
        self.coordinator = next(u for u in users if u.is_coordinator)
        self.lle = next((u for u in users if u.is_lle), self.coordinator)
        self.taken: set[int] = set()
        self.now = datetime.now(UTC)
        past = terms.recent_terms(3)
        # When the last two terms' self-evaluations were finalised (network/demo/toolkit.py).
        self.finalised = [terms.term_end(*past[k]) - timedelta(days=10) for k in (0, 1, 2)]

    def tell(self, stage: str, seeker: School) -> None:
        """Ask, propose and (for later stages) run a partnership for `seeker`."""
        from network.services.matching import ranked
        from network.services.pool import platform

        broker = self.lle if stage == "closed" else self.coordinator
        found = ranked(seeker, 10, {})
        if found.evaluation is None:
            return
        net = platform()
        usable = [m for m in found.matches
                  if m.school_id not in self.taken | {broker.school_id}
                  and db.session.get(School, m.school_id).cluster_id == self.cluster.id]
        deployed = [m for m in usable if m.school_id == self.lle.school_id]
        partner = (deployed or usable or [None])[0] if stage == "active" else \
            next((m for m in usable if m.school_id != self.lle.school_id), None)
        if partner is None:
            return
        self.taken |= {seeker.id, partner.school_id}
        needs = {sid: r.rating for sid, r in found.evaluation.ratings.items()
                 if (r.rating or 0) >= 3}
        offers = net.candidate(partner.school_id).offers if net.candidate(
            partner.school_id) else frozenset()
        focus = sorted(needs.keys() & offers, key=lambda s: (-needs[s], s))[:3] or \
            sorted(needs, key=lambda s: (-needs[s], s))[:2]
        asked_on = {"proposed": self.now - timedelta(days=20),
                    "active": self.now - timedelta(days=90),
                    "closed": _at(self.finalised[2] + timedelta(days=5))}[stage]
        asked = SupportRequest(
            school_id=seeker.id, cluster_id=self.cluster.id,
            requester_id=self.heads[seeker.id].id,
            broker_id=None if broker is self.coordinator else broker.id, standards=focus,
            barriers=sorted(found.seeker.barriers)[:2], hopes=HOPES, status="proposed",
            created_at=asked_on)
        db.session.add(asked)
        db.session.flush()
        partnership = Partnership(
            request_id=asked.id, broker_id=broker.id, supported_school_id=seeker.id,
            supporting_school_id=partner.school_id, focus_standards=focus,
            focus_barriers=asked.barriers, status="proposed",
            activities="\n\n".join(w.activity for w in work_for(focus)),
            created_at=asked_on + timedelta(days=3))
        db.session.add(partnership)
        db.session.flush()
        started = asked_on + timedelta(days=13)
        ends = (terms.term_end(*terms.current_term(self.finalised[1]))
                if stage == "closed" else date(started.year + 1, 7, 31))
        agreement = self._agreement(partnership, broker, started.date(), ends)
        if stage == "proposed":
            self._ask_heads(partnership)
        else:
            self._sign(partnership, agreement, started)
            self._milestones(partnership, stage)
            self._outcomes(partnership, stage)
            if stage == "closed":
                self._close(partnership)
            else:
                self._overseers(partnership)
        self.out["partnerships"].append({
            "supported": seeker.urn, "supporting": partnership.supporting.urn
            if partnership.supporting else db.session.get(School, partner.school_id).urn,
            "status": partnership.status, "broker": broker.email, "focus": focus})

    def _agreement(self, partnership: Partnership, broker: User, starts: date,
                   ends: date) -> Agreement:
        days = self.rng.randint(3, 6)
        people = {}
        for side in ("supported", "supporting"):
            sid = getattr(partnership, f"{side}_school_id")
            people[side] = [{"name": p.name, "role": role} for p, role in (
                (self.heads.get(sid), "headteacher"),
                (self.seniors.get(sid), "deputy headteacher")) if p is not None]
        agreement = Agreement(
            partnership=partnership, number=1, supported_people=people["supported"],
            supporting_people=people["supporting"], days_per_term=days,
            cost_pounds=days * DAY_RATE, funded_by=self.rng.choice(("local_authority",
                                                                    "supported")),
            starts_on=starts, ends_on=ends, exit_criteria=EXIT,
            success_criteria=_success(partnership.focus_standards),
            drafted_by_id=broker.id, created_at=partnership.created_at)
        db.session.add(agreement)
        return agreement

    def _names(self, partnership: Partnership) -> str:
        return (f"{db.session.get(School, partnership.supported_school_id).name} and "
                f"{db.session.get(School, partnership.supporting_school_id).name}")

    def _ask_heads(self, partnership: Partnership) -> None:
        for sid in (partnership.supported_school_id, partnership.supporting_school_id):
            head = self.heads.get(sid)
            if head is not None:
                db.session.add(InboxMessage(
                    user_id=head.id, created_at=partnership.created_at,
                    subject=f"{self._names(partnership)}: a partnership is proposed: please "
                            "read the support agreement and accept or decline",
                    link=f"/partnerships/{partnership.id}"))

    def _sign(self, partnership: Partnership, agreement: Agreement, when: datetime) -> None:
        """Both heads accept, signing the agreement; the partnership starts."""
        for side in ("supported", "supporting"):
            head = self.heads.get(getattr(partnership, f"{side}_school_id"))
            setattr(partnership, f"{side}_decision", "accepted")
            setattr(partnership, f"{side}_decided_by_id", head.id if head else None)
            setattr(agreement, f"{side}_signed_by_id", head.id if head else None)
            setattr(agreement, f"{side}_signed_at", when - timedelta(days=1))
        partnership.status = "active"
        partnership.started_at = when

    def _milestones(self, partnership: Partnership, stage: str) -> None:
        """The first milestone met by both schools with evidence; the second met too (closed)
        or on track (active), each note written before the day it was due."""
        work = work_for(partnership.focus_standards)
        started = partnership.started_at.date()
        if stage == "closed":
            dues = (started + timedelta(days=45), self.finalised[1] - timedelta(days=4))
        else:
            dues = (started + timedelta(days=40), terms.term_end(*terms.current_term()))
        titles = (work[0].milestone, work[1].milestone if len(work) > 1 else
                  "Progress checked against the success criteria")
        for number, (due, title) in enumerate(zip(dues, titles, strict=True)):
            met = number == 0 or stage == "closed"
            status = "done" if met else "on_track"
            milestone = Milestone(partnership=partnership, title=title, due_on=due,
                                  success_criteria=(work[min(number, len(work) - 1)].success),
                                  supported_status=status, supporting_status=status,
                                  status=status, created_at=partnership.started_at)
            db.session.add(milestone)
            written = _at(due - timedelta(days=3)) if met else self.now - timedelta(days=5)
            for sid in (partnership.supported_school_id, partnership.supporting_school_id):
                head = self.heads.get(sid)
                if head is None:
                    continue
                milestone.notes.append(MilestoneNote(
                    author_id=head.id, school_id=sid, status=status,
                    body="" if met else ON_TRACK,
                    evidence=work[min(number, len(work) - 1)].evidence if met else "",
                    created_at=written))

    def _outcomes(self, partnership: Partnership, stage: str) -> None:
        """The supported school's measure for each focus element: a baseline before the start
        and a value since (the final one for a closed partnership)."""
        head = self.heads.get(partnership.supported_school_id) or self.coordinator
        started = partnership.started_at.date()
        for work in work_for(partnership.focus_standards)[:2]:
            measure = OutcomeMeasure(
                partnership_id=partnership.id, school_id=partnership.supported_school_id,
                name=work.measure, unit=work.unit, created_by_id=head.id,
                standard_id=next(s for s in partnership.focus_standards
                                 if s.startswith(work_element(work))),
                created_at=partnership.started_at)
            db.session.add(measure)
            later = (self.finalised[1] - timedelta(days=12) if stage == "closed"
                     else (self.now - timedelta(days=10)).date())
            for on, value in ((started - timedelta(days=20), work.baseline),
                              (later, work.final if stage == "closed" else work.midway)):
                db.session.add(OutcomeValue(measure=measure, measured_on=on, value=value,
                                            recorded_by_id=head.id,
                                            created_at=_at(max(on, started))))

    def _close(self, partnership: Partnership) -> None:
        """Both heads agreed the impact review after both schools' final evaluations."""
        from network.services.partnerships import impact

        db.session.flush()
        heads = {side: self.heads.get(getattr(partnership, f"{side}_school_id"))
                 for side in ("supported", "supporting")}
        agreed = {side: head.id for side, head in heads.items() if head is not None}
        partnership.closing = {"summary": SUMMARY, "started_by": agreed.get("supported"),
                               "agreed": agreed, "reasons": {}}
        partnership.review = {"summary": SUMMARY, "schools": impact(partnership),
                              "reason": "", "agreed": agreed}
        partnership.reviewed_by_id = agreed.get("supported")
        partnership.status = "closed"
        partnership.closed_at = _at(self.finalised[1] + timedelta(days=3))

    def _overseers(self, partnership: Partnership) -> None:
        """A governor of the supported school and the local authority's adviser follow it."""
        head = self.heads.get(partnership.supported_school_id)
        if head is None:
            return
        from network.demo import DOMAIN, FIRST, LAST

        school = db.session.get(School, partnership.supported_school_id)
        for role, prefix in (("governor", "governor"), ("la_adviser", "adviser")):
            person = User(email=f"{prefix}.{school.urn}@{DOMAIN}",
                          name=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
                          password_hash=head.password_hash)
            db.session.add(person)
            db.session.flush()
            db.session.add(OversightGrant(
                partnership=partnership, email=person.email, role=role, user_id=person.id,
                school_id=school.id, granted_by_id=head.id,
                created_at=partnership.started_at, accepted_at=partnership.started_at))
            self.out.setdefault("overseers", []).append({"email": person.email, "role": role})


def work_element(work) -> str:
    """The core element a piece of demo work belongs to."""
    from network.demo.support_story import WORK

    return next(code for code, w in WORK.items() if w is work)
