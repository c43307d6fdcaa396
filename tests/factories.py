"""factory_boy factories for the core and the forums.

Municipalities and sub-regions come from a data migration (33 municipalities): factories
pick existing ones, they never create them. `municipality("1281")` is Lund.

    UserFactory()                       # a person with a verified, primary e-mail address
    OfficialFactory()                   # … who is a regional official
    CultureChiefFactory(role__municipality=malmo)
    MeetingFactory()                    # a draft annual deliberation, a month ahead, 13.00
    MeetingFactory(network=network)     # a network's meeting (no forum type)
    AudienceRuleFactory(kind=Audience.PEOPLE, people=[anna, bo])
"""

from datetime import datetime, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from forums.models import (
    AgendaItem,
    Audience,
    AudienceRule,
    ForumType,
    Invitation,
    Meeting,
    MeetingSession,
    Network,
    NetworkMembership,
)
from kulturportal.demo import DEMO_PASSWORD
from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)

LUND = "1281"


def municipality(code: str = LUND) -> Municipality:
    """One of the municipalities the data migration made."""
    return Municipality.objects.get(code=code)


def in_a_month() -> datetime:
    """13.00 local time, thirty days from now."""
    start = timezone.localtime() + timedelta(days=30)
    return start.replace(hour=13, minute=0, second=0, microsecond=0)


# --- The core ---------------------------------------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.CIVIL_SOCIETY

    @factory.post_generation
    def co_financing_municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_financing_municipalities.set(extracted)


class EmailAddressFactory(DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory("tests.factories.UserFactory", email_address=None)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class UserFactory(DjangoModelFactory):
    """A person who may log in with DEMO_PASSWORD and whose address is verified, so the
    people pickers offer them. `email_address=None` leaves out the EmailAddress row;
    `email_address__verified=False` makes it unverified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"anvandare{n}@example.se")
    first_name = "Person"
    last_name = factory.Sequence(lambda n: f"Nummer {n}")
    password = factory.django.Password(DEMO_PASSWORD)
    email_address = factory.RelatedFactory(EmailAddressFactory, factory_related_name="user")


class RoleAssignmentFactory(DjangoModelFactory):
    """A role in force from today. Its scope follows the role: a municipal role is Lund's
    unless told otherwise, a representative gets an organisation of their own, a regional
    role has neither."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.CULTURE_CHIEF
    municipality = factory.LazyAttribute(
        lambda o: municipality() if o.role in Role.municipal() else None
    )
    organisation = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.ORGANISATION_REPRESENTATIVE),
        yes_declaration=factory.SubFactory(OrganisationFactory),
        no_declaration=None,
    )


class OfficialFactory(UserFactory):
    """A regional official: manages meetings and the portal."""

    first_name = "Tjänsteperson"
    is_staff = True
    role = factory.RelatedFactory(
        RoleAssignmentFactory, factory_related_name="user", role=Role.REGIONAL_OFFICIAL
    )


class CultureChiefFactory(UserFactory):
    """A municipality's culture chief; Lund's unless `role__municipality` says otherwise."""

    first_name = "Kulturchef"
    role = factory.RelatedFactory(
        RoleAssignmentFactory, factory_related_name="user", role=Role.CULTURE_CHIEF
    )


# --- The forums -------------------------------------------------------------------------------


class NetworkFactory(DjangoModelFactory):
    """A thematic network that lists its members; `regional=True` follows a role instead."""

    class Meta:
        model = Network

    class Params:
        regional = factory.Trait(form=Network.Form.REGIONAL, member_role=Role.CULTURE_CHIEF)

    name = factory.Sequence(lambda n: f"Nätverk {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    form = Network.Form.THEMATIC
    member_role = ""


class NetworkMembershipFactory(DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)


class MeetingFactory(DjangoModelFactory):
    """A draft annual deliberation a month ahead at 13.00 local time, three hours long,
    organised by a regional official. Given a network, it is that network's meeting and has
    no forum type (the model allows one or the other). `duration` sets the end; `scheduled`,
    `held` and `cancelled` set the status."""

    class Meta:
        model = Meeting

    class Params:
        duration = timedelta(hours=3)
        scheduled = factory.Trait(status=Meeting.Status.SCHEDULED)
        held = factory.Trait(status=Meeting.Status.HELD)
        cancelled = factory.Trait(status=Meeting.Status.CANCELLED)

    title = "Årlig överläggning"
    network = None
    forum_type = factory.LazyAttribute(lambda o: "" if o.network else ForumType.ANNUAL)
    starts_at = factory.LazyFunction(in_a_month)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.duration)
    organiser = factory.SubFactory(OfficialFactory)
    status = Meeting.Status.DRAFT


class MeetingSessionFactory(DjangoModelFactory):
    """A three-hour session, by default at the meeting's start."""

    class Meta:
        model = MeetingSession

    class Params:
        duration = timedelta(hours=3)

    meeting = factory.SubFactory(MeetingFactory)
    town = factory.Iterator(["Helsingborg", "Kristianstad", "Ystad", "Malmö"])
    position = factory.Sequence(lambda n: n)
    starts_at = factory.LazyAttribute(lambda o: o.meeting.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.duration)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Punkt {n}")
    position = factory.Sequence(lambda n: n)


class AudienceRuleFactory(DjangoModelFactory):
    """All culture chiefs unless told otherwise; `sub_regions=[…]` and `people=[…]` fill
    the rule's many-to-many fields."""

    class Meta:
        model = AudienceRule
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    kind = Audience.CULTURE_CHIEFS

    @factory.post_generation
    def sub_regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.sub_regions.set(extracted)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)


class InvitationFactory(DjangoModelFactory):
    """An unanswered invitation; given a user, to that user's address."""

    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    user = None
    email = factory.LazyAttributeSequence(
        lambda o, n: o.user.email if o.user else f"inbjuden{n}@example.se"
    )
    name = factory.LazyAttribute(lambda o: o.user.get_full_name() if o.user else "")


def meeting_edit_post(meeting: Meeting, **overrides) -> dict:
    """The meeting form as an official would post it unchanged, with `overrides` typed in."""
    local = timezone.localtime
    data = {
        "title": meeting.title,
        "forum_type": meeting.forum_type,
        "starts_at": local(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "is_public": "on",
        "version": str(meeting.version),
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def sub_regional_round(*, organiser, starts_at) -> Meeting:
    """A draft round over a week: four three-hour sessions two days apart, for the culture
    chiefs and the municipal politicians."""
    meeting = MeetingFactory(
        title="Delregionala överläggningar",
        forum_type=ForumType.SUB_REGIONAL,
        starts_at=starts_at,
        duration=timedelta(days=7),
        organiser=organiser,
    )
    for position, town in enumerate(["Helsingborg", "Kristianstad", "Ystad", "Malmö"]):
        MeetingSessionFactory(
            meeting=meeting,
            town=town,
            position=position,
            starts_at=starts_at + timedelta(days=2 * position),
            duration=timedelta(hours=3),
        )
    AudienceRuleFactory(meeting=meeting, kind=Audience.CULTURE_CHIEFS)
    AudienceRuleFactory(meeting=meeting, kind=Audience.MUNICIPAL_POLITICIANS)
    return meeting
