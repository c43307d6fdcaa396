"""Who may open what: outsiders get 404, not a hint."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from consultations import services
from consultations.models import (
    Response,
    Round,
)
from kulturportal.models import Municipality, Organisation
from kulturportal.rules import may


def round_or_404(slug) -> Round:
    return get_object_or_404(Round, slug=slug)


def require_official(request) -> None:
    if not may(request.user, "consultations.manage"):
        raise PermissionDenied


def round_for_official(request, slug) -> Round:
    require_official(request)
    return round_or_404(slug)


def respondent_or_404(request, kind: str, slug: str):
    model = Municipality if kind == "kommun" else Organisation
    respondent = get_object_or_404(model, slug=slug)
    if not may(request.user, "consultations.answer_for", respondent):
        raise Http404
    return respondent


def response_of(request, round: Round, kind: str, slug: str) -> Response:
    """The respondent's saved response; 404 if there is none (nothing to withdraw)."""
    response = services.existing_or_new(round, respondent_or_404(request, kind, slug))
    if response.pk is None:
        raise Http404
    return response


def response_for_official(request, slug, pk) -> tuple[Round, Response]:
    """A response the officials may read: one that was submitted. A draft is 404."""
    round = round_for_official(request, slug)
    response = get_object_or_404(
        Response.objects.seen_by_officials()
        .with_respondent()
        .select_related("current_submission", "updated_by"),
        pk=pk,
        round=round,
    )
    return round, response
