"""SQLAlchemy models of the Improvement Network; they know nothing of Flask."""

from models.audit import AuditEvent
from models.base import Base
from models.brokering import (
    FUNDERS,
    MILESTONE_STATUSES,
    Agreement,
    Milestone,
    MilestoneNote,
    Partnership,
    SupportRequest,
)
from models.clusters import Cluster, Invitation, JoinRequest
from models.evaluations import TERMS, Rating, RatingAction, SelfEvaluation
from models.form_submissions import FormSubmission
from models.messages import InboxMessage, OutboxMail
from models.outcomes import UNITS, OutcomeMeasure, OutcomeValue
from models.oversight import OVERSIGHT_ROLES, OversightGrant
from models.profiles import GroupMembership, OfferOptIn, SchoolBarrier, SchoolProfile
from models.public_bodies import PUBLIC_BODY_KINDS, PublicBodyEntry
from models.record_bodies import BODIES, BodyError, CaseStudyBody, LessonStudyBody
from models.records import (
    KINDS,
    STATUSES,
    AnonymityOverride,
    ContactRequest,
    Record,
    RecordBarrier,
    RecordCoauthor,
    RecordStandard,
    RecordVersion,
)
from models.register import RegisterSchool
from models.schools import School
from models.search_log import SavedSearch, SearchChange
from models.toolkit import Barrier, CoreElement, PriorityGroup, Standard
from models.users import SCHOOL_ROLES, ApiToken, RecoveryCode, SavedDraft, User, UserSession

__all__ = [
    "MILESTONE_STATUSES",
    "Agreement",
    "FUNDERS",
    "Milestone",
    "MilestoneNote",
    "Partnership",
    "SupportRequest",
    "KINDS",
    "STATUSES",
    "AnonymityOverride",
    "ContactRequest",
    "Record",
    "RecordBarrier",
    "RecordCoauthor",
    "RecordStandard",
    "RecordVersion",
    "BODIES",
    "BodyError",
    "CaseStudyBody",
    "LessonStudyBody",
    "SCHOOL_ROLES",
    "TERMS",
    "Barrier",
    "CoreElement",
    "GroupMembership",
    "OfferOptIn",
    "PriorityGroup",
    "Rating",
    "RatingAction",
    "SchoolBarrier",
    "SchoolProfile",
    "SearchChange",
    "SelfEvaluation",
    "Standard",
    "ApiToken",
    "AuditEvent",
    "FormSubmission",
    "Base",
    "Cluster",
    "InboxMessage",
    "Invitation",
    "JoinRequest",
    "OutboxMail",
    "OutcomeMeasure",
    "OutcomeValue",
    "OVERSIGHT_ROLES",
    "OversightGrant",
    "UNITS",
    "PUBLIC_BODY_KINDS",
    "PublicBodyEntry",
    "RegisterSchool",
    "RecoveryCode",
    "SavedDraft",
    "SavedSearch",
    "School",
    "User",
    "UserSession",
]
