"""The core's resources: the index, sub-regions, municipalities (SCB codes), organisations
(public fields only: no e-mail address, no people) and the seven activity areas."""

from datetime import datetime

from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from kulturportal.api.common import CSV_RESPONSE, Format, ListParams, api_url, csv_table, local
from kulturportal.api.http import last_modified
from kulturportal.api.pagination import Page, paginate
from kulturportal.models import (
    ActivityArea,
    Municipality,
    Organisation,
    OrganisationKind,
    SubRegion,
)

index_router = Router(tags=["Översikt"])
router = Router(tags=["Kommuner och organisationer"])


class Index(Schema):
    name: str
    version: str
    documentation: str = Field(description="Läsbar dokumentation.")
    openapi: str = Field(description="Beskrivningen i OpenAPI 3.")
    catalogue: str = Field(description="Datakatalogen i DCAT-AP-SE (JSON-LD).")
    licence: str = Field(description="Licensen för alla data.")
    resources: dict[str, str] = Field(description="Varje samlings adress.")


@index_router.get("/", response=Index, url_name="index", summary="Vad API:et innehåller")
def index(request):
    from django.conf import settings

    from kulturportal.api import registry

    resources = {
        "sub_regions": api_url(request, "sub_region_list"),
        "municipalities": api_url(request, "municipality_list"),
        "organisations": api_url(request, "organisation_list"),
        "activity_areas": api_url(request, "activity_area_list"),
    }
    for mount in registry.mounts():
        for name, url_name in mount.collections:
            resources[name] = api_url(request, url_name)
    return {
        "name": "Kulturportalen – öppna data",
        "version": "1",
        "documentation": request.build_absolute_uri(reverse("open_data")),
        "openapi": api_url(request, "openapi-json"),
        "catalogue": request.build_absolute_uri(reverse("dcat")),
        "licence": settings.OPEN_DATA_LICENSE,
        "resources": resources,
    }


# --- Sub-regions and municipalities ----------------------------------------------------------


class SubRegionRef(Schema):
    slug: str
    name: str
    url: str


class SubRegionOut(Schema):
    slug: str = Field(description="Stabil identifierare.")
    name: str
    meeting_town: str = Field(description="Där delregionens överläggningar hålls.")
    municipalities: list[str] = Field(description="Kommunernas SCB-koder.")
    url: str
    updated_at: datetime


class MunicipalityOut(Schema):
    code: str = Field(description="SCB:s fyrsiffriga kommunkod: den stabila identifieraren.")
    name: str
    official_name: str
    slug: str
    sub_region: SubRegionRef
    website: str = Field(description="Kulturförvaltningens webbplats, om den är känd.")
    url: str
    html_url: str = Field(description="Kommunens sida i portalen.")
    updated_at: datetime


def _sub_region(request, sub_region: SubRegion) -> dict:
    return {
        "slug": sub_region.slug,
        "name": sub_region.name,
        "meeting_town": sub_region.meeting_town,
        "municipalities": [m.code for m in sub_region.municipalities.all()],
        "url": api_url(request, "sub_region_detail", sub_region.slug),
        "updated_at": local(sub_region.updated_at),
    }


def _municipality(request, municipality: Municipality) -> dict:
    sub_region = municipality.sub_region
    return {
        "code": municipality.code,
        "name": municipality.name,
        "official_name": municipality.official_name,
        "slug": municipality.slug,
        "sub_region": {
            "slug": sub_region.slug,
            "name": sub_region.name,
            "url": api_url(request, "sub_region_detail", sub_region.slug),
        },
        "website": municipality.culture_website,
        "url": api_url(request, "municipality_detail", municipality.code),
        "html_url": request.build_absolute_uri(municipality.get_absolute_url()),
        "updated_at": local(municipality.updated_at),
    }


_SUB_REGIONS = SubRegion.objects.prefetch_related(
    Prefetch("municipalities", queryset=Municipality.objects.order_by("code"))
)


@router.get(
    "/sub-regions/",
    response=Page[SubRegionOut],
    url_name="sub_region_list",
    summary="Delregionerna",
)
def sub_region_list(request, params: Query[ListParams]):
    last_modified(request, SubRegion.objects.aggregate(at=Max("updated_at"))["at"])
    return paginate(
        request,
        _SUB_REGIONS.all(),
        order=("position", "slug"),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda s: _sub_region(request, s),
    )


@router.get(
    "/sub-regions/{slug}/",
    response=SubRegionOut,
    url_name="sub_region_detail",
    summary="En delregion",
)
def sub_region_detail(request, slug: str):
    sub_region = get_object_or_404(_SUB_REGIONS, slug=slug)
    last_modified(request, sub_region.updated_at, single=True)
    return _sub_region(request, sub_region)


class MunicipalityFilters(ListParams):
    sub_region: str | None = Field(None, max_length=100, description="Delregionens slug.")
    format: Format = Field("json", description="json, eller csv för hela tabellen.")


