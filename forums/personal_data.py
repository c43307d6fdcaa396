"""The forums' part of a person's data export (kulturportal/personal_data.py): their replies
to invitations with any needs they gave, the history of those replies, the networks they
sit in, the minutes they adjust and the meetings they organise."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from forums.models import Adjustment, AudienceRule, Invitation, Meeting, NetworkMembership
from forums.pasted import parse_pasted
from kulturportal.emails import address_forms, holds_address, normalise_address
from kulturportal.models import AuditEntry
from kulturportal.personal_data import when


def export(user) -> dict:
    return {
        "meeting_invitations": _invitations(user),
        "meeting_reply_history": _reply_history(user),
        "networks": _networks(user),
        "meetings_organised": _meetings_organised(user),
        "meetings_invited_by_name": _named_in_audiences(user),
        "minutes_to_adjust": _adjustments(user),
    }


def _invitations(user) -> list[dict]:
    # By address too: an invitation sent before the account existed is theirs as well.
    invitations = Invitation.objects.filter(Q(user=user) | holds_address("email", user.email))
    return [
        {
            "meeting": i.meeting.title,
            "starts": when(i.meeting.starts_at),
            "email": i.email,
            "name": i.name,
            "reply": i.get_response_display(),
            "session": str(i.session) if i.session else None,
            "dietary_needs": i.dietary_needs,
            "access_needs": i.access_needs,
            "substitute_name": i.substitute_name,
            "substitute_email": i.substitute_email,
            "note_to_organiser": i.comment,
            "walk_in": i.walk_in,
            "replied": when(i.responded_at),
            "waitlisted": i.waitlisted,
            "attended": i.attended,
        }
        for i in invitations.select_related("meeting", "session").order_by("meeting__starts_at")
    ]


def _reply_history(user) -> list[dict]:
    """Each reply as the log holds it: the reply link's replies have no account to name."""
    entries = AuditEntry.objects.filter(
        holds_address("details__invitee", user.email),
        content_type=ContentType.objects.get_for_model(Meeting),
        action="invitation.replied",
    )
    return [
        {"time": when(e.created_at), "meeting": e.object_repr, "changes": e.changes}
        for e in entries.order_by("created_at", "pk")
    ]


def _networks(user) -> list[dict]:
    memberships = NetworkMembership.objects.filter(user=user).select_related(
        "network", "municipality"
    )
    return [
        {
            "network": m.network.name,
            "municipality": str(m.municipality or ""),
            "starts_on": when(m.starts_on),
            "ends_on": when(m.ends_on),
        }
        for m in memberships.order_by("starts_on")
    ]


def _meetings_organised(user) -> list[dict]:
    meetings = Meeting.objects.filter(organiser=user).order_by("starts_at")
    return [{"meeting": m.title, "starts": when(m.starts_at)} for m in meetings]


def _named_in_audiences(user) -> list[dict]:
    """Meetings whose audience names the person, by account or by address: the address
    itself, not one that contains it (h + anna@… is someone else)."""
    address = normalise_address(user.email)
    by_account = AudienceRule.objects.filter(people=user)
    mentions = Q()
    for form in address_forms(user.email):  # a pasted list keeps addresses in lower case
        mentions |= Q(emails__icontains=form)
    rules = (by_account | AudienceRule.objects.filter(mentions)).distinct()
    named = set(by_account.values_list("pk", flat=True))
    return [
        {"meeting": r.meeting.title, "starts": when(r.meeting.starts_at)}
        for r in rules.select_related("meeting").order_by("meeting__starts_at")
        if r.pk in named
        or any(normalise_address(a) == address for _name, a in parse_pasted(r.emails)[0])
    ]


def _adjustments(user) -> list[dict]:
    adjustments = Adjustment.objects.filter(adjuster=user).select_related("minutes__meeting")
    return [
        {
            "meeting": a.minutes.meeting.title,
            "approved": when(a.approved_at),
            "changes_you_asked_for": a.comment,
        }
        for a in adjustments.order_by("created_at")
    ]
