from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from stdnum.se import orgnr

from kulturportal.demo import seed_demo_people, seed_reference_data
from kulturportal.models import Organisation, RoleAssignment, User
from kulturportal.volume import VOLUME_DOMAIN, clear_volume

# A twentieth of scale 1: 25 organisations and 100 people, in well under a second.
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
    return list(people), list(organisations)


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
    first = _names()
    _seed(replace=True)
    assert _names() == first
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
