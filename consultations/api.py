"""The consultations' open data: the rounds with their questions, and the published
responses: only their published, redacted text (Response.published_content), never a
draft, never an answer held back, never the people behind them."""

from datetime import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from consultations.models import Group, Question, Response, Round
from kulturportal import api
from kulturportal.api import Dataset, Distribution

router = Router(tags=["Samråd och remisser"])


class QuestionOut(Schema):
    id: int = Field(description="Stabil identifierare; svaren pekar på den.")
    position: int
    text: str
    help_text: str
    kind: api.one_of(Question.Kind)  # type: ignore[valid-type]
    choices: list[str]
    required: bool
    development_area: str | None = Field(description="Utvecklingsområdets slug.")
    section: str | None = Field(description="Planavsnittets slug.")


class RoundSummaryOut(Schema):
    slug: str = Field(description="Stabil identifierare.")
    kind: api.one_of(Round.Kind)  # type: ignore[valid-type]
    kind_label: str
    title: str
    theme: str
    status: api.one_of(Round.Status)  # type: ignore[valid-type]
    opens_at: datetime
    closes_at: datetime
    groups: list[Group] = Field(description="Samrådsgrupperna som rundan vänder sig till.")
    plan: str | None = Field(description="Kulturplanens slug.")
    responses_published_at: datetime | None
    report_published_at: datetime | None
    url: str
    responses_url: str | None = Field(description="De publicerade svaren, när de finns.")
    html_url: str
    updated_at: datetime


class RoundOut(RoundSummaryOut):
    description: str = Field(description="I Markdown.")
    questions: list[QuestionOut]
    documents: list[dict] = Field(description="Underlagen: title och download_url.")


def _summary(request, round: Round) -> dict:
    published = round.responses_published_at is not None
    return {
        "slug": round.slug,
        "kind": round.kind,
        "kind_label": str(round.get_kind_display()),
        "title": round.title,
        "theme": round.theme,
        "status": round.status(),
        "opens_at": api.local(round.opens_at),
        "closes_at": api.local(round.closes_at),
        "groups": [g for g in round.groups if g in Group.values],
        "plan": round.plan.slug if round.plan else None,
        "responses_published_at": api.local(round.responses_published_at),
        "report_published_at": api.local(round.report_published_at),
        "url": api.api_url(request, "round_detail", round.slug),
        "responses_url": api.api_url(request, "round_responses", round.slug) if published else None,
        "html_url": request.build_absolute_uri(round.get_absolute_url()),
        "updated_at": api.local(round.updated_at),
    }


class RoundFilters(api.ListParams):
    kind: api.one_of(Round.Kind) | None = Field(  # type: ignore[valid-type]
        None, description="Samråd (consultation) eller remiss (referral)."
    )
    plan: str | None = Field(None, max_length=100, description="Kulturplanens slug.")


@router.get(
    "/",
    response=api.Page[RoundSummaryOut],
    url_name="round_list",
    summary="Samråd och remisser",
)
def round_list(request, params: Query[RoundFilters]):
    rounds = Round.objects.select_related("plan")
    if params.kind:
        rounds = rounds.filter(kind=params.kind)
    if params.plan:
        rounds = rounds.filter(plan__slug=params.plan)
    return api.paginate(
        request,
        rounds,
        order=("-opens_at", "slug"),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda r: _summary(request, r),
    )


@router.get("/{slug}/", response=RoundOut, url_name="round_detail", summary="Ett samråd")
def round_detail(request, slug: str):
    round = get_object_or_404(
        Round.objects.select_related("plan").prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("development_area", "section"),
            ),
            "documents",
        ),
        slug=slug,
    )
    api.last_modified(request, round.updated_at)
    return {
        **_summary(request, round),
        "description": round.description,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "help_text": q.help_text,
                "kind": q.kind,
                "choices": [str(c) for c in q.choices or []],
                "required": q.required,
                "development_area": q.development_area.slug if q.development_area else None,
                "section": q.section.slug if q.section else None,
            }
            for q in round.questions.all()
        ],
        "documents": [
            {
                "title": d.title,
                "download_url": request.build_absolute_uri(
                    reverse("consultations:round_document", args=[round.slug, d.pk])
                ),
            }
            for d in round.documents.all()
        ],
    }


