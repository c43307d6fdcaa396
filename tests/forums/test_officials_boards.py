"""Issue 20, item 15: the officials' boards count right, and the steps they take are safe.

Defects:
- culture chiefs invited as named people counted for no municipality ("Från 0 kommuner",
  "0 av 33 representerade" while Lund's chief was coming): a person's municipality comes
  from their role, whatever rule invited them;
- walk-ins could not be marked present (the attendance page lists only acceptors);
- cancelling a meeting had no field for the reason sent to the invitees;
- cancelling happened on one click: an irreversible step asks for confirmation, in a
  plain step that works without JavaScript.
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import Audience, AudienceRule, Invitation, Meeting
from kulturportal.models import AuditEntry, OutgoingEmail
from tests.factories import (
    AudienceRuleFactory,
    InvitationFactory,
    NetworkFactory,
    NetworkMembershipFactory,
)

pytestmark = pytest.mark.django_db


# --- A person's municipality comes from their role -------------------------------------------


@pytest.fixture
def named_chiefs(annual, lund_chief, malmo_chief):
    annual.audience_rules.all().delete()
    AudienceRuleFactory(meeting=annual, kind=Audience.PEOPLE, people=[lund_chief, malmo_chief])
    return annual


def test_culture_chiefs_invited_as_named_people_count_for_their_municipality(
    official_client, named_chiefs, lund_chief, lund, malmo, send_now
):
    html = official_client.get(reverse("forums:meeting_send", args=[named_chiefs.pk]))
    assert "Från 2 kommuner." in html.content.decode()
    send_now(services.schedule_and_invite, meeting=named_chiefs, actor=None)
    by_email = {i.email: i.municipality for i in named_chiefs.invitations.all()}
    assert by_email == {lund_chief.email: lund, "kulturchef.malmo@example.se": malmo}
    chief = named_chiefs.invitations.get(email=lund_chief.email)
    services.record_reply(invitation=chief, response="accepted", actor=None)
    html = official_client.get(reverse("forums:meeting_replies", args=[named_chiefs.pk]))
    assert '<span class="card-figure">1</span> av 33 kommuner representerade' in (
        html.content.decode()
    )


def test_pasted_addresses_and_network_members_get_their_municipality_too(
    annual, lund_chief, ystad_politician, lund, send_now
):
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, user=ystad_politician)  # no municipality given
    annual.audience_rules.all().delete()
    AudienceRule.objects.create(meeting=annual, kind=Audience.EMAILS, emails=lund_chief.email)
    AudienceRule.objects.create(meeting=annual, kind=Audience.NETWORK, network=network)
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    assert annual.invitations.get(email=lund_chief.email).municipality == lund
    politician = annual.invitations.get(email=ystad_politician.email)
    assert politician.municipality.name == "Ystad"


def test_invitations_made_before_get_their_municipality_from_the_role(annual, lund_chief, lund):
    """The data migration mends the boards of meetings already sent."""
    invitation = InvitationFactory(meeting=annual, user=lund_chief, municipality=None)
    guest = InvitationFactory(meeting=annual)
    migration = importlib.import_module("forums.migrations.0011_invitation_walk_in_and_more")
    migration.municipalities_from_roles(apps, None)
    invitation.refresh_from_db()
    guest.refresh_from_db()
    assert invitation.municipality == lund and guest.municipality is None


# --- Walk-ins ---------------------------------------------------------------------------------


@pytest.fixture
def begun(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    Meeting.objects.filter(pk=annual.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    annual.refresh_from_db()
    return annual


def test_a_walk_in_is_added_at_the_door_and_marked_present(official_client, begun, malmo):
    url = reverse("forums:attendance_walk_in", args=[begun.pk])
    response = official_client.post(
        url, {"name": 'Gästen "Gus"', "email": "Gus@Example.se", "municipality": malmo.pk}
    )
    assert response.status_code == 302
    walk_in = begun.invitations.get(email="gus@example.se")
    assert walk_in.walk_in and walk_in.attended
    assert walk_in.response == Invitation.Response.ACCEPTED
    assert walk_in.name == "Gästen ”Gus”" and walk_in.municipality == malmo
    assert not OutgoingEmail.objects.filter(to="gus@example.se").exists()  # no invitation
    html = official_client.get(reverse("forums:meeting_attendance", args=[begun.pk]))
    assert "Gästen ”Gus”" in html.content.decode() and "på plats" in html.content.decode()
    assert AuditEntry.objects.about(begun).filter(action="meeting.walk_in").exists()


def test_an_invitee_who_walks_in_is_marked_present_not_added_twice(
    official_client, begun, malmo_chief
):
    url = reverse("forums:attendance_walk_in", args=[begun.pk])
    official_client.post(url, {"name": "Malmö", "email": malmo_chief.email.upper()})
    invitation = begun.invitations.get(email=malmo_chief.email)
    assert invitation.attended and not invitation.walk_in
    assert begun.invitations.filter(email__iexact=malmo_chief.email).count() == 1


def test_a_walk_in_without_a_name_is_refused_beside_the_field(official_client, begun):
    url = reverse("forums:attendance_walk_in", args=[begun.pk])
    response = official_client.post(url, {"name": "", "email": "inte-en-adress"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_walk_in_name_error"' in html and 'id="id_walk_in_email_error"' in html
    assert 'value="inte-en-adress"' in html


def test_walk_ins_wait_for_the_meeting_to_begin(official_client, annual):
    url = reverse("forums:attendance_walk_in", args=[annual.pk])
    response = official_client.post(url, {"name": "Gus", "email": "gus@example.se"})
    assert response.status_code == 409
    assert not annual.invitations.filter(email="gus@example.se").exists()


# --- Cancelling: a reason, and a confirmation ----------------------------------------------


@pytest.fixture
def sent_annual(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    return annual


REASON = "Lokalen är inte tillgänglig. Vi återkommer med ett nytt datum."


def test_cancelling_asks_for_confirmation_before_anything_happens(official_client, sent_annual):
    url = reverse("forums:meeting_cancel", args=[sent_annual.pk])
    form = official_client.get(url).content.decode()
    assert 'name="reason"' in form
    response = official_client.post(url, {"reason": REASON})
    html = response.content.decode()
    assert response.status_code == 200
    sent_annual.refresh_from_db()
    assert sent_annual.status == Meeting.Status.SCHEDULED  # nothing yet
    assert REASON in html and "Ja, ställ in mötet" in html
    assert 'name="bekrafta"' in html  # a plain form: no JavaScript needed


def test_the_confirmed_cancellation_sends_the_reason_to_every_invitee(
    official_client, sent_annual, send_now, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("forums:meeting_cancel", args=[sent_annual.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(url, {"reason": REASON, "bekrafta": "ja"})
    assert response.status_code == 302
    sent_annual.refresh_from_db()
    assert sent_annual.status == Meeting.Status.CANCELLED
    assert sent_annual.cancellation_reason == REASON
    cancellations = [m for m in mailoutbox if "Inställt" in m.subject]
    assert len(cancellations) == sent_annual.invitations.count() > 0
    for message in cancellations:
        assert REASON in message.body
        html = next(body for body, kind in message.alternatives if kind == "text/html")
        assert "Lokalen är inte tillgänglig" in html


def test_a_too_long_reason_is_refused_beside_the_field_and_kept(official_client, sent_annual):
    url = reverse("forums:meeting_cancel", args=[sent_annual.pk])
    response = official_client.post(url, {"reason": "x" * 1001, "bekrafta": "ja"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_reason_error"' in html and "x" * 1001 in html
    sent_annual.refresh_from_db()
    assert sent_annual.status == Meeting.Status.SCHEDULED
