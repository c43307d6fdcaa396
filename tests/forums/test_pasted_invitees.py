"""Audit item 8: people invited by pasted address get links they can open, and see the
meeting on /min-sida/ when the address is an account's verified one."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from icalendar import Calendar

from forums import services
from forums.models import Audience, AudienceRule, Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_meeting_for_pasted(annual):
    annual.is_public = False
    annual.save()
    annual.audience_rules.all().delete()
    AudienceRule.objects.create(
        meeting=annual,
        kind=Audience.EMAILS,
        emails="Kulturchef.Lund@example.se\ngast@example.org\nunverified@example.se",
    )
    return annual


def test_pasted_address_of_a_verified_account_is_linked_to_it(
    client, private_meeting_for_pasted, lund_chief, nobody, send_now
):
    EmailAddress.objects.create(user=nobody, email="unverified@example.se", verified=False)
    send_now(services.schedule_and_invite, meeting=private_meeting_for_pasted, actor=None)
    assert Invitation.objects.get(email="kulturchef.lund@example.se").user == lund_chief
    assert Invitation.objects.get(email="unverified@example.se").user is None
    client.force_login(lund_chief)
    assert private_meeting_for_pasted.title in client.get(reverse("my_page")).content.decode()


def test_every_link_a_guest_gets_opens(client, private_meeting_for_pasted, send_now, settings):
    send_now(services.schedule_and_invite, meeting=private_meeting_for_pasted, actor=None)
    invitation = Invitation.objects.get(email="gast@example.org")
    email = invitation.last_email
    (event,) = Calendar.from_ical(email.calendar).walk("VEVENT")
    reply_url = settings.SITE_URL + invitation.reply_path()
    assert str(event["URL"]) == reply_url
    assert reply_url in email.body_text and reply_url in email.body_html
    for line in email.body_text.split():
        if line.startswith(settings.SITE_URL):
            path = line.removeprefix(settings.SITE_URL)
            assert client.get(path).status_code == 200, path


def test_a_name_pasted_beside_the_address_reaches_the_invitation(annual, send_now):
    """Defect (issue 11): `Namn <adress>` as Outlook and Gmail copy it lost the name."""
    AudienceRule.objects.create(
        meeting=annual, kind=Audience.EMAILS, emails='"Berg, Bo" <bo.berg@example.se>'
    )
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    assert annual.invitations.get(email="bo.berg@example.se").name == "Berg, Bo"
