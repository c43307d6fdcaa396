"""Who may open what: outsiders get 404, not a hint."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from followup.models import AnnualReport, FundingDecision, ReportingRound
from kulturportal.models import Organisation
from kulturportal.rules import may


def is_official(request) -> bool:
    return may(request.user, "followup.manage")


def require_official(request) -> None:
    if not is_official(request):
        raise PermissionDenied


def round_or_404(year: int) -> ReportingRound:
    return get_object_or_404(ReportingRound, year=year)


def round_for_official(request, year: int) -> ReportingRound:
    require_official(request)
    return round_or_404(year)


def reporting_organisation(request, year: int, slug: str):
    """The round, the organisation whose representative asks, and its decision for the
    year; 404 to anyone else, and for an organisation not funded that year."""
    round = round_or_404(year)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not may(request.user, "followup.report_for", organisation):
        raise Http404
    decision = (
        FundingDecision.objects.with_lines().filter(organisation=organisation, year=year).first()
    )
    if decision is None:
        raise Http404
    return round, organisation, decision


def report_for_official(request, year: int, pk: int) -> AnnualReport:
    round = round_for_official(request, year)
    report = get_object_or_404(
        AnnualReport.objects.select_related("organisation", "current_submission"),
        pk=pk,
        round=round,
    )
    report.round = round
    return report
