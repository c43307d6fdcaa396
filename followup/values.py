"""A report's figures as plain values: what a form posts, what a service stores, what the
checks compare and what a submitted version keeps. None (or no key) is "not reported"."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from followup.metrics import REPORT_FIELDS
from followup.models import (
    ActivityFigure,
    AreaContribution,
    MunicipalIncome,
    Reach,
    ReportContent,
)


@dataclass
class ReportValues:
    fields: dict[str, Decimal | None] = field(default_factory=dict)  # income_state …
    municipal_income: dict[int, Decimal] = field(default_factory=dict)  # municipality pk
    activity: dict[tuple[str, str], int] = field(default_factory=dict)  # (area code, metric)
    reach: dict[int, int] = field(default_factory=dict)  # municipality pk → occasions
    contributions: dict[int, str] = field(default_factory=dict)  # development area pk
    explanations: dict[str, str] = field(default_factory=dict)  # check key → text

    def get(self, code: str) -> Decimal | None:
        return self.fields.get(code)

    def total_occasions(self) -> int:
        return sum(self.reach.values())

    def figures(self) -> dict[str, Decimal]:
        """Every reported number by its form field's name, for comparisons."""
        found: dict[str, Decimal] = {
            code: value for code, value in self.fields.items() if value is not None
        }
        for pk, amount in self.municipal_income.items():
            found[f"municipal__{pk}"] = amount
        for (area, metric), value in self.activity.items():
            found[f"metric__{area}__{metric}"] = Decimal(value)
        return found


def with_children(queryset):
    """Contents with everything ReportValues.of() reads, in a fixed number of queries."""
    return queryset.prefetch_related(
        Prefetch("municipal_income", MunicipalIncome.objects.all()),
        Prefetch("activity_figures", ActivityFigure.objects.select_related("activity_area")),
        Prefetch("reach", Reach.objects.all()),
        Prefetch("contributions", AreaContribution.objects.select_related("development_area")),
    )


def values_of(content: ReportContent | None) -> ReportValues:
    if content is None:
        return ReportValues()
    return ReportValues(
        fields={code: getattr(content, code) for code in REPORT_FIELDS},
        municipal_income={m.municipality_id: m.amount for m in content.municipal_income.all()},
        activity={
            (a.activity_area.code, a.metric): a.value for a in content.activity_figures.all()
        },
        reach={r.municipality_id: r.occasions for r in content.reach.all()},
        contributions={c.development_area_id: c.description for c in content.contributions.all()},
        explanations=dict(content.explanations or {}),
    )
