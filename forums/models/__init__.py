"""Deliberations, networks and meetings: who is invited, what they answered, the minutes.
A module per workflow; every name is importable from here (the migrations name
forums.models.document_path)."""

from forums.models.invitations import Audience, AudienceRule, Invitation, InvitationQuerySet
from forums.models.meetings import (
    AgendaItem,
    ForumType,
    Meeting,
    MeetingDocument,
    MeetingQuerySet,
    MeetingSession,
    document_path,
)
from forums.models.minutes import Adjustment, AdjustmentQuerySet, Minutes
from forums.models.networks import (
    Network,
    NetworkMembership,
    NetworkMembershipQuerySet,
    NetworkQuerySet,
)

__all__ = [
    "Adjustment",
    "AdjustmentQuerySet",
    "AgendaItem",
    "Audience",
    "AudienceRule",
    "ForumType",
    "Invitation",
    "InvitationQuerySet",
    "Meeting",
    "MeetingDocument",
    "MeetingQuerySet",
    "MeetingSession",
    "Minutes",
    "Network",
    "NetworkMembership",
    "NetworkMembershipQuerySet",
    "NetworkQuerySet",
    "document_path",
]
