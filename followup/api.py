"""The follow-up's open data: the years with approved reports, each approved report's
figures (what the organisation's public page shows), and the regional compilation by
activity area and source. Only approved versions (AnnualReport.approved_submission): never
a draft, a submitted or returned report, an explanation, a finding or who wrote it."""

from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from followup import figures
from followup.metrics import REPORT_FIELDS, SOURCES
from followup.models import AnnualReport, ReportContent
from followup.values import with_children
from kulturportal import api
from kulturportal.api import Dataset, Distribution
from kulturportal.models import Municipality

router = Router(tags=["Årlig uppföljning"])

YEAR = Path(..., ge=2000, le=2100)


class YearOut(Schema):
    year: int
    expected: int = Field(description="Organisationer med beslut om statliga medel för året.")
    approved: int = Field(description="Godkända årsrapporter för året.")
    complete: bool = Field(description="Alla förväntade årsrapporter är godkända.")
    reports_url: str
    html_url: str


class OrganisationRef(Schema):
    slug: str
    name: str
    org_number: str | None = Field(description="Organisationsnummer, NNNNNN-NNNN.")
    url: str


class ActivityOut(Schema):
    area: str = Field(description="Verksamhetsområdets kod.")
    metric: str = Field(description="Till exempel audience, performances, visits.")
    value: int


class ReachOut(Schema):
    municipality: str = Field(description="Kommunens SCB-kod.")
    occasions: int = Field(description="Tillfällen i kommunen under året.")


class MunicipalIncomeOut(Schema):
    municipality: str = Field(description="Kommunens SCB-kod.")
    amount: Decimal = Field(description="Kronor.")


class ContributionOut(Schema):
    development_area: str = Field(description="Utvecklingsområdets slug.")
    description: str


class ReportOut(Schema):
    year: int
    organisation: OrganisationRef
    approved_version: int = Field(description="Den godkända versionens nummer.")
    figures: dict[str, Decimal | None] = Field(
        description="Intäkter, kostnader (kronor) och årsverken; null är inte redovisat."
    )
    municipal_income: list[MunicipalIncomeOut]
    activity: list[ActivityOut]
    reach: list[ReachOut]
    contributions: list[ContributionOut]
    html_url: str


class CompilationRowOut(Schema):
    year: int
    area: str | None = Field(description="Verksamhetsområdets kod; null är inte fördelat.")
    source: str = Field(description="income_state, income_region, income_municipal, …")
    amount: Decimal = Field(description="Kronor.")


class ReportFilters(api.ListParams):
    format: api.Format = Field("json", description="json, eller csv för hela tabellen.")


class CompilationFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Bara ett år.")
    format: api.Format = Field("json", description="json eller csv.")


@router.get("/years/", response=list[YearOut], url_name="followup_years", summary="Åren")
def years(request):
    return [
        {
            "year": c.year,
            "expected": c.expected,
            "approved": c.approved,
            "complete": c.complete,
            "reports_url": api.api_url(request, "followup_reports", c.year),
            "html_url": request.build_absolute_uri(reverse("followup:overview", args=[c.year])),
        }
        for c in figures.years()
    ]


def _approved(year: int):
    # The approved version with its children as the pages read them (values.with_children).
    return (
        AnnualReport.objects.approved()
        .filter(round__year=year)
        .select_related("organisation", "round")
        .prefetch_related(
            Prefetch("approved_submission", with_children(ReportContent.objects.all()))
        )
    )


def _report(request, report: AnnualReport, codes: dict[int, str]) -> dict:
    """One approved report; `codes` are the municipalities' SCB codes by id."""
    content: ReportContent = report.approved_submission
    organisation = report.organisation
    return {
        "year": report.round.year,
        "organisation": {
            "slug": organisation.slug,
            "name": organisation.name,
            "org_number": organisation.org_number or None,
            "url": api.api_url(request, "organisation_detail", organisation.slug),
        },
        "approved_version": content.number,
        "figures": {code: getattr(content, code) for code in REPORT_FIELDS},
        "municipal_income": sorted(
            (
                {"municipality": codes[m.municipality_id], "amount": m.amount}
                for m in content.municipal_income.all()
            ),
            key=lambda m: m["municipality"],
        ),
        "activity": [
            {"area": a.activity_area.code, "metric": a.metric, "value": a.value}
            for a in sorted(
                content.activity_figures.all(), key=lambda a: (a.activity_area.position, a.metric)
            )
        ],
        "reach": sorted(
            (
                {"municipality": codes[r.municipality_id], "occasions": r.occasions}
                for r in content.reach.all()
                if r.occasions
            ),
            key=lambda r: r["municipality"],
        ),
        "contributions": [
            {"development_area": c.development_area.slug, "description": c.description}
            for c in sorted(content.contributions.all(), key=lambda c: c.development_area.position)
        ],
        "html_url": request.build_absolute_uri(
            reverse("followup:organisation_figures", args=[report.round.year, organisation.slug])
        ),
    }


