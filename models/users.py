"""People, their sign-in sessions and their API tokens."""

from datetime import datetime, timedelta

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.schools import School

SCHOOL_ROLES = ("headteacher", "senior_leader", "leading_teacher", "member")


class User(Base):
    """A person; belongs to at most one school, and through it to one cluster."""

    __tablename__ = "users"
    # One headteacher per school, whatever writes the row (invitation, join approval, role
    # change, a script): a partial unique index both SQLite and PostgreSQL enforce.
    __table_args__ = (
        Index("uq_users_one_head", "school_id", unique=True,
              sqlite_where=text("school_role = 'headteacher'"),
              postgresql_where=text("school_role = 'headteacher'")),
    )

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
    # Whether to email the person what they must act on (a proposal, a join request, a contact
    # request, a returned record); on unless they turn it off or follow an unsubscribe link.
    email_actions: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When the person followed the emailed link; None: signed up, not yet confirmed. Accounts
    # made any other way (invitation, admin, demo, tests) are confirmed as they are made.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                               default=utcnow)
    # Two-factor sign-in (network/services/two_factor.py): the TOTP secret, set once the
    # person confirmed it with a code; when it was turned on; the last time step accepted (a
    # code is used once); when the requirement first applied to them (their grace starts).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    two_factor_required_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

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


TOKEN_DAYS = 90  # how long a token lasts unless its owner chooses otherwise
TOKEN_MAX_DAYS = 365
TOKEN_SCOPES = ("read", "write")


def _token_expiry() -> datetime:
    return utcnow() + timedelta(days=TOKEN_DAYS)


class ApiToken(Base):
    """A named bearer token for the JSON API; only its hash is stored. It ends at
    `expires_at`, or when revoked (by its owner, a site admin, or `standing.end_access`)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="API token",
                                      server_default="API token")
    # "read": GET only; "write": may also change data through the API.
    scope: Mapped[str] = mapped_column(String(10), default="read", server_default="read")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                        default=_token_expiry)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")


class SavedDraft(Base):
    """What someone typed into a form when their session had ended, kept until they sign in."""

    __tablename__ = "saved_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)
    # The session that had just ended, and its person: only they get it back.
    session_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecoveryCode(Base):
    """One single-use recovery code for two-factor sign-in; only its SHA-256 is kept (the code
    is random, 50 bits, so a fast hash is enough), and using it deletes it."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInAttempt(Base):
    """How many sign-ins one address or email has tried in one window of time (the throttle)."""

    __tablename__ = "sign_in_attempts"

    subject: Mapped[str] = mapped_column(String(300), primary_key=True)  # "ip:..." or "email:..."
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # Unix seconds
    tries: Mapped[int] = mapped_column(Integer, default=0)
