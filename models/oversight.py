"""Oversight: a headteacher of either school lets a local authority adviser, a trust's school
improvement lead or a governor follow a partnership, read-only."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

OVERSIGHT_ROLES = {
    "la_adviser": "Local authority adviser",
    "trust_lead": "Trust school improvement lead",
    "governor": "Governor",
}


class OversightGrant(Base):
    """Read-only access to one partnership for one person, by email. Until the person has an
    account (they were invited) `user_id` is empty; a revoked grant gives nothing."""

    __tablename__ = "oversight_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The granting headteacher's school: a governor is a governor of this school.
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    partnership = relationship("Partnership")
    user = relationship("User", foreign_keys=[user_id])
    school = relationship("School")
    granted_by = relationship("User", foreign_keys=[granted_by_id])

    @property
    def role_label(self) -> str:
        """The role as people read it; a governor's names their school."""
        if self.role == "governor" and self.school is not None:
            return f"Governor of {self.school.name}"
        return OVERSIGHT_ROLES.get(self.role, self.role)

    @property
    def is_live(self) -> bool:
        """Whether the grant still gives access (or will, once its invitation is accepted)."""
        return self.revoked_at is None
