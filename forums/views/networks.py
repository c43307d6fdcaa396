"""The networks and their members; a thematic network made from the plan's priorities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from forums import services
from forums.models import (
    ForumType,
    Network,
)
from forums.views.access import require_official
from kulturplan.models import CulturePlan
from kulturplan.overview import SHARED_FROM, matrix
from kulturportal.models import Municipality
from kulturportal.rules import may


@login_required
@require_safe
def network_list(request):
    official = may(request.user, "forums.manage_meetings")
    networks = Network.objects.visible_to(request.user, official=official).order_by("form", "name")
    return render(
        request,
        "forums/network_list.html",
        {
            "networks": networks,
            "feed_types": ForumType.choices,
        },
    )


@login_required
@require_safe
def network_detail(request, slug):
    network = get_object_or_404(Network, slug=slug)
    if not may(request.user, "forums.see_network", network):
        raise Http404
    members = services.network_members(network)
    municipalities = {
        m.pk: m for m in Municipality.objects.filter(pk__in={r.municipality_id for r in members})
    }
    meetings = network.meetings.visible_to(request.user).for_listing().prefetch_related("documents")
    return render(
        request,
        "forums/network_detail.html",
        {
            "network": network,
            "members": [(r, municipalities.get(r.municipality_id)) for r in members],
            "meetings": meetings,
        },
    )


@login_required
@require_POST
def network_from_priorities(request):
    """One click on the priorities overview: the thematic network of a shared area."""
    require_official(request)
    plan = get_object_or_404(CulturePlan, slug=request.POST.get("plan", ""))
    area = get_object_or_404(plan.development_areas, slug=request.POST.get("area", ""))
    municipalities = matrix(plan).municipalities_for(area)
    if len(municipalities) < SHARED_FROM:
        messages.error(request, _("Färre än tre kommuner prioriterar området."))
        return redirect("kulturplan:overview", slug=plan.slug)
    try:
        network = services.create_thematic_network(
            area=area, municipalities=municipalities, actor=request.user
        )
    except services.NetworkExists as exists:
        messages.info(request, _("Nätverket finns redan."))
        return redirect(exists.network)
    members = network.memberships.count()
    messages.success(
        request,
        ngettext(
            "Nätverket är skapat med %(count)s kulturchef.",
            "Nätverket är skapat med %(count)s kulturchefer.",
            members,
        )
        % {"count": members},
    )
    return redirect(network)
