"""Officials follow the replies: by answer, municipality and session; the exports, badges,
attendance and a resent invitation."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from forums import coverage, services
from forums.forms import WalkInForm
from forums.models import (
    Invitation,
)
from forums.views.access import meeting_for_official
from kulturportal import exports
from kulturportal.models import Municipality, OutgoingEmail
from kulturportal.text import swedish_sort_key


@login_required
@require_safe
def meeting_replies(request, pk):
    meeting = meeting_for_official(request, pk)
    invitations = meeting.invitations.all()
    summary = _reply_summary(invitations, unanswered=not meeting.is_draft)
    # Summaries are counted by the database; the list itself comes a page at a time.
    # Only what the rows show is joined (the exports take for_reply_list(), the people too).
    listed = invitations.select_related("municipality", "session", "last_email").order_by(
        "municipality__name", "name", "email"
    )
    paginator = Paginator(listed, REPLIES_PER_PAGE)
    paginator.count = summary["total"]  # already counted: no COUNT query of its own
    page = paginator.get_page(request.GET.get("sida"))
    is_round = meeting.is_sub_regional_round()
    return render(
        request,
        "forums/meeting_replies.html",
        {
            "meeting": meeting,
            "is_round": is_round,
            "page": page,
            "rows": _reply_rows(meeting, page),
            "counts": [
                (label, summary["by_response"].get(value, 0))
                for value, label in Invitation.Response.choices
            ],
            "waitlisted": summary["waitlisted"],
            "represented": summary["represented"],
            "municipality_total": Municipality.objects.count(),
            "by_municipality": summary["by_municipality"],
            "coverage": coverage.audience_coverage(meeting),
            "unanswered": summary["unanswered"],
            "by_session": meeting.sessions.annotate(
                coming=Count(
                    "invitations",
                    filter=Q(
                        invitations__response=Invitation.Response.ACCEPTED,
                        invitations__waitlisted=False,
                    ),
                )
            )
            if is_round
            else [],
        },
    )


REPLIES_PER_PAGE = 50


def _reply_summary(invitations, *, unanswered: bool) -> dict:
    """Every figure the replies page shows, from one grouped query: at most
    (municipalities + 1) x responses x 2 rows, however many were invited."""
    rows = invitations.values_list("municipality__name", "response", "waitlisted").annotate(
        n=Count("id")
    )
    by_response: Counter = Counter()
    invited: Counter = Counter()
    coming: Counter = Counter()
    answered: Counter = Counter()
    waitlisted = 0
    for name, response, on_waitlist, n in rows.order_by():
        by_response[response] += n
        invited[name] += n
        if on_waitlist:
            waitlisted += n
        elif response == Invitation.Response.ACCEPTED:
            coming[name] += n
        if response != Invitation.Response.NEEDS_ACTION:
            answered[name] += n
    # Swedish order (Å, Ä, Ö after Z), those without a municipality last.
    names = sorted(invited, key=lambda name: (name is None, swedish_sort_key(name or "")))
    return {
        "total": sum(invited.values()),
        "by_response": by_response,
        "waitlisted": waitlisted,
        "represented": sum(1 for name in names if name is not None and coming[name]),
        "by_municipality": [(name or _("Övriga"), invited[name], coming[name]) for name in names],
        # The municipalities with invitees of which none has answered.
        "unanswered": [name for name in names if name is not None and not answered[name]]
        if unanswered
        else [],
    }


def _reply_rows(meeting, page) -> list[dict]:
    """The page's invitees with what each row shows, worked out here rather than looked up
    attribute by attribute in the template."""
    responses = dict(Invitation.Response.choices)
    rows = []
    for invitation in page:
        email = invitation.last_email
        rows.append(
            {
                "name": invitation.name or invitation.email,
                "email": invitation.email,
                "substitute_name": invitation.substitute_name,
                "municipality": invitation.municipality,
                "response": responses.get(invitation.response, invitation.response),
                "waitlisted": invitation.waitlisted,
                "town": invitation.session.town if invitation.session else "",
                "needs": "; ".join(
                    need for need in (invitation.dietary_needs, invitation.access_needs) if need
                ),
                "comment": invitation.comment,
                "email_status": email.get_status_display() if email else "",
                "email_error": email.last_error
                if email and email.status == OutgoingEmail.Status.FAILED
                else "",
                "resend_url": reverse("forums:invitation_resend", args=[meeting.pk, invitation.pk]),
            }
        )
    return rows


EXPORT_HEADERS = [
    gettext_lazy("Namn"),
    gettext_lazy("E-post"),
    gettext_lazy("Kommun"),
    gettext_lazy("Organisation"),
    gettext_lazy("Svar"),
    gettext_lazy("Delmöte"),
    gettext_lazy("Kost"),
    gettext_lazy("Tillgänglighet"),
    gettext_lazy("Ersättare"),
    gettext_lazy("Meddelande"),
    gettext_lazy("Väntelista"),
    gettext_lazy("E-poststatus"),
]


EXPORT_WIDTHS = [28, 32, 16, 28, 14, 14, 30, 30, 30, 40, 10, 14]


def _export_rows(meeting):
    for i in meeting.invitations.for_reply_list().iterator(chunk_size=2000):
        yield [
            i.name,
            i.email,
            i.municipality.name if i.municipality else "",
            i.organisation.name if i.organisation else "",
            i.get_response_display(),
            i.session.town if i.session else "",
            i.dietary_needs,
            i.access_needs,
            " ".join(filter(None, [i.substitute_name, i.substitute_email])),
            i.comment,
            _("ja") if i.waitlisted else "",
            i.last_email.get_status_display() if i.last_email else "",
        ]


@login_required
@require_safe
def replies_csv(request, pk):
    meeting = meeting_for_official(request, pk)
    return exports.csv_response(f"svar-{meeting.pk}.csv", EXPORT_HEADERS, _export_rows(meeting))


@login_required
@require_safe
def replies_xlsx(request, pk):
    meeting = meeting_for_official(request, pk)
    return exports.xlsx_response(
        f"svar-{meeting.pk}.xlsx",
        EXPORT_HEADERS,
        _export_rows(meeting),
        sheet_title=_("Svar"),
        widths=EXPORT_WIDTHS,
    )


@login_required
@require_safe
def meeting_badges(request, pk):
    meeting = meeting_for_official(request, pk)
    coming = meeting.invitations.for_reply_list().filter(
        response=Invitation.Response.ACCEPTED, waitlisted=False
    )
    return render(request, "forums/meeting_badges.html", {"meeting": meeting, "coming": coming})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = meeting_for_official(request, pk)
    if request.method == "POST" and meeting.has_started():
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        services.mark_attendance(meeting=meeting, present_ids=present, actor=request.user)
        messages.success(request, _("Närvaron är sparad."))
        return redirect("forums:meeting_attendance", pk=meeting.pk)
    # A POST before the start is refused, and the page says why.
    return _render_attendance(
        request, meeting, WalkInForm(), 409 if request.method == "POST" else 200
    )


def _render_attendance(request, meeting, walk_in_form, status):
    invitations = meeting.invitations.for_reply_list().filter(
        Q(response=Invitation.Response.ACCEPTED) | Q(attended=True)
    )
    return render(
        request,
        "forums/meeting_attendance.html",
        {"meeting": meeting, "invitations": invitations, "walk_in_form": walk_in_form},
        status=status,
    )


@login_required
@require_POST
def attendance_walk_in(request, pk):
    """Someone at the door who is not on the list: added and marked present."""
    meeting = meeting_for_official(request, pk)
    form = WalkInForm(request.POST)
    if not meeting.has_started():
        return _render_attendance(request, meeting, form, 409)
    if not form.is_valid():
        return _render_attendance(request, meeting, form, 400)
    invitation = services.add_walk_in(
        meeting=meeting,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        municipality=form.cleaned_data["municipality"],
        actor=request.user,
    )
    messages.success(
        request,
        _("%(name)s är tillagd och markerad som närvarande.")
        % {"name": invitation.name or invitation.email},
    )
    return redirect("forums:meeting_attendance", pk=meeting.pk)


@login_required
@require_POST
def invitation_resend(request, pk, invitation_pk):
    meeting = meeting_for_official(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, meeting=meeting)
    services.resend(invitation=invitation, actor=request.user)
    messages.success(
        request, _("Inbjudan skickas igen till %(email)s.") % {"email": invitation.email}
    )
    return redirect("forums:meeting_replies", pk=meeting.pk)
