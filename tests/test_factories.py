"""The factories make rows the portal accepts: the defaults their docstrings promise, the
scopes the role constraint demands, the meetings the forum-or-network constraint allows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import Audience, ForumType, Meeting, Network
from kulturportal.demo import DEMO_PASSWORD
from kulturportal.models import Role, SubRegion
from kulturportal.rules import may
from tests.factories import (
    AgendaItemFactory,
    AudienceRuleFactory,
    CultureChiefFactory,
    InvitationFactory,
    MeetingFactory,
    MeetingSessionFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OfficialFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def test_a_user_has_a_verified_primary_address_and_the_demo_password():
    user = UserFactory()
    address = user.emailaddress_set.get()
    assert (address.email, address.verified, address.primary) == (user.email, True, True)
    assert user.check_password(DEMO_PASSWORD)
    assert not user.active_roles


def test_a_user_without_or_with_an_unverified_address():
    assert not UserFactory(email_address=None).emailaddress_set.exists()
    assert not UserFactory(email_address__verified=False).emailaddress_set.get().verified


def test_an_official_manages_the_portal():
    official = OfficialFactory()
    assert official.has_role(Role.REGIONAL_OFFICIAL)
    assert may(official, "kulturportal.manage_portal")


def test_a_culture_chief_is_lunds_unless_told():
    malmo = municipality("1280")
    assert CultureChiefFactory().has_role(Role.CULTURE_CHIEF, municipality=municipality())
    assert CultureChiefFactory(role__municipality=malmo).has_role(
        Role.CULTURE_CHIEF, municipality=malmo
    )


@pytest.mark.parametrize(
    ("role", "has_municipality", "has_organisation"),
    [
        (Role.REGIONAL_POLITICIAN, False, False),
        (Role.MUNICIPAL_POLITICIAN, True, False),
        (Role.ORGANISATION_REPRESENTATIVE, False, True),
    ],
)
def test_a_role_gets_the_scope_it_needs(role, has_municipality, has_organisation):
    assignment = RoleAssignmentFactory(role=role)
    assert (assignment.municipality is not None) == has_municipality
    assert (assignment.organisation is not None) == has_organisation


def test_a_meeting_is_a_draft_annual_deliberation_a_month_ahead():
    meeting = MeetingFactory()
    starts = timezone.localtime(meeting.starts_at)
    assert (meeting.forum_type, meeting.status) == (ForumType.ANNUAL, Meeting.Status.DRAFT)
    assert (starts.hour, starts.minute) == (13, 0)
    assert starts.date() == (timezone.localtime() + timedelta(days=30)).date()
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=3)
    assert meeting.organiser.has_role(Role.REGIONAL_OFFICIAL)


def test_a_network_meeting_has_no_forum_type():
    meeting = MeetingFactory(network=NetworkFactory(), scheduled=True, duration=timedelta(hours=2))
    assert (meeting.forum_type, meeting.status) == ("", Meeting.Status.SCHEDULED)
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=2)


def test_networks_and_memberships():
    assert NetworkFactory(regional=True).member_role == Role.CULTURE_CHIEF
    membership = NetworkMembershipFactory()
    assert membership.network.form == Network.Form.THEMATIC
    assert membership.network.memberships.active().get() == membership


def test_sessions_agenda_rules_and_invitations():
    meeting = MeetingFactory()
    assert MeetingSessionFactory(meeting=meeting).starts_at == meeting.starts_at
    assert AgendaItemFactory(meeting=meeting).meeting == meeting
    people = UserFactory.create_batch(2)
    regions = list(SubRegion.objects.all()[:2])
    rule = AudienceRuleFactory(
        meeting=meeting, kind=Audience.PEOPLE, people=people, sub_regions=regions
    )
    assert set(rule.people.all()) == set(people)
    assert set(rule.sub_regions.all()) == set(regions)
    chief = CultureChiefFactory()
    assert InvitationFactory(meeting=meeting, user=chief).email == chief.email
    assert InvitationFactory(meeting=meeting).user is None


def test_an_organisation_with_co_financing_municipalities():
    organisation = OrganisationFactory(co_financing_municipalities=[municipality()])
    assert list(organisation.co_financing_municipalities.all()) == [municipality()]
