from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultations import document, services
from consultations.exporting import EXPORT_NAME, export_filename
from consultations.filters import filtered_responses
from consultations.forms import (
    DispositionForm,
    DocumentForm,
    NoteForm,
    PublicationReviewForm,
    QuestionForm,
    ResponseForm,
    RoundForm,
    TagsForm,
)
from consultations.models import (
    Attachment,
    Disposition,
    Question,
    Response,
    Round,
    RoundDocument,
    text_hash,
)
from kulturportal import audit, background_exports
from kulturportal import pdf as pdf_documents
from kulturportal.caching import personal_page, public_page
from kulturportal.models import AuditEntry, Municipality, Organisation
from kulturportal.rules import may

# --- Access helpers: outsiders get 404, not a hint -------------------------------------------


def _round(slug) -> Round:
    return get_object_or_404(Round, slug=slug)


def _require_official(request) -> None:
    if not may(request.user, "consultations.manage"):
        raise PermissionDenied


def _round_for_official(request, slug) -> Round:
    _require_official(request)
    return _round(slug)


def _respondent(request, kind: str, slug: str):
    model = Municipality if kind == "kommun" else Organisation
    respondent = get_object_or_404(model, slug=slug)
    if not may(request.user, "consultations.answer_for", respondent):
        raise Http404
    return respondent


def _response_of(request, round: Round, kind: str, slug: str) -> Response:
    """The respondent's saved response; 404 if there is none (nothing to withdraw)."""
    response = services.existing_or_new(round, _respondent(request, kind, slug))
    if response.pk is None:
        raise Http404
    return response


# --- Public pages ------------------------------------------------------------------------------


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
    return FileResponse(
        document_.file.open("rb"),
        as_attachment=True,
        filename=document_.file.name.rsplit("/", 1)[-1],
        content_type=document_.content_type,
    )


@public_page
@require_safe
def published_responses(request, slug):
    round = _round(slug)
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
    round = _round(slug)
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
    round = _round(slug)
    if round.report_published_at is None:
        raise Http404
    return pdf_documents.respond(request, document.report_document(round))


# --- Responding ----------------------------------------------------------------------------------


