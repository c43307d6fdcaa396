"""An invitee's reply, from the reply page or from the Accept and Decline of their calendar:
recorded once, the waiting list kept, and in a round a changed choice sends the person a new
revision of their own entry."""

from copy import copy

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forums import ical
from forums.models import (
    Invitation,
    Meeting,
)
from forums.services.delivery import (
    calendar_key,
    language_of,
    meeting_context,
    reply_headers,
    reply_url,
)
from forums.services.retention import needs_as_given
from kulturportal import audit
from kulturportal.emails import (
    queue_emails,
    templated_email,
)

audit.register_actions(
    {"invitation.replied": gettext_lazy("Svar på inbjudan")},
    # How the invitee replied: stored as a flag, shown in the reader's language.
    details={
        "invitee": gettext_lazy("Inbjuden"),
        "via_reply_link": gettext_lazy("via svarslänken"),
        "via_calendar": gettext_lazy("via kalendern"),
    },
    changes_of={"invitation.replied": Invitation},
)


class ReplyRefused(Exception):
    """The reply cannot be taken; the message says why, for the person replying, and
    `field` names the form field it concerns (None: the reply as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def record_reply(
    *,
    invitation: Invitation,
    response: str,
    session=None,
    dietary_needs: str = "",
    access_needs: str = "",
    substitute_name: str = "",
    substitute_email: str = "",
    comment: str = "",
    via_calendar: bool = False,
    actor,
) -> Invitation:
    """Take an invitee's reply, from the reply page or (via_calendar) from the Accept or
    Decline of their calendar. In a round, a reply that changes what the person will
    attend sends them a new revision of their own calendar entry."""
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ReplyRefused(_("Mötet är inställt. Du behöver inte svara."))
    if not meeting.is_open_for_replies():
        raise ReplyRefused(_("Mötet har redan börjat, så svaret kan inte längre ändras."))
    accepted = response == Invitation.Response.ACCEPTED
    if meeting.is_sub_regional_round() and accepted and session is None:
        raise ReplyRefused(_("Välj vilket av delmötena du kommer till."), field="session")
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=invitation.pk)
    )
    _refuse_started_sessions(invitation, session if accepted else None)
    before = audit.snapshot(invitation, REPLY_FIELDS)
    entry_before = _calendar_state(invitation)
    held_before = invitation.session
    was_coming = invitation.response == Invitation.Response.ACCEPTED and not invitation.waitlisted
    invitation.response = response
    invitation.session = session if accepted else None
    invitation.dietary_needs = dietary_needs
    invitation.access_needs = access_needs
    invitation.substitute_name = substitute_name
    invitation.substitute_email = substitute_email
    invitation.comment = comment
    invitation.responded_at = timezone.now()
    invitation.waitlisted = accepted and not was_coming and meeting.is_full()
    entry_changed = meeting.is_sub_regional_round() and _calendar_state(invitation) != entry_before
    if entry_changed:
        invitation.revision += 1
    invitation.save()
    audit.record(
        "invitation.replied",
        meeting,
        actor=actor,
        changes=needs_as_given(audit.diff(before, audit.snapshot(invitation, REPLY_FIELDS))),
        details={
            "invitee": invitation.email,
            ("via_calendar" if via_calendar else "via_reply_link"): True,
        },
        # Neutral, not a sentence: the history shows "via …" in its reader's language.
        actor_label=invitation.email,
    )
    # A decline from the calendar has already taken the entry out of that calendar.
    if entry_changed and not (via_calendar and response == Invitation.Response.DECLINED):
        _send_own_entry(meeting, invitation, held_before=held_before)
    if was_coming and not accepted:
        _promote_from_waiting_list(meeting)
    return invitation


def _refuse_started_sessions(invitation: Invitation, session) -> None:
    now = timezone.now()
    if session is not None and session.starts_at <= now:
        raise ReplyRefused(
            _("Delmötet i %(town)s har redan börjat. Välj ett annat delmöte.")
            % {"town": session.town},
            field="session",
        )
    current = invitation.session
    if current is not None and current.starts_at <= now and current != session:
        raise ReplyRefused(
            _("Ditt delmöte i %(town)s har redan börjat, så svaret kan inte längre ändras.")
            % {"town": current.town}
        )


def _calendar_state(invitation: Invitation) -> tuple:
    """What a round's invitee's calendar should hold: nothing (declined), a session, or
    the provisional entry."""
    if invitation.response == Invitation.Response.DECLINED:
        return ("none",)
    if invitation.session_id:
        return ("session", invitation.session_id)
    return ("provisional",)


def _send_own_entry(meeting: Meeting, invitation: Invitation, *, held_before=None) -> None:
    """The new revision of one person's entry: their session confirmed, the provisional
    entry again, or a cancellation of it for them when they declined: of the entry they
    held (`held_before`, their session, or the provisional one), not of the whole round."""
    declined = invitation.response == Invitation.Response.DECLINED
    method = "CANCEL" if declined else "REQUEST"
    context = meeting_context(meeting)
    invitation.meeting = context["meeting"]
    language = language_of(invitation)
    entry = invitation
    if declined:
        entry = copy(invitation)
        entry.session = held_before
    (email,) = queue_emails(
        [
            templated_email(
                to=invitation.email,
                name="forums/emails/meeting_choice",
                context={
                    **context,
                    "invitation": invitation,
                    "session": ical.chosen_session(invitation),
                    "declined": declined,
                    "reply_url": reply_url(invitation, language),
                },
                language=language,
                calendar=ical.invitation_calendar(entry, method=method, language=language),
                calendar_method=method,
                headers=reply_headers(meeting),
                dedupe_key=calendar_key(invitation, method),
            )
        ]
    )
    invitation.last_email = email
    invitation.save(update_fields=["last_email", "updated_at"])


REPLY_FIELDS = [*Invitation.REPLY_FIELDS, "waitlisted"]


def _promote_from_waiting_list(meeting: Meeting) -> None:
    waiting = (
        meeting.invitations.filter(response=Invitation.Response.ACCEPTED, waitlisted=True)
        .order_by("responded_at")
        .first()
    )
    if waiting is None or meeting.is_full():
        return
    # A new revision of their entry, confirmed: the calendar replaces what it held.
    waiting.waitlisted = False
    waiting.revision += 1
    waiting.save(update_fields=["waitlisted", "revision", "updated_at"])
    waiting.meeting = meeting
    language = language_of(waiting)
    (email,) = queue_emails(
        [
            templated_email(
                to=waiting.email,
                name="forums/emails/waiting_list_promoted",
                context={
                    "meeting": meeting,
                    "invitation": waiting,
                    "reply_url": reply_url(waiting, language),
                },
                language=language,
                calendar=ical.invitation_calendar(waiting, method="REQUEST", language=language),
                calendar_method="REQUEST",
                headers=reply_headers(meeting),
                dedupe_key=f"promoted:{waiting.pk}:{timezone.now():%Y%m%d%H%M%S}",
            )
        ]
    )
    waiting.last_email = email
    waiting.save(update_fields=["last_email", "updated_at"])
