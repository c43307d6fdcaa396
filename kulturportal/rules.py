"""Who may do what, per object. Every view asks here; tests cover each role."""

import rules

from kulturportal.models import Role


@rules.predicate
def is_regional_official(user) -> bool:
    return user.is_authenticated and user.has_role(Role.REGIONAL_OFFICIAL)


@rules.predicate
def is_culture_chief_of(user, municipality) -> bool:
    return (
        user.is_authenticated
        and municipality is not None
        and user.has_role(Role.CULTURE_CHIEF, municipality=municipality)
    )


@rules.predicate
def represents_organisation(user, organisation) -> bool:
    return (
        user.is_authenticated
        and organisation is not None
        and user.has_role(Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)
    )


@rules.predicate
def has_any_role(user) -> bool:
    return user.is_authenticated and bool(user.active_roles)


# The culture chief acts for her own municipality, a representative for his own
# organisation; the feature apps build their permissions on these.
rules.add_perm("kulturportal.act_for_municipality", is_culture_chief_of)
rules.add_perm("kulturportal.act_for_organisation", represents_organisation)
rules.add_perm("kulturportal.invite_to_role", is_regional_official)
rules.add_perm("kulturportal.manage_portal", is_regional_official)


def may(user, permission: str, obj=None) -> bool:
    """Ask our rules only. Django's model permissions (the admin's) cost two queries and
    would let a superuser pass as any municipality's culture chief."""
    return rules.has_perm(permission, user, obj)
