"""What the forums show on the pages the core gathers (kulturportal.panels)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models import Adjustment, Invitation, Meeting, Network
from kulturportal import panels
from kulturportal.rules import may


def upcoming_public_meetings(request) -> dict:
    meetings = Meeting.objects.public().filter(ends_at__gte=timezone.now()).for_listing()[:5]
    return {"meetings": meetings}


def municipality_meetings(request, municipality) -> dict:
    meetings = (
        Meeting.objects.public()
        .filter(Q(host_municipality=municipality) | Q(invitations__municipality=municipality))
        .filter(ends_at__gte=timezone.now())
        .distinct()
        .for_listing()[:10]
    )
    return {"meetings": meetings}


def my_invitations(request) -> dict:
    return {"invitations": Invitation.objects.upcoming_for(request.user)}


def minutes_to_adjust(request) -> dict | None:
    """The minutes this person is appointed to adjust and has not yet approved."""
    adjustments = list(Adjustment.objects.waiting_for(request.user))
    return {"adjustments": adjustments} if adjustments else None


def officials_links(request) -> dict | None:
    return {} if may(request.user, "forums.manage_meetings") else None


def suggested_networks(request, plan, matrix) -> dict | None:
    """For officials on the priorities overview: areas shared by several municipalities,
    each with its network if one exists, else a button that creates it."""
    if not may(request.user, "forums.manage_meetings"):
        return None
    shared = matrix.shared_areas()
    networks = {
        n.development_area_id: n
        for n in Network.objects.filter(development_area__in=[a for a, _m in shared])
    }
    return {
        "plan": plan,
        "suggestions": [(area, names, networks.get(area.pk)) for area, names in shared],
    }


def register() -> None:
    panels.register_link(_("Överläggningar"), "forums:meeting_list", order=20)
    panels.register_link(_("Nätverk"), "forums:network_list", order=60, logged_in=True)
    panels.register(panels.HOME, "forums/panels/home.html", upcoming_public_meetings, order=10)
    panels.register(
        panels.MUNICIPALITY, "forums/panels/municipality.html", municipality_meetings, order=10
    )
    panels.register(panels.MY_PAGE, "forums/panels/my_page.html", my_invitations, order=10)
    panels.register(
        panels.MY_PAGE, "forums/panels/minutes_to_adjust.html", minutes_to_adjust, order=11
    )
    panels.register(
        panels.MY_PAGE_MANAGE, "forums/panels/manage_links.html", officials_links, order=10
    )
    panels.register(
        panels.PLAN_OVERVIEW, "forums/panels/suggested_networks.html", suggested_networks
    )
