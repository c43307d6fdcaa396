"""Everything the portal keeps about one person, for their own download (GDPR art. 15, 20).

The core writes what it holds (the account, roles, requests, e-mails, the audit entries);
each app adds its own sections through a `personal_data` module with `export(user)`, found
the way the demo and volume builders are, so the core names no app. tests/core/
test_personal_data.py holds every model that points at a person to this: a new one is
either exported or named there as not about the person.
"""

from datetime import date, datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from kulturportal.discovery import app_modules
from kulturportal.emails import holds_address, normalise_address
from kulturportal.models import (
    AuditEntry,
    InboundEmail,
    MembershipRequest,
    Organisation,
    OutgoingEmail,
    RoleInvitation,
    User,
)


def collect(user: User) -> dict:
    data = {
        "account": _account(user),
        "email_addresses": _email_addresses(user),
        "two_factor_methods": _two_factor_methods(user),
        "roles": _roles(user),
        "role_invitations": _role_invitations(user),
        "organisations_registered": _organisations_registered(user),
        "membership_requests": _membership_requests(user),
        "emails_sent_to_you": _emails_sent(user),
        "emails_received_from_you": _emails_received(user),
    }
    for module in app_modules("personal_data"):
        data.update(module.export(user))
    data["audit_log"] = _audit_entries(user)
    return data


def when(value: date | datetime | None) -> str | None:
    """ISO 8601 or nothing: the apps' sections write dates the same way."""
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "date_joined": when(user.date_joined),
        "last_login": when(user.last_login),
    }


def _email_addresses(user: User) -> list[dict]:
    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def _two_factor_methods(user: User) -> list[dict]:
    # The kind and its dates only: the secrets stay where they are.
    return [
        {
            "type": a.get_type_display(),
            "created": when(a.created_at),
            "last_used": when(a.last_used_at),
        }
        for a in Authenticator.objects.filter(user=user).order_by("created_at")
    ]


def _roles(user: User) -> list[dict]:
    return [
        {
            "role": a.get_role_display(),
            "scope": a.scope_label(),
            "starts_on": when(a.starts_on),
            "ends_on": when(a.ends_on),
        }
        for a in user.role_assignments.select_related("municipality", "organisation")
    ]


def _role_invitations(user: User) -> list[dict]:
    invitations = RoleInvitation.objects.filter(
        holds_address("email", user.email) | Q(accepted_by=user) | Q(invited_by=user)
    ).select_related("municipality", "organisation", "invited_by")
    return [
        {
            "email": i.email,
            "role": i.get_role_display(),
            "scope": str(i.municipality or i.organisation or ""),
            "invited_by_you": i.invited_by_id == user.pk,
            "sent": when(i.created_at),
            "accepted": when(i.accepted_at),
        }
        for i in invitations.order_by("created_at")
    ]


def _organisations_registered(user: User) -> list[dict]:
    return [
        {"name": o.name, "status": o.get_status_display(), "registered": when(o.created_at)}
        for o in Organisation.objects.filter(registered_by=user).order_by("created_at")
    ]


def _membership_requests(user: User) -> list[dict]:
    requests = MembershipRequest.objects.filter(user=user).select_related("organisation")
    return [
        {
            "organisation": r.organisation.name,
            "message": r.message,
            "status": r.get_status_display(),
            "sent": when(r.created_at),
            "decided": when(r.decided_at),
        }
        for r in requests.order_by("created_at")
    ]


def _emails_sent(user: User) -> list[dict]:
    emails = OutgoingEmail.objects.filter(holds_address("to", user.email)).order_by("created_at")
    return [
        {
            "subject": e.subject,
            "text": e.body_text,
            "status": e.get_status_display(),
            "queued": when(e.created_at),
            "sent": when(e.sent_at),
        }
        for e in emails
    ]


def _emails_received(user: User) -> list[dict]:
    # The inbox stores the sender's address normalised (kulturportal/inbound.py).
    emails = (
        InboundEmail.objects.filter(sender=normalise_address(user.email))
        .defer("raw")
        .order_by("created_at")
    )
    return [
        {
            "subject": e.subject,
            "outcome": e.get_outcome_display(),
            "note": e.note,
            "received": when(e.created_at),
        }
        for e in emails
    ]


def _audit_entries(user: User) -> list[dict]:
    """What the person did, and what was done to their account."""
    about_them = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    entries = AuditEntry.objects.filter(Q(actor=user) | about_them).select_related("actor")
    return [
        {
            "time": when(e.created_at),
            "action": e.action,
            "by_you": e.actor_id == user.pk,
            "what": e.object_repr,
            "changes": e.changes,
            "details": e.details,
        }
        for e in entries.order_by("created_at", "pk")
    ]
