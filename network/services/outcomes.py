"""Outcome measures: what the two schools of a partnership measure about their pupils, and
the dated values they record. Private to the two schools' leaders and the broker.

Impact is judged on pupils' outcomes: `before_after` sets each measure's latest value up to
the partnership's start beside its latest value since, and `case_study_measures` carries the
supported school's into the case study a closed partnership starts.
"""

from datetime import UTC, date

from models import UNITS, OutcomeMeasure, OutcomeValue, Partnership, User
from network import audit
from network.access import can, get_visible_or_404, refuse, require
from network.extensions import db
from network.services.errors import Invalid, NotFound

MAX_VALUE = 1_000_000


def partnership_for_outcomes(actor: User, partnership_id: int) -> Partnership:
    """A partnership whose outcome measures the actor may see: 404 for those who may not see
    the partnership, 403 for those who may see it but not its measures."""
    partnership = get_visible_or_404(actor, Partnership, partnership_id)
    require(actor, "see_outcomes", partnership)
    return partnership


def measures(actor: User, partnership_id: int) -> tuple[Partnership, list[OutcomeMeasure]]:
    """The partnership and its measures, the supported school's first."""
    partnership = partnership_for_outcomes(actor, partnership_id)
    return partnership, _ordered(partnership)


def _ordered(partnership: Partnership) -> list[OutcomeMeasure]:
    found = db.session.query(OutcomeMeasure).filter_by(partnership_id=partnership.id).all()
    first = partnership.supported_school_id
    return sorted(found, key=lambda m: (m.school_id != first, m.id))


def schools_for(actor: User, partnership: Partnership) -> list:
    """The schools the actor may record measures for: the broker both, a leader their own."""
    out = []
    for school in (partnership.supported, partnership.supporting):
        trial = OutcomeMeasure(partnership_id=partnership.id, school_id=school.id)
        if can(actor, "record", trial):
            out.append(school)
    return out


def add_measure(actor: User, partnership_id: int, school_id: int, name: str, unit: str,
                standard_id: str | None) -> OutcomeMeasure:
    """Start measuring something for one of the two schools."""
    partnership = partnership_for_outcomes(actor, partnership_id)
    require(actor, "record_outcomes", partnership)
    if school_id not in (partnership.supported_school_id, partnership.supporting_school_id):
        raise Invalid("Choose one of the partnership's two schools", "school_id")
    if school_id not in {s.id for s in schools_for(actor, partnership)}:
        refuse(actor, "record_outcomes", partnership, hidden=False,
               message="You may record measures for your own school only.")
    if unit not in UNITS:
        raise Invalid("Choose the unit of the measure", "unit")
    if standard_id and standard_id not in partnership.focus_standards:
        raise Invalid("Choose one of the partnership's focus standards", "standard_id")
    if not name.strip():
        raise Invalid("Name the measure", "name")
    measure = OutcomeMeasure(partnership_id=partnership.id, school_id=school_id,
                             name=name.strip(), unit=unit, standard_id=standard_id or None,
                             created_by_id=actor.id)
    db.session.add(measure)
    db.session.flush()
    audit.record(actor, "outcome measure added", f"outcome_measure:{measure.id}",
                 f"partnership:{partnership.id}")
    db.session.commit()
    return measure


def measure(actor: User, measure_id: int) -> OutcomeMeasure:
    """A measure the actor may see: 404 for anyone else (its existence is private too)."""
    found = db.session.get(OutcomeMeasure, measure_id)
    if found is None:
        raise NotFound
    get_visible_or_404(actor, Partnership, found.partnership_id)
    if not can(actor, "view", found):
        refuse(actor, "view", found, hidden=True)
    return found


def add_value(actor: User, measure_id: int, measured_on: date, value: float,
              note: str) -> OutcomeValue:
    """Record one dated value of a measure."""
    found = measure(actor, measure_id)
    require(actor, "record", found)
    if measured_on > date.today():
        raise Invalid("The date cannot be in the future", "measured_on")
    if not -MAX_VALUE < value < MAX_VALUE:
        raise Invalid("Enter a value between -1,000,000 and 1,000,000", "value")
    recorded = OutcomeValue(measure_id=found.id, measured_on=measured_on, value=value,
                            note=note.strip(), recorded_by_id=actor.id)
    db.session.add(recorded)
    audit.record(actor, "outcome value recorded", f"outcome_measure:{found.id}",
                 measured_on.isoformat())
    db.session.commit()
    return recorded


def number(value: float | None) -> str:
    """A value as people read it: 62.5, 70 (no trailing zeros)."""
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def reading(value: float | None, unit: str) -> str:
    """A value with its unit: 62.5%, 14 pupils."""
    return "" if value is None else number(value) + UNITS.get(unit, "")


def change_reading(change: float | None, unit: str) -> str:
    """A change with its sign and unit: +12 percentage points, -3 days."""
    if change is None:
        return ""
    sign = "+" if change > 0 else ""
    suffix = " percentage points" if unit in ("percent", "points") else UNITS.get(unit, "")
    return f"{sign}{number(change)}{suffix}"


def _start(partnership: Partnership) -> date | None:
    started = partnership.started_at
    if started is None:
        return None
    started = started if started.tzinfo else started.replace(tzinfo=UTC)
    return started.astimezone(UTC).date()


def before_after(partnership: Partnership) -> list[dict]:
    """Per measure: its school side, name and unit, the latest value on or before the
    partnership's start (with its date), the latest value since (with its date), and the
    change between them. A partnership not yet started has only "before" values."""
    start = _start(partnership) or date.max
    rows = []
    for m in _ordered(partnership):
        before = [v for v in m.values if v.measured_on <= start]
        since = [v for v in m.values if v.measured_on > start]
        was = max(before, key=lambda v: (v.measured_on, v.id), default=None)
        now = max(since, key=lambda v: (v.measured_on, v.id), default=None)
        change = now.value - was.value if was and now else None
        rows.append({
            "measure_id": m.id, "name": m.name, "unit": m.unit, "standard": m.standard_id,
            "side": "supported" if m.school_id == partnership.supported_school_id
            else "supporting", "school": m.school.name,
            "before": was.value if was else None, "before_on": was.measured_on if was else None,
            "after": now.value if now else None, "after_on": now.measured_on if now else None,
            "change": change,
            "before_text": reading(was.value, m.unit) if was else "",
            "after_text": reading(now.value, m.unit) if now else "",
            "change_text": change_reading(change, m.unit)})
    return rows


def case_study_measures(partnership: Partnership) -> list[dict]:
    """The supported school's measures as a case study's impact rows: {"measure", "before",
    "after"}, each value with its date (at most five, as the case study takes)."""
    out = []
    for row in before_after(partnership):
        if row["side"] != "supported":
            continue
        out.append({
            "measure": row["name"][:200],
            "before": _dated(row["before_text"], row["before_on"]),
            "after": _dated(row["after_text"], row["after_on"])})
    return out[:5]


def _dated(text: str, when: date | None) -> str:
    return f"{text} ({when.day} {when:%B %Y})" if text and when else ""
