"""The public side, approved figures only: "Kulturen i hela Skåne" for a year (the tile map of
where funded activity took place, the municipalities it did not reach, income per area and
source as a chart and a table, the organisations, the years compared), an organisation's
figures, and the compilation as spreadsheets and PDF."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from followup import charts, figures, metrics, numbers, outputs
from followup.models import AnnualReport, ReportContent
from followup.plans import development_areas
from followup.presenting import present, reach_lines
from followup.values import values_of, with_children
from followup.views.access import is_official
from kulturplan import tilemap
from kulturportal import exports
from kulturportal import pdf as pdf_documents
from kulturportal.caching import public_page, uncacheable
from kulturportal.models import ActivityArea, Municipality
from kulturportal.rules import may

# Occasions in a year at or above each bound give the tile its class (0: none reached).
REACH_BOUNDS = [(200, "reach-4"), (50, "reach-3"), (10, "reach-2"), (1, "reach-1")]
PALETTE = {
    "reach-0": "#b08a4f",  # no funded activity: sand, apart from the blues
    "reach-1": "#4a95a8",
    "reach-2": "#2a7f9e",
    "reach-3": "#00607a",
    "reach-4": "#00394a",
}
COMPARED_YEARS = 5


def reach_class(occasions: int) -> str:
    return next((css for bound, css in REACH_BOUNDS if occasions >= bound), "reach-0")


@public_page
@require_safe
def overview_current(request):
    coverage = figures.years()
    year = figures.default_year(coverage)
    return _overview(request, year, coverage)


@public_page(params=("omrade",))
@require_safe
def overview(request, year):
    coverage = figures.years()
    if year not in {c.year for c in coverage}:
        raise Http404
    return _overview(request, year, coverage)


def _overview(request, year, coverage):
    areas = list(ActivityArea.objects.all())
    chosen = next((a for a in areas if a.code == request.GET.get("omrade")), None)
    context = {
        "year": year,
        "coverage": coverage,
        "this_year": next((c for c in coverage if c.year == year), None),
        "areas": areas,
        "chosen": chosen,
        "is_official": is_official(request),
        "my_reports": _my_reports(request),
    }
    if year is not None:
        context.update(_map(year, chosen))
        context.update(_money(year, areas))
        context["organisations"] = figures.organisations(year)
        wanted = sorted(c.year for c in coverage if c.year <= year)[-COMPARED_YEARS:]
        totals = figures.year_totals(wanted) if len(wanted) > 1 else {}
        context["compared"] = [(y, totals[y]) for y in wanted] if totals else []
        context["sources"] = metrics.SOURCES
    response = render(request, "followup/overview.html", context)
    if request.GET.get("omrade") and chosen is None:
        return uncacheable(response)
    return response


def _my_reports(request):
    """A representative's own organisations' reports, for a link on the page."""
    if not request.user.is_authenticated:
        return []
    organisations = [r.organisation for r in request.user.active_roles if r.organisation_id]
    return [o for o in organisations if may(request.user, "followup.report_for", o)]


def _map(year: int, chosen: ActivityArea | None) -> dict:
    reach = figures.reach_by_municipality(year, chosen)
    tiles, not_reached = [], []
    for municipality in Municipality.objects.for_listing():
        occasions = reach.get(municipality.pk, 0)
        if not occasions:
            not_reached.append(municipality)
            text = _("%(name)s: ingen finansierad verksamhet") % {"name": municipality.name}
        else:
            text = _("%(name)s: %(count)s tillfällen") % {
                "name": municipality.name,
                "count": numbers.show(occasions),
            }
        tiles.append(
            tilemap.Tile(
                code=municipality.code,
                name=municipality.name,
                lat=float(municipality.seat_lat or 0),
                lon=float(municipality.seat_lon or 0),
                css_class=reach_class(occasions),
                title=text,
            )
        )
    legend = [
        ("reach-0", _("Ingen verksamhet")),
        ("reach-1", _("1–9 tillfällen")),
        ("reach-2", _("10–49")),
        ("reach-3", _("50–199")),
        ("reach-4", _("200 eller fler")),
    ]
    title = (
        _("Karta: var verksamhet inom %(area)s ägde rum %(year)s")
        % {"area": chosen.name, "year": year}
        if chosen
        else _("Karta: var den finansierade kulturen ägde rum %(year)s") % {"year": year}
    )
    svg = tilemap.render_svg(
        tiles,
        title=title,
        description=_(
            "Varje sexhörning är en kommun, placerad ungefär där centralorten ligger och färgad "
            "efter hur många gånger de finansierade organisationernas verksamhet ägde rum där. "
            "Listan under kartan visar samma uppgifter."
        ),
        legend=legend,
        palette=PALETTE,
        id_prefix="uppfoljning-karta",
    )
    return {
        "map": svg,
        "map_text": [tile.title for tile in sorted(tiles, key=lambda t: t.name)],
        "not_reached": not_reached,
        "reach_total": sum(reach.values()),
        "reached_count": sum(1 for v in reach.values() if v),
    }


def _money(year: int, areas: list[ActivityArea]) -> dict:
    table = figures.compilation([year])
    groups = list(areas) + ([None] if table.has_unassigned else [])
    rows = []
    bars = []
    for area in groups:
        name = area.name if area is not None else _("Utan verksamhetsområde")
        amounts = [(code, table.amount(year, area, code)) for code, _label in metrics.SOURCES]
        rows.append({"name": name, "amounts": amounts, "total": table.area_total(year, area)})
        bars.append(charts.Bar(name, amounts))
    chart = charts.stacked_bars(
        bars,
        title=_("Diagram: intäkter per verksamhetsområde och källa %(year)s") % {"year": year},
        description=_(
            "Ett liggande stapeldiagram med en stapel per verksamhetsområde, delad efter "
            "källa. Tabellen under diagrammet visar samma belopp."
        ),
        legend=[(code, str(label)) for code, label in metrics.SOURCES],
        unit="kr",
        id_prefix="uppfoljning-diagram",
    )
    return {
        "chart": chart,
        "money_rows": rows,
        "source_totals": [table.source_total(year, code) for code, _label in metrics.SOURCES],
        "money_total": table.year_total(year),
    }


@public_page
@require_safe
def organisation_figures(request, year, slug):
    report = get_object_or_404(
        AnnualReport.objects.approved().select_related("organisation", "round"),
        round__year=year,
        organisation__slug=slug,
    )
    contents = {
        c.report.round.year: c
        for c in with_children(
            ReportContent.objects.filter(
                approved_of__organisation=report.organisation
            ).select_related("report__round")
        )
    }
    values = values_of(contents[year])
    previous = values_of(contents[year - 1]) if year - 1 in contents else None
    municipalities = {m.pk: m for m in Municipality.objects.for_listing()}
    codes = {code for code, _metric in values.activity}
    areas = [a for a in ActivityArea.objects.all() if a.code in codes]
    titles = {a.pk: a.title for a in development_areas(year)}
    return render(
        request,
        "followup/organisation.html",
        {
            "report": report,
            "organisation": report.organisation,
            "year": year,
            "sections": present(
                values, areas=areas, municipalities=municipalities, previous=previous
            ),
            "previous_year": year - 1 if previous else None,
            "reach": reach_lines(values, municipalities),
            "contributions": [
                (titles.get(pk, ""), text) for pk, text in values.contributions.items()
            ],
            "years": sorted(contents, reverse=True),
        },
    )


@require_safe
def compilation_export(request, fmt):
    table = figures.compilation()
    filename = "kulturen-i-hela-skane." + fmt
    if fmt == "csv":
        headers, rows = outputs.compilation_rows(table)
        return exports.csv_response(filename, headers, rows)
    return exports.workbook_response(filename, outputs.compilation_sheets(table))


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def compilation_pdf(request):
    table = figures.compilation()
    return pdf_documents.respond(request, outputs.compilation_document(table))