@router.get(
    "/years/{year}/reports/",
    response=api.Page[ReportOut],
    url_name="followup_reports",
    summary="Ett års godkända årsrapporter",
    description="Siffrorna i de godkända årsrapporterna, som organisationernas sidor visar "
    "dem. Rapporter som inte är godkända finns inte här.",
    openapi_extra=api.CSV_RESPONSE,
)
def reports(request, params: Query[ReportFilters], year: int = YEAR):
    approved = _approved(year)
    codes = dict(Municipality.objects.values_list("pk", "code"))
    if params.format == "csv":
        return api.csv_table(
            f"arsrapporter-{year}.csv",
            ["år", "organisationsnummer", "organisation", "uppgift", "område", "kommun", "värde"],
            _csv_rows(request, approved.order_by("organisation__name"), codes),
        )
    return api.paginate(
        request,
        approved,
        order=("organisation__slug",),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda r: _report(request, r, codes),
    )


def _csv_rows(request, approved, codes: dict[int, str]):
    """One row per figure: a long table a spreadsheet can pivot."""
    for report in approved:
        item = _report(request, report, codes)
        organisation = item["organisation"]
        head = [item["year"], organisation["org_number"] or "", organisation["name"]]
        for code, value in item["figures"].items():
            if value is not None:
                yield [*head, code, "", "", value]
        for m in item["municipal_income"]:
            yield [*head, "income_municipal", "", m["municipality"], m["amount"]]
        for a in item["activity"]:
            yield [*head, a["metric"], a["area"], "", a["value"]]
        for r in item["reach"]:
            yield [*head, "occasions", "", r["municipality"], r["occasions"]]


@router.get(
    "/compilation/",
    response=list[CompilationRowOut],
    url_name="followup_compilation",
    summary="Sammanställningen per verksamhetsområde och källa",
    description="Intäkterna i de godkända årsrapporterna per år, verksamhetsområde och "
    "källa. En organisation med statliga medel i flera områden räknas i varje område i "
    "proportion till hur de statliga medlen delades.",
    openapi_extra=api.CSV_RESPONSE,
)
def compilation(request, params: Query[CompilationFilters]):
    table = figures.compilation([params.year] if params.year else None)
    codes = {a.pk: a.code for a in table.areas}
    order = {code: n for n, (code, _label) in enumerate(SOURCES)}
    rows = sorted(
        (
            {"year": year, "area": codes.get(area_pk), "source": source, "amount": amount}
            for (year, area_pk, source), amount in table.amounts.items()
        ),
        key=lambda r: (r["year"], r["area"] or "~", order.get(r["source"], 99)),
    )
    if params.format == "csv":
        return api.csv_table(
            "sammanstallning.csv",
            ["år", "område", "källa", "kronor"],
            ([r["year"], r["area"] or "", r["source"], r["amount"]] for r in rows),
        )
    return rows


def register() -> None:
    api.register_router("/follow-up", router, collections={"follow-up": "followup_years"}, order=40)
    api.register_dataset(
        Dataset(
            identifier="uppfoljning",
            title_sv="Årlig uppföljning av kultursamverkansmodellen i Skåne",
            title_en="Annual follow-up of the culture collaboration model in Skåne",
            description_sv="De godkända årsrapporterna från de organisationer som får statliga "
            "medel genom kultursamverkansmodellen: intäkter per källa, kostnader, årsverken, "
            "verksamhetens siffror per verksamhetsområde och var verksamheten ägde rum, samt "
            "sammanställningen per verksamhetsområde och källa.",
            description_en="The approved annual reports of the organisations funded by the "
            "state through the culture collaboration model: income by source, costs, staff, "
            "activity figures per activity area and where the activity took place, and the "
            "compilation by activity area and source.",
            frequency="ANNUAL",
            keywords_sv=("kultursamverkansmodellen", "årsrapport", "statliga medel"),
            keywords_en=("culture collaboration model", "annual report", "state funding"),
            distributions=(
                Distribution("Åren (JSON)", "The years (JSON)", "followup_years"),
                Distribution(
                    "Sammanställningen (JSON)", "The compilation (JSON)", "followup_compilation"
                ),
                Distribution(
                    "Sammanställningen (CSV)",
                    "The compilation (CSV)",
                    "followup_compilation",
                    media_type="text/csv",
                    query="format=csv",
                ),
                Distribution(
                    "Sammanställningen (Excel)",
                    "The compilation (Excel)",
                    "followup:compilation_export",
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    args=("xlsx",),
                    is_api=False,
                ),
            ),
            more_distributions=_year_distributions,
            order=80,
        )
    )


def _year_distributions() -> list[Distribution]:
    return [
        Distribution(
            f"Godkända årsrapporter {c.year} (JSON)",
            f"Approved annual reports {c.year} (JSON)",
            "followup_reports",
            args=(c.year,),
        )
        for c in figures.years()
    ]
