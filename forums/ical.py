"""iCalendar for meetings (RFC 5545/5546), built with the icalendar library.

One UID per meeting for ever; SEQUENCE goes up with every change of time or place, so
Outlook and Google update the event they already have. Times are Europe/Stockholm with a
VTIMEZONE, so a meeting keeps its local time across the clock change.
"""

from datetime import datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
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

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PRODID = "-//Region Skåne//Kulturportalen//SV"

PARTSTAT = {
    Invitation.Response.NEEDS_ACTION: "NEEDS-ACTION",
    Invitation.Response.ACCEPTED: "ACCEPTED",
    Invitation.Response.DECLINED: "DECLINED",
    Invitation.Response.TENTATIVE: "TENTATIVE",
}


def invitation_calendar(invitation, *, method: str) -> str:
    """METHOD:REQUEST or METHOD:CANCEL for one invitee."""
    meeting = invitation.meeting
    calendar = _calendar(method)
    # The personal reply page: it opens for every invitee, a non-public meeting's page not.
    url = settings.SITE_URL + invitation.reply_path()
    event = _event(meeting, session=session_for(invitation), url=url)
    event.add("organizer", _organizer())
    event.add("attendee", _attendee(invitation))
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def feed_calendar(meetings, *, name: str) -> str:
    """A subscribable feed of public meetings (no attendees, no method)."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    for meeting in meetings:
        url = settings.SITE_URL + meeting.get_absolute_url()
        # A round is its sessions, each with its own time and place, not one long block.
        for session in list(meeting.sessions.all()) or [None]:
            event = _event(meeting, session=session, url=url)
            event["uid"] = meeting.feed_uid(session)
            event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
            calendar.add_component(event)
    return calendar.to_ical().decode()


def session_for(invitation):
    """The session an invitee of a sub-regional round attends: chosen, else their corner's."""
    if invitation.session_id:
        return invitation.session
    sessions = list(invitation.meeting.sessions.all())
    if not sessions:
        return None
    if invitation.municipality_id:
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


def _event(meeting, *, session, url: str) -> Event:
    starts_at = session.starts_at if session else meeting.starts_at
    ends_at = session.ends_at if session else meeting.ends_at
    place = (session.place or session.town) if session else meeting.place
    event = Event()
    event.add("uid", meeting.calendar_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at.astimezone(STOCKHOLM))
    event.add("dtend", ends_at.astimezone(STOCKHOLM))
    event.add("summary", meeting.title)
    event.add("description", _description(meeting))
    location = ", ".join(part for part in [place, meeting.online_url] if part)
    if location:
        event.add("location", location)
    event.add("url", url)
    return event


def _description(meeting) -> str:
    lines = [meeting.description] if meeting.description else []
    items = list(meeting.agenda_items.all())
    if items:
        lines.append("Dagordning:")
        lines += [f"{n}. {item.title}" for n, item in enumerate(items, start=1)]
    if meeting.online_url:
        lines.append(f"Digitalt möte: {meeting.online_url}")
    return "\n".join(lines)


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "Region Skåne")
    return organizer


def _attendee(invitation) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{invitation.email}")
    attendee.params["cn"] = vText(invitation.name or invitation.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(PARTSTAT[invitation.response])
    attendee.params["rsvp"] = vText("TRUE")
    return attendee
