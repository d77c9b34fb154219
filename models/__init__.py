"""SQLAlchemy models of the Improvement Network; they know nothing of Flask."""

from models.audit import AuditEvent
from models.base import Base
from models.clusters import Cluster, Invitation, JoinRequest
from models.messages import InboxMessage, OutboxMail
from models.register import RegisterSchool
from models.schools import School
from models.users import SCHOOL_ROLES, ApiToken, User, UserSession

__all__ = [
    "SCHOOL_ROLES",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Cluster",
    "InboxMessage",
    "Invitation",
    "JoinRequest",
    "OutboxMail",
    "RegisterSchool",
    "School",
    "User",
    "UserSession",
]
