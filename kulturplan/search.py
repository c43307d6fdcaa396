"""What of the plan can be found: the plans, their sections, their development areas and
the activity areas. Plans are public from the start (a draft says so on its page), so every
document here is public."""

from django.utils.translation import gettext_lazy as _

from kulturplan.models import CulturePlan, DevelopmentArea, Section
from kulturportal import search
from kulturportal.models import ActivityArea


def _of(queryset, ids):
    return queryset if ids is None else queryset.filter(pk__in=ids)


def plan_documents(ids):
    for plan in _of(CulturePlan.objects.order_by("pk"), ids):
        yield search.Document(
            object_id=plan.pk,
            title=plan.title,
            url=plan.get_absolute_url(),
            context=f"{plan.period} {plan.get_status_display()}",
            body=plan.summary,
            date=plan.updated_at,
        )


def section_documents(ids):
    sections = _of(Section.objects.select_related("plan").order_by("pk"), ids)
    for section in sections.iterator(chunk_size=1000):
        yield search.Document(
            object_id=section.pk,
            title=section.title,
            url=f"{section.plan.get_absolute_url()}#{section.slug}",
            context=f"{section.plan.title} {section.plan.period}",
            body=search.plain_text(section.body),
            date=section.updated_at,
        )


def area_documents(ids):
    areas = _of(
        DevelopmentArea.objects.select_related("plan")
        .prefetch_related("activity_areas")
        .order_by("pk"),
        ids,
    )
    for area in areas.iterator(chunk_size=1000):
        activity = ", ".join(a.name_sv for a in area.activity_areas.all())
        yield search.Document(
            object_id=area.pk,
            title=area.title,
            url=f"{area.plan.get_absolute_url()}#omrade-{area.slug}",
            context=f"{area.plan.title} {area.plan.period} {activity}",
            body=search.plain_text(area.description),
            date=area.updated_at,
        )


def activity_area_documents(ids):
    """An activity area is found on the page of the plan in force (else the newest plan),
    with the development areas of that plan that belong to it."""
    plan = CulturePlan.objects.current() or CulturePlan.objects.first()
    if plan is None:
        return
    for area in _of(ActivityArea.objects.all(), ids):
        developments = plan.development_areas.filter(activity_areas=area).values_list(
            "title", flat=True
        )
        yield search.Document(
            object_id=area.pk,
            title=area.name_sv,
            url=area_url(plan, area),
            context=f"{plan.title} {area.name_en}",
            body="\n".join(developments),
            date=plan.updated_at,
        )


def area_url(plan, area) -> str:
    from django.urls import reverse

    return reverse("kulturplan:plan_activity_area", args=[plan.slug, area.code])


def _all_activity_areas(_obj):
    return ActivityArea.objects.values_list("pk", flat=True)


def register() -> None:
    search.register(
        search.Kind(
            name="kulturplan",
            label=_("Kulturplaner"),
            build=plan_documents,
            follows={CulturePlan: lambda p: [p.pk]},
            order=10,
        )
    )
    search.register(
        search.Kind(
            name="avsnitt",
            label=_("Avsnitt i kulturplanen"),
            build=section_documents,
            follows={
                Section: lambda s: [s.pk],
                CulturePlan: lambda p: p.sections.values_list("pk", flat=True),
            },
            order=11,
        )
    )
    search.register(
        search.Kind(
            name="utvecklingsomrade",
            label=_("Utvecklingsområden"),
            build=area_documents,
            follows={
                DevelopmentArea: lambda a: [a.pk],
                CulturePlan: lambda p: p.development_areas.values_list("pk", flat=True),
            },
            order=12,
        )
    )
    search.register(
        search.Kind(
            name="verksamhetsomrade",
            label=_("Verksamhetsområden"),
            build=activity_area_documents,
            # Which plan is in force, and which of its areas belong where, may change.
            follows={CulturePlan: _all_activity_areas, DevelopmentArea: _all_activity_areas},
            order=13,
        )
    )
