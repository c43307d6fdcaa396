"""Each invitee's e-mail with a calendar entry of their own: the version due is marked in the
transaction that changes the meeting, and tasks render and send it after the commit, in
batches, each invitee once; a beat sweep hands on what a lost task left."""

from copy import copy
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from forums import changes as change_codec
from forums import ical
from forums.changes import Change
from forums.models import (
    Invitation,
    Meeting,
)
from forums.services.audience import Recipient
from kulturportal import audit
from kulturportal.emails import batches, deliver_batch, queue_emails, render_unfinished
from kulturportal.merging import MailMerge
from kulturportal.models import (
    OutgoingEmail,
    User,
)
from kulturportal.tasks import task

audit.register_actions(
    {"invitation.resent": gettext_lazy("Inbjudan skickad igen")},
    details={"to": gettext_lazy("Till")},
)


def send_version(
    meeting: Meeting,
    *,
    only: list[int] | None = None,
    changes: list[Change] | None = None,
    session_changes: dict | None = None,
) -> int:
    """Mark this version of each invitee's entry as due, and hand the invitees to tasks in
    batches once the transaction commits: the tasks render and send (send_pending), so the
    official's request never waits for thousands of e-mails. Returns how many are due.

    A round's invitee who declined holds no entry (it was cancelled for them): they get
    no updates, and no cancellation of what they no longer have."""
    selected = meeting.invitations.all()
    if only is not None:
        selected = selected.filter(pk__in=only)
    if meeting.is_sub_regional_round():
        selected = selected.exclude(response=Invitation.Response.DECLINED)
    # updated_at too: the sweep hands on what has waited too long for its task. Those
    # just invited are pending already: updating thousands of rows costs more than COPY.
    selected.filter(send_pending=False).update(send_pending=True, updated_at=timezone.now())
    ids = list(selected.order_by("pk").values_list("pk", flat=True))
    told = {
        "changes": change_codec.to_json(changes or []),
        "session_changes": {
            str(pk or ""): change_codec.to_json(c) for pk, c in (session_changes or {}).items()
        },
    }

    # After the commit (kulturportal/tasks.py): a broker that is down must not break the
    # request; the sweep (send_overdue) hands them on later.
    for batch in batches(ids):
        send_pending.delay(meeting.pk, batch, told)
    return len(ids)


@task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_pending(meeting_id: int, invitation_ids: list[int], told: dict | None = None) -> int:
    """Render the current version of these invitees' entries and send it: to each one still
    marked due, once (the dedupe key), however often this runs. Returns how many went.

    Rendered now, not when the change was saved: a later change already in the meeting is
    in the e-mail too, and its own task finds nothing left to send."""
    told = told or {}
    changes = change_codec.from_json(told.get("changes", []))
    session_changes = {
        int(pk) if pk else None: change_codec.from_json(c)
        for pk, c in told.get("session_changes", {}).items()
    }
    with transaction.atomic():
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            return 0  # deleted since: its invitations went with it
        invitations = list(
            meeting.invitations.filter(pk__in=invitation_ids, send_pending=True)
            .select_for_update(skip_locked=True, of=("self",))  # another task has them
            .select_related("user", "municipality__sub_region", "session")
        )
        if meeting.is_sub_regional_round():
            due = [i for i in invitations if i.response != Invitation.Response.DECLINED]
        else:
            due = invitations
        method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
        context = meeting_context(meeting)
        emails = _invitation_emails(
            due, context, method, changes=changes, session_changes=session_changes
        )
        emails = queue_emails(emails, dispatch=False)  # sent below, after the commit
        for invitation, email in zip(due, emails, strict=True):
            invitation.last_email = email
        for invitation in invitations:
            invitation.send_pending = False
        Invitation.objects.bulk_update(invitations, ["last_email", "send_pending"])
    return deliver_batch([email.pk for email in emails])


# Entries due for longer than this have lost their task (a broker down, a worker killed).
PENDING_GRACE = timedelta(minutes=10)


@task(soft_time_limit=120, time_limit=180)
def send_overdue() -> int:
    """Run by beat: hand on the entries whose task never ran; told no changes, they still
    bring each calendar up to date. Returns how many invitees were handed on."""
    overdue = Invitation.objects.filter(
        send_pending=True, updated_at__lt=timezone.now() - PENDING_GRACE
    )
    by_meeting: dict[int, list[int]] = {}
    for meeting_id, pk in overdue.order_by("pk").values_list("meeting_id", "pk")[:20000]:
        by_meeting.setdefault(meeting_id, []).append(pk)
    for meeting_id, ids in by_meeting.items():
        for batch in batches(ids):
            send_pending.delay(meeting_id, batch)
    return sum(len(ids) for ids in by_meeting.values())


def changes_for(invitation: Invitation, session_changes: dict) -> list[Change]:
    if invitation.session_id:
        return session_changes.get(invitation.session_id, [])
    # Not chosen: every session's change is theirs to know.
    return [change for changes in session_changes.values() for change in changes]


def meeting_context(meeting: Meeting) -> dict:
    # Prefetch once: the same agenda, sessions and documents go into every e-mail.
    meeting = (
        Meeting.objects.select_related("organiser")
        .prefetch_related("agenda_items", "sessions", "documents")
        .get(pk=meeting.pk)
    )
    return {
        "meeting": meeting,
        "site_url": settings.SITE_URL,
        "sessions": list(meeting.sessions.all()),
        "documents": list(meeting.documents.all()),
        "organiser": meeting.organiser,
        "reply_by": meeting.reply_by,
    }


