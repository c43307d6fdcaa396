"""An organisation's or a municipality's response: the form, drafts, files, submission and
withdrawal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultations import services
from consultations.forms import (
    ResponseForm,
)
from consultations.models import (
    Attachment,
    Question,
    text_hash,
)
from consultations.views.access import respondent_or_404, response_of, round_or_404
from kulturportal import uploads
from kulturportal.rules import may


@login_required
@require_safe
def respond_choose(request, slug):
    round = round_or_404(slug)
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
    round = round_or_404(slug)
    respondent = respondent_or_404(request, kind, respondent_slug)
    if request.method != "POST":
        response = services.existing_or_new(round, respondent)
        form = ResponseForm(round=round, response=response)
        return _respond_page(request, round, response, form)
    response = services.response_for(round, respondent)
    form = ResponseForm(request.POST, request.FILES, round=round, response=response)
    if not form.is_valid():
        return _respond_page(request, round, response, form, status=400)
    if "submit" in request.POST:
        return _save_and_submit(request, round, response, form)
    try:
        response = services.save_answers(
            response=response,
            posted=form.posted(),
            consent=form.cleaned_data["consent_to_publish"],
            consent_shown=form.cleaned_data["consent_shown"] == "1",
            actor=request.user,
        )
    except services.AnswersConflict as conflict:
        return _conflict_page(request, round, response, conflict)
    except services.ResponseWithdrawn:
        messages.error(request, _("Svaret är återkallat och kan inte ändras."))
        return redirect(response.form_url())
    # What was posted is stored now: a page shown again must know it as its base.
    form = _form_after_save(request, round, response)
    if not _store_files(request, form, response):
        return _respond_page(request, round, response, form, status=400)
    messages.success(request, _("Utkastet är sparat. Inget är inskickat ännu."))
    return redirect(response.form_url())


def _conflict_page(request, round, response, conflict):
    form = _form_after_conflict(request, round, response, conflict.conflicts)
    return _respond_page(request, round, response, form, conflicts=conflict.conflicts, status=409)


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


def _upload_fields(form) -> list[tuple[str, Question | None]]:
    """(field name, question) of every file field: the response's own, then each file
    question's."""
    return [("attachment", None)] + [(f"file{q.pk}", q) for q in form.file_questions()]


def _store_files(request, form, response) -> bool:
    """Each chosen file through the core upload service; an error goes beside its field."""
    ok = True
    for name, question in _upload_fields(form):
        upload = request.FILES.get(name)
        if upload is None:
            continue
        try:
            services.add_attachment(
                response=response, upload=upload, question=question, actor=request.user
            )
        except ValidationError as error:  # services.TooManyAttachments too
            form.file_errors[name] = error.messages
            ok = False
    return ok


def _save_and_submit(request, round, response, form):
    """What was typed, the files chosen and the submission, in one go (one transaction):
    a refusal leaves the rest saved as a draft and says why."""
    files = [
        (name, request.FILES[name], question)
        for name, question in _upload_fields(form)
        if name in request.FILES
    ]
    try:
        submission = services.save_and_submit(
            response=response,
            posted=form.posted(),
            consent=form.cleaned_data["consent_to_publish"],
            consent_shown=form.cleaned_data["consent_shown"] == "1",
            files=files,
            actor=request.user,
        )
    except services.AnswersConflict as conflict:
        return _conflict_page(request, round, response, conflict)
    except services.ResponseWithdrawn:
        messages.error(request, _("Svaret är återkallat och kan inte ändras."))
        return redirect(response.form_url())
    except services.FilesRefused as refused:
        form = _form_after_save(request, round, response)
        form.file_errors.update(refused.errors)
        return _respond_page(request, round, response, form, status=400)
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
        form = _form_after_save(request, round, response)
        _mark_missing(form, missing.questions)
        return _respond_page(request, round, response, form, status=400)
    except services.OrganisationPending:
        messages.error(
            request,
            _(
                "Svaret skickades inte in: Region Skåne har ännu inte granskat organisationen. "
                "Det du skrev är sparat som utkast; du får besked med e-post när du kan "
                "skicka in."
            ),
        )
        return redirect(response.form_url())
    except services.NothingNewToSubmit as standing:
        messages.info(
            request,
            _(
                "Svaret är redan inskickat (version %(version)s, diarienummer %(number)s) och "
                "inget har ändrats sedan dess. Inget nytt skickades in."
            )
            % {"version": standing.submission.number, "number": response.registration_number},
        )
        return redirect(response.form_url())
    messages.success(
        request,
        _("Svaret är inskickat med diarienummer %(number)s. Ett kvitto kommer med e-post.")
        % {"number": submission.response.registration_number},
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
    round = round_or_404(slug)
    response = response_of(request, round, kind, respondent_slug)
    try:
        services.withdraw(response=response, actor=request.user)
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
    round = round_or_404(slug)
    response = response_of(request, round, kind, respondent_slug)
    attachment = get_object_or_404(Attachment, pk=pk, response=response, removed_at__isnull=True)
    try:
        services.remove_attachment(attachment=attachment, actor=request.user)
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
    if attachment.is_removed():
        raise Http404  # removed is gone, for everyone
    own = may(request.user, "consultations.answer_for", attachment.response.respondent)
    # Region Skåne has only what was sent: a draft's file is the organisation's own.
    official = may(request.user, "consultations.manage") and attachment.was_submitted()
    if not (own or official):
        raise Http404
    return uploads.serve(
        attachment.file, filename=attachment.filename, content_type=attachment.content_type
    )
