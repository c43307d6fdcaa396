"""Officials: reading the responses, by respondent, question and development area; tags, notes,
dispositions, the publication review and the exports."""

from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from consultations import document, services
from consultations.exporting import EXPORT_NAME, export_filename
from consultations.filters import OFFICIAL_STATUSES, filtered_responses
from consultations.forms import (
    DispositionForm,
    NoteForm,
    PublicationReviewForm,
    TagsForm,
)
from consultations.models import (
    Disposition,
    Question,
    Response,
    Round,
)
from consultations.views.access import response_for_official, round_for_official
from kulturportal import background_exports
from kulturportal.models import AuditEntry, OrganisationKind

PAGE_SIZE = 50
DRAFT_WORK = ["response.saved", "response.attachment_added", "response.attachment_removed"]


@login_required
@require_safe
def manage_responses(request, slug):
    round = round_for_official(request, slug)
    form, responses = filtered_responses(round, request.GET)
    counts = _status_counts(round)
    # The page's ids are sorted first, on narrow rows; only those 50 are then loaded whole.
    paginator = Paginator(responses.values_list("pk", flat=True), PAGE_SIZE)
    if not form.is_bound:
        paginator.count = sum(count for _label, count in counts)  # no COUNT of its own
    page = paginator.get_page(request.GET.get("sida"))
    loaded = responses.in_bulk(list(page.object_list))
    page.object_list = [loaded[pk] for pk in page.object_list]
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "consultations/manage_responses.html",
        {
            "round": round,
            "filter_form": form,
            "page": page,
            "rows": _response_rows(round, page),
            "query": query.urlencode(),
            "counts": counts,
        },
    )


def _response_rows(round: Round, page) -> list[dict]:
    """What each row shows, worked out here rather than looked up attribute by attribute
    in the template (50 rows of lookups were most of the page's time)."""
    statuses = dict(Response.Status.choices)
    outcomes = dict(Disposition.Outcome.choices)
    kinds = dict(OrganisationKind.choices)
    rows = []
    for response in page:
        organisation = response.organisation
        rows.append(
            {
                "url": reverse("consultations:manage_response", args=[round.slug, response.pk]),
                "name": response.respondent.name,
                "kind": kinds.get(organisation.kind, "") if organisation else "",
                "registration_number": response.registration_number,
                "status": statuses.get(response.status, response.status),
                "submitted_at": response.submitted_at,
                "tags": [tag.name for tag in response.tags.all()],
                "dispositions": [outcomes.get(d.outcome) for d in response.dispositions.all()],
            }
        )
    return rows


def _status_counts(round: Round) -> list[tuple[str, int]]:
    counts = Counter(
        dict(
            Response.objects.seen_by_officials()
            .filter(round=round)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    return [(label, counts[value]) for value, label in OFFICIAL_STATUSES]


@login_required
@require_POST
def responses_export(request, slug, fmt):
    round = round_for_official(request, slug)
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
    round, response = response_for_official(request, slug, pk)
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
            "removed": set(
                response.attachments.filter(removed_at__isnull=False).values_list("pk", flat=True)
            ),
            "overall": dispositions.get(None),
            "overall_form": forms_.get(None)
            or DispositionForm(instance=dispositions.get(None), round=round, prefix="d"),
            "tags_form": forms_.get("tags")
            or TagsForm(initial={"tags": ", ".join(t.name for t in response.tags.all())}),
            "note_form": forms_.get("note") or NoteForm(),
            "notes": list(response.notes.select_related("author")),
            "submissions": list(response.submissions.select_related("submitted_by")),
            # The organisation's own work on its drafts is not Region Skåne's to read.
            "history": AuditEntry.objects.about(response).exclude(action__in=DRAFT_WORK)[:30],
            "publication": services.publication_preview(response),
            "publication_form": forms_.get("publication")
            or PublicationReviewForm(
                initial={"held_back": response.held_back, "reason": response.held_back_reason}
            ),
        },
        status=status,
    )


@login_required
@require_POST
def response_tags(request, slug, pk):
    round, response = response_for_official(request, slug, pk)
    form = TagsForm(request.POST)
    if not form.is_valid():
        return _response_page(request, round, response, forms_={"tags": form}, status=400)
    services.set_tags(response=response, names=form.names(), actor=request.user)
    messages.success(request, _("Etiketterna är sparade."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_POST
def response_note(request, slug, pk):
    round, response = response_for_official(request, slug, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _response_page(request, round, response, forms_={"note": form}, status=400)
    services.add_note(response=response, text=form.cleaned_data["text"], actor=request.user)
    messages.success(request, _("Anteckningen är sparad."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_POST
def response_disposition(request, slug, pk):
    round, response = response_for_official(request, slug, pk)
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
        actor=request.user,
    )
    messages.success(request, _("Ställningstagandet är sparat."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_POST
def response_publication(request, slug, pk):
    round, response = response_for_official(request, slug, pk)
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
        actor=request.user,
    )
    messages.success(request, _("Granskningen är sparad."))
    return redirect("consultations:manage_response", slug=slug, pk=pk)


@login_required
@require_safe
def by_question(request, slug):
    round = round_for_official(request, slug)
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
    round = round_for_official(request, slug)
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
