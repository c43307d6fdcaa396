"""iCalendar for meetings (RFC 5545/5546), built with the icalendar library.

One UID per meeting for ever; SEQUENCE goes up with every change of time or place, so
Outlook and Google update the event they already have. Times are Europe/Stockholm with a
VTIMEZONE, so a meeting keeps its local time across the clock change.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from forums.models import Invitation
from kulturportal.emails import normalise_address
from kulturportal.merging import (
    STAND_IN_ATTENDEE,
    STAND_IN_SEQUENCE,
    STAND_IN_UID,
    STAND_IN_URL,
    CalendarMerge,
)
from kulturportal.text import clean_name

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PRODID = "-//Region Skåne//Kulturportalen//SV"

PARTSTAT = {
    Invitation.Response.NEEDS_ACTION: "NEEDS-ACTION",
    Invitation.Response.ACCEPTED: "ACCEPTED",
    Invitation.Response.DECLINED: "DECLINED",
    Invitation.Response.TENTATIVE: "TENTATIVE",
}


def invitation_calendar(invitation, *, method: str, language: str = "sv") -> str:
    """METHOD:REQUEST or METHOD:CANCEL for one invitee: their own event (UID and SEQUENCE
    of their own), holding exactly what they will attend.

    Before someone picks a session of a sub-regional round the event is provisional:
    STATUS:TENTATIVE, "välj delmöte" in the summary, every session in the description,
    at the time of the session nearest them.
    """
    return invitation_calendars([invitation], method=method, languages=[language])[0]


def invitation_calendars(invitations, *, method: str, languages: list[str]) -> list[str]:
    """Each invitee's calendar. Those whose events differ only in their own lines (UID,
    SEQUENCE, the link to their reply page, the ATTENDEE) share one rendering
    (kulturportal/merging.py, CalendarMerge): building the event was most of what a meeting
    sent to thousands cost."""
    shared: dict[tuple, CalendarMerge] = {}
    calendars = []
    for invitation, language in zip(invitations, languages, strict=True):
        key = (language, *_shape(invitation, method))
        if key not in shared:
            shared[key] = _shared(invitation, method, language)
        calendars.append(_own(shared[key], invitation, language))
    return calendars


def _shape(invitation, method: str) -> tuple:
    if method == "CANCEL":  # what is cancelled is the entry the person holds
        return (False, held_session(invitation))
    provisional = is_provisional(invitation)
    session = chosen_session(invitation) or (suggested_session(invitation) if provisional else None)
    return (provisional, session)


def _shared(invitation, method: str, language: str) -> CalendarMerge:
    """The calendar with the merge's stand-ins for the invitee's own values."""
    return CalendarMerge(
        _build(
            invitation,
            method,
            language,
            uid=STAND_IN_UID,
            sequence=STAND_IN_SEQUENCE,
            url=STAND_IN_URL,
            attendee=vCalAddress(STAND_IN_ATTENDEE),
        )
    )


def _own(merge: CalendarMerge, invitation, language: str) -> str:
    return merge.fill(**_own_values(invitation, language))


def unmerged_calendar(invitation, *, method: str, language: str = "sv") -> str:
    """This person's calendar built whole, without the merge: what the merge must equal
    (tests/forums/test_calendar_merge.py holds the two side by side)."""
    return (
        _build(invitation, method, language, **_own_values(invitation, language)).to_ical().decode()
    )


def _own_values(invitation, language: str) -> dict:
    with translation.override(language):
        # The personal reply page: it opens for every invitee, a non-public meeting's page not.
        url = settings.SITE_URL + invitation.reply_path()
    return {
        "uid": invitation.calendar_uid,
        "sequence": invitation.calendar_sequence,
        "url": url,
        "attendee": _attendee(invitation),
    }


def _build(invitation, method: str, language: str, *, uid, sequence, url, attendee) -> Calendar:
    meeting = invitation.meeting
    calendar = _calendar(method)
    provisional, session = _shape(invitation, method)
    with translation.override(language):
        event = _event(
            meeting, uid=uid, sequence=sequence, session=session, url=url, provisional=provisional
        )
    event.add("organizer", _organizer())
    event.add("attendee", attendee)
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "TENTATIVE" if provisional else "CONFIRMED")
    calendar.add_component(event)
    return calendar


def feed_calendar(meetings, *, name: str) -> str:
    """A subscribable feed of public meetings (no attendees, no method)."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    for meeting in meetings:
        url = settings.SITE_URL + meeting.get_absolute_url()
        # A round is its sessions, each with its own time and place, not one long block.
        for session in list(meeting.sessions.all()) or [None]:
            event = _event(
                meeting,
                uid=meeting.feed_uid(session),
                # A moved session raises its own revision: the meeting's own may not rise.
                sequence=meeting.sequence + (session.revision if session else 0),
                session=session,
                url=url,
            )
            event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
            calendar.add_component(event)
    return calendar.to_ical().decode()