def _invitation_email(
    invitation: Invitation,
    context: dict,
    method: str,
    *,
    changes: list[Change] | None = None,
    cover_note: str | None = None,
    language: str | None = None,
) -> OutgoingEmail:
    (email,) = _invitation_emails(
        [invitation],
        context,
        method,
        changes=changes,
        cover_note=cover_note,
        language=language,
    )
    return email


def _invitation_emails(
    invitations: list[Invitation],
    context: dict,
    method: str,
    *,
    changes: list[Change] | None = None,
    session_changes: dict | None = None,
    cover_note: str | None = None,
    language: str | None = None,
) -> list[OutgoingEmail]:
    """Each invitee's e-mail with their own calendar entry. Those who get the same e-mail
    but for their name and link (the same kind, language and session) share one
    rendering (MailMerge): a batch of 200 renders a few times, not 200."""
    meeting = context["meeting"]
    merge = MailMerge("name", "reply_url")
    rendered: dict[tuple, tuple[str, str, str]] = {}
    for invitation in invitations:
        invitation.meeting = meeting
    readers = [language or language_of(invitation) for invitation in invitations]
    calendars = ical.invitation_calendars(invitations, method=method, languages=readers)
    emails = []
    for invitation, reader, calendar in zip(invitations, readers, calendars, strict=True):
        name = _invitation_template(invitation, method)
        session = ical.chosen_session(invitation)
        key = (name, reader, session.pk if session else None, bool(invitation.name))
        if key not in rendered:
            stand_in = copy(invitation)
            stand_in.name = merge["name"] if invitation.name else ""
            told = [*(changes or []), *changes_for(invitation, session_changes or {})]
            rendered[key] = render_unfinished(
                name,
                {
                    **context,
                    "invitation": stand_in,
                    "session": session,
                    "changes": told,
                    "cover_note": meeting.cover_note if cover_note is None else cover_note,
                    "reply_url": merge["reply_url"],
                },
                reader,
            )
        subject, text, html = merge.fill(
            rendered[key],
            {"name": invitation.name, "reply_url": reply_url(invitation, reader)},
        )
        emails.append(
            OutgoingEmail(
                to=invitation.email,
                subject=subject,
                body_text=text,
                body_html=html,
                calendar=calendar,
                calendar_method=method,
                headers=reply_headers(meeting),
                dedupe_key=calendar_key(invitation, method),
            )
        )
    return emails


def _invitation_template(invitation: Invitation, method: str) -> str:
    if method == "CANCEL":
        return "forums/emails/meeting_cancelled"
    # "Ändrat" only to those who were sent an earlier version: someone invited after a
    # change gets the invitation, at the current sequence.
    was_sent_before = invitation.last_email_id is not None
    updating = bool(invitation.calendar_sequence) and was_sent_before
    return "forums/emails/meeting_updated" if updating else "forums/emails/meeting_invitation"


def calendar_key(invitation: Invitation, method: str) -> str:
    meeting = invitation.meeting
    return (
        f"meeting:{meeting.pk}:v{meeting.sequence}.{invitation.revision}:{method}:"
        f"{invitation.email}"
    )


def reply_headers(meeting: Meeting) -> dict:
    """A reply typed to the e-mail goes to the responsible official; the calendar's Accept
    and Decline go to the ORGANIZER, the portal's inbox (forums/inbound.py)."""
    return {"Reply-To": meeting.organiser.email}


@dataclass(frozen=True)
class EmailPreview:
    subject: str
    text: str
    html: str
    calendar: str
    language: str  # the recipient's, which may not be the official's


def preview_email(meeting: Meeting, recipient: Recipient, cover_note: str = "") -> EmailPreview:
    """The exact e-mail the first recipient would get, rendered but not stored."""
    invitation = Invitation(
        meeting=meeting,
        email=recipient.email,
        name=recipient.name,
        municipality_id=recipient.municipality_id,
        token="forhandsvisning",  # noqa: S106 - a preview's link leads nowhere.
    )
    # One query whoever the first recipient is: the page's count stays flat.
    language = (
        User.objects.filter(pk=recipient.user_id or 0)
        .values_list("preferred_language", flat=True)
        .first()
    )
    email = _invitation_email(
        invitation,
        meeting_context(meeting),
        "REQUEST",
        cover_note=cover_note,
        language=language or "sv",
    )
    return EmailPreview(
        email.subject, email.body_text, email.body_html, email.calendar, language or "sv"
    )


@transaction.atomic
def resend(*, invitation: Invitation, actor) -> OutgoingEmail:
    """Send the current version again to one invitee: a new row, never a re-send of the old."""
    meeting = invitation.meeting
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    email = _invitation_email(invitation, meeting_context(meeting), method)
    email.dedupe_key = None
    (email,) = queue_emails([email])
    invitation.last_email = email
    invitation.save(update_fields=["last_email", "updated_at"])
    audit.record("invitation.resent", meeting, actor=actor, details={"to": invitation.email})
    return email


def reply_url(invitation: Invitation, language: str) -> str:
    """The reply page in the reader's language (/en/… for English)."""
    with translation.override(language):
        return settings.SITE_URL + invitation.reply_path()


def language_of(invitation: Invitation) -> str:
    return invitation.user.preferred_language if invitation.user else "sv"
