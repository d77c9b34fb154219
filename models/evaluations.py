"""Termly self-evaluations: a rating, evidence and actions for every standard."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from models.base import Base, utcnow

TERMS = ("autumn", "spring", "summer")


class SelfEvaluation(Base):
    """One school's evaluation for one term; read-only once final."""

    __tablename__ = "self_evaluations"
    __table_args__ = (UniqueConstraint("school_id", "year", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the academic year's first calendar year
    term: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(5), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    ratings: Mapped[dict[str, "Rating"]] = relationship(
        collection_class=attribute_keyed_dict("standard_id"), cascade="all, delete-orphan",
        back_populates="evaluation", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}

    @property
    def order(self) -> int:
        """A number that sorts terms in time."""
        return self.year * 3 + TERMS.index(self.term)

    @property
    def label(self) -> str:
        """How people name the term: Autumn 2026/27."""
        return f"{self.term.capitalize()} {self.year}/{str(self.year + 1)[-2:]}"


class Rating(Base):
    """A school's judgement on one standard in one term."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("evaluation_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("self_evaluations.id"), index=True)
    standard_id: Mapped[str] = mapped_column(ForeignKey("standards.id"))
    rating: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    sef_ref: Mapped[str] = mapped_column(String(60), default="")
    # For a 1: a sentence on how another school could learn from it (shown with the offer).
    share_how: Mapped[str] = mapped_column(String(300), default="", server_default="")

    evaluation: Mapped[SelfEvaluation] = relationship(back_populates="ratings")
    actions: Mapped[list["RatingAction"]] = relationship(
        cascade="all, delete-orphan", order_by="RatingAction.position", lazy="selectin")


class RatingAction(Base):
    """An action the school will take on a standard: what, who, by when."""

    __tablename__ = "rating_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(String(500))
    who: Mapped[str] = mapped_column(String(120), default="")
    by_when: Mapped[date | None] = mapped_column(Date)
