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
    # The person's own event: the meeting's UUID and a part only their e-mail carries.
    assert str(event["UID"]) == invitation.calendar_uid
    assert str(event["UID"]).startswith(f"{invitation.meeting.uid}-")
    assert event["SEQUENCE"] == 0
    assert event.get("DTSTAMP") is not None
    # The portal's inbox, which takes the calendar's Accept and Decline (inbound.py).
    assert str(event["ORGANIZER"]) == "mailto:svar@kulturportal.example.se"
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
    services.cancel_meeting(meeting=invitation.meeting, actor=None)
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


def test_before_a_choice_the_round_is_provisional_not_a_session_nobody_chose(
    sub_regional_round, ystad_politician
):
    """Defect (issue 11): an invitee who had not chosen held their corner's session as a
    confirmed meeting (LOCATION:Ystad, STATUS:CONFIRMED)."""
    ystad = ystad_politician.role_assignments.get().municipality
    invitation = Invitation.objects.create(
        meeting=sub_regional_round, email=ystad_politician.email, municipality=ystad
    )
    _, event = _parse(ical.invitation_calendar(invitation, method="REQUEST"))
    session = sub_regional_round.sessions.get(town="Ystad")
    assert event["STATUS"] == "TENTATIVE"
    assert "(välj delmöte)" in event["SUMMARY"]
    assert event["LOCATION"] == "Välj delmöte: Helsingborg, Kristianstad, Ystad, Malmö"
    for other in sub_regional_round.sessions.all():
        assert f"- {other.town}: " in event["DESCRIPTION"]
    # At the time of the session nearest them, so the day is held, provisionally.
    assert event.decoded("DTSTART") == session.starts_at


def test_a_chosen_session_is_confirmed_with_its_own_time_and_place(
    sub_regional_round, ystad_politician
):
    helsingborg = sub_regional_round.sessions.get(town="Helsingborg")
    invitation = Invitation.objects.create(
        meeting=sub_regional_round,
        email=ystad_politician.email,
        response=Invitation.Response.ACCEPTED,
        session=helsingborg,
    )
    _, event = _parse(ical.invitation_calendar(invitation, method="REQUEST"))
    assert event["STATUS"] == "CONFIRMED" and event["SUMMARY"] == sub_regional_round.title
    assert event.decoded("DTSTART") == helsingborg.starts_at
    assert event["LOCATION"].startswith(helsingborg.place or "Helsingborg")


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


def _feed(meetings):
    return Calendar.from_ical(ical.feed_calendar(meetings, name="Flöde")).walk("VEVENT")


def test_a_feed_event_is_never_the_same_event_as_the_personal_invitation(invitation):
    """Defect (issue 11): a subscriber who was also invited saw the meeting twice, or one
    copy overwrote the other, because the feed and the invitation shared a UID."""
    invitation.meeting.status = Meeting.Status.SCHEDULED
    invitation.meeting.save()
    _, personal = _parse(ical.invitation_calendar(invitation, method="REQUEST"))
    (in_feed,) = _feed(Meeting.objects.public())
    assert str(in_feed["UID"]) != str(personal["UID"])


def test_a_round_in_the_feed_is_one_event_per_session_with_its_place(sub_regional_round):
    """Defect (issue 11): the feed showed a round as one nine-day block."""
    sub_regional_round.status = Meeting.Status.SCHEDULED
    sub_regional_round.save()
    events = _feed(Meeting.objects.public())
    sessions = list(sub_regional_round.sessions.order_by("starts_at"))
    assert len(events) == len(sessions) == 4
    by_start = sorted(events, key=lambda e: e.decoded("DTSTART"))
    for event, session in zip(by_start, sessions, strict=True):
        assert event.decoded("DTSTART") == session.starts_at
        assert str(event["LOCATION"]).startswith(session.place or session.town)
    assert len({str(e["UID"]) for e in events}) == 4


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(annual):
    """Defect (issue 11): a cancelled meeting vanished from the feed, so subscribed
    calendars kept it as if it were still on."""
    services.schedule_and_invite(meeting=annual, actor=None)
    services.cancel_meeting(meeting=Meeting.objects.get(pk=annual.pk), actor=None)
    (event,) = _feed(Meeting.objects.in_feed())
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_draft_never_reaches_the_feed_even_cancelled(annual, client):
    """A draft cancelled before it was sent: not in the feed a calendar subscribes to
    (issue 19: this test once only asked the queryset, not the feed)."""
    Meeting.objects.filter(pk=annual.pk).update(
        status=Meeting.Status.CANCELLED, title="Utkast som aldrig skickades"
    )
    assert not Meeting.objects.in_feed().exists()
    feed = client.get(f"/overlaggningar/kalender/{annual.forum_type}.ics")
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.content)
    assert calendar.walk("VEVENT") == []
    assert "Utkast som aldrig skickades" not in feed.content.decode()


def test_a_meeting_page_offers_its_own_calendar_file(client, scheduled_annual):
    """Defect (issue 11): a meeting page had no "Lägg till i kalender"."""
    page = client.get(scheduled_annual.get_absolute_url()).content.decode()
    url = f"/overlaggningar/{scheduled_annual.pk}/kalender.ics"
    assert url in page and "Lägg till i kalender" in page
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == scheduled_annual.feed_uid()
    assert "attachment" in response["Content-Disposition"]


def test_a_drafts_calendar_file_is_not_found_for_the_public(client, annual):
    assert client.get(f"/overlaggningar/{annual.pk}/kalender.ics").status_code == 404


@pytest.fixture
def scheduled_annual(annual):
    services.schedule_and_invite(meeting=annual, actor=None)
    return Meeting.objects.get(pk=annual.pk)


def test_the_feed_links_say_how_to_subscribe(client):
    """Defect (issue 11): the feed links did not say how to subscribe in Outlook or Google."""
    html = client.get("/overlaggningar/").content.decode()
    assert "Prenumerera från webben" in html and "Från webbadress" in html


def test_a_feeds_sequence_rises_when_a_session_moves(sub_regional_round, official_client):
    """Defect (issue 20, item 11): a round's session moved, its feed event got the new time
    at the same SEQUENCE, so subscribed calendars could keep the old one."""
    from tests.forums.test_round_calendars import _session_post

    services.schedule_and_invite(meeting=sub_regional_round, actor=None)
    before = {str(e["UID"]): e.decoded("SEQUENCE") for e in _feed(Meeting.objects.in_feed())}
    ystad = sub_regional_round.sessions.get(town="Ystad")
    sub_regional_round.refresh_from_db()
    response = official_client.post(
        f"/overlaggningar/{sub_regional_round.pk}/andra/",
        _session_post(sub_regional_round, Ystad=ystad.starts_at + timedelta(hours=2)),
    )
    assert response.status_code == 302
    after = {str(e["UID"]): e.decoded("SEQUENCE") for e in _feed(Meeting.objects.in_feed())}
    moved = sub_regional_round.feed_uid(ystad)
    assert after[moved] > before[moved]
    assert all(after[uid] == before[uid] for uid in before if uid != moved)
