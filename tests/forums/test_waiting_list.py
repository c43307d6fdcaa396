"""The waiting list: a place that frees up goes to the first in line."""

import pytest
from icalendar import Calendar

from forums import services

pytestmark = pytest.mark.django_db


def test_the_you_got_a_place_email_carries_the_calendar_entry(annual, send_now, mailoutbox):
    """Defect (issue 20, item 11): "Du har fått en plats" came without a calendar part, so
    the calendar kept whatever it held before the person was promoted."""
    annual.capacity = 1
    annual.save()
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    first, second = annual.invitations.order_by("email")
    services.record_reply(invitation=first, response="accepted", actor=None)
    services.record_reply(invitation=second, response="accepted", actor=None)
    invited_at = second.calendar_sequence
    send_now(services.record_reply, invitation=first, response="declined", actor=None)
    promoted = mailoutbox[-1]
    assert promoted.to == [second.email] and "fått en plats" in promoted.subject
    (text,) = [c for c, kind in promoted.alternatives if kind.startswith("text/calendar")]
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST" and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == second.calendar_uid
    assert event.decoded("SEQUENCE") > invited_at
    assert str(event["ATTENDEE"].params["PARTSTAT"]) == "ACCEPTED"
