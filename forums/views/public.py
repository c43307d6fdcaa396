"""The public side: the meetings by forum type, year and sub-region, one meeting with its
documents and minutes, and the calendar feeds."""

from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from forums import ical
from forums.forms import (
    MeetingFilterForm,
)
from forums.models import (
    Adjustment,
    ForumType,
    Meeting,
    MeetingDocument,
    Minutes,
    Network,
)
from forums.views.access import meeting_for_viewer
from kulturportal import panels, uploads
from kulturportal.caching import public_page, uncacheable
from kulturportal.rules import may

LIST_LENGTH = 40


FILTER_PARAMS = ("typ", "ar", "delregion")


@require_safe
@public_page(params=FILTER_PARAMS)
def meeting_list(request):
    networks = Network.objects.order_by("name")
    meetings = Meeting.objects.visible_to(request.user).for_listing()
    years = sorted({d.year for d in meetings.dates("starts_at", "year")}, reverse=True)
    form = MeetingFilterForm(_filter_params(request), years=years, networks=networks)
    if form.is_bound and form.is_valid():
        meetings = _filtered(meetings, form.cleaned_data)
    now = timezone.now()
    # The page stays the same size however many meetings there have been: a year's worth
    # ahead, and the latest ones behind (a year filter shows the rest).
    upcoming = meetings.filter(ends_at__gte=now)[:LIST_LENGTH]
    past = meetings.filter(ends_at__lt=now).order_by("-starts_at")[:LIST_LENGTH]
    response = render(
        request,
        "forums/meeting_list.html",
        {
            "form": form,
            "upcoming": upcoming,
            "past": past,
            "list_length": LIST_LENGTH,
            "forum_types": ForumType.choices,
            "may_manage": may(request.user, "forums.manage_meetings"),
        },
    )
    # Only valid filters are cached: made-up values must not fill the cache.
    return uncacheable(response) if form.is_bound and form.errors else response


def _filter_params(request) -> dict | None:
    data = {name: request.GET[name] for name in FILTER_PARAMS if request.GET.get(name)}
    return data or None


def _filtered(meetings, data):
    kind = data.get("typ") or ""
    if kind.startswith("natverk-"):
        meetings = meetings.filter(network__slug=kind.removeprefix("natverk-"))
    elif kind:
        meetings = meetings.filter(forum_type=kind)
    if data.get("ar"):
        meetings = meetings.filter(starts_at__year=data["ar"])
    if data.get("delregion"):
        sub_region = data["delregion"]
        meetings = meetings.filter(
            Q(host_municipality__sub_region=sub_region) | Q(sessions__town=sub_region.meeting_town)
        ).distinct()
    return meetings


@require_safe
@public_page
def meeting_detail(request, pk):
    meeting = meeting_for_viewer(request, pk)
    minutes = (
        Minutes.objects.filter(meeting=meeting)
        .prefetch_related(
            Prefetch(
                "adjustments",
                Adjustment.objects.filter(approved_at__isnull=False)
                .select_related("adjuster")
                .order_by("approved_at"),
                to_attr="approvals",
            )
        )
        .first()
    )
    my_invitation = None
    if request.user.is_authenticated:
        my_invitation = meeting.invitations.filter(user=request.user).first()
    return render(
        request,
        "forums/meeting_detail.html",
        {
            "meeting": meeting,
            "sessions": meeting.sessions.all(),
            "agenda": meeting.agenda_items.all(),
            "documents": meeting.documents.all(),
            "minutes": minutes if minutes and minutes.status == Minutes.Status.PUBLISHED else None,
            "my_invitation": my_invitation,
            "may_manage": may(request.user, "forums.manage_meetings"),
            "panels": panels.for_page(panels.MEETING, request, meeting=meeting),
        },
    )


@require_safe
def document_download(request, pk, document_pk):
    meeting = meeting_for_viewer(request, pk)
    document = get_object_or_404(MeetingDocument, pk=document_pk, meeting=meeting)
    return uploads.serve(
        document.file,
        filename=uploads.stored_name(document.file),
        content_type=document.content_type,
    )


@require_safe
def minutes_file(request, pk):
    meeting = meeting_for_viewer(request, pk)
    minutes = get_object_or_404(Minutes, meeting=meeting, status=Minutes.Status.PUBLISHED)
    return uploads.serve(
        minutes.file,
        filename=f"minnesanteckningar-{meeting.pk}.pdf",
        content_type="application/pdf",
        inline=True,
    )


def _calendar_response(meetings, name: str) -> HttpResponse:
    body = ical.feed_calendar(meetings.prefetch_related("agenda_items", "sessions"), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kulturportalen.ics"'
    return response


@require_safe
@public_page
def meeting_ics(request, pk):
    """One meeting as a calendar file, for "Lägg till i kalender": the feed's event, so it
    never clashes with a personal invitation to the same meeting."""
    meeting = meeting_for_viewer(request, pk)
    if meeting.is_draft:
        raise Http404
    meetings = Meeting.objects.filter(pk=meeting.pk)
    response = _calendar_response(meetings, meeting.title)
    response["Content-Disposition"] = f'attachment; filename="overlaggning-{meeting.pk}.ics"'
    return response


@require_safe
@public_page
def forum_feed(request, forum_type):
    if forum_type not in ForumType.values:
        raise Http404
    meetings = Meeting.objects.in_feed().filter(forum_type=forum_type)
    return _calendar_response(meetings, f"Kulturportalen – {ForumType(forum_type).label}")


@require_safe
@public_page
def network_feed(request, slug):
    network = get_object_or_404(Network, slug=slug)
    meetings = Meeting.objects.in_feed().filter(network=network)
    return _calendar_response(meetings, f"Kulturportalen – {network.name}")
