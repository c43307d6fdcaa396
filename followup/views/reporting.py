"""A funded organisation's annual report: the form its representatives fill in together,
drafts without JavaScript, the files, and the submission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from followup import checks, plans, services
from followup.forms import ReportForm, contribution_field, reach_field
from followup.models import AnnualReport, ReportFile
from followup.presenting import present, reach_lines
from followup.values import values_of
from followup.views.access import is_official, reporting_organisation
from kulturportal import uploads
from kulturportal.models import AuditEntry, Municipality
from kulturportal.rules import may


def _form_kwargs(decision, round) -> dict:
    municipalities = list(Municipality.objects.for_listing())
    return {
        "co_financiers": sorted(
            (c.municipality for c in decision.municipal_contributions.all()),
            key=lambda m: m.name,
        ),
        "areas": decision.areas(),
        "municipalities": municipalities,
        "development_areas": plans.development_areas(round.year),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request, year, slug):
    round, organisation, decision = reporting_organisation(request, year, slug)
    report = services.report_for(round, organisation)
    kwargs = _form_kwargs(decision, round)
    if request.method != "POST" or not report.is_editable():
        stored = values_of(services.working_copy(report))
        form = ReportForm(stored=stored, initial={"version": report.version}, **kwargs)
        return _page(request, report, decision, form, stored=stored)
    form = ReportForm(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        return _page(request, report, decision, form, status=400)
    try:
        report = services.save_report(
            report=report,
            values=form.values(),
            base_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except services.StaleReport as stale:
        form = _rebound(request, stale.report, kwargs)
        return _page(request, report, decision, form, conflict=stale, status=409)
    except services.ReportApproved:
        messages.error(request, _("Rapporten är redan godkänd och kan inte ändras."))
        return redirect(report.form_url())
    form = _rebound(request, report, kwargs)
    if not _store_files(request, form, report):
        messages.error(request, _("Uppgifterna är sparade, men en fil kunde inte tas emot."))
        return _page(request, report, decision, form, status=400)
    if "submit" in request.POST:
        return _submit(request, report, decision, form)
    messages.success(request, _("Utkastet är sparat. Inget är inskickat ännu."))
    return redirect(report.form_url())


def _rebound(request, report: AnnualReport, kwargs) -> ReportForm:
    """The posted form again, based on the version stored now (the person's own save, or
    the co-author's after a conflict), so the next save is not refused."""
    data = request.POST.copy()
    data["version"] = str(report.version)
    form = ReportForm(data, **kwargs)
    form.is_valid()
    return form


def _store_files(request, form: ReportForm, report: AnnualReport) -> bool:
    ok = True
    for name, kind in form.file_kinds():
        upload = request.FILES.get(name)
        if upload is None:
            continue
        try:
            services.add_file(report=report, upload=upload, kind=kind, actor=request.user)
        except ValidationError as error:
            form.add_error(name, error.messages)
            ok = False
    return ok


def _submit(request, report, decision, form):
    try:
        submitted = services.submit_report(report=report, actor=request.user)
    except services.SubmissionIncomplete as incomplete:
        for name, problems in incomplete.problems.items():
            form.add_error(name if name in form.fields else None, problems)
        messages.error(
            request,
            _("Rapporten är sparad som utkast men inte inskickad: något behöver kompletteras."),
        )
        return _page(request, report, decision, form, status=400)
    except services.ReportApproved:
        messages.error(request, _("Rapporten är redan godkänd och kan inte ändras."))
        return redirect(report.form_url())
    messages.success(
        request,
        _("Tack! Version %(number)s av årsrapporten är inskickad. Ett kvitto kommer med e-post.")
        % {"number": submitted.number},
    )
    return redirect(report.form_url())


def _page(request, report, decision, form, *, stored=None, conflict=None, status=200):
    report.refresh_from_db()
    context_for_checks = services.check_context(report)
    if form.is_bound and form.is_valid():
        values = form.values()
    else:
        values = stored if stored is not None else values_of(services.working_copy(report))
    # An untouched report has nothing to check yet: the checks speak once figures are typed.
    typed = form.is_bound or report.has_draft_changes or report.current_submission_id
    found = services.findings_for(values, context_for_checks) if typed else []
    by_field = {f.field: f for f in found}
    posted_explanations = {
        key
        for key in form.explanation_keys()
        if form.is_bound and (form.data.get(checks.explain_field(key)) or "").strip()
    }
    municipalities = {m.pk: m for m in form.municipalities}

    def row(name):
        finding = by_field.get(name)
        key = finding.key if finding else None
        if key is None:
            jump = checks.jump_key(name)
            key = jump if jump in posted_explanations else None
        explain = form[checks.explain_field(key)] if key else None
        if finding is not None:
            # The finding describes the field too, beside its help text and its error.
            described = [form[name].aria_describedby or "", f"finding-{finding.key}"]
            form.fields[name].widget.attrs["aria-describedby"] = " ".join(p for p in described if p)
        return {"field": form[name], "finding": finding, "explain": explain}

    sections = [
        {
            "id": "intakter",
            "title": _("Intäkter"),
            "rows": [row(n) for n in ["income_state", "income_region"]]
            + [row(n) for n in form.fields if n.startswith("municipal__")]
            + [row(n) for n in ["income_other_public", "income_own"]],
        },
        {
            "id": "ekonomi",
            "title": _("Ekonomi och personal"),
            "rows": [row(n) for n in ["costs_total", "costs_staff", "staff_fte"]],
        },
    ]
    for area in form.areas:
        prefix = f"metric__{area.code}__"
        sections.append(
            {
                "id": f"verksamhet-{area.code}",
                "title": _("Verksamhet: %(area)s") % {"area": area.name},
                "rows": [row(n) for n in form.fields if n.startswith(prefix)],
            }
        )
    groups: dict = {}
    for municipality in form.municipalities:
        groups.setdefault(municipality.sub_region.name, []).append(
            form[reach_field(municipality.pk)]
        )
    submissions = list(
        report.contents.filter(number__gt=0).select_related("submitted_by").order_by("-number")
    )
    return render(
        request,
        "followup/report_form.html",
        {
            "report": report,
            "round": report.round,
            "organisation": report.organisation,
            "decision": decision,
            "form": form,
            "sections": sections,
            "reach_groups": list(groups.items()),
            "contributions": [form[contribution_field(a.pk)] for a in form.development_areas],
            "plan": plans.plan_for_year(report.round.year),
            "findings": found,
            "conflict": conflict,
            "conflict_lines": _conflict_lines(conflict, form, municipalities) if conflict else [],
            "files": services.current_files(report),
            "submissions": submissions,
            "reviews": list(report.reviews.select_related("decided_by")[:5]),
            "approved_sections": present(values, areas=form.areas, municipalities=municipalities)
            if report.is_approved()
            else [],
            "approved_reach": reach_lines(values, municipalities) if report.is_approved() else [],
            "history": AuditEntry.objects.about(report)[:30],
        },
        status=status,
    )


def _conflict_lines(conflict, form: ReportForm, municipalities) -> list[tuple[str, str]]:
    """What the co-author stored that differs from what this person typed, by label."""
    theirs = form.initial_from(conflict.stored)
    lines = []
    for name, field in form.fields.items():
        if name in ("version", "annual_report", "activity_report"):
            continue
        mine = form.data.get(name, "") or ""
        stored = theirs.get(name)
        shown = field.prepare_value(stored) if stored is not None else ""
        if str(shown).replace("\u00a0", " ").strip() != str(mine).replace("\u00a0", " ").strip():
            lines.append((str(field.label), str(shown) or _("tomt")))
    return lines


@login_required
@require_POST
def report_file_remove(request, year, slug, pk):
    round, organisation, _decision = reporting_organisation(request, year, slug)
    report = get_object_or_404(AnnualReport, round=round, organisation=organisation)
    file = get_object_or_404(ReportFile, pk=pk, report=report, removed_at__isnull=True)
    try:
        services.remove_file(file=file, actor=request.user)
    except services.ReportApproved:
        messages.error(request, _("Rapporten är redan godkänd och kan inte ändras."))
    else:
        messages.success(request, _("Filen %(name)s är borttagen.") % {"name": file.filename})
    return redirect(report.form_url())


@login_required
@require_safe
def report_file(request, pk):
    """A report's file: for its organisation's representatives, and for the officials once
    it has been submitted with a version (a draft's file is the organisation's own)."""
    file = get_object_or_404(ReportFile.objects.select_related("report__organisation"), pk=pk)
    organisation = file.report.organisation
    own = may(request.user, "followup.report_for", organisation)
    submitted = file.contents.filter(number__gt=0).exists()
    if not (own or (is_official(request) and submitted)):
        raise Http404
    return uploads.serve(file.file, filename=file.filename, content_type=file.content_type)
