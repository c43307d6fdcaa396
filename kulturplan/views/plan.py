"""The plan on the web: its text, an activity area's page, the diff between versions, the PDF."""

from collections import Counter

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kulturplan import document, services
from kulturplan.models import (
    CulturePlan,
)
from kulturplan.overview import current_lines
from kulturplan.textdiff import diff_html, diff_inline
from kulturplan.views.access import plan_or_404
from kulturportal import panels
from kulturportal import pdf as pdf_documents
from kulturportal.caching import public_page
from kulturportal.models import ActivityArea
from kulturportal.rules import may


@public_page
@require_safe
def plan_current(request):
    plan = CulturePlan.objects.current() or CulturePlan.objects.first()
    if plan is None:
        return render(request, "kulturplan/no_plan.html")
    return _plan_page(request, plan)


@public_page
@require_safe
def plan_detail(request, slug):
    return _plan_page(request, plan_or_404(slug))


def _plan_page(request, plan: CulturePlan):
    sections = list(plan.sections.all())
    areas = list(plan.development_areas.prefetch_related("activity_areas"))
    activity_areas = ActivityArea.objects.all()
    return render(
        request,
        "kulturplan/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            "areas": areas,
            "activity_areas": activity_areas,
            "versions": list(plan.versions.all()),
            "plans": CulturePlan.objects.exclude(pk=plan.pk),
            "window": services.window_for(plan),
            "now": timezone.now(),
            "is_official": may(request.user, "kulturplan.manage_plans"),
            "area_panels": panels.for_page(
                panels.DEVELOPMENT_AREA, request, plan=plan, areas=areas
            ),
        },
    )


@public_page
@require_safe
def plan_activity_area(request, slug, code):
    plan = plan_or_404(slug)
    area = get_object_or_404(ActivityArea, code=code)
    development_areas = list(
        plan.development_areas.filter(activity_areas=area).prefetch_related("activity_areas")
    )
    counts = Counter(area_id for _municipality, area_id, _rank in current_lines(plan))
    for development_area in development_areas:
        development_area.municipality_count = counts[development_area.pk]
    return render(
        request,
        "kulturplan/activity_area.html",
        {
            "plan": plan,
            "activity_area": area,
            "development_areas": development_areas,
            "activity_areas": ActivityArea.objects.all(),
        },
    )


@public_page(params=("fran", "till"))
@require_safe
def plan_diff(request, slug):
    plan = plan_or_404(slug)
    versions = {v.number: v for v in plan.versions.all()}
    choices = _version_choices(plan, versions)
    old_number, new_number = _chosen_versions(request, plan, versions)
    if old_number is None and len(choices) >= 2:
        # Without a choice, the two latest: what changed most recently.
        old_number, new_number = choices[-2][0], choices[-1][0]
    if old_number is None:
        return render(request, "kulturplan/plan_diff.html", {"plan": plan, "choices": choices})
    parts = _diff_parts(_content(plan, versions, old_number), _content(plan, versions, new_number))
    return render(
        request,
        "kulturplan/plan_diff.html",
        {
            "plan": plan,
            "choices": choices,
            "old_number": old_number,
            "new_number": new_number,
            "parts": [p for p in parts if p["status"] != "same"],
            "unchanged": [p for p in parts if p["status"] == "same"],
        },
    )


def _version_choices(plan, versions) -> list[tuple[int, str]]:
    choices = [
        (
            number,
            _("Version %(number)s (%(date)s)")
            % {"number": number, "date": date_format(v.created_at, "j F Y")},
        )
        for number, v in sorted(versions.items())
    ]
    if not plan.is_locked:
        choices.append(
            (plan.version, _("Version %(number)s (pågående)") % {"number": plan.version})
        )
    return choices


def _chosen_versions(request, plan, versions):
    numbers = set(versions) | ({plan.version} if not plan.is_locked else set())
    try:
        old, new = int(request.GET["fran"]), int(request.GET["till"])
    except (KeyError, ValueError):
        return None, None
    if old not in numbers or new not in numbers:
        raise Http404
    return old, new


def _content(plan, versions, number) -> dict:
    if number in versions:
        return versions[number].content
    return services.plan_content(plan)


def _diff_parts(old: dict, new: dict) -> list[dict]:
    """Section by section and area by area, in the newer version's order; what was removed
    comes last."""
    parts = []
    for kind, text_key in (("sections", "body"), ("development_areas", "description")):
        before = {item["slug"]: item for item in old.get(kind, [])}
        after = {item["slug"]: item for item in new.get(kind, [])}
        for slug, item in after.items():
            was = before.get(slug, {"title": "", text_key: ""})
            parts.append(
                {
                    "kind": kind,
                    "title": item["title"],
                    "title_diff": diff_inline(was["title"], item["title"]),
                    "body": diff_html(was[text_key], item[text_key]),
                    "status": "new"
                    if slug not in before
                    else ("changed" if was != item else "same"),
                }
            )
        for slug, item in before.items():
            if slug not in after:
                parts.append(
                    {
                        "kind": kind,
                        "title": item["title"],
                        "title_diff": diff_inline(item["title"], ""),
                        "body": diff_html(item[text_key], ""),
                        "status": "removed",
                    }
                )
    return parts


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def plan_pdf(request, slug):
    """The stored PDF at once, or a page that waits for the worker to make it. Cached like
    the other public pages once made, so a visitor's download does not build the plan's
    HTML again only to find its hash (the waiting page is never cached)."""
    plan = plan_or_404(slug)
    rendered = document.plan_document(plan)
    return pdf_documents.respond(request, rendered)
