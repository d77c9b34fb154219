"""Support requests: a school's leaders ask their cluster's coordinators, or one Local Leader
of Education, for help with named standards and barriers; brokers see what they were asked."""

from dataclasses import dataclass

from sqlalchemy import or_, select

from models import Barrier, School, Standard, SupportRequest, User
from network import audit
from network.access import can, get_visible_or_404, require
from network.domain.locality import nearness
from network.extensions import db
from network.services import inbox
from network.services.clusters import coordinators
from network.services.errors import Invalid
from network.services.evaluations import latest, public_offers
from network.services.vocabulary import vocabulary

COORDINATORS = "coordinators"


def brokers() -> list[User]:
    """Every active Local Leader of Education on the platform, by name."""
    return list(db.session.scalars(select(User).where(
        User.is_lle.is_(True), User.is_active.is_(True)).order_by(User.name, User.id)))


@dataclass
class LLE:
    """A Local Leader of Education as a school asking for support sees them."""

    user: User
    school: School | None
    phase: str
    local_authority: str
    strengths: list[str]
    near: str

    @property
    def hint(self) -> str:
        """One line: the LLE's school, its phase and local authority, how near it is, and the
        standards it is strong in."""
        if self.school is None:
            return "Not attached to a school on the network"
        parts = [self.school.name, ", ".join(p for p in (self.phase, self.local_authority) if p)]
        if self.near:
            parts.append(self.near[0].upper() + self.near[1:])
        known = vocabulary().standards
        parts.append("Strengths: " + ("; ".join(
            f"{sid} {known[sid].title}" if sid in known else sid for sid in self.strengths)
            or "none shared yet"))
        return ". ".join(p for p in parts if p)


def nearest_brokers(school: School, skip: User | None = None) -> list[LLE]:
    """Every active LLE with their school's name, phase, local authority and strengths (the
    standards it rates 1 in its latest final self-evaluation and shares), nearest first: the
    same local authority, postcode area, region, then the rest; LLEs without a school last."""
    here = school.register_entry
    found = []
    for person in brokers():
        if skip is not None and person.id == skip.id:
            continue
        theirs = person.school
        if theirs is None:
            found.append(((1, 0, person.name, person.id),
                          LLE(person, None, "", "", [], "")))
            continue
        entry = theirs.register_entry
        rank, words = nearness(here.la_name if here else None, here.postcode if here else None,
                               here.region if here else None, entry.la_name if entry else None,
                               entry.postcode if entry else None,
                               entry.region if entry else None)
        found.append(((0, -rank, person.name, person.id), LLE(
            person, theirs, (entry.phase if entry else "") or "",
            (entry.la_name if entry else "") or "", public_offers(theirs.id), words)))
    return [lle for _, lle in sorted(found, key=lambda pair: pair[0])]


def school_for_asking(actor: User, school_id: int) -> School:
    """The school, for its headteacher and senior leaders (404 elsewhere, 403 in-cluster)."""
    school = get_visible_or_404(actor, School, school_id)
    require(actor, "ask_support", school)
    return school


def known_codes(values: list[str], model, field: str, what: str) -> list[str]:
    """The codes without repeats, or Invalid if any is not in the toolkit."""
    values = list(dict.fromkeys(values or []))
    key = model.id if model is Standard else model.slug
    found = set(db.session.scalars(select(key).where(key.in_(values)))) if values else set()
    if set(values) - found:
        raise Invalid(f"Choose {what} from the list", field)
    return values


def hoped_for(school: School, partner_id) -> School | None:
    """The school a request may name as hoped for: one `school` could be matched with (None
    for no id; Invalid for a school it could not be matched with)."""
    from network.services.matching import partner_on_offer

    if partner_id in (None, ""):
        return None
    partner = partner_on_offer(school, int(partner_id)) if str(partner_id).isdigit() \
        and len(str(partner_id)) < 10 else None
    if partner is None:
        raise Invalid("The school you hoped for is not open to your school on the network",
                      "hopes")
    return partner


def met_by(school: School, partner: School, needs: list[str], facing: list[str]
           ) -> tuple[list[str], list[str]]:
    """Of `school`'s needs and the barriers it faces, those `partner` is strong in or has
    overcome, as matching knows them (to pre-fill a request from a match)."""
    from network.services.pool import platform

    theirs = platform().candidate(partner.id)
    if theirs is None:
        return [], []
    return ([s for s in needs if s in theirs.offers],
            [b for b in facing if b in theirs.overcome])


