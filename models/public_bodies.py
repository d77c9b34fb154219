"""Contact details of national public bodies that site admins add to the built-in list."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

PUBLIC_BODY_KINDS = ("domain", "phone", "postcode")


class PublicBodyEntry(Base):
    """A domain, phone number or postcode of a national body: the anonymisation check does
    not flag it (network/domain/public_bodies.py holds the built-in list these extend)."""

    __tablename__ = "public_body_entries"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(200), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
