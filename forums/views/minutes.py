"""The minutes after the meeting: written by the official, approved by the adjusters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forums import services
from forums.forms import (
    ChangesRequestForm,
    MinutesForm,
)
from forums.models import (
    Meeting,
    Minutes,
)
from forums.views.access import meeting_for_official
from kulturportal.rules import may


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk):
    meeting = meeting_for_official(request, pk)
    # Nothing is written on GET: new minutes exist once they are first saved.
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    form = MinutesForm(
        request.POST or None,
        request.FILES or None,
        instance=minutes,
        initial={
            "adjusters": [a.adjuster for a in minutes.adjustments.all()] if minutes.pk else []
        },
    )
    if request.method == "POST" and not meeting.has_started():
        return render(
            request,
            "forums/minutes_form.html",
            {"meeting": meeting, "minutes": minutes},
            status=409,
        )
    if request.method == "POST" and form.is_valid():
        minutes = services.save_minutes(form=form, actor=request.user)
        adjusters = list(form.cleaned_data["adjusters"])
        if adjusters:
            services.send_minutes_for_review(
                minutes=minutes, adjusters=adjusters, actor=request.user
            )
            messages.success(request, _("Anteckningarna är skickade till justerarna."))
        else:
            services.publish_minutes(minutes=minutes, actor=request.user)
            messages.success(request, _("Minnesanteckningarna är publicerade."))
        return redirect(meeting)
    return render(
        request,
        "forums/minutes_form.html",
        {
            "meeting": meeting,
            "form": form,
            "minutes": minutes,
            "requests": minutes.adjustments.filter(changes_requested_at__isnull=False)
            .select_related("adjuster")
            .order_by("changes_requested_at")
            if minutes.pk
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_review(request, pk):
    """The adjuster reads the minutes, then approves them or asks for changes."""
    meeting = get_object_or_404(Meeting, pk=pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    if not may(request.user, "forums.adjust_minutes", minutes):
        raise Http404
    changes_form = ChangesRequestForm(request.POST if CHANGES in request.POST else None)
    if request.method == "POST" and minutes.status == Minutes.Status.IN_REVIEW:
        if APPROVE in request.POST:
            published = services.approve_minutes(minutes=minutes, actor=request.user)
            messages.success(
                request,
                _("Tack! Anteckningarna är publicerade.")
                if published
                else _("Tack! Ditt godkännande är registrerat."),
            )
            return redirect("my_page")
        if changes_form.is_valid():
            services.request_minutes_changes(
                minutes=minutes, comment=changes_form.cleaned_data["comment"], actor=request.user
            )
            messages.success(request, _("Tack! Tjänstepersonen har fått din begäran om ändringar."))
            return redirect("my_page")
    return render(
        request,
        "forums/minutes_review.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "mine": minutes.adjustments.filter(adjuster=request.user).first(),
            "changes_form": changes_form,
            "approve": APPROVE,
            "changes": CHANGES,
        },
        # A POST that neither approves nor asks for changes (or asks without saying what)
        # changes nothing.
        status=400 if request.method == "POST" else 200,
    )


APPROVE = "godkann"
CHANGES = "andringar"