def chosen_session(invitation):
    """The session this invitee said they attend; None if they have not chosen one."""
    return invitation.session if invitation.session_id else None


def held_session(invitation):
    """The session whose time and place the invitee's calendar entry holds: the chosen one,
    or in a round without a choice the provisional entry's, the one nearest them; None for
    a meeting that is not a round. A declined invitee's cancellation is built with the
    session they held before (forums.services.replies)."""
    chosen = chosen_session(invitation)
    if chosen or not invitation.meeting.is_sub_regional_round():
        return chosen
    return suggested_session(invitation)


def is_provisional(invitation) -> bool:
    """A round's invitee who has not chosen a session (nor declined) holds a provisional
    entry; everyone else holds the meeting, or their session, as it is."""
    return (
        invitation.meeting.is_sub_regional_round()
        and not invitation.session_id
        and invitation.response != Invitation.Response.DECLINED
    )


def suggested_session(invitation):
    """The session nearest the invitee (their corner's town), for a provisional entry."""
    sessions = list(invitation.meeting.sessions.all())
    if not sessions:
        return None
    if invitation.municipality_id and invitation.municipality:
        town = invitation.municipality.sub_region.meeting_town
        for session in sessions:
            if session.town == town:
                return session
    return sessions[0]


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(_stockholm_timezone())
    return calendar


def _stockholm_timezone() -> Timezone:
    """Europe/Stockholm by the EU rule, in the RRULE form Outlook and Google expect."""
    zone = Timezone()
    zone.add("tzid", "Europe/Stockholm")
    zone.add("x-lic-location", "Europe/Stockholm")
    for component, name, offsets, start, month in (
        (TimezoneDaylight(), "CEST", (1, 2), datetime(1970, 3, 29, 2, 0), 3),
        (TimezoneStandard(), "CET", (2, 1), datetime(1970, 10, 25, 3, 0), 10),
    ):
        component.add("tzname", name)
        component.add("tzoffsetfrom", timedelta(hours=offsets[0]))
        component.add("tzoffsetto", timedelta(hours=offsets[1]))
        component.add("dtstart", start)
        component.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(component)
    return zone


def _event(
    meeting, *, uid: str, sequence: int, session, url: str, provisional: bool = False
) -> Event:
    starts_at = session.starts_at if session else meeting.starts_at
    ends_at = session.ends_at if session else meeting.ends_at
    place = (session.place or session.town) if session else meeting.place
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at.astimezone(STOCKHOLM))
    event.add("dtend", ends_at.astimezone(STOCKHOLM))
    if provisional:
        event.add("summary", _("%(title)s (välj delmöte)") % {"title": meeting.title})
        place = _("Välj delmöte: %(towns)s") % {
            "towns": ", ".join(s.town for s in meeting.sessions.all())
        }
    else:
        event.add("summary", meeting.title)
    event.add("description", _description(meeting, url=url, provisional=provisional))
    location = ", ".join(part for part in [place, meeting.online_url] if part)
    if location:
        event.add("location", location)
    event.add("url", url)
    return event


def _description(meeting, *, url: str, provisional: bool = False) -> str:
    lines = [meeting.description] if meeting.description else []
    if provisional:
        lines.append(_("Välj vilket delmöte du kommer till på svarssidan: %(url)s") % {"url": url})
        lines += [
            f"- {s.town}: {_stockholm(s.starts_at):%Y-%m-%d %H.%M}–{_stockholm(s.ends_at):%H.%M}"
            + (f", {s.place}" if s.place else "")
            for s in meeting.sessions.all()
        ]
    items = list(meeting.agenda_items.all())
    if items:
        lines.append(_("Dagordning:"))
        lines += [f"{n}. {item.title}" for n, item in enumerate(items, start=1)]
    if meeting.online_url:
        lines.append(_("Digitalt möte: %(url)s") % {"url": meeting.online_url})
    return "\n".join(lines)


def _stockholm(moment):
    return moment.astimezone(STOCKHOLM)


def _organizer() -> vCalAddress:
    """The portal's own inbox (kulturportal/inbound.py): Accept and Decline in Outlook or
    Gmail send their REPLY there, and it updates the invitation like the reply page."""
    organizer = vCalAddress(f"mailto:{settings.CALENDAR_REPLY_ADDRESS}")
    organizer.params["cn"] = vText(settings.EMAIL_SENDER_NAME)
    return organizer


def _attendee(invitation) -> vCalAddress:
    """The address in the one form it is sent to and a reply is compared in."""
    attendee = vCalAddress(f"mailto:{normalise_address(invitation.email)}")
    attendee.params["cn"] = vText(clean_name(invitation.name) or invitation.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(PARTSTAT[invitation.response])
    attendee.params["rsvp"] = vText("TRUE")
    return attendee
