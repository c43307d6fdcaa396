"""Officials: a year's reporting round, its completion board and reminder, the review of each
submitted report, and the Områdesfördelning."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from followup import outputs, plans, services
from followup.board import NO_CONTACT, completion
from followup.forms import ReviewForm, RoundForm
from followup.models import AnnualReport, FundingDecision, ReportContent
from followup.presenting import present, reach_lines
from followup.values import values_of, with_children
from followup.views.access import report_for_official, require_official, round_for_official
from followup.views.manage import _manage_page, years_without_round
from kulturportal import boards, exports
from kulturportal.models import AuditEntry, Municipality


@login_required
@require_POST
def round_open(request):
    require_official(request)
    form = RoundForm(request.POST, years=years_without_round())
    if not form.is_valid():
        return _manage_page(request, form, status=400)
    try:
        round = services.open_round(**form.cleaned_data, actor=request.user)
    except services.RoundExists:
        messages.error(request, _("Rapporteringen för året är redan öppnad."))
        return redirect("followup:manage")
    except services.NoDecisions:
        form.add_error("year", _("Det finns inga beslut för året."))
        return _manage_page(request, form, status=400)
    messages.success(
        request,
        _("Rapporteringen för %(year)s är öppnad och organisationerna har fått besked.")
        % {"year": round.year},
    )
    return redirect("followup:round_manage", year=round.year)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_manage(request, year):
    round = round_for_official(request, year)
    form = RoundForm(
        request.POST or None,
        initial={"deadline": round.deadline, "jump_threshold": round.jump_threshold},
    )
    if request.method == "POST" and form.is_valid():
        services.change_round(round=round, **form.cleaned_data, actor=request.user)
        messages.success(request, _("Rapporteringen är ändrad."))
        return redirect("followup:round_manage", year=year)
    reports = list(
        AnnualReport.objects.filter(round=round)
        .select_related("organisation", "current_submission")
        .order_by("organisation__name")
    )
    for report in reports:
        report.round = round
    by_status = {status: [] for status, _label in AnnualReport.Status.choices}
    for report in reports:
        by_status[report.status].append(report)
    return render(
        request,
        "followup/round_manage.html",
        {
            "round": round,
            "form": form,
            "to_review": by_status[AnnualReport.Status.SUBMITTED],
            "returned": by_status[AnnualReport.Status.RETURNED],
            "approved": by_status[AnnualReport.Status.APPROVED],
            "expected": FundingDecision.objects.filter(year=year).count(),
            "history": AuditEntry.objects.about(round)[:30],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def board(request, year):
    round = round_for_official(request, year)
    reminders = boards.reminders_sent(round)
    return render(
        request,
        "followup/board.html",
        {
            "round": round,
            "board": completion(round),
            "no_contact": NO_CONTACT,
            "reminded_today": boards.reminded_today(reminders),
            "reminders": reminders,
        },
    )


@login_required
@require_POST
def remind(request, year):
    round = round_for_official(request, year)
    try:
        sent = services.send_reminders(round=round, actor=request.user)
    except services.AlreadyReminded:
        messages.error(
            request, _("Påminnelsen är redan skickad i dag. Nästa kan skickas i morgon.")
        )
    except services.NoOneToRemind:
        messages.info(
            request,
            _("Det finns ingen att påminna: alla har rapporterat, eller saknar kontaktuppgifter."),
        )
    else:
        messages.success(
            request,
            ngettext(
                "Påminnelsen är skickad till %(count)s mottagare.",
                "Påminnelsen är skickad till %(count)s mottagare.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("followup:board", year=year)


@login_required
@require_safe
def review(request, year, pk):
    report = report_for_official(request, year, pk)
    return _review_page(request, report, ReviewForm())


def _review_page(request, report, form, status=200):
    contents = list(
        with_children(ReportContent.objects.filter(report=report, number__gt=0))
        .select_related("submitted_by")
        .prefetch_related("files")
        .order_by("-number")
    )
    shown = next((c for c in contents if c.pk == report.current_submission_id), None)
    context = services.check_context(report)
    municipalities = {m.pk: m for m in Municipality.objects.for_listing()}
    decision = context.decision
    values = values_of(shown) if shown else None
    titles = {a.pk: a.title for a in plans.development_areas(report.round.year)}
    return render(
        request,
        "followup/review.html",
        {
            "report": report,
            "round": report.round,
            "organisation": report.organisation,
            "decision": decision,
            "shown": shown,
            "versions": contents,
            "sections": present(
                values,
                areas=decision.areas() if decision else [],
                municipalities=municipalities,
                previous=context.previous,
            )
            if values
            else [],
            "previous_year": context.previous_year if context.previous else None,
            "reach": reach_lines(values, municipalities) if values else [],
            "contributions": [
                (titles.get(pk, ""), text) for pk, text in values.contributions.items()
            ]
            if values
            else [],
            "findings": shown.findings if shown else [],
            "form": form,
            "reviews": list(report.reviews.select_related("decided_by", "content")),
            "history": AuditEntry.objects.about(report)[:30],
        },
        status=status,
    )


@login_required
@require_POST
def approve(request, year, pk):
    report = report_for_official(request, year, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, report, form, status=400)
    try:
        services.approve(report=report, comment=form.cleaned_data["comment"], actor=request.user)
    except services.NotAwaitingReview:
        messages.error(request, _("Rapporten väntar inte på granskning."))
    else:
        messages.success(
            request,
            _("Rapporten från %(name)s är godkänd. Siffrorna är nu offentliga.")
            % {"name": report.organisation.name},
        )
    return redirect("followup:review", year=year, pk=report.pk)


@login_required
@require_POST
def return_report(request, year, pk):
    report = report_for_official(request, year, pk)
    form = ReviewForm(request.POST)
    if form.is_valid() and not form.cleaned_data["comment"].strip():
        form.add_error("comment", _("Skriv vad organisationen behöver komplettera."))
    if not form.is_valid():
        return _review_page(request, report, form, status=400)
    try:
        services.return_report(
            report=report, comment=form.cleaned_data["comment"], actor=request.user
        )
    except services.NotAwaitingReview:
        messages.error(request, _("Rapporten väntar inte på granskning."))
    else:
        messages.success(
            request,
            _("Rapporten är återsänd till %(name)s för komplettering.")
            % {"name": report.organisation.name},
        )
    return redirect("followup:review", year=year, pk=report.pk)


@login_required
@require_safe
def distribution(request, year):
    round = round_for_official(request, year)
    return render(
        request,
        "followup/distribution.html",
        {
            "round": round,
            "distribution": outputs.distribution(year, round),
            "confirmation": outputs.confirmation_text(year),
        },
    )


@login_required
@require_safe
def distribution_export(request, year):
    round = round_for_official(request, year)
    sheets = outputs.distribution_sheets(outputs.distribution(year, round))
    return exports.workbook_response(f"omradesfordelning-{year}.xlsx", sheets)


@login_required
@require_POST
def distribution_confirm(request, year):
    round = round_for_official(request, year)
    services.confirm_distribution(round=round, actor=request.user)
    messages.success(request, _("Områdesfördelningen är bekräftad."))
    return redirect("followup:distribution", year=year)
