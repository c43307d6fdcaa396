"""Issue 20, item 11: a person's name reads the same in every mail and calendar client.

Defect: names with `"`, `^` or a literal `\\n` (typed, or pasted from another system)
showed escapes (`^'`, RFC 6868) or line breaks in some clients. Names are cleaned wherever
the forums store them, and the calendar's CN gets the clean form even of an old name.
"""

import pytest
from icalendar import Calendar

from forums import ical, services
from forums.models import Audience, AudienceRule
from tests.factories import AudienceRuleFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

ODD = 'Bo\\n"Bosse"^ Berg'
CLEAN = "Bo ”Bosse” Berg"


def test_a_pasted_name_is_stored_clean(annual, send_now):
    annual.audience_rules.all().delete()
    AudienceRule.objects.create(
        meeting=annual, kind=Audience.EMAILS, emails=f"{ODD} <bo@example.se>"
    )
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    assert annual.invitations.get().name == CLEAN


def test_an_accounts_odd_old_name_is_invited_clean(annual, send_now):
    person = UserFactory(first_name='Bo\\n"Bosse"^', last_name="Berg")
    annual.audience_rules.all().delete()
    AudienceRuleFactory(meeting=annual, kind=Audience.PEOPLE, people=[person])
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    invitation = annual.invitations.get()
    assert invitation.name == CLEAN
    assert "^" not in invitation.last_email.calendar


def test_a_stored_odd_name_reaches_the_calendar_clean(annual):
    invitation = InvitationFactory(meeting=annual, name=ODD)
    text = ical.invitation_calendar(invitation, method="REQUEST")
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    assert str(event["ATTENDEE"].params["CN"]) == CLEAN
    assert "^'" not in text and "\\n" not in text.split("ATTENDEE")[1].split(":mailto")[0]


def test_a_substitutes_name_is_stored_clean(client, annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    invitation = annual.invitations.first()
    response = client.post(
        invitation.reply_path(),
        {"response": "accepted", "substitute_name": ODD, "substitute_email": "bo@example.se"},
    )
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.substitute_name == CLEAN