def ask(actor: User, school_id: int, broker: str, standards: list[str], barriers: list[str],
        hopes: str, hoped_school_id: int | None = None) -> SupportRequest:
    """Ask for support; the broker (or every coordinator of the cluster) hears in the inbox.
    `hoped_school_id`: the school the asker found as a match and hopes for; the broker sees
    it among the candidates and still decides."""
    school = school_for_asking(actor, school_id)
    hoped = hoped_for(school, hoped_school_id)
    standards = known_codes(standards, Standard, "standards", "standards")
    barriers = known_codes(barriers, Barrier, "barriers", "barriers")
    if not standards and not barriers:
        raise Invalid("Choose at least one standard or barrier you want support with",
                           "standards")
    broker_id = None
    if broker != COORDINATORS:
        chosen = next((b for b in brokers() if str(b.id) == broker), None)
        if chosen is None:
            raise Invalid("Choose who to ask from the list", "broker")
        broker_id = chosen.id
    request = SupportRequest(school_id=school.id, cluster_id=school.cluster_id,
                             requester_id=actor.id, broker_id=broker_id, standards=standards,
                             barriers=barriers, hopes=hopes.strip(),
                             hoped_school_id=hoped.id if hoped else None)
    db.session.add(request)
    db.session.flush()
    for person in recipients(request):
        inbox.notify(person, f"{school.name} asks for support",
                     "Their needs and candidate partners are on the request page."
                     + (f" They hope for {hoped.name}." if hoped else ""),
                     "brokering.support_request", support_id=request.id)
    audit.record(actor, "support requested", f"support_request:{request.id}",
                 f"to {'coordinators' if broker_id is None else f'user:{broker_id}'}"
                 + (f", hoping for school:{hoped.id}" if hoped else ""))
    db.session.commit()
    return request


def recipients(request: SupportRequest) -> list[User]:
    """Who brokers a request: its LLE, or the coordinators of the school's cluster."""
    if request.broker_id is not None:
        return [db.session.get(User, request.broker_id)]
    return coordinators(request.school.cluster)


def get(actor: User, request_id: int) -> SupportRequest:
    """A request the actor may see (its school's leaders, its brokers), else 404."""
    return get_visible_or_404(actor, SupportRequest, request_id)


def for_school(actor: User, school: School) -> list[SupportRequest]:
    """The school's requests, newest first, for its leaders."""
    return [r for r in db.session.scalars(select(SupportRequest).where(
        SupportRequest.school_id == school.id).order_by(SupportRequest.id.desc()))
        if can(actor, "view", r)]


def for_broker(actor: User) -> list[SupportRequest]:
    """Requests addressed to the actor as an LLE, or to their cluster's coordinators."""
    asked = [SupportRequest.broker_id == actor.id]
    if actor.is_coordinator and actor.cluster_id:
        asked.append((SupportRequest.broker_id.is_(None))
                     & (SupportRequest.cluster_id == actor.cluster_id))
    rows = db.session.scalars(select(SupportRequest).where(or_(*asked)).order_by(
        SupportRequest.status, SupportRequest.id.desc()))
    return [r for r in rows if can(actor, "propose", r) or can(actor, "view", r)]


def withdraw(actor: User, request_id: int) -> SupportRequest:
    """The school no longer wants support through this request."""
    request = get(actor, request_id)
    require(actor, "withdraw", request)
    request.status = "withdrawn"
    audit.record(actor, "support request withdrawn", f"support_request:{request.id}")
    db.session.commit()
    return request


def needs(request: SupportRequest) -> tuple[dict[str, int], str | None]:
    """The school's 3s and 4s from its latest final self-evaluation (the broker was asked, so
    may read them), and that evaluation's term."""
    final = latest(request.school_id, final=True)
    if final is None:
        return {}, None
    return ({sid: r.rating for sid, r in sorted(final.ratings.items())
             if (r.rating or 0) >= 3}, final.label)


@dataclass
class Hoped:
    """The school a request hoped for, and where it stands among the broker's candidates."""

    id: int
    name: str
    where: str


def hoped_standing(request: SupportRequest, matches: list, excluded: list) -> Hoped | None:
    """For the broker: where the school the request hoped for stands among the ranked
    `matches` (its place) or the `excluded` (why it is left out)."""
    hoped = request.hoped_school
    if hoped is None:
        return None
    for place, match in enumerate(matches, start=1):
        if match.school_id == hoped.id:
            return Hoped(hoped.id, hoped.name, f"It is number {place} of the candidates "
                                               "below, marked “Hoped for”.")
    for school_id, _, why in excluded:
        if school_id == hoped.id:
            return Hoped(hoped.id, hoped.name, f"It is left out: {why}.")
    return Hoped(hoped.id, hoped.name, "It is not among the best candidates for what the "
                 "request names now (its strengths, capacity or openness may have changed "
                 "since the school asked).")
