"""The plan's open data: the plans with their saved versions, sections, development areas
(tied to the activity areas) and the municipalities' submitted priorities as a matrix. A
priority's motivation and contact stay out: only what the public overview shows."""

from datetime import date, datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from kulturplan.models import CulturePlan, DevelopmentArea, PlanVersion, Section
from kulturplan.overview import matrix
from kulturportal import api
from kulturportal.api import Dataset, Distribution

router = Router(tags=["Kulturplaner"])


class PlanSummaryOut(Schema):
    slug: str = Field(description="Stabil identifierare, till exempel 2025-2028.")
    title: str
    starts_year: int
    ends_year: int
    status: api.one_of(CulturePlan.Status)  # type: ignore[valid-type]
    status_label: str
    adopted_on: date | None
    url: str
    html_url: str
    updated_at: datetime


class SectionOut(Schema):
    slug: str
    position: int
    title: str
    body: str = Field(description="Texten i Markdown.")
    html_url: str


class AreaOut(Schema):
    slug: str = Field(description="Samma slug i två planer är samma område.")
    position: int
    title: str
    description: str = Field(description="Beskrivningen i Markdown.")
    activity_areas: list[str] = Field(description="Verksamhetsområdenas koder.")
    html_url: str


class VersionSummaryOut(Schema):
    number: int
    created_at: datetime
    note: str
    url: str


class PlanOut(PlanSummaryOut):
    summary: str
    sections: list[SectionOut]
    development_areas: list[AreaOut]
    versions: list[VersionSummaryOut]
    priorities_url: str
    pdf_url: str


class VersionOut(Schema):
    number: int
    created_at: datetime
    note: str
    sections: list[dict] = Field(description="Avsnitten som de stod: slug, title, body.")
    development_areas: list[dict] = Field(
        description="Områdena som de stod: slug, title, description, activity_areas."
    )


def _summary(request, plan: CulturePlan) -> dict:
    return {
        "slug": plan.slug,
        "title": plan.title,
        "starts_year": plan.starts_year,
        "ends_year": plan.ends_year,
        "status": plan.status,
        "status_label": str(plan.get_status_display()),
        "adopted_on": plan.adopted_on,
        "url": api.api_url(request, "plan_detail", plan.slug),
        "html_url": request.build_absolute_uri(plan.get_absolute_url()),
        "updated_at": api.local(plan.updated_at),
    }


def _section(request, plan: CulturePlan, section: Section) -> dict:
    return {
        "slug": section.slug,
        "position": section.position,
        "title": section.title,
        "body": section.body,
        "html_url": request.build_absolute_uri(f"{plan.get_absolute_url()}#{section.slug}"),
    }


def _area(request, plan: CulturePlan, area: DevelopmentArea) -> dict:
    return {
        "slug": area.slug,
        "position": area.position,
        "title": area.title,
        "description": area.description,
        "activity_areas": sorted(a.code for a in area.activity_areas.all()),
        "html_url": request.build_absolute_uri(f"{plan.get_absolute_url()}#omrade-{area.slug}"),
    }


def _plan_or_404(slug: str) -> CulturePlan:
    return get_object_or_404(CulturePlan, slug=slug)


@router.get(
    "/",
    response=api.Page[PlanSummaryOut],
    url_name="plan_list",
    summary="De regionala kulturplanerna",
    description="Planer är offentliga från början; ett utkast har status draft.",
)
def plan_list(request, params: Query[api.ListParams]):
    return api.paginate(
        request,
        CulturePlan.objects.all(),
        order=("-starts_year", "slug"),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda p: _summary(request, p),
    )


@router.get("/{slug}/", response=PlanOut, url_name="plan_detail", summary="En kulturplan")
def plan_detail(request, slug: str):
    plan = get_object_or_404(
        CulturePlan.objects.prefetch_related(
            "sections",
            Prefetch(
                "development_areas",
                queryset=DevelopmentArea.objects.prefetch_related("activity_areas"),
            ),
            Prefetch("versions", queryset=PlanVersion.objects.defer("content")),
        ),
        slug=slug,
    )
    api.last_modified(request, plan.updated_at)
    return {
        **_summary(request, plan),
        "summary": plan.summary,
        "sections": [_section(request, plan, s) for s in plan.sections.all()],
        "development_areas": [_area(request, plan, a) for a in plan.development_areas.all()],
        "versions": [
            {
                "number": v.number,
                "created_at": api.local(v.created_at),
                "note": v.note,
                "url": api.api_url(request, "plan_version", plan.slug, v.number),
            }
            for v in plan.versions.all()
        ],
        "priorities_url": api.api_url(request, "plan_priorities", plan.slug),
        "pdf_url": request.build_absolute_uri(reverse("kulturplan:plan_pdf", args=[plan.slug])),
    }


@router.get(
    "/{slug}/sections/",
    response=list[SectionOut],
    url_name="plan_sections",
    summary="En plans avsnitt",
)
def plan_sections(request, slug: str):
    plan = _plan_or_404(slug)
    return [_section(request, plan, s) for s in plan.sections.all()]


@router.get(
    "/{slug}/development-areas/",
    response=list[AreaOut],
    url_name="plan_development_areas",
    summary="En plans utvecklingsområden",
)
def plan_development_areas(request, slug: str):
    plan = _plan_or_404(slug)
    areas = plan.development_areas.prefetch_related("activity_areas")
    return [_area(request, plan, a) for a in areas]


