"""Reads across all 33 municipalities: the priorities matrix and the comparison with the
previous period (the completion board is kulturplan/board.py). A fixed number of queries,
whatever the data."""

from dataclasses import dataclass, field

from django.db.models import F

from kulturplan.models import CulturePlan, DevelopmentArea, Registration, SubmittedPriority
from kulturportal.models import Municipality, SubRegion

# A shared area is a suggested thematic network from this many municipalities on.
SHARED_FROM = 3


@dataclass
class MunicipalityRow:
    municipality: Municipality
    submitted: bool
    ranks: dict[int, int] = field(default_factory=dict)  # development area pk → rank
    cells: list[int | None] = field(default_factory=list)  # the ranks in the areas' order


@dataclass
class Group:
    sub_region: SubRegion
    rows: list[MunicipalityRow]
    totals: list[int] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.submitted)


@dataclass
class Matrix:
    plan: CulturePlan
    areas: list[DevelopmentArea]
    groups: list[Group]

    @property
    def rows(self) -> list[MunicipalityRow]:
        return [row for group in self.groups for row in group.rows]

    def totals(self) -> list[int]:
        return [sum(1 for row in self.rows if area.pk in row.ranks) for area in self.areas]

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.submitted)

    def municipalities_for(self, area: DevelopmentArea) -> list[Municipality]:
        return [row.municipality for row in self.rows if area.pk in row.ranks]

    def shared_areas(self) -> list[tuple[DevelopmentArea, list[Municipality]]]:
        """The areas at least SHARED_FROM municipalities prioritise: the thematic networks
        the priorities suggest."""
        shared = [(area, self.municipalities_for(area)) for area in self.areas]
        return [(area, names) for area, names in shared if len(names) >= SHARED_FROM]


def current_lines(plan: CulturePlan):
    """Every line of every municipality's latest submission for the plan."""
    return SubmittedPriority.objects.filter(
        submission__registration__plan=plan,
        submission__registration__current_submission=F("submission"),
    ).values_list("submission__registration__municipality_id", "development_area_id", "rank")


def matrix(plan: CulturePlan) -> Matrix:
    areas = list(plan.development_areas.prefetch_related("activity_areas"))
    submitted = set(
        Registration.objects.submitted().filter(plan=plan).values_list("municipality", flat=True)
    )
    ranks: dict[int, dict[int, int]] = {}
    for municipality_id, area_id, rank in current_lines(plan):
        ranks.setdefault(municipality_id, {})[area_id] = rank
    groups: dict[int, Group] = {}
    for municipality in Municipality.objects.for_listing():
        group = groups.setdefault(
            municipality.sub_region_id, Group(municipality.sub_region, rows=[])
        )
        group.rows.append(
            MunicipalityRow(
                municipality,
                submitted=municipality.pk in submitted,
                ranks=ranks.get(municipality.pk, {}),
            )
        )
    for group in groups.values():
        for row in group.rows:
            row.cells = [row.ranks.get(area.pk) for area in areas]
        group.totals = [sum(1 for row in group.rows if area.pk in row.ranks) for area in areas]
    return Matrix(plan, areas, list(groups.values()))


# --- The previous period ---------------------------------------------------------------------


@dataclass
class Change:
    municipality: Municipality
    added: list[str]
    dropped: list[str]


@dataclass
class Comparison:
    previous: CulturePlan
    changes: list[Change]  # municipalities that submitted in both periods and changed
    unchanged: int
    not_comparable: list[Municipality]  # missing a submission in one of the periods


def comparison(current: Matrix, previous_plan: CulturePlan | None) -> Comparison | None:
    """Which municipalities added or dropped an area since the previous period; areas are
    the same area when their short names (slugs) are."""
    if previous_plan is None:
        return None
    previous = matrix(previous_plan)
    before = {row.municipality.pk: row for row in previous.rows}
    titles = {a.slug: a.title for a in previous.areas} | {a.slug: a.title for a in current.areas}
    changes, unchanged, not_comparable = [], 0, []
    for row in current.rows:
        old = before.get(row.municipality.pk)
        if not (row.submitted and old and old.submitted):
            not_comparable.append(row.municipality)
            continue
        now = _slugs(current.areas, row)
        then = _slugs(previous.areas, old)
        if now == then:
            unchanged += 1
            continue
        changes.append(
            Change(
                row.municipality,
                added=[titles[s] for s in sorted(now - then)],
                dropped=[titles[s] for s in sorted(then - now)],
            )
        )
    return Comparison(previous_plan, changes, unchanged, not_comparable)


def _slugs(areas, row: MunicipalityRow) -> set[str]:
    return {area.slug for area in areas if area.pk in row.ranks}
