"""The shared core's models, a module per topic; every name is importable from here."""

from kulturportal.models.audit import (
    AUDIT_ACTION_LABELS,
    AUDIT_CHANGED_MODELS,
    AUDIT_DETAIL_LABELS,
    AUDIT_DETAIL_VALUE_LABELS,
    AUDIT_VALUE_LABELS,
    AuditEntry,
    AuditEntryQuerySet,
)
from kulturportal.models.base import TimestampedModel
from kulturportal.models.documents import ExportFile, RenderedDocument
from kulturportal.models.organisations import (
    BodyMembership,
    MembershipRequest,
    Organisation,
    OrganisationKind,
    OrganisationQuerySet,
    public_hosted_institutions,
)
from kulturportal.models.outbox import (
    InboundEmail,
    OutgoingAttachment,
    OutgoingEmail,
    OutgoingEmailQuerySet,
)
from kulturportal.models.people import (
    FULL_NAME_MAX_LENGTH,
    NAME_PART_MAX_LENGTH,
    ROLE_SCOPE_CONDITION,
    Role,
    RoleAssignment,
    RoleAssignmentQuerySet,
    RoleInvitation,
    RoleInvitationQuerySet,
    User,
    UserManager,
    full_name,
)
from kulturportal.models.places import (
    ACTIVITY_AREA_CODES,
    ACTIVITY_AREAS,
    ActivityArea,
    Municipality,
    MunicipalityQuerySet,
    SubRegion,
)
from kulturportal.models.reminders import DailyReminder
from kulturportal.models.search import SearchAudience, SearchDocument, SearchWord

__all__ = [
    "ACTIVITY_AREAS",
    "ACTIVITY_AREA_CODES",
    "AUDIT_ACTION_LABELS",
    "AUDIT_CHANGED_MODELS",
    "AUDIT_DETAIL_LABELS",
    "AUDIT_DETAIL_VALUE_LABELS",
    "AUDIT_VALUE_LABELS",
    "FULL_NAME_MAX_LENGTH",
    "NAME_PART_MAX_LENGTH",
    "ROLE_SCOPE_CONDITION",
    "ActivityArea",
    "AuditEntry",
    "AuditEntryQuerySet",
    "BodyMembership",
    "DailyReminder",
    "ExportFile",
    "InboundEmail",
    "MembershipRequest",
    "Municipality",
    "MunicipalityQuerySet",
    "Organisation",
    "OrganisationKind",
    "OrganisationQuerySet",
    "OutgoingAttachment",
    "OutgoingEmail",
    "OutgoingEmailQuerySet",
    "RenderedDocument",
    "Role",
    "RoleAssignment",
    "RoleAssignmentQuerySet",
    "RoleInvitation",
    "RoleInvitationQuerySet",
    "SearchAudience",
    "SearchDocument",
    "SearchWord",
    "SubRegion",
    "TimestampedModel",
    "User",
    "UserManager",
    "full_name",
    "public_hosted_institutions",
]
