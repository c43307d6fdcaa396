"""Who may open what: outsiders get 404, not a hint."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kulturplan.models import (
    CulturePlan,
)
from kulturportal.models import Municipality
from kulturportal.rules import may


def plan_or_404(slug) -> CulturePlan:
    return get_object_or_404(CulturePlan, slug=slug)


def require_official(request) -> None:
    if not may(request.user, "kulturplan.manage_plans"):
        raise PermissionDenied


def plan_for_official(request, slug) -> CulturePlan:
    require_official(request)
    return plan_or_404(slug)


def municipality_for_priorities(request, slug) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not may(request.user, "kulturplan.see_priorities", municipality):
        raise Http404
    return municipality