@login_required
@require_safe
def respond_choose(request, slug):
    round = _round(slug)
    respondents = services.respondents_for(request.user)
    if len(respondents) == 1:
        return redirect(services.form_url(round, respondents[0]))
    return render(
        request,
        "consultations/respond_choose.html",
        {
            "round": round,
            "choices": [(r, services.form_url(round, r)) for r in respondents],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request, slug, kind, respondent_slug):
    round = _round(slug)
    respondent = _respondent(request, kind, respondent_slug)
    if request.method != "POST":
        response = services.existing_or_new(round, respondent)
        form = ResponseForm(round=round, response=response)
        return _respond_page(request, round, response, form)
    response = services.response_for(round, respondent)
    form = ResponseForm(request.POST, request.FILES, round=round, response=response)
    if not form.is_valid():
        return _respond_page(request, round, response, form, status=400)
    try:
        response = services.save_answers(
            response=response,
            posted=form.posted(),
            consent=form.cleaned_data["consent_to_publish"],
            consent_shown=form.cleaned_data["consent_shown"] == "1",
        )
    except services.AnswersConflict as conflict:
        form = _form_after_conflict(request, round, response, conflict.conflicts)
        return _respond_page(
            request, round, response, form, conflicts=conflict.conflicts, status=409
        )
    except services.ResponseWithdrawn:
        messages.error(request, _("Svaret är återkallat och kan inte ändras."))
        return redirect(response.form_url())
    # What was posted is stored now: a page shown again must know it as its base.
    form = _form_after_save(request, round, response)
    if not _store_files(request, form, response):
        return _respond_page(request, round, response, form, status=400)
    if "submit" in request.POST:
        return _submit(request, round, response, form)
    messages.success(request, _("Utkastet är sparat. Inget är inskickat ännu."))
    return redirect(response.form_url())


def _form_after_save(request, round, response) -> ResponseForm:
    """The posted form again, its bases moved to what is stored now (the person's own)."""
    data = request.POST.copy()
    stored = {a.question_id: a.value() for a in response.answers.all()}
    for question in round.questions.all():
        data[f"base{question.pk}"] = text_hash(stored.get(question.pk, ""))
    data["consent_shown"] = "1" if response.consent_to_publish else "0"
    form = ResponseForm(data, round=round, response=response)
    form.is_valid()
    return form


def _form_after_conflict(request, round, response, conflicts) -> ResponseForm:
    """The person's own text stays in the form; the base moves to what is stored now."""
    form = ResponseForm(request.POST, round=round, response=response, conflicts=conflicts)
    form.data = form.data.copy()
    for conflict in conflicts:
        form.data[f"base{conflict.question.pk}"] = form.fields[
            f"base{conflict.question.pk}"
        ].initial
    form.is_valid()
    return form


def _store_files(request, form, response) -> bool:
    """Each chosen file through the core upload service; an error goes beside its field."""
    uploads = [("attachment", None)] + [(f"file{q.pk}", q) for q in form.file_questions()]
    ok = True
    for name, question in uploads:
        upload = request.FILES.get(name)
        if upload is None:
            continue
        try:
            services.add_attachment(response=response, upload=upload, question=question)
        except ValidationError as error:
            form.file_errors[name] = error.messages
            ok = False
        except services.TooManyAttachments:
            form.file_errors[name] = [
                _("Ett svar kan ha högst %(count)s bilagor.") % {"count": services.MAX_ATTACHMENTS}
            ]
            ok = False
    return ok


def _submit(request, round, response, form):
    try:
        submission = services.submit(response=response)
    except services.RoundClosed:
        messages.error(
            request,
            _(
                "Svaret skickades inte in: sista svarsdagen har passerat. Det du skrev är "
                "sparat som utkast."
            ),
        )
        return redirect(response.form_url())
    except services.RoundNotOpen:
        messages.error(
            request,
            _(
                "Svaret skickades inte in: omgången har inte öppnat än. Det du skrev är "
                "sparat som utkast."
            ),
        )
        return redirect(response.form_url())
    except services.RequiredMissing as missing:
        _mark_missing(form, missing.questions)
        return _respond_page(request, round, response, form, status=400)
    messages.success(
        request,
        _("Svaret är inskickat med diarienummer %(number)s. Ett kvitto kommer med e-post.")
        % {"number": response.registration_number or submission.response.registration_number},
    )
    return redirect(response.form_url())


MISSING = _lazy("Svara på frågan innan du skickar in.")


def _mark_missing(form, questions) -> None:
    """Each required question left empty gets its message beside its own field."""
    for question in questions:
        if question.kind == Question.Kind.FILE:
            form.file_errors[f"file{question.pk}"] = [str(MISSING)]
        else:
            form.add_error(f"q{question.pk}", str(MISSING))


def _respond_page(request, round, response, form, *, conflicts=(), status=200):
    saved = response.pk is not None
    if saved:
        response.refresh_from_db()
    return render(
        request,
        "consultations/respond.html",
        {
            "round": round,
            "response": response,
            "form": form,
            "rows": _rows_with_errors(form),
            "conflicts": conflicts,
            "attachments": list(
                response.attachments.filter(removed_at__isnull=True).select_related("question")
            )
            if saved
            else [],
            "submissions": list(response.submissions.all()) if saved else [],
            "file_error_items": _file_error_items(form),
            "is_open": round.is_open(),
            "has_closed": round.has_closed(),
            "people": services.people_of(response),
        },
        status=status,
    )


def _file_error_items(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) of each file error, for the error summary."""
    labels = {f"file{q.pk}": q.text for q in form.file_questions()}
    return [
        (f"id_{name}", labels.get(name, _("Bifogad fil")), error)
        for name, errors in form.file_errors.items()
        for error in errors
    ]


def _rows_with_errors(form) -> list[dict]:
    file_errors = getattr(form, "file_errors", {})
    rows = []
    for question, field in form.rows():
        rows.append(
            {
                "question": question,
                "field": field,
                "file_name": f"file{question.pk}",
                "file_errors": file_errors.get(f"file{question.pk}", []),
            }
        )
    return rows


@login_required
@require_POST
def respond_withdraw(request, slug, kind, respondent_slug):
    round = _round(slug)
    response = _response_of(request, round, kind, respondent_slug)
    try:
        services.withdraw(response=response)
    except services.RoundClosed:
        messages.error(request, _("Sista svarsdagen har passerat; svaret kan inte återkallas."))
    except services.ResponseWithdrawn:
        messages.error(request, _("Svaret är redan återkallat."))
    except services.NotSubmitted:
        messages.error(request, _("Det finns inget inskickat svar att återkalla."))
    else:
        messages.success(request, _("Svaret är återkallat. Alla inskickade versioner finns kvar."))
    return redirect(response.form_url())


@login_required
@require_POST
def attachment_remove(request, slug, kind, respondent_slug, pk):
    round = _round(slug)
    response = _response_of(request, round, kind, respondent_slug)
    attachment = get_object_or_404(Attachment, pk=pk, response=response, removed_at__isnull=True)
    try:
        services.remove_attachment(attachment=attachment)
    except services.ResponseWithdrawn:
        messages.error(request, _("Svaret är återkallat och kan inte ändras."))
    else:
        messages.success(
            request, _("Bilagan %(name)s är borttagen.") % {"name": attachment.filename}
        )
    return redirect(response.form_url())


@login_required
@require_safe
def attachment_download(request, pk):
    """A response's file: for its own people and for the officials, never for others."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("response__organisation", "response__municipality"),
        pk=pk,
    )
    respondent = attachment.response.respondent
    if not (
        may(request.user, "consultations.manage")
        or may(request.user, "consultations.answer_for", respondent)
    ):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


