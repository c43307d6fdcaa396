from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kulturplan import document, services, tilemap
from kulturplan.forms import (
    DevelopmentAreaForm,
    PlanForm,
    PriorityFormSet,
    SectionForm,
    StatusForm,
    VersionForm,
    WindowForm,
    priority_initial,
)
from kulturplan.models import (
    ActivityArea,
    CulturePlan,
    DevelopmentArea,
    RegistrationWindow,
    Reminder,
    Section,
)
from kulturplan.overview import comparison, completion, current_lines, matrix
from kulturplan.textdiff import diff_html, diff_inline
from kulturportal import exports, panels
from kulturportal import pdf as pdf_documents
from kulturportal.caching import personal_page, public_page, uncacheable
from kulturportal.markdown import render_markdown
from kulturportal.models import AuditEntry, Municipality
from kulturportal.rules import may

# --- Access helpers: outsiders get 404, not a hint -------------------------------------------


def _plan(slug) -> CulturePlan:
    return get_object_or_404(CulturePlan, slug=slug)


def _require_official(request) -> None:
    if not may(request.user, "kulturplan.manage_plans"):
        raise PermissionDenied


def _plan_for_official(request, slug) -> CulturePlan:
    _require_official(request)
    return _plan(slug)


def _municipality_for_priorities(request, slug) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not may(request.user, "kulturplan.see_priorities", municipality):
        raise Http404
    return municipality


# --- The plan on the web ---------------------------------------------------------------------


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
    return _plan_page(request, _plan(slug))


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
        },
    )


@public_page
@require_safe
def plan_activity_area(request, slug, code):
    plan = _plan(slug)
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
    plan = _plan(slug)
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
    plan = _plan(slug)
    rendered = document.plan_document(plan)
    return pdf_documents.respond(request, rendered)


# --- The priorities overview -----------------------------------------------------------------

MAP_COLOURINGS = ("omrade", "delregion")


@public_page(params=("omrade",))
@require_safe
def overview(request, slug):
    plan = _plan(slug)
    table = matrix(plan)
    chosen = _chosen_area(request, table.areas)
    svg, tiles = tilemap_for(table, chosen)
    response = render(
        request,
        "kulturplan/overview.html",
        {
            "plan": plan,
            "matrix": table,
            "chosen": chosen,
            "map": svg,
            "map_text": [tile.title for tile in tiles] if chosen else [],
            "comparison": comparison(table, plan.previous_plan()),
            "panels": panels.for_page(panels.PLAN_OVERVIEW, request, plan=plan, matrix=table),
        },
    )
    # An area no plan has is served (as the sub-region map) but never stored: made-up
    # values must not fill the cache.
    if request.GET.get("omrade") and chosen is None:
        return uncacheable(response)
    return response


def _chosen_area(request, areas):
    wanted = request.GET.get("omrade", "")
    if not wanted:
        return None
    for area in areas:
        if area.slug == wanted:
            return area
    return None


def tilemap_for(table, chosen):
    """The map of Skåne: each municipality by how highly it ranks the chosen area, or by
    sub-region when none is chosen."""
    if chosen is None:
        return _subregion_map(table)
    tiles = []
    for row in table.rows:
        rank = row.ranks.get(chosen.pk)
        css_class, text = _rank_class(row, rank)
        tiles.append(_tile(row.municipality, css_class, f"{row.municipality.name}: {text}"))
    legend = [
        ("rank-1", _("Rang 1")),
        ("rank-2", _("Rang 2")),
        ("rank-3", _("Rang 3")),
        ("rank-other", _("Rang 4 eller lägre")),
        ("none", _("Prioriterar inte området")),
        ("missing", _("Har inte skickat in")),
    ]
    svg = tilemap.render_svg(
        tiles,
        title=_("Karta: kommunerna som prioriterar %(area)s") % {"area": chosen.title},
        description=_(
            "Varje sexhörning är en kommun, placerad ungefär där centralorten ligger. "
            "Tabellen nedanför kartan visar samma uppgifter."
        ),
        legend=legend,
    )
    return svg, tiles


def _rank_class(row, rank) -> tuple[str, str]:
    if not row.submitted:
        return "missing", _("har inte skickat in")
    if rank is None:
        return "none", _("prioriterar inte området")
    css_class = f"rank-{rank}" if rank <= 3 else "rank-other"
    return css_class, _("rang %(rank)s") % {"rank": rank}


def _subregion_map(table):
    tiles, legend = [], []
    for index, group in enumerate(table.groups, start=1):
        css_class = f"subregion-{index}"
        legend.append((css_class, group.sub_region.name))
        for row in group.rows:
            tiles.append(
                _tile(row.municipality, css_class, f"{row.municipality.name}: {group.sub_region}")
            )
    svg = tilemap.render_svg(
        tiles,
        title=_("Karta: Skånes kommuner per delregion"),
        description=_(
            "Varje sexhörning är en kommun, placerad ungefär där centralorten ligger, färgad "
            "efter delregion. Välj ett utvecklingsområde för att se vilka som prioriterar det."
        ),
        legend=legend,
    )
    return svg, tiles


def _tile(municipality, css_class, title):
    return tilemap.Tile(
        code=municipality.code,
        name=municipality.name,
        lat=float(municipality.seat_lat or 0),
        lon=float(municipality.seat_lon or 0),
        css_class=css_class,
        title=title,
        href=municipality.get_absolute_url(),
    )


