"""Which plan's development areas a year's reports speak of: the plan in force that year."""

from kulturplan.models import CulturePlan, DevelopmentArea


def plan_for_year(year: int) -> CulturePlan | None:
    """The adopted (or since archived) plan whose period holds the year; else the plan in
    force now, so a year before the first plan in the portal still has areas to name."""
    plans = CulturePlan.objects.filter(starts_year__lte=year, ends_year__gte=year).exclude(
        status__in=[CulturePlan.Status.DRAFT, CulturePlan.Status.CONSULTATION]
    )
    return plans.order_by("-starts_year").first() or CulturePlan.objects.current()


def development_areas(year: int) -> list[DevelopmentArea]:
    plan = plan_for_year(year)
    return list(plan.development_areas.order_by("position")) if plan else []
