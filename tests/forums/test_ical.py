"""Every .ics the code produces, parsed back with icalendar and its fields checked."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from forums import ical, services
from forums.models import Invitation, Meeting
from tests.forums.conftest import local

pytestmark = pytest.mark.django_db


def _parse(text):
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def invitation(annual, lund_chief, lund):
    annual.agenda_items.create(title="Kulturplanen", position=0)
    return Invitation.objects.create(
        meeting=annual,
        email=lund_chief.email,
        name="Lena Lundberg",
        user=lund_chief,
        municipality=lund,
    )


def test_request_has_every_field_outlook_and_google_need(invitation):
    calendar, event = _parse(ical.invitation_calendar(invitation, method="REQUEST"))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{invitation.meeting.uid}@kulturportal.skane.se"
    assert event["SEQUENCE"] == 0
    assert event.get("DTSTAMP") is not None
    assert str(event["ORGANIZER"]) == "mailto:kulturportal@example.se"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:kulturchef.lund@example.se"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert event["LOCATION"] == "Malmö Live"
    assert "1. Kulturplanen" in event["DESCRIPTION"]
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == invitation.meeting.starts_at


def test_cancel_keeps_the_uid(invitation):
    request = _parse(ical.invitation_calendar(invitation, method="REQUEST"))[1]
    services.cancel_meeting(meeting=invitation.meeting)
    invitation.refresh_from_db()
    calendar, event = _parse(ical.invitation_calendar(invitation, method="CANCEL"))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == request["UID"]
    assert event["SEQUENCE"] == 1


@pytest.mark.parametrize(
    ("start", "utc_hour"),
    [
        (local(2027, 3, 28, 10), 8),  # last Sunday of March: summer time from 02.00
        (local(2027, 10, 31, 10), 9),  # last Sunday of October: winter time from 03.00
        (local(2027, 3, 27, 10), 9),  # the day before, still winter time
    ],
)
def test_meetings_on_clock_change_days_keep_their_local_time(invitation, start, utc_hour):
    meeting = invitation.meeting
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    invitation.meeting.refresh_from_db()
    text = ical.invitation_calendar(invitation, method="REQUEST")
    assert f"DTSTART;TZID=Europe/Stockholm:{start:%Y%m%d}T100000" in text.replace("\r\n", "\n")
    _, event = _parse(text)
    assert event.decoded("DTSTART").utcoffset().total_seconds() / 3600 == 10 - utc_hour
    assert event.decoded("DTSTART").astimezone(local(2000, 1, 1, 0).tzinfo).hour == 10


def test_sub_regional_invitee_gets_the_session_of_their_corner(
    sub_regional_round, ystad_politician
):
    ystad = ystad_politician.role_assignments.get().municipality
    invitation = Invitation.objects.create(
        meeting=sub_regional_round, email=ystad_politician.email, municipality=ystad
    )
    _, event = _parse(ical.invitation_calendar(invitation, method="REQUEST"))
    session = sub_regional_round.sessions.get(town="Ystad")
    assert event.decoded("DTSTART") == session.starts_at
    assert event["LOCATION"] == "Ystad"


def test_feed_lists_public_meetings_without_attendees(annual):
    annual.status = Meeting.Status.SCHEDULED
    annual.save()
    calendar = Calendar.from_ical(ical.feed_calendar(Meeting.objects.public(), name="Årliga"))
    (event,) = calendar.walk("VEVENT")
    assert "METHOD" not in calendar and "ATTENDEE" not in event
    assert calendar["X-WR-CALNAME"] == "Årliga"


@pytest.mark.parametrize(
    ("local_time", "offset_hours"),
    [
        ((2027, 3, 27, 10), 1),
        ((2027, 3, 28, 10), 2),
        ((2027, 10, 30, 10), 2),
        ((2027, 10, 31, 10), 1),
    ],
)
def test_the_vtimezone_itself_follows_the_swedish_clock_changes(
    invitation, local_time, offset_hours
):
    from datetime import datetime

    calendar, _ = _parse(ical.invitation_calendar(invitation, method="REQUEST"))
    (zone,) = calendar.walk("VTIMEZONE")
    assert "RRULE" in zone.to_ical().decode()
    tz = zone.to_tz()
    assert datetime(*local_time, tzinfo=tz).utcoffset() == timedelta(hours=offset_hours)
