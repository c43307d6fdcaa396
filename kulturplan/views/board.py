"""Officials: the completion board and the reminder to the missing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from kulturplan import services
from kulturplan.board import NO_CONTACT, completion
from kulturplan.views.access import plan_for_official
from kulturportal import boards


@login_required
@require_safe
def completion_board(request, slug):
    plan = plan_for_official(request, slug)
    window = services.window_for(plan)
    reminders = boards.reminders_sent(window) if window else []
    return render(
        request,
        "kulturplan/completion_board.html",
        {
            "plan": plan,
            "board": completion(plan),
            "no_contact": NO_CONTACT,
            "window": window,
            "reminded_today": boards.reminded_today(reminders),
            "reminders": reminders,
        },
    )


@login_required
@require_POST
def send_reminders(request, slug):
    plan = plan_for_official(request, slug)
    window = services.window_for(plan)
    if window is None:
        raise Http404
    try:
        sent = services.send_reminders(window=window, actor=request.user)
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
