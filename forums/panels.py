"""What the forums show on the pages the core gathers (kulturportal.panels)."""

from django.db.models import Q
from django.utils import timezone

from forums.models import Invitation, Meeting
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


def officials_links(request) -> dict | None:
    return {} if may(request.user, "forums.manage_meetings") else None


def register() -> None:
    panels.register(panels.HOME, "forums/panels/home.html", upcoming_public_meetings, order=10)
    panels.register(
        panels.MUNICIPALITY, "forums/panels/municipality.html", municipality_meetings, order=10
    )
    panels.register(panels.MY_PAGE, "forums/panels/my_page.html", my_invitations, order=10)
    panels.register(
        panels.MY_PAGE_MANAGE, "forums/panels/manage_links.html", officials_links, order=10
    )
