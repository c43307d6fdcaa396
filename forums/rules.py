"""Who may see which meeting and network. Outsiders get 404 from the views.

The names differ from Django's model permissions (view_meeting), which the admin asks for.
"""

import rules

from forums.models import Meeting
from kulturportal.rules import is_regional_official


@rules.predicate
def is_network_member(user, network) -> bool:
    if not user.is_authenticated or network is None:
        return False
    if network.member_role:
        return user.has_role(network.member_role)
    return network.memberships.active().filter(user=user).exists()


@rules.predicate
def is_invited(user, meeting) -> bool:
    return (
        user.is_authenticated
        and meeting is not None
        and meeting.invitations.filter(user=user).exists()
    )


@rules.predicate
def is_public_meeting(user, meeting) -> bool:
    return (
        meeting is not None
        and meeting.is_public
        and meeting.status in (Meeting.Status.SCHEDULED, Meeting.Status.HELD)
    )


@rules.predicate
def is_adjuster(user, minutes) -> bool:
    return user.is_authenticated and minutes.adjustments.filter(adjuster=user).exists()


rules.add_perm("forums.see_meeting", is_public_meeting | is_regional_official | is_invited)
rules.add_perm("forums.manage_meetings", is_regional_official)
rules.add_perm("forums.see_network", is_regional_official | is_network_member)
rules.add_perm("forums.adjust_minutes", is_adjuster)
