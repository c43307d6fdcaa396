"""Reads across the approved reports, for the public pages, the compilation and the panels.
Only approved versions are read (AnnualReport.approved_submission): drafts, submitted and
returned reports are never public. Each function makes a fixed number of queries, however
many organisations and years there are.

An organisation funded in several activity areas has its income counted in each area in
proportion to its state grant's split for that year (the last area takes the öre left by
rounding, so the areas add up to the organisation's figure exactly); its activity figures
are already per area.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from followup import metrics
from followup.models import (
    ActivityFigure,
    AnnualReport,
    FundingDecision,
    MunicipalIncome,
    Reach,
    ReportContent,
    StateGrant,
)
from kulturportal.models import ActivityArea, Organisation

CENT = Decimal("0.01")
SOURCE_CODES = [code for code, _label in metrics.SOURCES]


def approved_contents(years=None, organisation=None):
    """The approved versions, optionally of some years or one organisation."""
    contents = ReportContent.objects.filter(approved_of__isnull=False)
    if years is not None:
        contents = contents.filter(report__round__year__in=list(years))
    if organisation is not None:
        contents = contents.filter(report__organisation=organisation)
    return contents


# --- Years --------------------------------------------------------------------------------------


@dataclass
class YearCoverage:
    year: int
    expected: int  # organisations with a funding decision for the year
    approved: int

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.approved >= self.expected


def years() -> list[YearCoverage]:
    """Every year with an approved report, newest first, with how complete it is."""
    approved = dict(
        AnnualReport.objects.approved()
        .values_list("round__year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    expected = dict(
        FundingDecision.objects.filter(year__in=list(approved))
        .values_list("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        YearCoverage(y, expected.get(y, 0), approved[y]) for y in sorted(approved, reverse=True)
    ]


def default_year(coverage: list[YearCoverage]) -> int | None:
    """The latest year whose reports are all approved, else the latest with any."""
    complete = [c.year for c in coverage if c.complete]
    if complete:
        return complete[0]
    return coverage[0].year if coverage else None


# --- Where the activity took place --------------------------------------------------------------


def funded_in(year: int, area: ActivityArea) -> list[int]:
    """The organisations with a state grant in the area that year."""
    return list(
        StateGrant.objects.filter(decision__year=year, activity_area=area).values_list(
            "decision__organisation_id", flat=True
        )
    )


def reach_by_municipality(year: int, area: ActivityArea | None = None) -> dict[int, int]:
    """Occasions per municipality (its pk) in the year's approved reports; with an area,
    of the organisations funded in it."""
    reach = Reach.objects.filter(content__approved_of__round__year=year)
    if area is not None:
        reach = reach.filter(content__report__organisation_id__in=funded_in(year, area))
    rows = reach.values_list("municipality_id").annotate(total=Sum("occasions")).order_by()
    return {pk: total for pk, total in rows}


def organisations_reaching(year: int) -> dict[int, int]:
    """How many organisations' activity reached each municipality (its pk)."""
    rows = (
        Reach.objects.filter(content__approved_of__round__year=year, occasions__gt=0)
        .values_list("municipality_id")
        .annotate(n=Count("content__report__organisation", distinct=True))
        .order_by()
    )
    return {pk: n for pk, n in rows}


# --- Money by area and source -------------------------------------------------------------------


@dataclass
class Compilation:
    """Reported income by activity area, source and year, from approved reports."""

    years: list[int]
    areas: list[ActivityArea]
    # (year, area pk or None, source code) → kronor
    amounts: dict[tuple[int, int | None, str], Decimal] = field(default_factory=dict)
    # (year, area pk, metric) → sum; (year, area pk) → organisations reporting
    activity: dict[tuple[int, int, str], int] = field(default_factory=dict)
    reports: dict[int, int] = field(default_factory=dict)  # year → approved reports

    def amount(self, year: int, area, source: str) -> Decimal:
        key = area.pk if area is not None else None
        return self.amounts.get((year, key, source), Decimal(0))

    def area_total(self, year: int, area) -> Decimal:
        return sum((self.amount(year, area, s) for s in SOURCE_CODES), Decimal(0))

    def source_total(self, year: int, source: str) -> Decimal:
        keys = [a.pk for a in self.areas] + [None]
        return sum((self.amounts.get((year, k, source), Decimal(0)) for k in keys), Decimal(0))

    def year_total(self, year: int) -> Decimal:
        return sum((self.source_total(year, s) for s in SOURCE_CODES), Decimal(0))

    @property
    def has_unassigned(self) -> bool:
        return any(key[1] is None for key in self.amounts)


