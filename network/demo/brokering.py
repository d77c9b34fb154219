"""Demo brokering for each demo cluster: requests for support and partnerships at each stage.

In a cluster of four or more schools, the three schools with most needs ask for support:
- the first asked the coordinators, who proposed a partner: both heads still to decide;
- the second asked the cluster's LLE; the partnership is active with one milestone done and
  one due at the end of this term;
- the third's partnership ran last year and is closed with its impact review.
Supporting schools are the best match from partner matching, so the demo's reasons hold.
"""

import random
from datetime import UTC, datetime, timedelta

from models import (
    Cluster,
    InboxMessage,
    Milestone,
    MilestoneNote,
    Partnership,
    School,
    SupportRequest,
    User,
)
from network.domain import terms
from network.extensions import db

STAGES = ("proposed", "active", "closed")
ACTIVITIES = ("Half-termly paired visits between subject leaders, joint moderation of books "
              "and a shared tracking meeting each term.")
HOPES = ("We want every teacher to track pupils' progress the same way, and leaders to act on "
         "it quickly.")


def add_cluster_brokering(cluster: Cluster, schools: list[School], users: list[User],
                          rng: random.Random, out: dict) -> None:
    """Add the demo requests and partnerships of one cluster; list them in `out`."""
    from network.services.matching import ranked
    from network.services.partnerships import impact

    out["partnerships"] = []
    if len(schools) < 4:
        return
    heads = {u.school_id: u for u in users if u.school_role == "headteacher"}
    coordinator = next(u for u in users if u.is_coordinator)
    lle = next((u for u in users if u.is_lle), coordinator)
    seekers = sorted(schools, key=lambda s: (-_need_count(s), s.urn))
    taken: set[int] = set()
    now = datetime.now(UTC)
    for stage, seeker in zip(STAGES, seekers, strict=False):
        broker = coordinator if stage == "proposed" else lle
        found = ranked(seeker, 10, {})
        partner = next((m for m in found.matches
                        if m.school_id not in taken | {seeker.id, broker.school_id}
                        and db.session.get(School, m.school_id).cluster_id == cluster.id),
                       None)
        if found.evaluation is None or partner is None:
            continue
        taken |= {seeker.id, partner.school_id}
        needs = [sid for sid, r in sorted(found.evaluation.ratings.items())
                 if (r.rating or 0) >= 3][:3]
        asked = SupportRequest(school_id=seeker.id, cluster_id=cluster.id,
                               requester_id=heads[seeker.id].id,
                               broker_id=None if broker is coordinator else broker.id,
                               standards=needs, barriers=sorted(found.seeker.barriers)[:2],
                               hopes=HOPES, status="proposed",
                               created_at=now - timedelta(days=400 if stage == "closed" else 20))
        db.session.add(asked)
        db.session.flush()
        partnership = Partnership(
            request_id=asked.id, broker_id=broker.id, supported_school_id=seeker.id,
            supporting_school_id=partner.school_id, focus_standards=needs,
            focus_barriers=asked.barriers, activities=ACTIVITIES, status="proposed",
            created_at=asked.created_at + timedelta(days=3))
        db.session.add(partnership)
        db.session.flush()
        if stage == "proposed":
            for head in (heads[seeker.id], heads.get(partner.school_id)):
                if head is not None:
                    db.session.add(InboxMessage(
                        user_id=head.id, subject="A partnership is proposed: please accept "
                        "or decline", link=f"/partnerships/{partnership.id}"))
        else:
            _agree(partnership, heads, asked.created_at + timedelta(days=10))
            _milestones(partnership, heads, stage, rng)
            if stage == "closed":
                db.session.flush()
                partnership.review = {
                    "summary": "Tracking is now consistent across the school; leaders meet "
                               "half-termly to act on what it shows.",
                    "schools": impact(partnership)}
                partnership.reviewed_by_id = broker.id
                partnership.status = "closed"
                partnership.closed_at = partnership.started_at + timedelta(days=300)
        out["partnerships"].append({"supported": seeker.urn,
                                    "supporting": db.session.get(School,
                                                                 partner.school_id).urn,
                                    "status": partnership.status,
                                    "broker": broker.email, "focus": needs})
    db.session.flush()


def _need_count(school: School) -> int:
    from network.services.evaluations import latest

    final = latest(school.id, final=True)
    return sum(1 for r in final.ratings.values() if (r.rating or 0) >= 3) if final else 0


def _agree(partnership: Partnership, heads: dict, when: datetime) -> None:
    for side in ("supported", "supporting"):
        head = heads.get(getattr(partnership, f"{side}_school_id"))
        setattr(partnership, f"{side}_decision", "accepted")
        setattr(partnership, f"{side}_decided_by_id", head.id if head else None)
    partnership.status = "active"
    partnership.started_at = when


def _milestones(partnership: Partnership, heads: dict, stage: str, rng: random.Random) -> None:
    year, term = terms.current_term()
    if stage == "closed":
        year -= 1
    done = Milestone(partnership_id=partnership.id, title="Joint book moderation in maths",
                     due_on=terms.term_end(*terms.recent_terms(2)[1]) if stage == "active"
                     else terms.term_end(year, "autumn"), status="done")
    due = Milestone(partnership_id=partnership.id, title="Shared tracking meeting held",
                    due_on=terms.term_end(year, term), status="done" if stage == "closed"
                    else rng.choice(("planned", "on_track")))
    db.session.add_all([done, due])
    db.session.flush()
    head = heads.get(partnership.supported_school_id)
    if head is not None:
        db.session.add(MilestoneNote(milestone_id=done.id, author_id=head.id,
                                     school_id=head.school_id, status="done",
                                     body="Books from both schools moderated together; "
                                          "our judgements now agree."))
