"""A culture chief registers her municipality's priorities: drafts, submissions, and lost
updates refused."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kulturplan import services
from kulturplan.forms import (
    PriorityFormSet,
    priority_initial,
)
from kulturplan.models import (
    CulturePlan,
    RegistrationWindow,
)
from kulturplan.views.access import municipality_for_priorities
from kulturportal.models import AuditEntry
from kulturportal.rules import may


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def priorities(request, slug):
    municipality = municipality_for_priorities(request, slug)
    plan = _registration_plan()
    if plan is None:
        return render(request, "kulturplan/priorities_none.html", {"municipality": municipality})
    registration = services.registration_for(plan, municipality)
    window = services.window_for(plan)
    areas = plan.development_areas.all()
    may_edit = may(request.user, "kulturplan.edit_priorities", municipality)
    is_open = window is not None and window.is_open()
    initial = priority_initial(
        areas,
        registration.priorities.all(),
        {"name": request.user.get_full_name(), "email": request.user.email},
    )
    formset = PriorityFormSet(
        request.POST if request.method == "POST" else None,
        initial=initial,
        areas=areas,
        prefix="omrade",
        submitting="submit" in request.POST,
    )
    context = {
        "municipality": municipality,
        "plan": plan,
        "registration": registration,
        "window": window,
        "is_open": is_open,
        "may_edit": may_edit and is_open,
        "may_submit": may(request.user, "kulturplan.submit_priorities", municipality),
        "formset": formset,
        "version": registration.version,
    }
    if request.method == "POST":
        return _save_priorities(request, registration, formset, context)
    return _priorities_page(request, registration, context)


def _registration_plan() -> CulturePlan | None:
    """The plan whose window is open, else the one whose window was the latest."""
    window = RegistrationWindow.objects.open_now() or RegistrationWindow.objects.latest()
    return window.plan if window else None


def _priorities_page(request, registration, context, status=200):
    submissions = registration.submissions.select_related("submitted_by").prefetch_related(
        "lines__development_area"
    )
    context = {
        **context,
        "submissions": submissions,
        "history": AuditEntry.objects.about(registration)[:50],
        "working_copy": registration.priorities.select_related("development_area"),
    }
    return render(request, "kulturplan/priorities_form.html", context, status=status)


def _refused_as_closed(request, registration, context):
    messages.error(request, _("Anmälan är stängd. Dina prioriteringar sparades inte."))
    closed = {**context, "is_open": False, "may_edit": False}
    return _priorities_page(request, registration, closed, status=409)


def _save_priorities(request, registration, formset, context):
    if not context["may_edit"]:
        if not context["is_open"]:
            return _refused_as_closed(request, registration, context)
        raise PermissionDenied
    submit = "submit" in request.POST
    if submit and not context["may_submit"]:
        raise PermissionDenied
    if not formset.is_valid():
        return _priorities_page(request, registration, context, status=400)
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        base_version = -1
    try:
        services.save_priorities(
            registration=registration,
            lines=formset.lines(),
            base_version=base_version,
            submit=submit,
            actor=request.user,
        )
    except services.WindowClosed:  # it closed while the form was being filled in
        return _refused_as_closed(request, registration, context)
    except services.StaleRegistration as stale:
        return _priorities_page(
            request,
            stale.registration,
            {
                **context,
                "conflict": stale,
                "stored": stale.registration.priorities.select_related("development_area"),
                "version": stale.registration.version,
            },
            status=409,
        )
    if submit:
        messages.success(request, _("Tack! Kommunens prioriteringar är inskickade."))
    else:
        messages.success(request, _("Utkastet är sparat. Det syns inte utåt förrän du skickar in."))
    return redirect("kulturplan:priorities", slug=registration.municipality.slug)