# --- Officials: rounds -------------------------------------------------------------------------


@login_required
@require_safe
def manage_rounds(request):
    _require_official(request)
    rounds = Round.objects.annotate(
        submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
    ).order_by("-closes_at")
    return render(request, "consultations/manage_rounds.html", {"rounds": rounds})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_create(request):
    _require_official(request)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": Round.Kind.CONSULTATION},
    )
    if request.method == "POST" and form.is_valid():
        round = services.create_round(round=form.save(commit=False))
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
    round = _round_for_official(request, slug)
    before = audit.snapshot(round, services.ROUND_FIELDS)
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round)
    if request.method == "POST" and form.is_valid():
        round = services.save_round(round=form.save(commit=False), before=before)
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
    round = _round_for_official(request, slug)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                round=round, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
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
    round = _round_for_official(request, slug)
    question = get_object_or_404(Question, pk=pk, round=round) if pk else Question(round=round)
    if pk is None:
        question.position = round.questions.count() + 1
    form = QuestionForm(
        request.POST if request.method == "POST" else None, instance=question, round=round
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_question(question=form.save(commit=False))
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
    round = _round_for_official(request, slug)
    question = get_object_or_404(Question, pk=pk, round=round)
    try:
        services.delete_question(question=question)
    except services.RoundStarted:
        messages.error(request, _("Omgången har redan svar; frågorna kan inte tas bort."))
    else:
        messages.success(request, _("Frågan är borttagen."))
    return redirect("consultations:round_manage", slug=round.slug)


# --- Officials: reading the responses ----------------------------------------------------------


PAGE_SIZE = 50


@login_required
@require_safe
@personal_page
def manage_responses(request, slug):
    round = _round_for_official(request, slug)
    form, responses = filtered_responses(round, request.GET)
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "consultations/manage_responses.html",
        {
            "round": round,
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": _status_counts(round),
        },
    )


