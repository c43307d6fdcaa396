"""The priorities overview: the 33 municipalities against the development areas, as a
table, a tile map and downloads."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kulturplan import tilemap
from kulturplan.overview import comparison, matrix
from kulturplan.views.access import plan_or_404
from kulturportal import exports, panels
from kulturportal.caching import public_page, uncacheable

MAP_COLOURINGS = ("omrade", "delregion")


@public_page(params=("omrade",))
@require_safe
def overview(request, slug):
    plan = plan_or_404(slug)
    table = matrix(plan)
    chosen = _chosen_area(request, table.areas)
    svg, tiles = tilemap_for(table, chosen)
    response = render(
        request,
        "kulturplan/overview.html",
        {
            "plan": plan,
            "matrix": table,
            "chosen": chosen,
            "map": svg,
            "map_text": [tile.title for tile in tiles] if chosen else [],
            "comparison": comparison(table, plan.previous_plan()),
            "panels": panels.for_page(panels.PLAN_OVERVIEW, request, plan=plan, matrix=table),
        },
    )
    # An area no plan has is served (as the sub-region map) but never stored: made-up
    # values must not fill the cache.
    if request.GET.get("omrade") and chosen is None:
        return uncacheable(response)
    return response


def _chosen_area(request, areas):
    wanted = request.GET.get("omrade", "")
    if not wanted:
        return None
    for area in areas:
        if area.slug == wanted:
            return area
    return None


def tilemap_for(table, chosen):
    """The map of Skåne: each municipality by how highly it ranks the chosen area, or by
    sub-region when none is chosen."""
    if chosen is None:
        return _subregion_map(table)
    tiles = []
    for row in table.rows:
        rank = row.ranks.get(chosen.pk)
        css_class, text = _rank_class(row, rank)
        tiles.append(_tile(row.municipality, css_class, f"{row.municipality.name}: {text}"))
    legend = [
        ("rank-1", _("Rang 1")),
        ("rank-2", _("Rang 2")),
        ("rank-3", _("Rang 3")),
        ("rank-other", _("Rang 4 eller lägre")),
        ("none", _("Prioriterar inte området")),
        ("missing", _("Har inte skickat in")),
    ]
    svg = tilemap.render_svg(
        tiles,
        title=_("Karta: kommunerna som prioriterar %(area)s") % {"area": chosen.title},
        description=_(
            "Varje sexhörning är en kommun, placerad ungefär där centralorten ligger. "
            "Tabellen nedanför kartan visar samma uppgifter."
        ),
        legend=legend,
    )
    return svg, tiles


def _rank_class(row, rank) -> tuple[str, str]:
    if not row.submitted:
        return "missing", _("har inte skickat in")
    if rank is None:
        return "none", _("prioriterar inte området")
    css_class = f"rank-{rank}" if rank <= 3 else "rank-other"
    return css_class, _("rang %(rank)s") % {"rank": rank}


def _subregion_map(table):
    tiles, legend = [], []
    for index, group in enumerate(table.groups, start=1):
        css_class = f"subregion-{index}"
        legend.append((css_class, group.sub_region.name))
        for row in group.rows:
            tiles.append(
                _tile(row.municipality, css_class, f"{row.municipality.name}: {group.sub_region}")
            )
    svg = tilemap.render_svg(
        tiles,
        title=_("Karta: Skånes kommuner per delregion"),
        description=_(
            "Varje sexhörning är en kommun, placerad ungefär där centralorten ligger, färgad "
            "efter delregion. Välj ett utvecklingsområde för att se vilka som prioriterar det."
        ),
        legend=legend,
    )
    return svg, tiles


def _tile(municipality, css_class, title):
    return tilemap.Tile(
        code=municipality.code,
        name=municipality.name,
        lat=float(municipality.seat_lat or 0),
        lon=float(municipality.seat_lon or 0),
        css_class=css_class,
        title=title,
        href=municipality.get_absolute_url(),
    )


@require_safe
def overview_export(request, slug, fmt):
    plan = plan_or_404(slug)
    table = matrix(plan)
    headers = [_("Kommun"), _("Kommunkod"), _("Delregion"), _("Inskickat")] + [
        area.title for area in table.areas
    ]
    rows = (
        [
            row.municipality.name,
            row.municipality.code,
            str(row.municipality.sub_region),
            _("ja") if row.submitted else _("nej"),
            *["" if rank is None else rank for rank in row.cells],
        ]
        for row in table.rows
    )
    filename = f"prioriteringar-{plan.slug}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(filename, headers, rows)
    return exports.xlsx_response(
        filename,
        headers,
        rows,
        sheet_title=_("Prioriteringar"),
        widths=[18, 10, 22, 10] + [min(40, len(area.title) + 2) for area in table.areas],
    )
