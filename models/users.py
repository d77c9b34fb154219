"""People, their sign-in sessions and their API tokens."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.schools import School

SCHOOL_ROLES = ("headteacher", "senior_leader", "leading_teacher", "member")


class User(Base):
    """A person; belongs to at most one school, and through it to one cluster."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    school_role: Mapped[str | None] = mapped_column(String(20))
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    is_lle: Mapped[bool] = mapped_column(Boolean, default=False)
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    # How often unread inbox notices are mailed: "none", "daily" or "weekly".
    digest: Mapped[str] = mapped_column(String(6), default="none", server_default="none")
    digest_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    school: Mapped[School | None] = relationship(back_populates="members")

    # The signed-in browser this object was loaded for (not stored); see UserSession.
    session_key = None
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str | None:
        """The key a browser's session cookie holds: its UserSession, never the user id."""
        return self.session_key

    @property
    def cluster_id(self) -> int | None:
        """The cluster this person belongs to, through their school."""
        return self.school.cluster_id if self.school else None

    @property
    def role(self) -> str | None:
        """The one word that best names what this person does on the platform."""
        if self.is_coordinator:
            return "coordinator"
        if self.is_lle:
            return "lle"
        return self.school_role


class UserSession(Base):
    """One signed-in browser; deleting it signs that browser out for good."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")


class SavedDraft(Base):
    """What someone typed into a form when their session had ended, kept until they sign in."""

    __tablename__ = "saved_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
