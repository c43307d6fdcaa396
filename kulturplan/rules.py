"""Who may do what with the plan. Outsiders get 404 from the views."""

import rules

from kulturportal.models import Role
from kulturportal.rules import is_culture_chief_of, is_regional_official


@rules.predicate
def is_municipal_official_of(user, municipality) -> bool:
    return (
        user.is_authenticated
        and municipality is not None
        and user.has_role(Role.MUNICIPAL_OFFICIAL, municipality=municipality)
    )


# The culture chief registers; a municipal official of the same municipality may prepare
# the draft with her. Submitting is the culture chief's.
rules.add_perm("kulturplan.edit_priorities", is_culture_chief_of | is_municipal_official_of)
rules.add_perm("kulturplan.submit_priorities", is_culture_chief_of)
rules.add_perm(
    "kulturplan.see_priorities",
    is_culture_chief_of | is_municipal_official_of | is_regional_official,
)
rules.add_perm("kulturplan.manage_plans", is_regional_official)
