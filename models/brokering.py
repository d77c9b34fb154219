"""Brokering: a school asks for support, a broker proposes a partnership, both heads decide,
milestones track it and an impact review closes it."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

REQUEST_STATUSES = ("open", "proposed", "withdrawn")
# A request's state as people read it, from its own status and its latest partnership.
REQUEST_STATES = ("open", "proposed", "active", "closed", "withdrawn", "declined")
# States in which a broker looks for (another) supporting school.
CANDIDATE_STATES = ("open", "declined")
# "refused": a coordinator refused an LLE's proposal of their own school (the proposal ends).
PARTNERSHIP_STATUSES = ("proposed", "active", "declined", "refused", "closed")
MILESTONE_STATUSES = ("planned", "on_track", "at_risk", "done", "missed")
# Who pays for the support an agreement sets out.
FUNDERS = {"supported": "The supported school", "supporting": "The supporting school",
           "local_authority": "The local authority", "trust": "The trust",
           "national": "A national programme", "other": "Someone else"}


class SupportRequest(Base):
    """A school asking its cluster's coordinators, or one LLE, for support."""

    __tablename__ = "support_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # An LLE, or None for the cluster's coordinators.
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    standards: Mapped[list] = mapped_column(JSON, default=list)
    barriers: Mapped[list] = mapped_column(JSON, default=list)
    hopes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The school the asking school hoped for, when it asked from a match (the broker still
    # decides). No foreign key: adding one would make SQLite rebuild this table.
    hoped_school_id: Mapped[int | None] = mapped_column(Integer)

    school = relationship("School", foreign_keys=[school_id])
    requester = relationship("User", foreign_keys=[requester_id])
    broker = relationship("User", foreign_keys=[broker_id])
    hoped_school = relationship("School", primaryjoin="foreign(SupportRequest.hoped_school_id)"
                                " == School.id", viewonly=True)
    partnerships = relationship("Partnership", viewonly=True, order_by="Partnership.id")

    @property
    def state(self) -> str:
        """Where the request stands: withdrawn by the school, else from its most recent
        partnership: none yet ("open"), "proposed", "active", "closed", or "declined" (a
        head declined it or a coordinator refused it: the broker may propose another)."""
        if self.status == "withdrawn":
            return "withdrawn"
        if not self.partnerships:
            return "open"
        latest = self.partnerships[-1].status
        return "declined" if latest in ("declined", "refused") else latest

    @property
    def wants_candidates(self) -> bool:
        """Whether a broker should still look for a supporting school for it."""
        return self.state in CANDIDATE_STATES


class Partnership(Base):
    """A proposed, active, declined or closed pairing of a supported and a supporting school."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("support_requests.id"), index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    supported_school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    supporting_school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    focus_standards: Mapped[list] = mapped_column(JSON, default=list)
    focus_barriers: Mapped[list] = mapped_column(JSON, default=list)
    activities: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    # Each side's decision: None until its headteacher accepts or declines.
    supported_decision: Mapped[str | None] = mapped_column(String(10))
    supported_reason: Mapped[str] = mapped_column(Text, default="")
    supported_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supporting_decision: Mapped[str | None] = mapped_column(String(10))
    supporting_reason: Mapped[str] = mapped_column(Text, default="")
    supporting_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The impact review: summary, and the focus ratings before and after for both schools.
    review: Mapped[dict | None] = mapped_column(JSON)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_study_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # An LLE proposing their own school declares the conflict of interest; a coordinator of
    # that school's cluster approves it ("pending", "approved", "refused") before the heads
    # decide. None: no declaration was needed.
    conflict_declaration: Mapped[str] = mapped_column(Text, default="")
    conflict_approval: Mapped[str | None] = mapped_column(String(10))
    # Why the broker proposed a supporting school graded below good at its last inspection.
    inclusion_reason: Mapped[str] = mapped_column(Text, default="")
    # The coordinator's user id. (No foreign key: adding one would make SQLite rebuild this
    # table, which the milestones and agreements rows refer to.)
    conflict_decided_by_id: Mapped[int | None] = mapped_column(Integer)
    # Closing by agreement: {"summary", "started_by", "agreed": {party: user id}, "reasons":
    # {party: text}} where party is "supported", "supporting" or "broker". None until started.
    closing: Mapped[dict | None] = mapped_column(JSON)

    broker = relationship("User", foreign_keys=[broker_id])
    supported = relationship("School", foreign_keys=[supported_school_id])
    supporting = relationship("School", foreign_keys=[supporting_school_id])
    request = relationship(SupportRequest)
    milestones: Mapped[list["Milestone"]] = relationship(
        order_by="Milestone.due_on, Milestone.id", cascade="all, delete-orphan",
        back_populates="partnership")
    agreements: Mapped[list["Agreement"]] = relationship(
        order_by="Agreement.number", cascade="all, delete-orphan", back_populates="partnership")

    __mapper_args__ = {"version_id_col": version}


class Agreement(Base):
    """One version of a partnership's support agreement: who takes part from each school, the
    days, the cost and who funds it, the dates, success and exit criteria. A version is in
    force once both schools' headteachers have signed it."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # [{"name", "role"}, ...] for each school.
    supported_people: Mapped[list] = mapped_column(JSON, default=list)
    supporting_people: Mapped[list] = mapped_column(JSON, default=list)
    days_per_term: Mapped[int] = mapped_column(Integer)
    cost_pounds: Mapped[int] = mapped_column(Integer)
    funded_by: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # {standard id: what success looks like}, one for each focus standard.
    success_criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    exit_criteria: Mapped[str] = mapped_column(Text, default="")
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    supported_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supported_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supporting_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supporting_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    partnership: Mapped[Partnership] = relationship(back_populates="agreements")
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    supported_signed_by = relationship("User", foreign_keys=[supported_signed_by_id])
    supporting_signed_by = relationship("User", foreign_keys=[supporting_signed_by_id])

    @property
    def signed(self) -> bool:
        """Both headteachers have signed this version."""
        return bool(self.supported_signed_by_id and self.supporting_signed_by_id)


class Milestone(Base):
    """A step of an active partnership with its success criteria; each school reports its own
    status, and the milestone is met only when both say done."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    supported_status: Mapped[str] = mapped_column(String(10), default="planned")
    supporting_status: Mapped[str] = mapped_column(String(10), default="planned")
    # Derived from the two schools' statuses (reminders read it): "done" only when both are.
    status: Mapped[str] = mapped_column(String(10), default="planned")
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="milestones")
    notes: Mapped[list["MilestoneNote"]] = relationship(
        order_by="MilestoneNote.id", cascade="all, delete-orphan", lazy="selectin")


class MilestoneNote(Base):
    """A note on a milestone from one of the two schools (or the broker)."""

    __tablename__ = "milestone_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    status: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text, default="")
    # What shows the milestone is done (required with "done").
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author = relationship("User")
    school = relationship("School")
