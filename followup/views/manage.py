"""Officials: the follow-up's start page, funding decisions by hand, and the import of a
spreadsheet of decisions with its preview."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from followup import importing, services
from followup.forms import DecisionForm, ImportForm, RoundForm, decision_initial
from followup.models import AnnualReport, DecisionImport, FundingDecision, ReportingRound
from followup.views.access import require_official
from kulturportal import exports
from kulturportal.models import ActivityArea, AuditEntry, Municipality


def years_without_round() -> list[int]:
    with_round = set(ReportingRound.objects.values_list("year", flat=True))
    years = FundingDecision.objects.values_list("year", flat=True).distinct().order_by("-year")
    return [y for y in years if y not in with_round]


@login_required
@require_safe
def manage(request):
    require_official(request)
    return _manage_page(request, RoundForm(years=years_without_round()))


def _manage_page(request, round_form, status=200):
    by_year = {
        row["year"]: row["n"]
        for row in FundingDecision.objects.values("year").annotate(n=Count("pk")).order_by()
    }
    rounds = {r.year: r for r in ReportingRound.objects.all()}
    reported = {
        row["round__year"]: row["n"]
        for row in AnnualReport.objects.submitted_or_approved()
        .values("round__year")
        .annotate(n=Count("pk"))
        .order_by()
    }
    years = sorted(set(by_year) | set(rounds), reverse=True)
    return render(
        request,
        "followup/manage.html",
        {
            "years": [
                {
                    "year": y,
                    "decisions": by_year.get(y, 0),
                    "round": rounds.get(y),
                    "reported": reported.get(y, 0),
                }
                for y in years
            ],
            "round_form": round_form,
            "imports": DecisionImport.objects.select_related("uploaded_by")[:5],
        },
        status=status,
    )


@login_required
@require_safe
def decisions(request, year):
    require_official(request)
    listed = list(FundingDecision.objects.for_year(year))
    areas = list(ActivityArea.objects.all())
    totals = {
        "state": sum((d.state_total for d in listed), Decimal(0)),
        "region": sum((d.region_grant for d in listed), Decimal(0)),
        "municipal": sum((d.municipal_total for d in listed), Decimal(0)),
    }
    totals["all"] = totals["state"] + totals["region"] + totals["municipal"]
    by_area = []
    for area in areas:
        amount = sum(
            (
                g.amount
                for d in listed
                for g in d.state_grants.all()
                if g.activity_area_id == area.pk
            ),
            Decimal(0),
        )
        by_area.append((area, amount))
    return render(
        request,
        "followup/decisions.html",
        {
            "year": year,
            "decisions": listed,
            "totals": totals,
            "by_area": by_area,
            "round": ReportingRound.objects.filter(year=year).first(),
        },
    )


@login_required
@require_safe
def decisions_export(request, year, fmt):
    """The year's decisions in the import format: edit and import back."""
    require_official(request)
    listed = FundingDecision.objects.for_year(year)
    rows = importing.rows_of(listed, spreadsheet=fmt == "xlsx")
    filename = f"beslut-{year}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(filename, importing.HEADERS, rows)
    return exports.xlsx_response(
        filename, importing.HEADERS, rows, sheet_title=_("Beslut"), widths=[20, 8, 10, 24, 10, 16]
    )


def _decision_form(request, decision=None):
    kwargs = {
        "areas": list(ActivityArea.objects.all()),
        "municipalities": list(Municipality.objects.for_listing()),
        "editing": decision is not None,
    }
    if request.method == "POST":
        return DecisionForm(request.POST, **kwargs)
    return DecisionForm(initial=decision_initial(decision) if decision else {}, **kwargs)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_new(request):
    require_official(request)
    form = _decision_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.save_decision(
                decision=None,
                organisation=form.cleaned_data["organisation"],
                year=form.cleaned_data["year"],
                lines=form.lines(),
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.DecisionExists as exists:
            form.add_error(
                "organisation",
                _("Organisationen har redan ett beslut för %(year)s. Ändra det i stället.")
                % {"year": exists.decision.year},
            )
        else:
            messages.success(request, _("Beslutet är registrerat."))
            return redirect("followup:decisions", year=decision.year)
    status = 400 if request.method == "POST" else 200
    return _decision_page(request, form, None, status)


def _decision_page(request, form, decision, status=200, conflict=None):
    return render(
        request,
        "followup/decision_form.html",
        {
            "form": form,
            "decision": decision,
            "state_fields": [form[f"state__{a.code}"] for a in form.areas],
            "municipal_fields": [form[f"municipal__{m.pk}"] for m in form.municipalities],
            "conflict": conflict,
            "history": AuditEntry.objects.about(decision)[:20] if decision else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_edit(request, pk):
    require_official(request)
    decision = get_object_or_404(FundingDecision.objects.with_lines(), pk=pk)
    form = _decision_form(request, decision)
    if request.method != "POST":
        return _decision_page(request, form, decision)
    if not form.is_valid():
        return _decision_page(request, form, decision, 400)
    try:
        services.save_decision(
            decision=decision,
            organisation=decision.organisation,
            year=decision.year,
            lines=form.lines(),
            reference=form.cleaned_data["reference"],
            note=form.cleaned_data["note"],
            base_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except services.StaleDecision as stale:
        data = request.POST.copy()
        data["version"] = str(stale.decision.version)
        form = DecisionForm(
            data, areas=form.areas, municipalities=form.municipalities, editing=True
        )
        form.is_valid()
        current = FundingDecision.objects.with_lines().get(pk=decision.pk)
        return _decision_page(request, form, current, 409, conflict=current)
    messages.success(request, _("Beslutet är ändrat."))
    return redirect("followup:decisions", year=decision.year)


@login_required
@require_POST
def decision_delete(request, pk):
    require_official(request)
    decision = get_object_or_404(FundingDecision.objects.select_related("organisation"), pk=pk)
    year = decision.year
    if decision.organisation.annual_reports.filter(round__year=year).exists():
        messages.error(
            request,
            _("Organisationen har påbörjat en årsrapport för året, så beslutet kan inte tas bort."),
        )
        return redirect("followup:decision_edit", pk=decision.pk)
    services.delete_decision(decision=decision, actor=request.user)
    messages.success(request, _("Beslutet är borttaget."))
    return redirect("followup:decisions", year=year)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    require_official(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.upload_decisions(upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("followup:import_preview", token=stored.token)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "followup/import_upload.html",
        {"form": form, "headers": importing.HEADERS},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_preview(request, token):
    require_official(request)
    stored = get_object_or_404(DecisionImport, token=token)
    if request.method == "POST":
        try:
            counts = services.import_decisions(stored=stored, actor=request.user)
        except services.ImportNotReady:
            messages.error(
                request, _("Filen kan inte importeras: den har fel eller är redan importerad.")
            )
            return redirect("followup:import_preview", token=stored.token)
        messages.success(
            request,
            _(
                "Importen är klar: %(created)s nya, %(changed)s ändrade och %(unchanged)s "
                "oförändrade beslut."
            )
            % counts,
        )
        return redirect("followup:manage")
    try:
        plan = services.preview(stored)
        problem = ""
    except importing.UnreadableFile as error:
        plan, problem = None, str(error)
    return render(
        request,
        "followup/import_preview.html",
        {
            "stored": stored,
            "plan": plan,
            "problem": problem,
            "areas": {a.pk: a for a in ActivityArea.objects.all()},
            "municipalities": {m.pk: m for m in Municipality.objects.all()},
        },
        status=200 if plan is not None else 400,
    )
