"""A school's own work on paper and in a spreadsheet: a self-evaluation, the school profile
and a partnership's impact review laid out for printing (for governors), and every term's
self-evaluation as CSV rows. Each is read with the same rule as the page it comes from."""

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
    CoreElement,
    GroupMembership,
    Partnership,
    Rating,
    School,
    SchoolBarrier,
    SchoolProfile,
    SelfEvaluation,
    User,
)
from network import audit
from network.access import get_visible_or_404, refuse, require
from network.domain import heatmap
from network.domain.anonymity import context_bands
from network.extensions import db
from network.services import closing, evaluations, profiles
from network.services.overview import FORMULA_STARTS
from network.services.vocabulary import StandardTerm

HEADER = ["Term", "Core element", "Standard", "Standard name", "Rating", "Evidence",
          "How it could be shared", "SEF reference", "Actions", "Finalised"]


@dataclass
class HeatMap:
    """The arguments of templates/evaluations/_heatmap.html's macro."""

    svg_markup: Markup
    caption: str
    row_ids: list[str]
    row_labels: list[str]
    column_ids: list[int]
    column_labels: list[str]
    values: dict


@dataclass
class Change:
    """A standard rated differently from the previous term, and which way it moved."""

    standard: str
    before: int | None
    now: int | None

    @property
    def direction(self) -> str:
        """"Stronger" (a lower number), "Weaker", or "Newly rated" / "No longer rated"."""
        if self.before and self.now:
            return "Stronger" if self.now < self.before else "Weaker"
        return "Newly rated" if self.now else "No longer rated"


@dataclass
class EvaluationSheet:
    """One term's self-evaluation as governors read it on paper."""

    evaluation: SelfEvaluation
    school: School
    elements: list[CoreElement]
    previous: SelfEvaluation | None
    changes: list[Change]
    heat: HeatMap


@dataclass
class ProfileSheet:
    """A school's full profile, as its own cluster sees it."""

    school: School
    profile: SchoolProfile
    group: GroupMembership | None
    history: list[GroupMembership]
    barriers: list[SchoolBarrier]
    offers: list[str]
    needs: list[str]
    final: SelfEvaluation | None
    bands: dict
    exact: bool  # the school's own people see pupil numbers, not only bands
    standards: dict[str, StandardTerm] = field(default_factory=dict)


@dataclass
class ImpactSheet:
    """A partnership's impact review: the summary so far, focus ratings before and after."""

    partnership: Partnership
    summary: str
    impact: dict
    closed: bool


def evaluation_sheet(actor: User, evaluation_id: int) -> EvaluationSheet:
    """A term's evaluation with what changed since the term before and a heat map of the
    school's terms up to this one (for those who may read the evaluation; others 404)."""
    evaluation = evaluations.get(actor, evaluation_id)
    school = db.session.get(School, evaluation.school_id)
    require(actor, "read_evaluations", school)
    history = [e for e in evaluations.history(school.id) if e.order <= evaluation.order]
    previous = evaluations.latest(school.id, before=evaluation.order)
    return EvaluationSheet(
        evaluation=evaluation, school=school, elements=evaluations.elements(),
        previous=previous, changes=[Change(*row) for row in evaluations.changes(evaluation)],
        heat=heat_map(school, history, f"Ratings of {school.name} in each term up to "
                                       f"{evaluation.label}", f"print-school-{school.id}"))


def heat_map(school: School, history: list[SelfEvaluation], caption: str,
             id_prefix: str) -> HeatMap:
    """Standards down the side and the school's terms across, oldest first: the heat map of
    the evaluations page and of the printed evaluation."""
    standards = [s for e in evaluations.elements() for s in e.standards]
    rows, labels = [s.id for s in standards], [f"{s.id} {s.title}" for s in standards]
    columns, headings = [e.id for e in history], [e.label for e in history]
    values = {(sid, e.id): e.ratings[sid].rating for e in history for sid in rows
              if sid in e.ratings}
    chart = heatmap.svg(rows, labels, columns, headings, values, caption,
                        "Each row is a standard and each column a term; 1 is strongest, "
                        "4 needs most development.", id_prefix=id_prefix)
    return HeatMap(chart, caption, rows, labels, columns, headings, values)


def profile_sheet(actor: User, school_id: int) -> ProfileSheet:
    """The school's full profile for its own cluster (the shared part alone is not printed:
    anyone else gets 404)."""
    school, profile, level = profiles.load(actor, school_id)
    if level != "full":
        refuse(actor, "print_profile", school, hidden=True)
    offers, needs, final = evaluations.offers_and_needs(school.id)
    return ProfileSheet(school=school, profile=profile, group=profiles.current_group(school.id),
                        history=profiles.group_history(school.id),
                        barriers=profiles.barriers_of(school.id), offers=offers, needs=needs,
                        final=final, bands=context_bands(school.register_entry),
                        exact=actor.school_id == school.id,
                        standards=evaluations.standards_by_id(offers + needs))


def impact_sheet(actor: User, partnership_id: int) -> ImpactSheet:
    """The impact review for anyone who may see the partnership: the one kept when it
    closed, or else the focus ratings as they stand today."""
    partnership = get_visible_or_404(actor, Partnership, partnership_id)
    if partnership.review:
        return ImpactSheet(partnership, partnership.review.get("summary", ""),
                           partnership.review["schools"], closed=True)
    summary = (partnership.closing or {}).get("summary", "")
    return ImpactSheet(partnership, summary, closing.impact(partnership), closed=False)


def cell(value) -> str:
    """A value as a spreadsheet cell that a spreadsheet can never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def actions_text(rating: Rating) -> str:
    """A standard's actions in one cell: "what (who, by 2027-03-27); ..."."""
    parts = []
    for action in rating.actions:
        extra = [x for x in (action.who, action.by_when and f"by {action.by_when.isoformat()}")
                 if x]
        parts.append(f"{action.what} ({', '.join(extra)})" if extra else action.what)
    return "; ".join(parts)


def evaluation_rows(actor: User, school_id: int) -> tuple[School, list[list[str]]]:
    """Every term's evaluation of the school, one row per standard, oldest term first, for
    those who may read its evaluations (others 404). The download is audited."""
    school, _ = evaluations.for_school(actor, school_id)
    history = list(db.session.scalars(
        select(SelfEvaluation).where(SelfEvaluation.school_id == school.id)
        .options(selectinload(SelfEvaluation.ratings).selectinload(Rating.actions))))
    history.sort(key=lambda e: e.order)
    rows, elements = [HEADER], evaluations.elements()
    for evaluation in history:
        for element in elements:
            for standard in element.standards:
                rating = evaluation.ratings.get(standard.id)
                if rating is None:
                    continue
                rows.append([evaluation.label, f"{element.code} {element.title}", standard.id,
                             standard.title, rating.rating, rating.evidence,
                             rating.share_how or "", rating.sef_ref,
                             actions_text(rating),
                             "Yes" if evaluation.status == "final" else "No"])
    audit.record(actor, "evaluations exported", f"school:{school.id}", str(len(history)))
    db.session.commit()
    return school, [[cell(value) for value in row] for row in rows]
