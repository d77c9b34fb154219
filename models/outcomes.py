"""Outcome measures of a partnership: what the two schools measure about their pupils (results,
attendance, a group's progress) and the dated values they record, so impact is judged on
pupils' outcomes and not only on the schools' own ratings."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

# The unit a measure is counted in, and how a value reads with it.
UNITS = {
    "percent": "%",
    "points": " percentage points",
    "pupils": " pupils",
    "days": " days",
    "score": "",
    "number": "",
}


class OutcomeMeasure(Base):
    """Something one of the two schools measures for the partnership's focus, for example
    "Year 6 pupils reaching the expected standard in reading"."""

    __tablename__ = "outcome_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(10))
    # The focus standard the measure bears on (like CE2.A), if any.
    standard_id: Mapped[str | None] = mapped_column(String(5))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    school = relationship("School")
    values: Mapped[list["OutcomeValue"]] = relationship(
        order_by="OutcomeValue.measured_on, OutcomeValue.id", cascade="all, delete-orphan",
        back_populates="measure")


class OutcomeValue(Base):
    """One dated value of a measure, with who recorded it."""

    __tablename__ = "outcome_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("outcome_measures.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    measure: Mapped[OutcomeMeasure] = relationship(back_populates="values")
    recorded_by = relationship("User")
