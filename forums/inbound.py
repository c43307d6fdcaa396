"""Accept, Decline and Tentative from Outlook, Gmail and the rest: the iTIP REPLY (RFC 5546)
a calendar sends to the invitation's ORGANIZER, the portal's inbox (kulturportal/inbound.py).

A REPLY names the invitee's own UID, which only their invitation carried, and their address
as ATTENDEE with a PARTSTAT. It is recorded exactly like the reply page's answer, waiting
list included. Anything else concerning a meeting goes to its official.
"""

import uuid

from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from forums import ical, services
from forums.models import Invitation, Meeting
from kulturportal.inbound import Applied, Forward, calendar_parts, register_handler

PARTSTATS = {
    "ACCEPTED": Invitation.Response.ACCEPTED,
    "DECLINED": Invitation.Response.DECLINED,
    "TENTATIVE": Invitation.Response.TENTATIVE,
}
UID_DOMAIN = "@kulturportal.skane.se"


def handle(message) -> Applied | Forward | None:
    """kulturportal.inbound's handler for the forums: None if the message is not about a
    meeting invitation."""
    for text in calendar_parts(message):
        try:
            calendar = Calendar.from_ical(text)
        except ValueError:
            continue
        for event in calendar.walk("VEVENT"):
            found = _invitation_for(str(event.get("UID", "")))
            if found is None:
                continue
            meeting, invitation = found
            with translation.override("sv"):  # the official's log and forward are Swedish
                return _reply(calendar, event, meeting, invitation)
    return None


def _reply(calendar, event, meeting: Meeting, invitation: Invitation | None):
    official = meeting.organiser.email
    method = str(calendar.get("METHOD", "")).upper()
    if method != "REPLY":
        return Forward(
            official,
            _("Ett kalendermeddelande (%(method)s) om %(title)s.")
            % {"method": method or "utan METHOD", "title": meeting.title},
        )
    attendee = _attendee(event, invitation)
    if invitation is None or attendee is None:
        return Forward(
            official,
            _("Ett kalendersvar om %(title)s från någon som inte är inbjuden med den adressen.")
            % {"title": meeting.title},
        )
    response = PARTSTATS.get(str(attendee.params.get("PARTSTAT", "")).upper())
    comment = str(event.get("COMMENT", "")).strip()
    if response is None:
        return Forward(official, _("Ett kalendersvar som varken tackar ja, nej eller kanske."))
    try:
        services.record_reply(
            invitation=invitation,
            response=response,
            session=_session(invitation, response),
            **{field: getattr(invitation, field) for field in KEPT_FIELDS},
            via_calendar=True,
            actor=None,  # the invitee's calendar, not a person logged in
        )
    except services.ReplyRefused as refused:
        return Forward(
            official,
            _("Kalendersvaret från %(email)s kunde inte registreras: %(reason)s")
            % {"email": invitation.email, "reason": refused},
        )
    note = _("%(email)s svarade %(response)s i sin kalender.") % {
        "email": invitation.email,
        "response": Invitation.Response(response).label,
    }
    if comment:
        note += " " + _("Kommentar: %(comment)s") % {"comment": comment}
    return Applied(note, forward_to=official if comment else "")


KEPT_FIELDS = ["dietary_needs", "access_needs", "substitute_name", "substitute_email"]


def _session(invitation: Invitation, response: str):
    """Accepting in the calendar accepts what the calendar showed: the chosen session, or
    the provisional entry's, the one nearest them."""
    if response != Invitation.Response.ACCEPTED or not invitation.meeting.is_sub_regional_round():
        return None
    return ical.chosen_session(invitation) or ical.suggested_session(invitation)


def _attendee(event, invitation: Invitation | None):
    if invitation is None:
        return None
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    addresses = {invitation.email.lower(), invitation.substitute_email.lower()} - {""}
    for attendee in attendees:
        if str(attendee).lower().removeprefix("mailto:") in addresses:
            return attendee
    return None


def _invitation_for(uid: str) -> tuple[Meeting, Invitation | None] | None:
    """The meeting and invitation a UID names: a person's own (meeting UUID, a part from
    their token). The meeting's shared UID of earlier invitations proves nobody's identity:
    its replies go to the official to enter by hand."""
    if not uid.endswith(UID_DOMAIN):
        return None
    local = uid.removesuffix(UID_DOMAIN)
    meeting_part, _dash, own_part = local[:36], local[36:37], local[37:]
    try:
        meeting_uuid = uuid.UUID(meeting_part)
    except ValueError:
        return None
    meeting = Meeting.objects.select_related("organiser").filter(uid=meeting_uuid).first()
    if meeting is None:
        return None
    invitations = meeting.invitations.select_related("session", "municipality__sub_region")
    if not own_part:
        return meeting, None  # the shared UID carries no proof of who replies
    for invitation in invitations.iterator():
        if invitation.calendar_uid == uid:
            invitation.meeting = meeting
            return meeting, invitation
    return meeting, None


def register() -> None:
    register_handler(handle)
