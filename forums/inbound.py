"""Accept, Decline and Tentative from Outlook, Gmail and the rest: the iTIP REPLY (RFC 5546)
a calendar sends to the invitation's ORGANIZER, the portal's inbox (kulturportal/inbound.py).

A REPLY names the invitee's own UID, which only their invitation carried, and their address
as ATTENDEE with a PARTSTAT. It is recorded exactly like the reply page's answer, waiting
list included, and a note the person wrote (COMMENT; Google's X-RESPONSE-COMMENT on the
ATTENDEE) is kept like one typed on the reply page. It is recorded only when it can be
trusted and is not older than the answer it would replace; anything else concerning a
meeting goes to its official, saying why:

- the sender, both the envelope's (MAIL FROM) and the From: header's, must be the
  ATTENDEE's address, compared in one normalised form (case, IDNA);
- where the receiving mail server writes Authentication-Results (INBOUND_AUTHSERV_ID), it
  must have found an SPF or a DMARC pass for that sender;
- a reply to an older version of the person's entry (a lower SEQUENCE), or to the current
  one but made before the person's last answer (an older DTSTAMP), is outdated (RFC 5546,
  2.1.5) and never replaces a newer answer.
"""

import time
import uuid
from datetime import UTC, datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from forums import ical, services
from forums.models import Invitation, Meeting
from kulturportal.emails import normalise_address
from kulturportal.inbound import (
    Applied,
    Forward,
    calendar_parts,
    check_sender,
    register_handler,
)

PARTSTATS = {
    "ACCEPTED": Invitation.Response.ACCEPTED,
    "DECLINED": Invitation.Response.DECLINED,
    "TENTATIVE": Invitation.Response.TENTATIVE,
}
UID_DOMAIN = "@kulturportal.skane.se"


# What one message may make the portal read: a REPLY holds one event (with its time zone).
MAX_EVENTS = 10
PARSE_SECONDS = 5


def handle(message, envelope_sender: str = "") -> Applied | Forward | None:
    """kulturportal.inbound's handler for the forums: None if the message is not about a
    meeting invitation. Reads at most MAX_EVENTS events a calendar part, and stops after
    PARSE_SECONDS: a message that asks for more is forwarded, saying so."""
    parts = calendar_parts(message)
    deadline = time.monotonic() + PARSE_SECONDS
    unread = parts.unread
    for text in parts.texts:
        if time.monotonic() > deadline:
            unread = _("Det tog för lång tid att läsa meddelandets kalenderdelar.")
            break
        events = text.upper().count("BEGIN:VEVENT")
        if events > MAX_EVENTS:
            unread = _(
                "En kalenderdel har %(count)s händelser; ett kalendersvar har en. Den lästes inte."
            ) % {"count": events}
            continue
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
                return _reply(calendar, event, meeting, invitation, message, envelope_sender)
    if unread:
        return Forward(settings.INBOUND_FORWARD_TO, unread)
    return None


def _reply(calendar, event, meeting: Meeting, invitation: Invitation | None, message, envelope):
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
    untrusted = _untrusted_sender(message, envelope, attendee)
    if untrusted:
        return Forward(official, untrusted)
    response = PARTSTATS.get(str(attendee.params.get("PARTSTAT", "")).upper())
    comment = _comment(event, attendee)
    if response is None:
        return Forward(official, _("Ett kalendersvar som varken tackar ja, nej eller kanske."))
    outdated = _outdated(event, invitation)
    if outdated:
        return Forward(official, outdated)
    kept = {field: getattr(invitation, field) for field in KEPT_FIELDS}
    try:
        services.record_reply(
            invitation=invitation,
            response=response,
            session=_session(invitation, response),
            **{**kept, **({"comment": comment} if comment else {})},
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


# What the reply page holds that a calendar cannot say: kept as it is (a note too, unless
# the calendar's reply brings a new one).
KEPT_FIELDS = ["dietary_needs", "access_needs", "substitute_name", "substitute_email", "comment"]


def _comment(event, attendee) -> str:
    """The person's note: Outlook and Apple write a COMMENT, Google a parameter of the
    ATTENDEE (X-RESPONSE-COMMENT). Cut to what the reply page takes."""
    comment = str(attendee.params.get("X-RESPONSE-COMMENT", "") or event.get("COMMENT", ""))
    return " ".join(comment.split())[: Invitation._meta.get_field("comment").max_length]


def _untrusted_sender(message, envelope: str, attendee) -> str:
    """Why the sender cannot be taken for the ATTENDEE, or "" if it can."""
    expected = normalise_address(str(attendee))
    from_address = normalise_address(parseaddr(str(message.get("From", "")))[1])
    for sender in (normalise_address(envelope), from_address):
        if sender != expected:
            return _(
                "Kalendersvaret gäller %(email)s men kom från avsändaren %(sender)s. Bara "
                "svar från den inbjudnas egen adress registreras."
            ) % {"email": expected, "sender": sender or _("(ingen avsändare)")}
    check = check_sender(message, envelope)
    if check.required and not check.passed:
        return _(
            "Den mottagande e-postservern kunde inte bekräfta att kalendersvaret kom från "
            "%(email)s (den krävde godkänd SPF eller DMARC, fann: %(found)s). Svaret "
            "registreras inte."
        ) % {"email": expected, "found": check.found or _("inget resultat")}
    return ""


def _outdated(event, invitation: Invitation) -> str:
    """Why the reply is older than the person's current entry or answer, or "" if not."""
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = 0
    current = invitation.calendar_sequence
    answer = Invitation.Response(invitation.response).label
    if sequence < current:
        return _(
            "Kalendersvaret från %(email)s gäller en äldre version av inbjudan (version "
            "%(sequence)s, nu %(current)s). Det registreras inte över det senare svaret "
            "(%(answer)s)."
        ) % {"email": invitation.email, "sequence": sequence, "current": current, "answer": answer}
    made = _stamp(event)
    # A DTSTAMP counts whole seconds: one from the same second as the answer is not older.
    answered = invitation.responded_at.replace(microsecond=0) if invitation.responded_at else None
    if sequence == current and made and answered and made < answered:
        return _(
            "Kalendersvaret från %(email)s skrevs före personens senaste svar (%(answer)s) och "
            "registreras inte över det."
        ) % {"email": invitation.email, "answer": answer}
    return ""


def _stamp(event) -> datetime | None:
    try:
        made = event.decoded("DTSTAMP")
    except (KeyError, ValueError):
        return None
    if not isinstance(made, datetime):
        return None
    return made if timezone.is_aware(made) else made.replace(tzinfo=UTC)


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
    addresses = {
        normalise_address(address)
        for address in (invitation.email, invitation.substitute_email)
        if address
    }
    for attendee in attendees:
        if normalise_address(str(attendee)) in addresses:
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