@router.get(
    "/{slug}/versions/{number}/",
    response=VersionOut,
    url_name="plan_version",
    summary="En sparad version av en plan",
    description="Texten som den stod när versionen sparades (vem som sparade ingår inte).",
)
def plan_version(request, slug: str, number: int = Path(..., ge=1, le=32767)):
    version = get_object_or_404(PlanVersion, plan__slug=slug, number=number)
    api.last_modified(request, version.created_at, single=True)
    content = version.content or {}
    return {
        "number": version.number,
        "created_at": api.local(version.created_at),
        "note": version.note,
        "sections": content.get("sections", []),
        "development_areas": content.get("development_areas", []),
    }


class MunicipalityPriorities(Schema):
    municipality: str = Field(description="SCB-kod.")
    name: str
    sub_region: str = Field(description="Delregionens slug.")
    submitted: bool = Field(description="Om kommunen har skickat in sina prioriteringar.")
    ranks: dict[str, int] = Field(description="Utvecklingsområdets slug → rang (1 högst).")


class PrioritiesOut(Schema):
    plan: str
    development_areas: list[str] = Field(description="Områdenas slug, i planens ordning.")
    submitted: int = Field(description="Antal kommuner som har skickat in.")
    municipalities: list[MunicipalityPriorities]


class PriorityParams(Schema):
    format: api.Format = Field("json", description="json, eller csv för tabellen.")


@router.get(
    "/{slug}/priorities/",
    response=PrioritiesOut,
    url_name="plan_priorities",
    summary="Kommunernas prioriteringar i en plan",
    description="Varje kommuns senast inskickade rangordning av utvecklingsområdena.",
    openapi_extra=api.CSV_RESPONSE,
)
def plan_priorities(request, slug: str, params: Query[PriorityParams]):
    plan = _plan_or_404(slug)
    table = matrix(plan)
    if params.format == "csv":
        return api.csv_table(
            f"prioriteringar-{plan.slug}.csv",
            ["kommunkod", "kommun", "delregion", "inskickat", *[a.slug for a in table.areas]],
            (
                [
                    row.municipality.code,
                    row.municipality.name,
                    row.municipality.sub_region.name,
                    "ja" if row.submitted else "nej",
                    *[cell or "" for cell in row.cells],
                ]
                for row in table.rows
            ),
        )
    areas = {a.pk: a.slug for a in table.areas}
    return {
        "plan": plan.slug,
        "development_areas": [a.slug for a in table.areas],
        "submitted": table.submitted,
        "municipalities": [
            {
                "municipality": row.municipality.code,
                "name": row.municipality.name,
                "sub_region": row.municipality.sub_region.slug,
                "submitted": row.submitted,
                "ranks": {areas[pk]: rank for pk, rank in row.ranks.items() if pk in areas},
            }
            for row in table.rows
        ],
    }


def _downloads() -> list[Distribution]:
    """The overview's own downloads, one pair per plan."""
    found = []
    for slug in CulturePlan.objects.order_by("-starts_year").values_list("slug", flat=True):
        found.append(
            Distribution(
                f"Prioriteringarna i {slug} (JSON)",
                f"The priorities in {slug} (JSON)",
                "plan_priorities",
                args=(slug,),
            )
        )
        for fmt, media_type, label in (
            ("csv", "text/csv", "CSV"),
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
        ):
            found.append(
                Distribution(
                    f"Prioriteringarna i {slug} ({label})",
                    f"The priorities in {slug} ({label})",
                    "kulturplan:overview_export",
                    media_type=media_type,
                    args=(slug, fmt),
                    is_api=False,
                )
            )
    return found


def register() -> None:
    api.register_router("/plans", router, collections={"plans": "plan_list"}, order=10)
    api.register_dataset(
        Dataset(
            identifier="kulturplaner",
            title_sv="Regionala kulturplaner för Skåne",
            title_en="Regional culture plans for Skåne",
            description_sv="Kulturplanerna med deras avsnitt, utvecklingsområden kopplade till "
            "verksamhetsområdena, och varje sparad version av texten.",
            description_en="The culture plans with their sections, development areas tied to "
            "the activity areas, and every saved version of the text.",
            frequency="IRREG",
            keywords_sv=("kulturplan", "utvecklingsområden", "kulturpolitik"),
            keywords_en=("culture plan", "development areas", "cultural policy"),
            distributions=(Distribution("Planerna (JSON)", "The plans (JSON)", "plan_list"),),
            order=50,
        )
    )
    api.register_dataset(
        Dataset(
            identifier="prioriteringar",
            title_sv="Kommunernas prioriteringar i kulturplanen",
            title_en="The municipalities' priorities in the culture plan",
            description_sv="Vilka utvecklingsområden varje kommun prioriterar, i rangordning, "
            "enligt kommunens senast inskickade anmälan.",
            description_en="Which development areas each municipality prioritises, ranked, "
            "as in the municipality's latest submission.",
            frequency="ANNUAL",
            keywords_sv=("prioriteringar", "kommuner", "kulturplan"),
            keywords_en=("priorities", "municipalities", "culture plan"),
            more_distributions=_downloads,
            order=60,
        )
    )
