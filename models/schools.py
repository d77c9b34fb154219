"""Schools on the platform: a register entry claimed by exactly one cluster."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.clusters import Cluster
from models.register import RegisterSchool


class School(Base):
    """A school that has joined a cluster; its URN can be claimed only once."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str] = mapped_column(ForeignKey("register_schools.urn"), unique=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cluster: Mapped[Cluster] = relationship(back_populates="schools")
    register_entry: Mapped[RegisterSchool] = relationship(lazy="joined")
    members: Mapped[list["User"]] = relationship(  # noqa: F821
        back_populates="school", order_by="User.name"
    )