def _status_counts(round: Round) -> list[tuple[str, int]]:
    counts = Counter(
        dict(
            Response.objects.filter(round=round)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    return [(label, counts[value]) for value, label in Response.Status.choices]


@login_required
@require_POST
def responses_export(request, slug, fmt):
    round = _round_for_official(request, slug)
    form, _responses = filtered_responses(round, request.POST)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Filtren gick inte att använda; välj dem igen."))
        return redirect("consultations:manage_responses", slug=slug)
    params = {"round": round.pk, "filters": form.cleaned_data if form.is_bound else {}}
    export = background_exports.start(
        user=request.user,
        builder=EXPORT_NAME,
        params=params,
        fmt=fmt,
        filename=export_filename(round, fmt),
        title=_("Svar på %(title)s") % {"title": round.title},
    )
    return background_exports.respond(request, export)


@login_required
@require_safe
def manage_response(request, slug, pk):
    round = _round_for_official(request, slug)
    response = get_object_or_404(
        Response.objects.with_respondent().select_related("current_submission", "updated_by"),
        pk=pk,
        round=round,
    )
    return _response_page(request, round, response)


def _response_page(request, round, response, *, forms_=None, status=200):
    forms_ = forms_ or {}
    dispositions = {d.question_id: d for d in response.dispositions.select_related("section")}
    content = response.current_submission.content if response.current_submission else {}
    rows = document.answer_rows(round, content) if content else []
    for row in rows:
        question = row["question"]
        row["disposition"] = dispositions.get(question.pk)
        row["form"] = forms_.get(question.pk) or DispositionForm(
            instance=dispositions.get(question.pk), round=round, prefix=f"d{question.pk}"
        )
    return render(
        request,
        "consultations/manage_response.html",
        {
            "round": round,
            "response": response,
            "rows": rows,
            "attachments": content.get("attachments", []) if content else [],
            "overall": dispositions.get(None),
            "overall_form": forms_.get(None)
            or DispositionForm(instance=dispositions.get(None), round=round, prefix="d"),
            "tags_form": forms_.get("tags")
            or TagsForm(initial={"tags": ", ".join(t.name for t in response.tags.all())}),
            "note_form": forms_.get("note") or NoteForm(),
            "notes": list(response.notes.select_related("author")),
            "submissions": list(response.submissions.select_related("submitted_by")),
            "history": AuditEntry.objects.about(response)[:30],
            "publication": services.publication_preview(response),
            "publication_form": forms_.get("publication")
            or PublicationReviewForm(
                initial={"held_back": response.held_back, "reason": response.held_back_reason}
            ),
        },
        status=status,
    )


def _response_for_official(request, slug, pk) -> tuple[Round, Response]:
    round = _round_for_official(request, slug)
    response = get_object_or_404(
        Response.objects.with_respondent().select_related("current_submission"),
        pk=pk,
        round=round,
    )
    return round, response


@login_required
@require_POST
def response_tags(request, slug, pk):
    round, response = _response_for_official(request, slug, pk)
    form = TagsForm(request.POST)
    if not form.is_valid():
        return _response_page(request, round, response, forms_={"tags": form}, status=400)
    services.set_tags(response=response, names=form.names())
    messages.success(request, _("Etiketterna är sparade."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_POST
def response_note(request, slug, pk):
    round, response = _response_for_official(request, slug, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _response_page(request, round, response, forms_={"note": form}, status=400)
    services.add_note(response=response, text=form.cleaned_data["text"])
    messages.success(request, _("Anteckningen är sparad."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_POST
def response_disposition(request, slug, pk):
    round, response = _response_for_official(request, slug, pk)
    question = None
    if request.POST.get("question"):
        if not request.POST["question"].isdigit():
            raise Http404
        question = get_object_or_404(Question, pk=request.POST["question"], round=round)
    prefix = f"d{question.pk}" if question else "d"
    existing = Disposition.objects.filter(response=response, question=question).first()
    form = DispositionForm(request.POST, instance=existing, round=round, prefix=prefix)
    if not form.is_valid():
        key = question.pk if question else None
        return _response_page(request, round, response, forms_={key: form}, status=400)
    services.set_disposition(
        response=response,
        question=question,
        outcome=form.cleaned_data["outcome"],
        reason=form.cleaned_data["reason"],
        section=form.cleaned_data["section"],
    )
    messages.success(request, _("Ställningstagandet är sparat."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_POST
def response_publication(request, slug, pk):
    round, response = _response_for_official(request, slug, pk)
    form = PublicationReviewForm(request.POST)
    if not form.is_valid():
        return _response_page(request, round, response, forms_={"publication": form}, status=400)
    services.review_publication(
        response=response,
        keep=request.POST.getlist("keep"),
        held_back=form.cleaned_data["held_back"],
        reason=form.cleaned_data["reason"],
        held_back_parts={
            key.removeprefix("hold_"): value.strip()[:500]
            for key, value in request.POST.items()
            if key.startswith("hold_")
        },
    )
    messages.success(request, _("Granskningen är sparad."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_safe
def by_question(request, slug):
    round = _round_for_official(request, slug)
    questions = list(round.questions.select_related("development_area", "section"))
    chosen = None
    if request.GET.get("fraga"):
        chosen = next((q for q in questions if str(q.pk) == request.GET["fraga"]), None)
        if chosen is None:
            raise Http404
    chosen = chosen or (questions[0] if questions else None)
    return render(
        request,
        "consultations/by_question.html",
        {
            "round": round,
            "questions": questions,
            "chosen": chosen,
            "answers": _answers_to([chosen], round) if chosen else [],
        },
    )


def _answers_to(questions: list[Question], round: Round) -> list[dict]:
    """Each submitted answer to the questions, with its respondent and disposition."""
    wanted = {q.pk for q in questions}
    dispositions = {
        (d.response_id, d.question_id): d
        for d in Disposition.objects.filter(response__round=round, question__in=wanted)
    }
    rows = []
    responses = (
        Response.objects.submitted()
        .filter(round=round)
        .with_respondent()
        .select_related("current_submission")
        .order_by("organisation__name", "municipality__name")
    )
    for response in responses:
        for item in response.current_submission.content["answers"]:
            if item["question"] not in wanted:
                continue
            text = item["text"] or "\n".join(item["choices"])
            if text.strip():
                rows.append(
                    {
                        "response": response,
                        "question_id": item["question"],
                        "text": text,
                        "disposition": dispositions.get((response.pk, item["question"])),
                    }
                )
    return rows


@login_required
@require_safe
def by_area(request, slug):
    round = _round_for_official(request, slug)
    questions = list(
        round.questions.filter(development_area__isnull=False).select_related("development_area")
    )
    answers = _answers_to(questions, round)
    by_question_id = defaultdict(list)
    for row in answers:
        by_question_id[row["question_id"]].append(row)
    areas: dict[int, dict] = {}
    for question in questions:
        area = areas.setdefault(
            question.development_area_id, {"area": question.development_area, "questions": []}
        )
        area["questions"].append({"question": question, "answers": by_question_id[question.pk]})
    return render(
        request,
        "consultations/by_area.html",
        {"round": round, "areas": sorted(areas.values(), key=lambda a: a["area"].position)},
    )


@login_required
@require_safe
def referral_board(request, slug):
    round = _round_for_official(request, slug)
    rows = services.referral_board(round)
    by_region = defaultdict(list)
    for row in rows:
        by_region[row.sub_region or _("Övriga remissinstanser")].append(row)
    answered = sum(1 for row in rows if row.has_answered)
    return render(
        request,
        "consultations/referral_board.html",
        {
            "round": round,
            "total": len(rows),
            "answered": answered,
            "regions": [
                (name, items, sum(1 for r in items if r.has_answered))
                for name, items in by_region.items()
            ],
            "missing": [row for row in rows if not row.has_answered and not row.has_withdrawn],
            "is_open": round.is_open(),
        },
    )


@login_required
@require_POST
def remind(request, slug):
    round = _round_for_official(request, slug)
    try:
        count = services.remind_missing(round=round)
    except services.RoundClosed:
        messages.error(request, _("Omgången är inte öppen; ingen påminnelse skickades."))
    except services.AlreadyReminded:
        messages.error(request, _("En påminnelse har redan skickats i dag."))
    except services.NoOneToRemind:
        messages.error(request, _("Det finns ingen att påminna."))
    else:
        messages.success(
            request,
            ngettext(
                "En påminnelse skickas till %(count)s mottagare.",
                "Påminnelser skickas till %(count)s mottagare.",
                count,
            )
            % {"count": count},
        )
    return redirect("consultations:referral_board", slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication(request, slug):
    round = _round_for_official(request, slug)
    if request.method == "POST":
        try:
            count = services.publish_responses(round=round)
        except services.RoundStillOpen:
            messages.error(request, _("Svaren publiceras först när sista svarsdagen har passerat."))
        else:
            messages.success(
                request,
                ngettext("%(count)s svar är publicerat.", "%(count)s svar är publicerade.", count)
                % {"count": count},
            )
        return redirect("consultations:publication", slug=slug)
    responses = list(
        Response.objects.submitted()
        .filter(round=round)
        .with_respondent()
        .select_related("current_submission")
        .order_by("organisation__name", "municipality__name")
    )
    return render(
        request,
        "consultations/publication.html",
        {"round": round, "responses": responses, "has_closed": round.has_closed()},
    )


@login_required
@require_POST
def report_manage(request, slug):
    round = _round_for_official(request, slug)
    summary = request.POST.get("summary", "")[:10000]
    try:
        services.publish_report(round=round, summary=summary)
    except services.RoundStillOpen:
        messages.error(request, _("Redogörelsen publiceras först när omgången har stängt."))
    except services.ResponsesNotPublished:
        messages.error(
            request, _("Publicera svaren först: redogörelsen citerar de publicerade svaren.")
        )
    else:
        messages.success(request, _("Samrådsredogörelsen är publicerad."))
    return redirect("consultations:report", slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, slug):
    """The resolved list of who the invitation reaches, then one click sends it."""
    round = _round_for_official(request, slug)
    if request.method == "POST":
        try:
            count = services.invite(round=round)
        except services.RoundClosed:
            messages.error(request, _("Omgången har stängt; ingen inbjudan skickades."))
        else:
            messages.success(
                request,
                ngettext(
                    "Inbjudan skickas till %(count)s ny mottagare.",
                    "Inbjudan skickas till %(count)s nya mottagare.",
                    count,
                )
                % {"count": count},
            )
        return redirect("consultations:invitation", slug=slug)
    return render(
        request,
        "consultations/invitation.html",
        {
            "round": round,
            "invitees": services.invitees(round),
            "organisations": services.audience_organisations(round).count(),
            "unreachable": services.unreachable(round),
        },
    )
