from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from stdnum.se import orgnr

from forums.models import ForumType, Invitation, Meeting, Network, NetworkMembership
from forums.volume import apportion
from kulturportal.caching import GENERATION_KEY
from kulturportal.demo import seed_demo_people, seed_reference_data
from kulturportal.models import Organisation, OutgoingEmail, RoleAssignment, User
from kulturportal.volume import VOLUME_DOMAIN, clear_volume

# A twentieth of scale 1: 25 organisations, 100 people, 15 meetings and 750 invitations,
# in about a second.
FRACTION = 0.05


def _seed(**options):
    # The test runner turns DEBUG off, so --force stands in for a development machine.
    call_command(
        "seed_volume", scale=1, fraction=FRACTION, force=True, stdout=StringIO(), **options
    )


def _volume_people():
    return User.objects.filter(email__endswith="@" + VOLUME_DOMAIN)


def _volume_organisations():
    return Organisation.objects.filter(email__endswith="@" + VOLUME_DOMAIN)


def _names():
    people = _volume_people().order_by("email").values_list("first_name", "last_name", "email")
    organisations = _volume_organisations().order_by("name").values_list("name", flat=True)
    networks = Network.objects.order_by("name").values_list("name", flat=True)
    meetings = Meeting.objects.order_by("starts_at", "title").values_list(
        "title", "starts_at", "status", "is_public"
    )
    return list(people), list(organisations), list(networks), list(meetings)


def _invitations():
    return sorted(
        Invitation.objects.values_list("meeting__title", "meeting__starts_at", "email", "response")
    )


@pytest.mark.django_db
def test_seed_volume_adds_organisations_and_people_with_one_or_two_roles(demo):
    _seed()
    assert _volume_organisations().count() == 25
    assert _volume_people().count() == 100
    roles_per_person = Counter(
        RoleAssignment.objects.filter(user__in=_volume_people()).values_list("user", flat=True)
    )
    assert set(roles_per_person.values()) <= {1, 2}
    assert len(roles_per_person) == 100
    numbers = [o.org_number for o in _volume_organisations() if o.org_number]
    assert numbers
    assert all(orgnr.is_valid(number) for number in numbers)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_names_and_another_seed_others(demo):
    _seed()
    first, invitations = _names(), _invitations()
    _seed(replace=True)
    assert _names() == first
    assert _invitations() == invitations
    _seed(replace=True, seed=7)
    assert _names() != first


@pytest.mark.django_db
def test_the_names_do_not_depend_on_whether_the_demo_data_is_there(db):
    _seed()
    without_demo = _names()
    clear_volume()
    seed_reference_data()
    seed_demo_people()
    _seed()
    assert _names() == without_demo


@pytest.mark.django_db
def test_seed_volume_refuses_a_second_run_without_replace(demo):
    _seed()
    with pytest.raises(CommandError, match="--replace"):
        _seed()


@pytest.mark.django_db
def test_seed_volume_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="DEBUG=false"):
        call_command("seed_volume", scale=1, fraction=FRACTION)


@pytest.mark.django_db
def test_seed_volume_adds_meetings_with_invitations_and_sends_nothing(demo):
    _seed()
    meetings = Meeting.objects.all()
    assert meetings.count() == 15
    assert Invitation.objects.count() == 750
    assert Network.objects.filter(slug__startswith="volym-").count() == 1
    assert NetworkMembership.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert not Invitation.objects.exclude(email__endswith="@" + VOLUME_DOMAIN).exists()
    assert not Invitation.objects.filter(meeting__status=Meeting.Status.DRAFT).exists()
    today = meetings.first().created_at
    assert meetings.filter(starts_at__lt=today - timedelta(days=365)).exists()
    assert meetings.filter(starts_at__gt=today + timedelta(days=30)).exists()
    assert not meetings.filter(starts_at__gt=today, status=Meeting.Status.HELD).exists()
    responses = Counter(Invitation.objects.values_list("response", flat=True))
    assert set(responses) == set(Invitation.Response.values)
    for round_ in meetings.filter(forum_type=ForumType.SUB_REGIONAL):
        assert round_.sessions.count() == 4
        coming = round_.invitations.filter(response=Invitation.Response.ACCEPTED)
        assert coming.exists()
        assert not coming.filter(session=None).exists()
        assert not coming.exclude(session__meeting=round_).exists()


@pytest.mark.django_db
def test_seed_volume_retires_the_cached_public_pages(demo, django_capture_on_commit_callbacks):
    cache.set(GENERATION_KEY, 5, timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        _seed()
    assert cache.get(GENERATION_KEY) == 6


def test_apportion_shares_the_total_exactly_within_the_caps():
    assert apportion(10, [1, 1, 1], [10, 10, 10]) == [4, 3, 3]
    assert apportion(100, [50, 25, 25], [10, 100, 100]) == [10, 45, 45]
    assert apportion(100, [1, 1], [20, 30]) == [20, 30]  # the caps hold less
    assert sum(apportion(15_000, [3, 7, 11, 0, 5], [9_000] * 5)) == 15_000
