"""How long the forums keep what people tell them about their health.

Dietary and access needs (kost, tillgänglighet) are health data: they are needed until the
meeting has been held, not after. `forget_needs` deletes them FORUMS_NEEDS_RETENTION_DAYS
(30) days after a meeting ended, from the invitations and from the audit log's history of
the replies; the portal's retention task calls it (it is safe to run as often as wanted).
The reply form says so (forums.forms.ReplyForm). Everything else of a reply is kept.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from forums.models import Invitation, Meeting
from kulturportal import audit
from kulturportal.models import AuditEntry

audit.register_actions(
    {"invitation.needs_deleted": gettext_lazy("Uppgifter om kost och tillgänglighet raderade")},
    details={
        "invitations": gettext_lazy("Inbjudningar"),
        "days": gettext_lazy("Dagar efter mötet"),
    },
)

# The reply fields that are health data, and the note to the organiser, where people
# write the same things in their own words ("vegan, rullstol").
NEEDS_FIELDS = ("dietary_needs", "access_needs", "comment")


def retention_days() -> int:
    return settings.FORUMS_NEEDS_RETENTION_DAYS


@transaction.atomic
def forget_needs(*, now: datetime | None = None) -> int:
    """Delete the dietary and access needs of every invitation to a meeting that ended
    more than FORUMS_NEEDS_RETENTION_DAYS ago, and the needs the audit log's history of
    those meetings' replies may hold. Idempotent: a second run finds nothing, and records
    nothing. Recorded in the audit log as the system's, one entry per meeting. Returns
    how many invitations lost their needs."""
    days = retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    holding = Q()
    for field in NEEDS_FIELDS:
        holding |= Q(**{f"{field}__gt": ""})
    due = Invitation.objects.filter(holding, meeting__ends_at__lt=cutoff)
    counts = dict(due.values_list("meeting").annotate(n=Count("pk")).values_list("meeting", "n"))
    if not counts:
        return 0
    deleted = due.update(**dict.fromkeys(NEEDS_FIELDS, ""), updated_at=timezone.now())
    for meeting in Meeting.objects.filter(pk__in=counts):
        _forget_in_history(meeting)
        audit.record(
            "invitation.needs_deleted",
            meeting,
            actor=None,
            details={"invitations": counts[meeting.pk], "days": days},
        )
    return deleted


def needs_as_given(changes: dict) -> dict:
    """A reply's changes for the audit log: whether a need was given, never what it was
    (the log is kept for good; the needs are not)."""
    return {
        field: [bool(values[0]), bool(values[1])] if field in NEEDS_FIELDS else values
        for field, values in changes.items()
    }


def _forget_in_history(meeting: Meeting) -> None:
    """Entries written before the log stopped holding the needs: rewritten once, here.
    The log is append-only for what people did; deleting health data after its time is
    the one change made to it, by this service alone."""
    entries = AuditEntry.objects.about(meeting).filter(action="invitation.replied")
    for pk, changes in entries.values_list("pk", "changes"):
        if any(isinstance(v, str) for f in NEEDS_FIELDS for v in (changes or {}).get(f, [])):
            AuditEntry.objects.filter(pk=pk).update(changes=needs_as_given(changes))
