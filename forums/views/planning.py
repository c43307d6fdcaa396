"""Officials plan a meeting: the form with its sessions and agenda, the manage page with its
documents and history, and cancelling."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from forums import services
from forums.forms import (
    AgendaFormSet,
    CancelForm,
    DocumentForm,
    MeetingForm,
    SessionFormSet,
    session_initial,
)
from forums.models import (
    ForumType,
    Invitation,
    Meeting,
)
from forums.views.access import meeting_for_official, require_official
from kulturportal.models import AuditEntry


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_official(request)
    return _meeting_form(request, Meeting(organiser=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = meeting_for_official(request, pk)
    if meeting.status == Meeting.Status.CANCELLED:
        messages.error(request, _("Mötet är inställt och kan inte ändras."))
        return redirect(meeting)
    return _meeting_form(request, meeting)


ADD_AGENDA_ITEM = "lagg_till_punkt"


def _meeting_form(request, meeting):
    data = request.POST if request.method == "POST" else None
    adding = data is not None and ADD_AGENDA_ITEM in data
    if adding:
        data = _with_one_more_agenda_row(data)
    form = MeetingForm(data, instance=meeting)
    forum_type = data.get("forum_type", "") if data else meeting.forum_type
    round_ = forum_type == ForumType.SUB_REGIONAL
    sessions = _session_formset(data, meeting, forum_type)
    agenda = AgendaFormSet(data, instance=meeting, prefix="agenda")
    conflict = None
    if adding:
        # Only one more row: nothing is checked or saved yet.
        _without_errors(form, sessions, agenda)
    elif data and form.is_valid() and agenda.is_valid() and (not round_ or sessions.is_valid()):
        try:
            sent = services.save_meeting(
                form=form,
                # A meeting that is not a round keeps its sessions as they are.
                sessions=sessions if round_ else _no_sessions(meeting),
                agenda=agenda,
                base_version=form.cleaned_data.get("version"),
                notify=form.notify,
                actor=request.user,
            )
        except services.StaleMeeting as stale:
            conflict = stale
            # Keep everything typed; saving again is now a deliberate choice over theirs.
            form = _rebased(form, stale.current_version, meeting)
        else:
            _saved_message(request, sent)
            return redirect("forums:meeting_manage", pk=form.instance.pk)
    return render(
        request,
        "forums/meeting_form.html",
        {
            "form": form,
            "sessions": sessions,
            "agenda": agenda,
            "meeting": meeting,
            "conflict": conflict,
            "is_round": round_,
            "add_agenda_item": ADD_AGENDA_ITEM,
            "notification": _notification(meeting) if "notify" in form.fields else None,
        },
        status=409 if conflict else 200,
    )


def _notification(meeting) -> dict:
    """Who a change of a sent meeting is e-mailed to, for the line above the choice."""
    summary = services.notification_summary(meeting)
    parts = [
        ngettext("%(count)s kommer", "%(count)s kommer", summary["coming"]),
        ngettext("%(count)s har inte svarat", "%(count)s har inte svarat", summary["unanswered"]),
        ngettext("%(count)s kanske", "%(count)s kanske", summary["maybe"]),
    ]
    counts = [summary["coming"], summary["unanswered"], summary["maybe"]]
    if sum(counts) + summary.get("declined", 0) == summary["total"]:
        parts.append(
            ngettext("%(count)s kommer inte", "%(count)s kommer inte", summary["declined"])
        )
        counts.append(summary["declined"])
    listed = ", ".join(p % {"count": n} for p, n in zip(parts, counts, strict=True) if n)
    text = ngettext(
        "Ändrar du tid, plats, rubrik, beskrivning eller dagordning får %(count)s inbjuden "
        "en uppdatering",
        "Ändrar du tid, plats, rubrik, beskrivning eller dagordning får %(count)s inbjudna "
        "en uppdatering",
        summary["total"],
    ) % {"count": summary["total"]}
    return {
        "text": f"{text} ({listed})." if listed else f"{text}.",
        "round": meeting.is_sub_regional_round(),
    }


def _without_errors(form, *formsets) -> None:
    """Show what was typed without judging it: the form is only growing a row."""
    form._errors = ErrorDict()
    for formset in formsets:
        formset._non_form_errors = ErrorList()
        for each in formset.forms:
            each._errors = ErrorDict()


def _session_formset(data, meeting, forum_type):
    """The round's sessions; a meeting without any is offered the four usual towns."""
    has_sessions = meeting.pk is not None and meeting.sessions.exists()
    sessions = SessionFormSet(
        data,
        instance=meeting,
        prefix="sessions",
        forum_type=forum_type,
        initial=None if has_sessions else session_initial(),
    )
    if not has_sessions:
        sessions.extra = len(session_initial())
    return sessions


