"""Each permission, for every persona, including the same role elsewhere."""

import pytest
from django.contrib.auth.models import AnonymousUser

PERSONAS = [
    "anonymous",
    "nobody",
    "official",
    "lund_chief",
    "malmo_chief",
    "ystad_politician",
    "folk_high_school_rep",
    "other_org_rep",
]


@pytest.fixture
def persona(request):
    def get(name):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.mark.parametrize("name", PERSONAS)
def test_only_lunds_culture_chief_edits_lunds_priorities(name, persona, lund):
    allowed = name == "lund_chief"
    assert persona(name).has_perm("kulturportal.act_for_municipality", lund) is allowed
    assert persona(name).has_perm("kulturportal.act_for_municipality", lund) is allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_only_malmos_culture_chief_edits_malmos_priorities(name, persona, malmo):
    allowed = name == "malmo_chief"
    assert persona(name).has_perm("kulturportal.act_for_municipality", malmo) is allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_only_the_representative_acts_for_the_organisation(name, persona, folk_high_schools):
    allowed = name == "folk_high_school_rep"
    assert persona(name).has_perm("kulturportal.act_for_organisation", folk_high_schools) is allowed


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("perm", ["kulturportal.invite_to_role", "kulturportal.manage_portal"])
def test_only_regional_officials_manage_and_invite(name, perm, persona, demo):
    assert persona(name).has_perm(perm) is (name == "official")


def test_an_ended_role_gives_no_rights(lund_chief, lund):
    from datetime import timedelta

    from django.utils import timezone

    assignment = lund_chief.role_assignments.get()
    assignment.ends_on = timezone.localdate() - timedelta(days=1)
    assignment.starts_on = assignment.ends_on - timedelta(days=365)
    assignment.save()
    lund_chief.refresh_from_db()
    lund_chief.__dict__.pop("active_roles", None)
    assert not lund_chief.has_perm("kulturportal.act_for_municipality", lund)


def test_a_person_may_hold_several_roles(lund_chief, malmo):
    from kulturportal.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=lund_chief, role=Role.MUNICIPAL_OFFICIAL, municipality=malmo)
    lund_chief.__dict__.pop("active_roles", None)
    assert {a.role for a in lund_chief.active_roles} == {
        Role.CULTURE_CHIEF,
        Role.MUNICIPAL_OFFICIAL,
    }
    # An official in Malmö is not Malmö's culture chief.
    assert not lund_chief.has_perm("kulturportal.act_for_municipality", malmo)


@pytest.mark.django_db
def test_database_refuses_a_municipal_role_without_a_municipality(official):
    from django.db import IntegrityError, transaction

    from kulturportal.models import Role, RoleAssignment

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=official, role=Role.CULTURE_CHIEF)
