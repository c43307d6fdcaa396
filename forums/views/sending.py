"""Officials send the invitation: the resolved list, the cover note and the exact e-mail first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_safe

from forums import coverage, services
from forums.forms import (
    SendForm,
)
from forums.models import (
    Meeting,
)
from forums.views.access import meeting_for_official
from kulturportal.models import Municipality


@login_required
@require_http_methods(["GET", "POST"])
def meeting_send(request, pk):
    """The resolved list, who is missing, the exact e-mail, then the send button."""
    meeting = meeting_for_official(request, pk)
    recipients = services.resolve_audience(meeting)
    problems = services.validate_schedulable(meeting, recipients)
    data = request.POST if request.method == "POST" else None
    form = SendForm(data, initial={"cover_note": meeting.cover_note})
    previewing = PREVIEW in request.POST
    if request.method == "POST" and not problems and not previewing and form.is_valid():
        try:
            return _send(request, meeting, form.cleaned_data["cover_note"])
        except ValidationError as error:
            problems = error.messages
    if previewing:
        form.is_valid()
    context = _send_context(meeting, recipients, problems, form)
    # The framed preview shows the note this page shows, however long it is.
    request.session[_note_key(meeting)] = context["cover_note"]
    return render(request, "forums/meeting_send.html", context)


PREVIEW = "forhandsgranska"


def _note_key(meeting) -> str:
    return f"forums.cover_note.{meeting.pk}"


def _send_context(meeting, recipients, problems, form) -> dict:
    municipalities = {m.pk: m for m in Municipality.objects.all()}
    already = set(meeting.invitations.values_list("email", flat=True))
    cover_note = _typed_cover_note(form, meeting)
    preview = (
        services.preview_email(meeting, recipients[0], cover_note=cover_note)
        if recipients
        else None
    )
    return {
        "meeting": meeting,
        "recipients": [
            (r, municipalities.get(r.municipality_id), r.email in already) for r in recipients
        ],
        "new_count": sum(1 for r in recipients if r.email not in already),
        "municipality_count": len({r.municipality_id for r in recipients if r.municipality_id}),
        "coverage": coverage.audience_coverage(meeting),
        "preview": preview,
        "preview_url": reverse("forums:meeting_send_preview", args=[meeting.pk]),
        "preview_button": PREVIEW,
        "cover_note": cover_note,
        "problems": problems,
        "form": form,
    }


def _typed_cover_note(form, meeting) -> str:
    """The note as typed, if it can be sent; otherwise the stored one."""
    if form.is_bound and form.is_valid():
        return form.cleaned_data["cover_note"]
    return "" if form.is_bound else meeting.cover_note


def _send(request, meeting, cover_note: str):
    if meeting.status == Meeting.Status.DRAFT:
        sent = services.schedule_and_invite(
            meeting=meeting, cover_note=cover_note, actor=request.user
        )
    else:
        sent = services.invite_more(meeting=meeting, cover_note=cover_note, actor=request.user)
    messages.success(
        request,
        ngettext(
            "Inbjudan skickas till %(count)s mottagare.",
            "Inbjudan skickas till %(count)s mottagare.",
            sent,
        )
        % {"count": sent},
    )
    return redirect("forums:meeting_replies", pk=meeting.pk)


# The e-mail as the recipient sees it, in a sandboxed frame on the send page: nothing in it
# may run, load or be framed elsewhere.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


@login_required
@require_safe
@xframe_options_sameorigin
def meeting_send_preview(request, pk):
    meeting = meeting_for_official(request, pk)
    recipients = services.resolve_audience(meeting)
    if not recipients:
        raise Http404
    cover_note = request.session.get(_note_key(meeting), meeting.cover_note)
    preview = services.preview_email(meeting, recipients[0], cover_note=cover_note)
    response = HttpResponse(preview.html, content_type="text/html; charset=utf-8")
    # Set here, the header wins: the CSP middleware leaves a response's own policy alone.
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response