def _no_sessions(meeting):
    """A bound, empty sessions formset: saving it changes none of the meeting's sessions."""
    empty = {"sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"}
    sessions = SessionFormSet(empty, instance=meeting, prefix="sessions")
    sessions.is_valid()
    return sessions


def _with_one_more_agenda_row(data):
    data = data.copy()
    try:
        rows = int(data.get("agenda-TOTAL_FORMS", "0"))
    except ValueError:
        rows = 0
    data["agenda-TOTAL_FORMS"] = str(min(rows, MAX_AGENDA_ROWS - 1) + 1)
    return data


MAX_AGENDA_ROWS = 100


def _rebased(form, version: int, meeting):
    data = form.data.copy()
    data["version"] = str(version)
    rebound = MeetingForm(data, instance=Meeting.objects.get(pk=meeting.pk))
    rebound.is_valid()
    return rebound


def _saved_message(request, sent: int) -> None:
    if sent:
        messages.success(
            request,
            ngettext(
                "Mötet är ändrat. Den uppdaterade inbjudan skickas till %(count)s inbjuden.",
                "Mötet är ändrat. Den uppdaterade inbjudan skickas till %(count)s inbjudna.",
                sent,
            )
            % {"count": sent},
        )
    else:
        messages.success(request, _("Mötet är sparat."))


@login_required
@require_safe
def meeting_manage(request, pk):
    meeting = meeting_for_official(request, pk)
    return _render_manage(request, meeting, DocumentForm())


HISTORY_LENGTH = 30


def _render_manage(request, meeting, document_form, status=200):
    counts = Counter(meeting.invitations.values_list("response", flat=True))
    return render(
        request,
        "forums/meeting_manage.html",
        {
            "meeting": meeting,
            "history": AuditEntry.objects.about(meeting)[:HISTORY_LENGTH],
            "invited": sum(counts.values()),
            "coming": counts.get(Invitation.Response.ACCEPTED, 0),
            "documents": meeting.documents.all(),
            "sessions": meeting.sessions.all(),
            "document_form": document_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    """Three plain steps, no JavaScript: the reason, then "are you sure?" showing what the
    invitees will read, then the cancellation. Only the confirmation's button cancels."""
    meeting = meeting_for_official(request, pk)
    if meeting.is_cancelled:
        messages.info(request, _("Mötet är redan inställt."))
        return redirect(meeting)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not form.is_valid():
        return _render_cancel(request, meeting, form, confirming=False, status=400)
    if request.method == "POST" and not form.confirmed:
        return _render_cancel(request, meeting, form, confirming="andra" not in request.POST)
    if request.method == "POST":
        sent = services.cancel_meeting(
            meeting=meeting, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(
            request,
            ngettext(
                "Mötet är inställt. Avbokningen skickas till %(count)s inbjuden.",
                "Mötet är inställt. Avbokningen skickas till %(count)s inbjudna.",
                sent,
            )
            % {"count": sent},
        )
        return redirect(meeting)
    return _render_cancel(request, meeting, form, confirming=False)


def _render_cancel(request, meeting, form, *, confirming: bool, status: int = 200):
    recipients = meeting.invitations.count() if meeting.is_scheduled else 0
    context = {"meeting": meeting, "form": form, "confirming": confirming, "recipients": recipients}
    return render(request, "forums/meeting_cancel.html", context, status=status)


@login_required
@require_POST
def document_upload(request, pk):
    meeting = meeting_for_official(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.upload_document(
            meeting=meeting,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
        messages.success(request, _("Handlingen är uppladdad."))
        return redirect("forums:meeting_manage", pk=meeting.pk)
    return _render_manage(request, meeting, form, status=400)
