"""Clusters (the tenants), their invitations and the requests of schools to join them."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class Cluster(Base):
    """A local group of schools that improve together; the unit of privacy."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    schools: Mapped[list["School"]] = relationship(  # noqa: F821
        back_populates="cluster", order_by="School.name"
    )


class Invitation(Base):
    """A link a coordinator shares so that a school, or a person, can join the cluster."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    # With a school the invitation admits a person to that school; without, a new school.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    role: Mapped[str] = mapped_column(String(20), default="headteacher")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    # Where the link was emailed ("" if the coordinator only copied it).
    email: Mapped[str] = mapped_column(String(254), default="")
    # The link's token is derived from this with the SECRET_KEY, so that coordinators can be
    # shown the link again; only the token's hash opens it ("" for older invitations).
    link_seed: Mapped[str] = mapped_column(String(32), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cluster: Mapped[Cluster] = relationship()
    school: Mapped["School | None"] = relationship()  # noqa: F821


class JoinRequest(Base):
    """A headteacher's request for their school to join a cluster, decided by a coordinator."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    urn: Mapped[str] = mapped_column(ForeignKey("register_schools.urn"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="")

    cluster: Mapped[Cluster] = relationship()
    register_entry: Mapped["RegisterSchool"] = relationship()  # noqa: F821
    requester: Mapped["User"] = relationship(foreign_keys=[requester_id])  # noqa: F821