@require_safe
def overview_export(request, slug, fmt):
    plan = _plan(slug)
    table = matrix(plan)
    headers = [_("Kommun"), _("Kommunkod"), _("Delregion"), _("Inskickat")] + [
        area.title for area in table.areas
    ]
    rows = (
        [
            row.municipality.name,
            row.municipality.code,
            str(row.municipality.sub_region),
            _("ja") if row.submitted else _("nej"),
            *["" if rank is None else rank for rank in row.cells],
        ]
        for row in table.rows
    )
    filename = f"prioriteringar-{plan.slug}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(filename, headers, rows)
    return exports.xlsx_response(
        filename,
        headers,
        rows,
        sheet_title=_("Prioriteringar"),
        widths=[18, 10, 22, 10] + [min(40, len(area.title) + 2) for area in table.areas],
    )


# --- The culture chief's priorities ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@personal_page
def priorities(request, slug):
    municipality = _municipality_for_priorities(request, slug)
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


# --- Officials: the plan's text, statuses and windows ----------------------------------------


@login_required
@require_safe
def manage_plan(request, slug):
    plan = _plan_for_official(request, slug)
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
    plan = _plan_for_official(request, slug)
    form = StatusForm(request.POST, plan=plan)
    if not form.is_valid():
        return _manage_page(request, plan, status_form=form, code=400)
    plan = services.change_status(plan=plan, status=form.cleaned_data["status"])
    messages.success(
        request, _("Planen har nu status %(status)s.") % {"status": plan.get_status_display()}
    )
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def plan_version(request, slug):
    plan = _plan_for_official(request, slug)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, plan, version_form=form, code=400)
    try:
        version = services.save_version(plan=plan, note=form.cleaned_data["note"])
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
    plan = _plan_for_official(request, slug)
    form = WindowForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, plan, window_form=form, code=400)
    services.open_window(plan=plan, **form.cleaned_data)
    messages.success(request, _("Anmälningsperioden är sparad."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def window_close(request, slug, pk):
    plan = _plan_for_official(request, slug)
    window = get_object_or_404(RegistrationWindow, plan=plan, pk=pk)
    services.close_window(window=window)
    messages.success(request, _("Anmälan är stängd."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request, slug, pk=None):
    plan = _plan_for_official(request, slug)
    section = get_object_or_404(Section, plan=plan, pk=pk) if pk else Section(plan=plan)
    return _edit_text(
        request,
        plan,
        SectionForm(request.POST or None, instance=section),
        save=lambda form: services.save_section(section=form.instance, changed=form.changed_data),
        preview_field="body",
        title=section.title if pk else _("Nytt avsnitt"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_edit(request, slug, pk=None):
    plan = _plan_for_official(request, slug)
    area = (
        get_object_or_404(DevelopmentArea, plan=plan, pk=pk) if pk else DevelopmentArea(plan=plan)
    )
    return _edit_text(
        request,
        plan,
        DevelopmentAreaForm(request.POST or None, instance=area),
        save=lambda form: services.save_development_area(
            area=form.save(commit=False), activity_areas=form.cleaned_data["activity_areas"]
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
    _require_official(request)
    form = PlanForm(request.POST or None, initial={"copy_from": CulturePlan.objects.first()})
    if request.method == "POST" and form.is_valid():
        plan = services.create_plan(
            copy_from=form.cleaned_data.pop("copy_from"),
            **{name: form.cleaned_data[name] for name in PlanForm.Meta.fields},
        )
        messages.success(request, _("Planen är skapad som utkast."))
        return redirect("kulturplan:manage_plan", slug=plan.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "kulturplan/plan_form.html", {"form": form}, status=status)


@login_required
@require_POST
def section_delete(request, slug, pk):
    plan = _plan_for_official(request, slug)
    section = get_object_or_404(Section, plan=plan, pk=pk)
    try:
        services.delete_section(section=section)
    except services.PlanLocked:
        messages.error(request, _("Planen är antagen. Texten är låst och ändrades inte."))
    else:
        messages.success(request, _("Avsnittet är borttaget."))
    return redirect("kulturplan:manage_plan", slug=plan.slug)


@login_required
@require_POST
def area_delete(request, slug, pk):
    plan = _plan_for_official(request, slug)
    area = get_object_or_404(DevelopmentArea, plan=plan, pk=pk)
    try:
        services.delete_development_area(area=area)
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


# --- Officials: the completion board ---------------------------------------------------------


@login_required
@require_safe
@personal_page
def completion_board(request, slug):
    plan = _plan_for_official(request, slug)
    groups = completion(plan)
    window = services.window_for(plan)
    # The latest first: today's, if there is one, is among them.
    reminders = list(Reminder.objects.filter(window=window).select_related("sent_by")[:10])
    return render(
        request,
        "kulturplan/completion_board.html",
        {
            "plan": plan,
            "groups": groups,
            "submitted": sum(g.submitted for g in groups),
            "total": sum(len(g.rows) for g in groups),
            "window": window,
            "reminded_today": any(r.sent_on == timezone.localdate() for r in reminders),
            "reminders": reminders,
        },
    )


@login_required
@require_POST
def send_reminders(request, slug):
    plan = _plan_for_official(request, slug)
    window = services.window_for(plan)
    if window is None:
        raise Http404
    try:
        sent = services.send_reminders(window=window)
    except services.AlreadyReminded:
        messages.error(
            request, _("Påminnelsen är redan skickad i dag. Nästa kan skickas i morgon.")
        )
    except services.WindowClosed:
        messages.error(request, _("Anmälan är stängd. Ingen påminnelse skickades."))
    except services.NoOneToRemind:
        messages.info(
            request, _("Det finns ingen att påminna: alla har skickat in, eller saknar kulturchef.")
        )
    else:
        messages.success(
            request,
            ngettext(
                "Påminnelsen är skickad till %(count)s kulturchef.",
                "Påminnelsen är skickad till %(count)s kulturchefer.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("kulturplan:completion_board", slug=plan.slug)