class AnswerOut(Schema):
    question: int = Field(description="Frågans id.")
    text: str | None = Field(description="Svaret, med personuppgifter borttagna.")
    held_back: bool = Field(description="Svaret på frågan publiceras inte.")


class RespondentOut(Schema):
    kind: str = Field(description="organisation eller kommun.")
    identifier: str = Field(description="Organisationens slug eller kommunens SCB-kod.")
    name: str
    url: str


class PublishedResponseOut(Schema):
    registration_number: str = Field(description="Diarienumret: den stabila identifieraren.")
    respondent: RespondentOut
    submitted_at: datetime | None
    answers: list[AnswerOut]
    html_url: str


def _respondent(request, response: Response) -> dict:
    if response.municipality_id:
        municipality = response.municipality
        return {
            "kind": "kommun",
            "identifier": municipality.code,
            "name": municipality.name,
            "url": api.api_url(request, "municipality_detail", municipality.code),
        }
    organisation = response.organisation
    return {
        "kind": "organisation",
        "identifier": organisation.slug,
        "name": organisation.name,
        "url": api.api_url(request, "organisation_detail", organisation.slug),
    }


def _published(request, response: Response) -> dict:
    content = response.published_content or {}
    return {
        "registration_number": response.registration_number or "",
        "respondent": _respondent(request, response),
        "submitted_at": api.local(response.submitted_at),
        "answers": [
            {
                "question": part["question"],
                "text": None if "held_back" in part else part.get("text", ""),
                "held_back": "held_back" in part,
            }
            for part in content.get("answers", [])
        ],
        "html_url": request.build_absolute_uri(
            reverse("consultations:published_responses", args=[response.round.slug])
            + f"#svar-{response.pk}"
        ),
    }


@router.get(
    "/{slug}/responses/",
    response=api.Page[PublishedResponseOut],
    url_name="round_responses",
    summary="De publicerade svaren på ett samråd",
    description="Bara publicerade svar, med personuppgifter borttagna och utan svar som "
    "hålls tillbaka. Tomt tills svaren är publicerade.",
)
def round_responses(request, slug: str, params: Query[api.ListParams]):
    round = get_object_or_404(Round, slug=slug)
    responses = (
        Response.objects.published()
        .filter(round=round)
        .exclude(registration_number__isnull=True)
        .select_related("round", "organisation", "municipality")
    )
    return api.paginate(
        request,
        responses,
        order=("registration_number",),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda r: _published(request, r),
    )


def register() -> None:
    api.register_router(
        "/consultations", router, collections={"consultations": "round_list"}, order=30
    )
    api.register_dataset(
        Dataset(
            identifier="samrad",
            title_sv="Samråd och remisser om kulturplanen",
            title_en="Consultations and referrals on the culture plan",
            description_sv="Samråden och remisserna med frågor och underlag, och de "
            "publicerade svaren med personuppgifter borttagna.",
            description_en="The consultations and referrals with their questions and "
            "documents, and the published responses with personal data removed.",
            frequency="CONT",
            keywords_sv=("samråd", "remiss", "remissvar"),
            keywords_en=("consultation", "referral", "consultation responses"),
            distributions=(
                Distribution(
                    "Samråden och remisserna (JSON)",
                    "Consultations and referrals (JSON)",
                    "round_list",
                ),
            ),
            more_distributions=_response_distributions,
            order=70,
        )
    )


def _response_distributions() -> list[Distribution]:
    slugs = Round.objects.filter(responses_published_at__isnull=False).values_list(
        "slug", flat=True
    )
    return [
        Distribution(
            f"Publicerade svar: {slug} (JSON)",
            f"Published responses: {slug} (JSON)",
            "round_responses",
            args=(slug,),
        )
        for slug in slugs.order_by("slug")
    ]
