"""Who may open what: outsiders get 404, not a hint."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from forums.models import (
    Meeting,
)
from kulturportal.rules import may


def meeting_for_viewer(request, pk) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("network", "host_municipality", "institution"), pk=pk
    )
    if not may(request.user, "forums.see_meeting", meeting):
        raise Http404
    return meeting


def require_official(request) -> None:
    if not may(request.user, "forums.manage_meetings"):
        raise PermissionDenied


def meeting_for_official(request, pk) -> Meeting:
    require_official(request)
    return get_object_or_404(Meeting.objects.select_related("network", "institution"), pk=pk)
