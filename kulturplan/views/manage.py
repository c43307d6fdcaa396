"""Officials: the plan's text, statuses, versions and registration windows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kulturplan import services
from kulturplan.forms import (
    DevelopmentAreaForm,
    PlanForm,
    SectionForm,
    StatusForm,
    VersionForm,
    WindowForm,
)
from kulturplan.models import (
    CulturePlan,
    DevelopmentArea,
    RegistrationWindow,
    Section,
)
from kulturplan.views.access import plan_for_official, require_official
from kulturportal.markdown import render_markdown
from kulturportal.models import AuditEntry


@login_required
@require_safe
def manage_plan(request, slug):
    plan = plan_for_official(request, slug)
    return _manage_page(request, plan)


def _manage_page(request, plan, *, status_form=None, version_form=None, window_form=None, code=200):
    return render(
        request,
        "kulturplan/manage_plan.html",
        {
            "plan": plan,
            "sections": plan.sections.all(),
            "areas": plan.development_areas.prefetch_related("activity_areas"),
            "windows": plan.registration_windows.all(),
            "versions": plan.versions.select_related("created_by"),
            "status_form": status_form or StatusForm(plan=plan),
            "version_form": version_form or VersionForm(),
            "window_form": window_form or WindowForm(),
            "history": AuditEntry.objects.about(plan)[:50],
            "now": timezone.now(),
        },
        status=code,
    )


@login_required
@require_POST
def plan_status(request, slug):
    plan = plan_for_official(request, slug)
    form = StatusForm(request.POST, plan=plan)
    if not form.is_valid():
        return _manage_page(request, plan, status_form=form, code=400)
    plan = services.change_status(plan=plan, status=form.cleaned_data["status"], actor=request.user)
    messages.success(
        request, _("Planen har nu status %(status)s.") % {"status": plan.get_status_display()}
    )
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def plan_version(request, slug):
    plan = plan_for_official(request, slug)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, plan, version_form=form, code=400)
    try:
        version = services.save_version(
            plan=plan, note=form.cleaned_data["note"], actor=request.user
        )
    except services.PlanLocked:
        messages.error(request, _("Planen är antagen och kan inte få nya versioner."))
        return redirect("kulturplan:manage_plan", slug=plan.slug)
    messages.success(
        request,
        _("Version %(number)s är sparad. Du skriver nu på version %(next)s.")
        % {"number": version.number, "next": version.number + 1},
    )
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def window_open(request, slug):
    plan = plan_for_official(request, slug)
    form = WindowForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, plan, window_form=form, code=400)
    services.open_window(plan=plan, **form.cleaned_data, actor=request.user)
    messages.success(request, _("Anmälningsperioden är sparad."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def window_close(request, slug, pk):
    plan = plan_for_official(request, slug)
    window = get_object_or_404(RegistrationWindow, plan=plan, pk=pk)
    services.close_window(window=window, actor=request.user)
    messages.success(request, _("Anmälan är stängd."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request, slug, pk=None):
    plan = plan_for_official(request, slug)
    section = get_object_or_404(Section, plan=plan, pk=pk) if pk else Section(plan=plan)
    return _edit_text(
        request,
        plan,
        SectionForm(request.POST or None, instance=section),
        save=lambda form: services.save_section(
            section=form.instance, changed=form.changed_data, actor=request.user
        ),
        preview_field="body",
        title=section.title if pk else _("Nytt avsnitt"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_edit(request, slug, pk=None):
    plan = plan_for_official(request, slug)
    area = (
        get_object_or_404(DevelopmentArea, plan=plan, pk=pk) if pk else DevelopmentArea(plan=plan)
    )
    return _edit_text(
        request,
        plan,
        DevelopmentAreaForm(request.POST or None, instance=area),
        save=lambda form: services.save_development_area(
            area=form.save(commit=False),
            activity_areas=form.cleaned_data["activity_areas"],
            actor=request.user,
        ),
        preview_field="description",
        title=area.title if pk else _("Nytt utvecklingsområde"),
    )


def _edit_text(request, plan, form, *, save, preview_field, title):
    """The edit page of a section or a development area: preview without saving, save,
    and a clear refusal when the plan has been adopted."""
    context = {"plan": plan, "form": form, "title": title, "locked": plan.is_locked}

    def page(status=200):
        return render(request, "kulturplan/text_form.html", context, status=status)

    def refused_as_locked():
        messages.error(request, _("Planen är antagen. Texten är låst och sparades inte."))
        return page(409)

    if request.method != "POST":
        return page()
    if plan.is_locked:
        return refused_as_locked()
    if not form.is_valid():
        return page(400)
    if "preview" in request.POST:
        context["preview"] = render_markdown(form.cleaned_data.get(preview_field, ""))
        return page()
    try:
        save(form)
    except services.PlanLocked:  # adopted since the page was opened
        return refused_as_locked()
    messages.success(request, _("Sparat."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request):
    require_official(request)
    form = PlanForm(request.POST or None, initial={"copy_from": CulturePlan.objects.first()})
    if request.method == "POST" and form.is_valid():
        plan = services.create_plan(
            copy_from=form.cleaned_data.pop("copy_from"),
            **{name: form.cleaned_data[name] for name in PlanForm.Meta.fields},
            actor=request.user,
        )
        messages.success(request, _("Planen är skapad som utkast."))
        return redirect("kulturplan:manage_plan", slug=plan.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "kulturplan/plan_form.html", {"form": form}, status=status)


@login_required
@require_POST
def section_delete(request, slug, pk):
    plan = plan_for_official(request, slug)
    section = get_object_or_404(Section, plan=plan, pk=pk)
    try:
        services.delete_section(section=section, actor=request.user)
    except services.PlanLocked:
        messages.error(request, _("Planen är antagen. Texten är låst och ändrades inte."))
    else:
        messages.success(request, _("Avsnittet är borttaget."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def area_delete(request, slug, pk):
    plan = plan_for_official(request, slug)
    area = get_object_or_404(DevelopmentArea, plan=plan, pk=pk)
    try:
        services.delete_development_area(area=area, actor=request.user)
    except services.PlanLocked:
        messages.error(request, _("Planen är antagen. Texten är låst och ändrades inte."))
    except services.AreaInUse:
        messages.error(
            request,
            _("Kommuner har skickat in prioriteringar för området, så det kan inte tas bort."),
        )
    else:
        messages.success(request, _("Utvecklingsområdet är borttaget."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)