def compilation(years_wanted=None) -> Compilation:
    """Income by area and source, year on year, and the activity figures by area."""
    contents = list(
        approved_contents(years_wanted).values(
            "pk",
            "report__organisation_id",
            "report__round__year",
            *[c for c in SOURCE_CODES if c != "income_municipal"],
        )
    )
    content_ids = [c["pk"] for c in contents]
    municipal = dict(
        MunicipalIncome.objects.filter(content_id__in=content_ids)
        .values_list("content_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    found_years = sorted({c["report__round__year"] for c in contents})
    shares = _state_shares(found_years)
    areas = list(ActivityArea.objects.all())
    result = Compilation(years=found_years, areas=areas)
    for content in contents:
        year = content["report__round__year"]
        split = shares.get((content["report__organisation_id"], year)) or [(None, Decimal(1))]
        result.reports[year] = result.reports.get(year, 0) + 1
        for source in SOURCE_CODES:
            value = (
                municipal.get(content["pk"]) if source == "income_municipal" else content[source]
            )
            if value is None:
                continue
            for area_pk, part in _split(Decimal(value), split):
                key = (year, area_pk, source)
                result.amounts[key] = result.amounts.get(key, Decimal(0)) + part
    activity = (
        ActivityFigure.objects.filter(content_id__in=content_ids)
        .values_list("content__report__round__year", "activity_area_id", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    result.activity = {(y, a, m): total for y, a, m, total in activity}
    return result


Shares = list[tuple[int | None, Decimal]]


def _state_shares(years_wanted) -> dict[tuple[int, int], Shares]:
    """(organisation, year) → [(area pk, share of the state grant)], shares adding to 1."""
    grants = StateGrant.objects.filter(decision__year__in=list(years_wanted)).values_list(
        "decision__organisation_id", "decision__year", "activity_area_id", "amount"
    )
    by_decision: dict[tuple[int, int], list[tuple[int, Decimal]]] = defaultdict(list)
    for organisation, year, area, amount in grants.order_by("activity_area__position"):
        by_decision[(organisation, year)].append((area, amount))
    shares: dict[tuple[int, int], Shares] = {}
    for key, lines in by_decision.items():
        total = sum((amount for _area, amount in lines), Decimal(0))
        if total > 0:
            shares[key] = [(area, amount / total) for area, amount in lines]
        else:  # decided areas without money: an equal split
            shares[key] = [(area, Decimal(1) / len(lines)) for area, _amount in lines]
    return shares


def _split(value: Decimal, shares: Shares):
    """The value over the areas by share, to the öre; the last area takes what rounding
    left, so the parts add up to the value."""
    given = Decimal(0)
    for index, (area, share) in enumerate(shares):
        if index == len(shares) - 1:
            yield area, value - given
        else:
            part = (value * share).quantize(CENT, rounding=ROUND_HALF_UP)
            given += part
            yield area, part


# --- One organisation, and the list of them -----------------------------------------------------


@dataclass
class OrganisationYear:
    organisation: Organisation
    content: ReportContent
    occasions: int = 0
    municipalities: int = 0

    @property
    def income_total(self) -> Decimal | None:
        values = [getattr(self.content, c) for c in SOURCE_CODES if c != "income_municipal"]
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) if known else None


def organisations(year: int) -> list[OrganisationYear]:
    """The organisations whose report for the year is approved, with their reach."""
    reports = list(
        AnnualReport.objects.approved()
        .filter(round__year=year)
        .select_related("organisation", "approved_submission")
    )
    ids = [r.approved_submission_id for r in reports]
    reach = {
        pk: (occasions, places)
        for pk, occasions, places in Reach.objects.filter(content_id__in=ids)
        .values_list("content_id")
        .annotate(total=Sum("occasions"), n=Count("pk", filter=Q(occasions__gt=0)))
        .order_by()
    }
    rows = []
    for report in reports:
        occasions, places = reach.get(report.approved_submission_id, (0, 0))
        rows.append(
            OrganisationYear(report.organisation, report.approved_submission, occasions, places)
        )
    return rows


def year_totals(wanted: list[int]) -> dict[int, dict]:
    """Per year: approved reports, occasions, municipalities reached, income by source."""
    table = compilation(wanted)
    reach = (
        Reach.objects.filter(content__approved_of__round__year__in=wanted, occasions__gt=0)
        .values_list("content__report__round__year")
        .annotate(occasions=Sum("occasions"), municipalities=Count("municipality", distinct=True))
        .order_by()
    )
    reached = {year: (occasions, places) for year, occasions, places in reach}
    totals = {}
    for year in wanted:
        occasions, places = reached.get(year, (0, 0))
        totals[year] = {
            "reports": table.reports.get(year, 0),
            "occasions": occasions,
            "municipalities": places,
            "sources": {s: table.source_total(year, s) for s in SOURCE_CODES},
            "total": table.year_total(year),
        }
    return totals
