"""Officials: the rounds, their documents and questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultations import services
from consultations.forms import (
    DocumentForm,
    QuestionForm,
    RoundForm,
)
from consultations.models import (
    Question,
    Response,
    Round,
)
from consultations.views.access import require_official, round_for_official
from kulturportal import audit
from kulturportal.models import AuditEntry


@login_required
@require_safe
def manage_rounds(request):
    require_official(request)
    rounds = Round.objects.annotate(
        submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
    ).order_by("-closes_at")
    return render(request, "consultations/manage_rounds.html", {"rounds": rounds})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_create(request):
    require_official(request)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": Round.Kind.CONSULTATION},
    )
    if request.method == "POST" and form.is_valid():
        round = services.create_round(round=form.save(commit=False), actor=request.user)
        messages.success(request, _("Omgången är skapad. Lägg till frågor och underlag."))
        return redirect("consultations:round_manage", slug=round.slug)
    return render(
        request,
        "consultations/round_form.html",
        {"form": form, "title": _("Nytt samråd eller ny remiss")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_manage(request, slug):
    round = round_for_official(request, slug)
    before = audit.snapshot(round, Round.AUDITED_FIELDS)
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round)
    if request.method == "POST" and form.is_valid():
        round = services.save_round(
            round=form.save(commit=False), before=before, actor=request.user
        )
        messages.success(request, _("Omgången är sparad."))
        return redirect("consultations:round_manage", slug=round.slug)
    return render(
        request,
        "consultations/round_manage.html",
        {
            "round": round,
            "form": form,
            "questions": list(round.questions.select_related("development_area", "section")),
            "documents": list(round.documents.all()),
            "document_form": DocumentForm(),
            "history": AuditEntry.objects.about(round)[:30],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def document_add(request, slug):
    round = round_for_official(request, slug)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                round=round,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
    if form.errors:
        return render(
            request,
            "consultations/round_manage.html",
            {
                "round": round,
                "form": RoundForm(instance=round),
                "questions": list(round.questions.all()),
                "documents": list(round.documents.all()),
                "document_form": form,
                "history": AuditEntry.objects.about(round)[:30],
            },
            status=400,
        )
    messages.success(request, _("Underlaget är tillagt."))
    return redirect("consultations:round_manage", slug=round.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request, slug, pk=None):
    round = round_for_official(request, slug)
    question = get_object_or_404(Question, pk=pk, round=round) if pk else Question(round=round)
    if pk is None:
        question.position = round.questions.count() + 1
    form = QuestionForm(
        request.POST if request.method == "POST" else None, instance=question, round=round
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_question(question=form.save(commit=False), actor=request.user)
        except services.RoundStarted:
            messages.error(request, _("Omgången har redan svar; frågorna kan inte ändras."))
        else:
            messages.success(request, _("Frågan är sparad."))
        return redirect("consultations:round_manage", slug=round.slug)
    return render(
        request,
        "consultations/round_form.html",
        {"form": form, "round": round, "title": _("Fråga")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def question_delete(request, slug, pk):
    round = round_for_official(request, slug)
    question = get_object_or_404(Question, pk=pk, round=round)
    try:
        services.delete_question(question=question, actor=request.user)
    except services.RoundStarted:
        messages.error(request, _("Omgången har redan svar; frågorna kan inte tas bort."))
    else:
        messages.success(request, _("Frågan är borttagen."))
    return redirect("consultations:round_manage", slug=round.slug)
