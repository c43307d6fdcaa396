"""Reminders 7 and 1 days before a meeting (before each session of a round), run by beat: to
those who have not answered and to those coming, once each."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forums import ical
from forums.models import (
    ForumType,
    Invitation,
    Meeting,
    MeetingSession,
)
from forums.services.delivery import language_of, meeting_context, reply_headers, reply_url
from kulturportal.emails import (
    queue_emails,
    templated_email,
)
from kulturportal.models import (
    OutgoingEmail,
)
from kulturportal.tasks import task

REMINDER_DAYS = (7, 1)


@task(soft_time_limit=300, time_limit=360)
def send_due_reminders(now=None) -> int:
    """Run by beat. Reminders 7 and 1 days before the start: to those who haven't answered,
    and to those coming. Keyed by the start time, so a moved meeting reminds again at its new time.

    A round reminds before each of its sessions: that session's people, and those who have
    not answered, before the session nearest them (their provisional one)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    count = 0
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon
    ).exclude(forum_type=ForumType.SUB_REGIONAL)
    for meeting in meetings:
        days = _due_days(meeting.starts_at, now)
        if days:
            count += _remind(meeting, days, starts_at=meeting.starts_at)
    sessions = MeetingSession.objects.filter(
        meeting__status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon
    ).select_related("meeting")
    for session in sessions:
        days = _due_days(session.starts_at, now)
        if days:
            count += _remind(session.meeting, days, starts_at=session.starts_at, session=session)
    return count


def _due_days(starts_at, now) -> int | None:
    # Only the nearest reminder that is due: a meeting planned 20 hours ahead gets the
    # one-day reminder, not both.
    due = [days for days in REMINDER_DAYS if starts_at - timedelta(days=days) <= now]
    return min(due) if due else None


@transaction.atomic
def _remind(meeting: Meeting, days: int, *, starts_at, session=None) -> int:
    due = meeting.invitations.filter(
        Q(response=Invitation.Response.NEEDS_ACTION)
        | Q(response=Invitation.Response.ACCEPTED, waitlisted=False)
    ).select_related("user", "session", "municipality__sub_region")
    context = meeting_context(meeting)
    invitations = list(due)
    for invitation in invitations:
        invitation.meeting = context["meeting"]  # its sessions and agenda, fetched once
    if session is not None:
        invitations = [i for i in invitations if _reminded_for(i, session)]
    emails = []
    stamp = starts_at.strftime("%Y%m%d%H%M")
    for invitation in invitations:
        kind = "coming" if invitation.response == Invitation.Response.ACCEPTED else "unanswered"
        language = language_of(invitation)
        emails.append(
            templated_email(
                to=invitation.email,
                name=f"forums/emails/reminder_{kind}",
                context={
                    **context,
                    "invitation": invitation,
                    "days": days,
                    "session": invitation.session,
                    "reply_url": reply_url(invitation, language),
                },
                language=language,
                headers=reply_headers(meeting),
                dedupe_key=f"reminder:{invitation.pk}:{days}d:{kind}:{stamp}",
            )
        )
    before = OutgoingEmail.objects.filter(dedupe_key__in=[e.dedupe_key for e in emails]).count()
    queue_emails(emails)
    return len(emails) - before


def _reminded_for(invitation: Invitation, session) -> bool:
    if invitation.session_id:
        return invitation.session_id == session.pk
    return ical.suggested_session(invitation) == session
