"""Officials: the invitation, the referral board with its reminder, publishing the responses
and the report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultations import services
from consultations.models import (
    Response,
)
from consultations.views.access import round_for_official
from kulturportal import boards


@login_required
@require_safe
def referral_board(request, slug):
    round = round_for_official(request, slug)
    reminders = boards.reminders_sent(round)
    return render(
        request,
        "consultations/referral_board.html",
        {
            "round": round,
            "board": services.referral_board(round),
            "is_open": round.is_open(),
            "reminders": reminders,
            "reminded_today": boards.reminded_today(reminders),
        },
    )


@login_required
@require_POST
def remind(request, slug):
    round = round_for_official(request, slug)
    try:
        count = services.remind_missing(round=round, actor=request.user)
    except services.RoundClosed:
        messages.error(request, _("Omgången är inte öppen; ingen påminnelse skickades."))
    except services.AlreadyReminded:
        messages.error(request, _("En påminnelse har redan skickats i dag."))
    except services.NoOneToRemind:
        messages.error(request, _("Det finns ingen att påminna."))
    else:
        messages.success(
            request,
            ngettext(
                "En påminnelse skickas till %(count)s mottagare.",
                "Påminnelser skickas till %(count)s mottagare.",
                count,
            )
            % {"count": count},
        )
    return redirect("consultations:referral_board", slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication(request, slug):
    round = round_for_official(request, slug)
    if request.method == "POST":
        try:
            count = services.publish_responses(round=round, actor=request.user)
        except services.RoundStillOpen:
            messages.error(request, _("Svaren publiceras först när sista svarsdagen har passerat."))
        else:
            messages.success(
                request,
                ngettext("%(count)s svar är publicerat.", "%(count)s svar är publicerade.", count)
                % {"count": count},
            )
        return redirect("consultations:publication", slug=slug)
    responses = list(
        Response.objects.submitted()
        .filter(round=round)
        .with_respondent()
        .select_related("current_submission")
        .order_by("organisation__name", "municipality__name")
    )
    return render(
        request,
        "consultations/publication.html",
        {"round": round, "responses": responses, "has_closed": round.has_closed()},
    )


@login_required
@require_POST
def report_manage(request, slug):
    round = round_for_official(request, slug)
    summary = request.POST.get("summary", "")[:10000]
    try:
        services.publish_report(round=round, summary=summary, actor=request.user)
    except services.RoundStillOpen:
        messages.error(request, _("Redogörelsen publiceras först när omgången har stängt."))
    except services.ResponsesNotPublished:
        messages.error(
            request, _("Publicera svaren först: redogörelsen citerar de publicerade svaren.")
        )
    else:
        messages.success(request, _("Samrådsredogörelsen är publicerad."))
    return redirect("consultations:report", slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, slug):
    """The resolved list of who the invitation reaches, then one click sends it."""
    round = round_for_official(request, slug)
    if request.method == "POST":
        try:
            count = services.invite(round=round, actor=request.user)
        except services.RoundClosed:
            messages.error(request, _("Omgången har stängt; ingen inbjudan skickades."))
        else:
            messages.success(
                request,
                ngettext(
                    "Inbjudan skickas till %(count)s ny mottagare.",
                    "Inbjudan skickas till %(count)s nya mottagare.",
                    count,
                )
                % {"count": count},
            )
        return redirect("consultations:invitation", slug=slug)
    return render(
        request,
        "consultations/invitation.html",
        {
            "round": round,
            "invitees": services.invitees(round),
            "organisations": services.audience_organisations(round).count(),
            "unreachable": services.unreachable(round),
        },
    )
