"""What a school says about itself: priority group history, barriers, partnering, offers."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.toolkit import Barrier, PriorityGroup


class SchoolProfile(Base):
    """A school's profile; `version` guards against two people saving over each other."""

    __tablename__ = "school_profiles"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    visibility: Mapped[str] = mapped_column(String(10), default="cluster")
    open_to_partnering: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    barrier_notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": version}


class GroupMembership(Base):
    """A spell in a priority group; the open-ended one is the current group."""

    __tablename__ = "group_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("priority_groups.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    group: Mapped[PriorityGroup] = relationship(lazy="joined")


class SchoolBarrier(Base):
    """A barrier a school faces, or has overcome (overcome_on set)."""

    __tablename__ = "school_barriers"
    __table_args__ = (UniqueConstraint("school_id", "barrier_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    barrier_slug: Mapped[str] = mapped_column(ForeignKey("barriers.slug"))
    since: Mapped[date] = mapped_column(Date)
    overcome_on: Mapped[date | None] = mapped_column(Date)

    barrier: Mapped[Barrier] = relationship(lazy="joined")


class OfferOptIn(Base):
    """A standard the school agrees to show the network as something it can offer."""

    __tablename__ = "offer_opt_ins"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    standard_id: Mapped[str] = mapped_column(ForeignKey("standards.id"), primary_key=True)
