"""Support agreements: the terms a partnership rests on, in numbered versions.

The broker drafts version 1 with the proposal; each headteacher's acceptance signs it for
their school. While the partnership is active either head or the broker may propose a change:
a new version that comes into force only when both heads have signed it again (the version
signed before stays in force meanwhile).
"""

from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError

from models import FUNDERS, Agreement, Partnership, User
from network import audit
from network.access import require
from network.extensions import db
from network.services import action_mail
from network.services.errors import Conflict, Invalid
from network.services.vocabulary import vocabulary

SIDES = ("supported", "supporting")
LABELS = {
    "supported_people": "People from the supported school",
    "supporting_people": "People from the supporting school",
    "days_per_term": "Days a term from the supporting school",
    "cost": "Cost and who funds it",
    "dates": "Dates",
    "success_criteria": "Success criteria",
    "exit_criteria": "When the support ends",
}


def in_force(partnership: Partnership) -> Agreement | None:
    """The latest version both headteachers have signed, if any."""
    return next((a for a in reversed(partnership.agreements) if a.signed), None)


def awaiting(partnership: Partnership) -> Agreement | None:
    """The newest version, when it still waits for a signature (a proposal's version 1, or a
    proposed change)."""
    newest = partnership.agreements[-1] if partnership.agreements else None
    return newest if newest is not None and not newest.signed else None


def current(partnership: Partnership) -> Agreement | None:
    """The newest version of the agreement, signed or not."""
    return partnership.agreements[-1] if partnership.agreements else None


def parse_people(text: str, field: str, what: str) -> list[dict]:
    """People as "Name, role" lines; at least one, each with a name and a role."""
    people = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, _, role = line.partition(",")
        if not name.strip() or not role.strip():
            raise Invalid(f"Write each person from {what} as a name, a comma and their role",
                          field)
        people.append({"name": name.strip()[:120], "role": role.strip()[:120]})
    if not people:
        raise Invalid(f"Name at least one person from {what}, with their role", field)
    return people


def parse_criteria(text: str) -> dict[str, str]:
    """Success criteria as "CODE: what success looks like" lines (or "CODE name: ...")."""
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        code, sep, words = line.partition(":")
        if not sep or not code.strip() or not words.strip():
            raise Invalid("Write each success criterion as the standard's code (its name may "
                          "follow), a colon and what success looks like, for example “CE2.A "
                          "Tracking steers improvement: every class tracks progress the same "
                          "way”", "success_criteria")
        found[code.split()[0].upper()] = words.strip()  # the code; a name after it is read past
    return found


def clean(data: dict, standards: list[str]) -> dict:
    """The agreement's fields checked: people from each school, whole days and pounds, a known
    funder, an end after the start, one success criterion for each focus standard (and none for
    another), and the exit criteria. Invalid names the field at fault."""
    out = {"supported_people": data.get("supported_people"),
           "supporting_people": data.get("supporting_people")}
    for side in SIDES:
        value = out[f"{side}_people"]
        if isinstance(value, str):
            out[f"{side}_people"] = parse_people(value, f"{side}_people",
                                                 f"the {side} school")
        elif not value:
            raise Invalid(f"Name at least one person from the {side} school, with their role",
                          f"{side}_people")
    for field, what in (("days_per_term", "the days a term"), ("cost_pounds", "the cost")):
        value = data.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1_000_000:
            raise Invalid(f"Give {what} as a whole number, 0 or more", field)
        out[field] = value
    if data.get("funded_by") not in FUNDERS:
        raise Invalid("Choose who funds the support", "funded_by")
    out["funded_by"] = data["funded_by"]
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, date):
        raise Invalid("Give the date the support starts", "starts_on")
    if not isinstance(ends, date):
        raise Invalid("Give the date the support ends", "ends_on")
    if ends <= starts:
        raise Invalid("The end date must be after the start date", "ends_on")
    out["starts_on"], out["ends_on"] = starts, ends
    criteria = data.get("success_criteria") or {}
    if isinstance(criteria, str):
        criteria = parse_criteria(criteria)
    missing = [s for s in standards if not (criteria.get(s) or "").strip()]
    extra = [s for s in criteria if s not in standards]
    if missing:
        raise Invalid("Write the success criteria for " + ", ".join(missing),
                      "success_criteria")
    if extra:
        raise Invalid(f"{', '.join(extra)} is not a focus standard: give success criteria "
                      "only for the focus standards", "success_criteria")
    out["success_criteria"] = {s: criteria[s].strip() for s in standards}
    exit_criteria = (data.get("exit_criteria") or "").strip()
    if not exit_criteria:
        raise Invalid("Say when the support ends", "exit_criteria")
    out["exit_criteria"] = exit_criteria
    return out


def draft(actor: User, partnership: Partnership, data: dict,
          unchanged: Agreement | None = None) -> Agreement:
    """Add a new, unsigned version of the agreement (the caller commits); Invalid if it says
    just what `unchanged` says."""
    fields = clean(data, partnership.focus_standards)
    if unchanged is not None and as_dict(Agreement(**fields)) == as_dict(unchanged):
        raise Invalid("Nothing is changed: change at least one term of the agreement")
    newest = current(partnership)
    agreement = Agreement(partnership=partnership, number=(newest.number + 1) if newest else 1,
                          drafted_by_id=actor.id, **fields)
    db.session.add(agreement)
    return agreement


