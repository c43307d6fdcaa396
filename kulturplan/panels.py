"""What the plan shows on the pages the core gathers (kulturportal.panels)."""

from django.utils.translation import gettext_lazy as _

from kulturplan.models import CulturePlan, Registration, RegistrationWindow, SubmittedPriority
from kulturportal import panels
from kulturportal.models import Role
from kulturportal.rules import may


def current_plan(request) -> dict | None:
    plan = CulturePlan.objects.current()
    if plan is None:
        return None
    return {"plan": plan, "area_count": plan.development_areas.count()}


def municipality_priorities(request, municipality) -> dict | None:
    """The municipality's submitted priorities in the newest plan it has submitted to."""
    registration = (
        Registration.objects.submitted()
        .filter(municipality=municipality)
        .select_related("plan", "current_submission")
        .order_by("-plan__starts_year")
        .first()
    )
    lines = []
    if registration:
        lines = SubmittedPriority.objects.filter(
            submission=registration.current_submission
        ).select_related("development_area")
    return {
        "registration": registration,
        "lines": lines,
        "may_edit": may(request.user, "kulturplan.see_priorities", municipality)
        and not may(request.user, "kulturplan.manage_plans"),
        "municipality": municipality,
    }


def my_priorities(request) -> dict | None:
    """For the culture chiefs (and municipal officials): their municipality's task."""
    roles = [
        a
        for a in request.user.active_roles
        if a.role in (Role.CULTURE_CHIEF, Role.MUNICIPAL_OFFICIAL) and a.municipality_id
    ]
    if not roles:
        return None
    window = RegistrationWindow.objects.open_now()
    municipalities = sorted({a.municipality for a in roles}, key=lambda m: m.name)
    submitted = set()
    if window:
        submitted = set(
            Registration.objects.submitted()
            .filter(plan=window.plan, municipality__in=municipalities)
            .values_list("municipality", flat=True)
        )
    return {
        "window": window,
        "rows": [(m, m.pk in submitted) for m in municipalities],
    }


def officials_links(request) -> dict | None:
    if not may(request.user, "kulturplan.manage_plans"):
        return None
    return {"plans": CulturePlan.objects.exclude(status=CulturePlan.Status.ARCHIVED)}


def register() -> None:
    panels.register_link(_("Kulturplan"), "kulturplan:plan_current", order=30)
    panels.register(panels.HOME, "kulturplan/panels/home.html", current_plan, order=20)
    panels.register(
        panels.MUNICIPALITY,
        "kulturplan/panels/municipality.html",
        municipality_priorities,
        order=5,
    )
    panels.register(panels.MY_PAGE, "kulturplan/panels/my_page.html", my_priorities, order=5)
    panels.register(
        panels.MY_PAGE_MANAGE, "kulturplan/panels/manage_links.html", officials_links, order=20
    )
