"""What the follow-up shows on the pages others own (kulturportal.panels): the start page,
Min sida, a municipality, the plan's development areas and a meeting about an institution."""

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext_lazy as _

from followup import figures
from followup.models import (
    AnnualReport,
    AreaContribution,
    FundingDecision,
    Reach,
    ReportingRound,
)
from kulturportal import panels
from kulturportal.rules import may

PER_AREA = 6


def home(request) -> dict | None:
    coverage = figures.years()
    year = figures.default_year(coverage)
    if year is None:
        return None
    reach = figures.reach_by_municipality(year)
    return {
        "year": year,
        "organisations": next(c.approved for c in coverage if c.year == year),
        "occasions": sum(reach.values()),
        "municipalities": sum(1 for v in reach.values() if v),
    }


def my_reports(request) -> dict | None:
    """For the representatives of funded organisations: each open round's report."""
    organisations = [
        a.organisation
        for a in request.user.active_roles
        if a.organisation_id and may(request.user, "followup.report_for", a.organisation)
    ]
    if not organisations:
        return None
    rounds = {r.year: r for r in ReportingRound.objects.order_by("-year")[:3]}
    funded = FundingDecision.objects.filter(
        organisation__in=organisations, year__in=list(rounds)
    ).values_list("organisation_id", "year")
    if not funded:
        return None
    reports = {
        (r.organisation_id, r.round_id): r
        for r in AnnualReport.objects.filter(
            organisation__in=organisations, round__in=list(rounds.values())
        )
    }
    by_pk = {o.pk: o for o in organisations}
    rows = []
    for organisation_id, year in sorted(funded, key=lambda item: -item[1]):
        round = rounds[year]
        report = reports.get((organisation_id, round.pk))
        rows.append((round, by_pk[organisation_id], report))
    return {"rows": rows}


def officials_links(request) -> dict | None:
    if not may(request.user, "followup.manage"):
        return None
    return {"rounds": list(ReportingRound.objects.order_by("-year")[:3])}


def municipality(request, municipality) -> dict | None:
    """The funded activity that reached the municipality in the latest year shown."""
    year = figures.default_year(figures.years())
    if year is None:
        return None
    reach = (
        Reach.objects.filter(
            content__approved_of__round__year=year, municipality=municipality, occasions__gt=0
        )
        .select_related("content__report__organisation")
        .order_by("-occasions")
    )
    rows = [(r.content.report.organisation, r.occasions) for r in reach]
    return {"year": year, "municipality": municipality, "rows": rows}


def development_areas(request, *, plan, areas) -> dict | None:
    """What funded organisations reported doing for each of the plan's development areas,
    in the latest year any did."""
    contributions = AreaContribution.objects.filter(
        development_area__in=areas, content__approved_of__isnull=False
    )
    # The year the public pages show (the latest whose reports are all approved), else the
    # latest year any organisation reported on these areas.
    latest = figures.default_year(figures.years())
    if latest is None or not contributions.filter(content__report__round__year=latest).exists():
        latest = contributions.aggregate(year=Max("content__report__round__year"))["year"]
    if latest is None:
        return None
    by_area: dict[int, list] = {}
    rows = (
        contributions.filter(content__report__round__year=latest)
        .select_related("content__report__organisation")
        .order_by("content__report__organisation__name")
    )
    for row in rows:
        by_area.setdefault(row.development_area_id, []).append(
            (row.content.report.organisation, row.description)
        )
    counts = {pk: len(items) for pk, items in by_area.items()}
    return {
        "year": latest,
        "by_area": {pk: items[:PER_AREA] for pk, items in by_area.items()},
        "counts": counts,
    }


def meeting(request, *, meeting) -> dict | None:
    """A deliberation about a co-financed institution: its latest approved figures."""
    institution = getattr(meeting, "institution", None)
    if institution is None:
        return None
    report = (
        AnnualReport.objects.approved()
        .filter(organisation=institution)
        .select_related("round", "approved_submission")
        .order_by("-round__year")
        .first()
    )
    if report is None:
        return None
    content = report.approved_submission
    reach = Reach.objects.filter(content=content).aggregate(
        occasions=Sum("occasions"), municipalities=Count("pk")
    )
    return {
        "institution": institution,
        "report": report,
        "content": content,
        "occasions": reach["occasions"] or 0,
        "municipalities": reach["municipalities"],
    }


def register() -> None:
    panels.register_link(_("Uppföljning"), "followup:overview_current", order=45)
    panels.register(panels.HOME, "followup/panels/home.html", home, order=30)
    panels.register(panels.MY_PAGE, "followup/panels/my_page.html", my_reports, order=9)
    panels.register(
        panels.MY_PAGE_MANAGE, "followup/panels/manage_links.html", officials_links, order=40
    )
    panels.register(
        panels.MUNICIPALITY, "followup/panels/municipality.html", municipality, order=30
    )
    panels.register(
        panels.DEVELOPMENT_AREA,
        "followup/panels/development_area.html",
        development_areas,
        order=10,
    )
    panels.register(panels.MEETING, "followup/panels/meeting.html", meeting, order=10)
