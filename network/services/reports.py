"""The termly one-page report of a partnership, for the two schools' leaders, the broker, the
coordinators who may see it and its overseers: the focus, the milestones, the progress notes
written that term, what is due next term and (for those who may see them) pupils' outcomes."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from models import TERMS, Milestone, MilestoneNote, Partnership, User
from network.access import can, get_visible_or_404
from network.domain import terms
from network.services import outcomes
from network.services.errors import Invalid


@dataclass
class TermlyReport:
    """What the report page shows."""

    partnership: Partnership
    year: int
    term: str
    label: str
    notes: list[tuple[Milestone, MilestoneNote]]
    due_this_term: list[Milestone]
    due_next_term: list[Milestone]
    next_label: str
    previous: str
    following: str | None
    until: date | None = None  # the term's last day: milestones are shown as they stood then
    outcomes: list[dict] | None = field(default=None)


def parse_term(text: str | None) -> tuple[int, str]:
    """"2026-autumn" as (2026, "autumn"); none given: the current term."""
    if not text:
        return terms.current_term()
    year, _, term = text.partition("-")
    if not (year.isascii() and year.isdigit() and len(year) == 4) or term not in TERMS:
        raise Invalid("Choose a term like 2026-autumn", "term")
    return int(year), term


def _term_of(moment: date | datetime) -> tuple[int, str]:
    if isinstance(moment, datetime):
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).date()
    return terms.current_term(moment)


def _key(year: int, term: str) -> str:
    return f"{year}-{term}"


def _shift(year: int, term: str, by: int) -> tuple[int, str]:
    n = terms.order(year, term) + by
    return n // 3, TERMS[n % 3]


def report(actor: User, partnership_id: int, term: str | None) -> TermlyReport:
    """The report of the term `term` ("2026-autumn"; the current term if none) for someone who
    may see the partnership; outcome measures only for those who may see them."""
    partnership = get_visible_or_404(actor, Partnership, partnership_id)
    year, name = parse_term(term)
    nxt = _shift(year, name, 1)
    notes = [(m, n) for m in partnership.milestones for n in m.notes
             if _term_of(n.created_at) == (year, name)]
    notes.sort(key=lambda pair: (pair[1].created_at, pair[1].id))
    current = terms.current_term()
    return TermlyReport(
        partnership=partnership, year=year, term=name, label=terms.label(year, name),
        notes=notes,
        due_this_term=[m for m in partnership.milestones if _term_of(m.due_on) == (year, name)],
        due_next_term=[m for m in partnership.milestones if _term_of(m.due_on) == nxt],
        next_label=terms.label(*nxt), previous=_key(*_shift(year, name, -1)),
        following=_key(*nxt) if terms.order(*nxt) <= terms.order(*current) else None,
        until=terms.term_end(year, name),
        outcomes=outcomes.before_after(partnership)
        if can(actor, "see_outcomes", partnership) else None)