def sign_for(actor: User, agreement: Agreement, side: str) -> None:
    """Sign the version for the actor's school (the caller commits)."""
    setattr(agreement, f"{side}_signed_by_id", actor.id)
    setattr(agreement, f"{side}_signed_at", datetime.now(UTC))


def as_dict(agreement: Agreement | None) -> dict:
    """The version's terms as the words a person reads, keyed as LABELS."""
    if agreement is None:
        return {}
    people = {side: "; ".join(f"{p['name']} ({p['role']})"
                              for p in getattr(agreement, f"{side}_people"))
              for side in SIDES}
    return {
        "supported_people": people["supported"],
        "supporting_people": people["supporting"],
        "days_per_term": str(agreement.days_per_term),
        "cost": f"£{agreement.cost_pounds:,}, funded by "
                f"{FUNDERS.get(agreement.funded_by, agreement.funded_by).lower()}",
        "dates": f"{agreement.starts_on:%-d %B %Y} to {agreement.ends_on:%-d %B %Y}",
        "success_criteria": "; ".join(f"{_named(sid)}: {text}" for sid, text in
                                      agreement.success_criteria.items()),
        "exit_criteria": agreement.exit_criteria,
    }


def _named(sid: str) -> str:
    """A standard's code with its short name, as people read it."""
    known = vocabulary().standards.get(sid)
    return f"{sid} {known.title}" if known else sid


def compare(old: Agreement | None, new: Agreement | None) -> list[tuple[str, str, str, bool]]:
    """Each term as (label, old words, new words, changed)."""
    before, after = as_dict(old), as_dict(new)
    return [(label, before.get(key, ""), after.get(key, ""),
             before.get(key, "") != after.get(key, "")) for key, label in LABELS.items()]


def form_data(agreement: Agreement | None) -> dict:
    """The version as the agreement form's fields, to start a change from."""
    if agreement is None:
        return {}
    return {
        "supported_people": "\n".join(f"{p['name']}, {p['role']}"
                                      for p in agreement.supported_people),
        "supporting_people": "\n".join(f"{p['name']}, {p['role']}"
                                       for p in agreement.supporting_people),
        "days_per_term": agreement.days_per_term, "cost_pounds": agreement.cost_pounds,
        "funded_by": agreement.funded_by, "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "success_criteria": "\n".join(f"{sid}: {text}" for sid, text in
                                      agreement.success_criteria.items()),
        "exit_criteria": agreement.exit_criteria, "based_on": agreement.number,
    }


def _partnership(actor: User, partnership_id: int) -> Partnership:
    from network.services.partnership_people import get

    return get(actor, partnership_id)


def propose_change(actor: User, partnership_id: int, data: dict, based_on: int) -> Agreement:
    """Propose a new version of an active partnership's agreement. It is not in force until
    both heads sign it; if someone proposed a version since `based_on` was read, Conflict
    carries theirs."""
    from network.services.partnership_people import heads_of, names

    partnership = _partnership(actor, partnership_id)
    require(actor, "change_agreement", partnership)
    newest = current(partnership)
    if newest is not None and newest.number != based_on:
        raise Conflict(as_dict(newest), newest.number)
    agreement = draft(actor, partnership, data, unchanged=newest)
    try:
        db.session.flush()
    except IntegrityError:  # someone added the same version number at the same moment
        db.session.rollback()
        theirs = current(_partnership(actor, partnership_id))
        raise Conflict(as_dict(theirs), theirs.number) from None
    for person in heads_of(partnership):
        action_mail.ask(person, f"{names(partnership)}: please sign the changed support "
                                f"agreement", f"{actor.name} proposed version "
                                              f"{agreement.number}.",
                        "brokering.partnership", partnership_id=partnership.id)
    audit.record(actor, "agreement change proposed", f"partnership:{partnership.id}",
                 f"version {agreement.number}")
    db.session.commit()
    return agreement


def sign(actor: User, partnership_id: int, number: int) -> Agreement:
    """A headteacher signs the proposed change for their school; once both have signed, it is
    the agreement in force."""
    from network.services.partnership_people import everyone, names, side_of, tell

    partnership = _partnership(actor, partnership_id)
    require(actor, "sign_agreement", partnership)
    pending = awaiting(partnership)
    if pending is None or pending.number != number:
        raise Invalid("The proposed change has been replaced since you read it: read the "
                      "latest version before you sign")
    side = side_of(actor, partnership)
    sign_for(actor, pending, side)
    audit.record(actor, "agreement signed", f"partnership:{partnership.id}",
                 f"version {pending.number} for {side}")
    subject = (f"{names(partnership)}: version {pending.number} of the support agreement is "
               "signed by both heads and in force") if pending.signed else (
        f"{names(partnership)}: {actor.school.name} signed version {pending.number} of the "
        "support agreement")
    tell(everyone(partnership), subject, partnership, skip=actor)
    db.session.commit()
    return pending