@router.get(
    "/municipalities/",
    response=Page[MunicipalityOut],
    url_name="municipality_list",
    summary="Skånes 33 kommuner",
    openapi_extra=CSV_RESPONSE,
)
def municipality_list(request, params: Query[MunicipalityFilters]):
    municipalities = Municipality.objects.select_related("sub_region")
    if params.sub_region:
        municipalities = municipalities.filter(sub_region__slug=params.sub_region)
    if params.format == "csv":
        return csv_table(
            "kommuner.csv",
            ["kod", "namn", "officiellt_namn", "delregion", "webbplats"],
            (
                [m.code, m.name, m.official_name, m.sub_region.name, m.culture_website]
                for m in municipalities.order_by("code")
            ),
        )
    last_modified(request, Municipality.objects.aggregate(at=Max("updated_at"))["at"])
    return paginate(
        request,
        municipalities,
        order=("code",),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda m: _municipality(request, m),
    )


@router.get(
    "/municipalities/{code}/",
    response=MunicipalityOut,
    url_name="municipality_detail",
    summary="En kommun, efter SCB-kod",
)
def municipality_detail(request, code: str):
    municipality = get_object_or_404(Municipality.objects.select_related("sub_region"), code=code)
    last_modified(request, municipality.updated_at, single=True)
    return _municipality(request, municipality)


# --- Organisations ---------------------------------------------------------------------------


class MunicipalityRef(Schema):
    code: str
    name: str
    url: str


class OrganisationOut(Schema):
    slug: str = Field(description="Stabil identifierare.")
    name: str
    kind: OrganisationKind
    kind_label: str
    org_number: str | None = Field(description="Organisationsnummer, NNNNNN-NNNN.")
    website: str
    host_municipality: MunicipalityRef | None
    co_financing_municipalities: list[str] = Field(description="SCB-koder.")
    activity_areas: list[str] = Field(description="Verksamhetsområdenas koder.")
    url: str
    html_url: str
    updated_at: datetime


def _municipality_ref(request, municipality: Municipality | None):
    if municipality is None:
        return None
    return {
        "code": municipality.code,
        "name": municipality.name,
        "url": api_url(request, "municipality_detail", municipality.code),
    }


def _organisation(request, organisation: Organisation) -> dict:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": str(organisation.get_kind_display()),
        "org_number": organisation.org_number,
        "website": organisation.website,
        "host_municipality": _municipality_ref(request, organisation.host_municipality),
        "co_financing_municipalities": sorted(
            m.code for m in organisation.co_financing_municipalities.all()
        ),
        "activity_areas": list(organisation.activity_areas or []),
        "url": api_url(request, "organisation_detail", organisation.slug),
        "html_url": request.build_absolute_uri(organisation.get_absolute_url()),
        "updated_at": local(organisation.updated_at),
    }


class OrganisationFilters(ListParams):
    kind: OrganisationKind | None = Field(None, description="Organisationens typ.")
    municipality: str | None = Field(None, max_length=4, description="Värdkommunens SCB-kod.")
    q: str | None = Field(None, max_length=100, description="En del av namnet.")
    format: Format = Field("json", description="json, eller csv för hela tabellen.")


# Approved only: a registration waiting for review is not public (issue 20, item 2).
_ORGANISATIONS = (
    Organisation.objects.approved()
    .select_related("host_municipality")
    .prefetch_related("co_financing_municipalities")
)


@router.get(
    "/organisations/",
    response=Page[OrganisationOut],
    url_name="organisation_list",
    summary="Organisationerna",
    description="Det offentliga om varje organisation: aldrig e-postadresser eller personer.",
    openapi_extra=CSV_RESPONSE,
)
def organisation_list(request, params: Query[OrganisationFilters]):
    organisations = _ORGANISATIONS.all()
    if params.kind:
        organisations = organisations.filter(kind=params.kind)
    if params.municipality:
        organisations = organisations.filter(host_municipality__code=params.municipality)
    if params.q:
        organisations = organisations.filter(name__icontains=params.q)
    if params.format == "csv":
        return csv_table(
            "organisationer.csv",
            ["slug", "namn", "typ", "organisationsnummer", "webbplats", "vardkommun"],
            (
                [
                    o.slug,
                    o.name,
                    o.get_kind_display(),
                    o.org_number or "",
                    o.website,
                    o.host_municipality.code if o.host_municipality else "",
                ]
                for o in organisations.order_by("slug").iterator(chunk_size=2000)
            ),
        )
    return paginate(
        request,
        organisations,
        order=("slug",),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda o: _organisation(request, o),
    )


@router.get(
    "/organisations/{slug}/",
    response=OrganisationOut,
    url_name="organisation_detail",
    summary="En organisation",
)
def organisation_detail(request, slug: str):
    organisation = get_object_or_404(_ORGANISATIONS, slug=slug)
    last_modified(request, organisation.updated_at, single=True)
    return _organisation(request, organisation)


# --- Activity areas --------------------------------------------------------------------------


class ActivityAreaOut(Schema):
    code: str = Field(description="Stabil kod, samma i alla planer.")
    name_sv: str
    name_en: str
    url: str


@router.get(
    "/activity-areas/",
    response=list[ActivityAreaOut],
    url_name="activity_area_list",
    summary="Kultursamverkansmodellens sju verksamhetsområden",
)
def activity_area_list(request):
    return [
        {
            "code": area.code,
            "name_sv": area.name_sv,
            "name_en": area.name_en,
            "url": api_url(request, "activity_area_list") + f"#{area.code}",
        }
        for area in ActivityArea.objects.all()
    ]
