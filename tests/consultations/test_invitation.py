"""The round's invitation: the official sees who it reaches, then each gets it once; the
consultation bodies' member organisations are reached through their bodies."""

import pytest

from consultations import services
from consultations.models import Group, Round
from kulturportal.models import (
    BodyMembership,
    Organisation,
    OrganisationKind,
    OutgoingEmail,
    Role,
    RoleAssignment,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies_round(open_round):
    Round.objects.filter(pk=open_round.pk).update(groups=[Group.BODIES])
    open_round.refresh_from_db()
    return open_round


def _representative(organisation, email):
    person = UserFactory(email=email)
    RoleAssignment.objects.create(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
    )
    return person


def test_a_bodys_member_organisation_is_invited_with_the_body(bodies_round):
    body = Organisation.objects.get(name="Scenkonstkollegiet")
    member = Organisation.objects.create(
        name="Teater Sörmland", slug="teater-x", kind=OrganisationKind.INDEPENDENT_CULTURAL_LIFE
    )
    outsider = Organisation.objects.create(
        name="Musikförening", slug="musik-x", kind=OrganisationKind.INDEPENDENT_CULTURAL_LIFE
    )
    BodyMembership.objects.create(body=body, organisation=member)
    _representative(member, "teater@example.se")
    _representative(outsider, "musik@example.se")
    _representative(body, "kollegiet@example.se")
    emails = {invitee.email for invitee in services.invitees(bodies_round)}
    assert {"teater@example.se", "kollegiet@example.se"} <= emails
    assert "musik@example.se" not in emails
    assert "forening@example.se" not in emails  # folkbildning is not in this round's groups


def test_the_official_sees_the_list_and_each_gets_the_invitation_once(
    open_round, official_client, django_capture_on_commit_callbacks
):
    url = f"/samrad/{open_round.slug}/hantera/inbjudan/"
    page = official_client.get(url).content.decode()
    assert "forening@example.se" in page and "Folkhögskolorna i Skåne" in page
    with django_capture_on_commit_callbacks(execute=True):
        first = official_client.post(url, follow=True).content.decode()
    sent = OutgoingEmail.objects.filter(dedupe_key__startswith="consultation-invitation:")
    assert sent.filter(to="forening@example.se").count() == 1
    count = sent.count()
    told = "1 ny mottagare." if count == 1 else f"{count} nya mottagare."
    assert f"Inbjudan skickas till {told}" in first
    with django_capture_on_commit_callbacks(execute=True):
        again = official_client.post(url, follow=True).content.decode()
    assert "Inbjudan skickas till 0 nya mottagare." in again
    assert sent.count() == count


def test_a_referral_reaches_the_culture_chiefs_and_the_addressees(referral):
    emails = {invitee.email for invitee in services.invitees(referral)}
    assert "kulturchef.lund@example.se" in emails and "kulturchef.malmo@example.se" in emails
    assert "politiker.ystad@example.se" not in emails
    # The demo's Skånes Kommuner has no one in the portal and no address of its own.
    assert "Skånes Kommuner" in services.unreachable(referral)


def test_a_closed_round_is_not_invited(open_round, official_client, close_round):
    close_round(open_round)
    page = official_client.post(f"/samrad/{open_round.slug}/hantera/inbjudan/", follow=True)
    assert "Omgången har stängt; ingen inbjudan skickades." in page.content.decode()
    assert not OutgoingEmail.objects.filter(dedupe_key__startswith="consultation-invitation:")
