"""Case studies and lesson-study records: a working copy, its versions, and a live copy.

Both kinds share one workflow: draft -> submitted -> published (to the cluster or the
network) or returned to draft with comments; a publication can be withdrawn. The
sections of each kind are structured data held in `body` (validated by the forms); the
tags that search and matching need are rows of their own.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

KINDS = ("case_study", "lesson_study")
STATUSES = ("draft", "submitted", "published", "withdrawn")


class Record(Base):
    """A case study or a lesson study written by a school."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Where the author asks it to go, and whether the school's name may go with it.
    audience: Mapped[str] = mapped_column(String(10), default="cluster")
    attributed: Mapped[bool] = mapped_column(Boolean, default=False)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The live copy readers see: set only by publishing through the anonymisation gate.
    published_body: Mapped[dict | None] = mapped_column(JSON)
    published_title: Mapped[str | None] = mapped_column(String(200))
    published_visibility: Mapped[str | None] = mapped_column(String(10), index=True)
    published_context: Mapped[dict | None] = mapped_column(JSON)
    published_attributed: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    coauthors: Mapped[list["RecordCoauthor"]] = relationship(cascade="all, delete-orphan",
                                                             lazy="selectin")
    barriers: Mapped[list["RecordBarrier"]] = relationship(cascade="all, delete-orphan",
                                                           lazy="selectin")
    standards: Mapped[list["RecordStandard"]] = relationship(cascade="all, delete-orphan",
                                                             lazy="selectin")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_live(self) -> bool:
        """Whether readers can see a published copy now."""
        return self.published_body is not None and self.withdrawn_at is None

    @property
    def group_id(self) -> int | None:
        """The priority group the school started in (case studies) or None."""
        value = (self.body or {}).get("group_id")
        return int(value) if value else None


class RecordCoauthor(Base):
    """Someone who may edit a record beside its author."""

    __tablename__ = "record_coauthors"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class RecordBarrier(Base):
    """A barrier from the taxonomy a record is about."""

    __tablename__ = "record_barriers"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    barrier_slug: Mapped[str] = mapped_column(ForeignKey("barriers.slug"), primary_key=True,
                                              index=True)


class RecordStandard(Base):
    """A toolkit standard a record's actions address."""

    __tablename__ = "record_standards"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    standard_id: Mapped[str] = mapped_column(ForeignKey("standards.id"), primary_key=True)


class RecordVersion(Base):
    """Every saved state of a record, kept so anyone who may edit it can look back."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")


class AnonymityOverride(Base):
    """A headteacher's judgement that a flagged passage does not identify the school."""

    __tablename__ = "anonymity_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContactRequest(Base):
    """A reader asks to contact a published record's authors without learning who they are."""

    __tablename__ = "contact_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
