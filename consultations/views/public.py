"""The public pages: the rounds, one round and its documents, the published responses and the
report."""

from collections import defaultdict

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from consultations import document
from consultations.models import (
    Response,
    Round,
    RoundDocument,
)
from consultations.views.access import round_or_404
from kulturportal import pdf as pdf_documents
from kulturportal import uploads
from kulturportal.caching import public_page
from kulturportal.rules import may


@public_page
@require_safe
def round_list(request):
    now = timezone.now()
    rounds = list(Round.objects.select_related("plan").order_by("closes_at"))
    groups = defaultdict(list)
    for round in rounds:
        groups[round.status(now)].append(round)
    return render(
        request,
        "consultations/round_list.html",
        {
            "open": groups[Round.Status.OPEN],
            "forthcoming": groups[Round.Status.FORTHCOMING],
            "closed": groups[Round.Status.CLOSED][::-1] + groups[Round.Status.REPORTED][::-1],
            "is_official": may(request.user, "consultations.manage"),
        },
    )


@public_page
@require_safe
def round_detail(request, slug):
    round = get_object_or_404(Round.objects.select_related("plan"), slug=slug)
    questions = list(round.questions.select_related("development_area", "section"))
    return render(
        request,
        "consultations/round_detail.html",
        {
            "round": round,
            "questions": questions,
            "documents": list(round.documents.all()),
            "addressees": list(round.addressed_organisations.all()) if round.is_referral() else [],
            "published_count": Response.objects.published().filter(round=round).count(),
            "is_official": may(request.user, "consultations.manage"),
        },
    )


@require_safe
def round_document(request, slug, pk):
    document_ = get_object_or_404(RoundDocument, pk=pk, round__slug=slug)
    return uploads.serve(
        document_.file,
        filename=uploads.stored_name(document_.file),
        content_type=document_.content_type,
    )


@public_page
@require_safe
def published_responses(request, slug):
    round = round_or_404(slug)
    if round.responses_published_at is None:
        raise Http404
    responses = list(
        Response.objects.published()
        .filter(round=round)
        .with_respondent()
        .order_by("organisation__name", "municipality__name")
    )
    questions = {q.pk: q for q in round.questions.all()}
    for response in responses:
        response.parts = [
            (questions.get(part["question"]), part)
            for part in (response.published_content or {}).get("answers", [])
        ]
    unpublished = (
        Response.objects.submitted()
        .filter(round=round)
        .filter(Q(publish_consent=False) | Q(held_back=True))
        .count()
    )
    return render(
        request,
        "consultations/published_responses.html",
        {"round": round, "responses": responses, "unpublished": unpublished},
    )


@public_page
@require_safe
def report(request, slug):
    round = round_or_404(slug)
    is_official = may(request.user, "consultations.manage")
    if round.report_published_at is None and not is_official:
        raise Http404
    return render(
        request,
        "consultations/report.html",
        {**document.report_context(round), "is_official": is_official},
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def report_pdf(request, slug):
    round = round_or_404(slug)
    if round.report_published_at is None:
        raise Http404
    return pdf_documents.respond(request, document.report_document(round))
