from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from forums import coverage, ical, services
from forums.forms import (
    AUDIENCE_FIELDS,
    AgendaFormSet,
    AudienceRuleForm,
    DocumentForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    ReplyForm,
    SendForm,
    SessionFormSet,
    session_initial,
)
from forums.models import (
    Audience,
    ForumType,
    Invitation,
    Meeting,
    MeetingDocument,
    Minutes,
    Network,
)
from kulturplan.models import CulturePlan
from kulturplan.overview import SHARED_FROM, matrix
from kulturportal import exports, uploads
from kulturportal.caching import personal_page, public_page, uncacheable
from kulturportal.models import AuditEntry, Municipality, OutgoingEmail
from kulturportal.rules import may
from kulturportal.text import person_label, swedish_sort_key

# --- Access helpers: outsiders get 404, not a hint ---------------------------------------------


def _meeting_for_viewer(request, pk) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("network", "host_municipality", "institution"), pk=pk
    )
    if not may(request.user, "forums.see_meeting", meeting):
        raise Http404
    return meeting


def _require_official(request) -> None:
    if not may(request.user, "forums.manage_meetings"):
        raise PermissionDenied


def _meeting_for_official(request, pk) -> Meeting:
    _require_official(request)
    return get_object_or_404(Meeting.objects.select_related("network", "institution"), pk=pk)


# --- Public side ----------------------------------------------------------------------------


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
    meeting = _meeting_for_viewer(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
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
        },
    )


@require_safe
def document_download(request, pk, document_pk):
    meeting = _meeting_for_viewer(request, pk)
    document = get_object_or_404(MeetingDocument, pk=document_pk, meeting=meeting)
    return uploads.serve(
        document.file,
        filename=uploads.stored_name(document.file),
        content_type=document.content_type,
    )


@require_safe
def minutes_file(request, pk):
    meeting = _meeting_for_viewer(request, pk)
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
    meeting = _meeting_for_viewer(request, pk)
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


# --- Networks ---------------------------------------------------------------------------------


@login_required
@require_safe
def network_list(request):
    official = may(request.user, "forums.manage_meetings")
    networks = Network.objects.visible_to(request.user, official=official).order_by("form", "name")
    return render(
        request,
        "forums/network_list.html",
        {
            "networks": networks,
            "feed_types": ForumType.choices,
        },
    )


@login_required
@require_safe
def network_detail(request, slug):
    network = get_object_or_404(Network, slug=slug)
    if not may(request.user, "forums.see_network", network):
        raise Http404
    members = services.network_members(network)
    municipalities = {
        m.pk: m for m in Municipality.objects.filter(pk__in={r.municipality_id for r in members})
    }
    meetings = network.meetings.visible_to(request.user).for_listing().prefetch_related("documents")
    return render(
        request,
        "forums/network_detail.html",
        {
            "network": network,
            "members": [(r, municipalities.get(r.municipality_id)) for r in members],
            "meetings": meetings,
        },
    )


@login_required
@require_POST
def network_from_priorities(request):
    """One click on the priorities overview: the thematic network of a shared area."""
    _require_official(request)
    plan = get_object_or_404(CulturePlan, slug=request.POST.get("plan", ""))
    area = get_object_or_404(plan.development_areas, slug=request.POST.get("area", ""))
    municipalities = matrix(plan).municipalities_for(area)
    if len(municipalities) < SHARED_FROM:
        messages.error(request, _("Färre än tre kommuner prioriterar området."))
        return redirect("kulturplan:overview", slug=plan.slug)
    try:
        network = services.create_thematic_network(
            area=area, municipalities=municipalities, actor=request.user
        )
    except services.NetworkExists as exists:
        messages.info(request, _("Nätverket finns redan."))
        return redirect(exists.network)
    members = network.memberships.count()
    messages.success(
        request,
        ngettext(
            "Nätverket är skapat med %(count)s kulturchef.",
            "Nätverket är skapat med %(count)s kulturchefer.",
            members,
        )
        % {"count": members},
    )
    return redirect(network)


# --- Management ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    _require_official(request)
    return _meeting_form(request, Meeting(organiser=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _meeting_for_official(request, pk)
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
    meeting = _meeting_for_official(request, pk)
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
            "document_form": document_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_audience(request, pk):
    """One small form per kind of rule, each with only its own fields."""
    meeting = _meeting_for_official(request, pk)
    if request.method != "POST":
        return _render_audience(request, meeting)
    kind = request.POST.get("kind", "")
    if kind not in AUDIENCE_FIELDS:
        messages.error(request, _("Välj vilken sorts målgrupp du vill lägga till."))
        return _render_audience(request, meeting)
    form = AudienceRuleForm(request.POST, kind=kind)
    if not form.is_valid():
        return _render_audience(request, meeting, form)
    pasted = form.pasted
    if pasted is None or pasted.pairs:
        rule = form.save(commit=False)
        services.add_audience_rule(
            meeting=meeting, rule=rule, save_m2m=form.save_m2m, actor=request.user
        )
    if pasted is None or not pasted.to_mend:
        messages.success(request, _("Målgruppen är uppdaterad."))
        _duplicates_message(request, pasted)
        return redirect("forums:meeting_audience", pk=meeting.pk)
    # The good addresses are saved; the box keeps only what to mend, and the problems are
    # those of the box as it is now, so each line number points at its line.
    if pasted.pairs:
        messages.warning(
            request,
            ngettext(
                "%(count)s adress lades till. Rätta raderna nedan.",
                "%(count)s adresser lades till. Rätta raderna nedan.",
                len(pasted.pairs),
            )
            % {"count": len(pasted.pairs)},
        )
    _duplicates_message(request, pasted)
    return _render_audience(request, meeting, _pasted_to_mend(pasted))


def _pasted_to_mend(pasted) -> AudienceRuleForm:
    form = AudienceRuleForm({"emails": "\n".join(pasted.to_mend)}, kind=Audience.EMAILS)
    form.is_valid()
    problems = form.pasted.problems if form.pasted else []
    form.add_error("emails", problems or _("Rätta raderna."))
    return form


def _duplicates_message(request, pasted) -> None:
    if pasted and pasted.duplicates:
        messages.info(
            request,
            ngettext(
                "%(count)s adress stod med mer än en gång och lades till en gång.",
                "%(count)s adresser stod med mer än en gång och lades till en gång.",
                pasted.duplicates,
            )
            % {"count": pasted.duplicates},
        )


def _render_audience(request, meeting, bound=None):
    forms = [
        bound if bound is not None and bound.kind == kind else AudienceRuleForm(kind=kind)
        for kind in AUDIENCE_FIELDS
    ]
    rules = meeting.audience_rules.select_related("network", "organisation").prefetch_related(
        "sub_regions", "people"
    )
    return render(
        request,
        "forums/meeting_audience.html",
        {
            "meeting": meeting,
            "forms": forms,
            "rules": [(rule, _rule_details(rule)) for rule in rules],
            "recipient_count": len(services.resolve_audience(meeting)),
        },
    )


def _rule_details(rule) -> dict:
    """What the rule list shows of a rule: only its own kind's fields."""
    kind = rule.kind
    names = {
        Audience.MUNICIPAL_POLITICIANS: lambda: [r.name for r in rule.sub_regions.all()],
        Audience.NETWORK: lambda: [str(rule.network)] if rule.network else [],
        Audience.BODY: lambda: [str(rule.organisation)] if rule.organisation else [],
        Audience.CO_FINANCIERS: lambda: [str(rule.organisation)] if rule.organisation else [],
        Audience.PEOPLE: lambda: [person_label(p) for p in rule.people.all()],
    }
    if kind == Audience.EMAILS:
        lines = [line for line in rule.emails.splitlines() if line.strip()]
        return {"names": [], "pasted": lines}
    return {"names": names.get(kind, list)(), "pasted": []}


@login_required
@require_POST
def audience_rule_delete(request, pk, rule_pk):
    meeting = _meeting_for_official(request, pk)
    services.remove_audience_rule(meeting=meeting, rule_pk=rule_pk, actor=request.user)
    messages.success(request, _("Regeln är borttagen."))
    return redirect("forums:meeting_audience", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_send(request, pk):
    """The resolved list, who is missing, the exact e-mail, then the send button."""
    meeting = _meeting_for_official(request, pk)
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
    meeting = _meeting_for_official(request, pk)
    recipients = services.resolve_audience(meeting)
    if not recipients:
        raise Http404
    cover_note = request.session.get(_note_key(meeting), meeting.cover_note)
    preview = services.preview_email(meeting, recipients[0], cover_note=cover_note)
    response = HttpResponse(preview.html, content_type="text/html; charset=utf-8")
    # Set here, the header wins: the CSP middleware leaves a response's own policy alone.
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    meeting = _meeting_for_official(request, pk)
    if request.method == "POST":
        sent = services.cancel_meeting(meeting=meeting, actor=request.user)
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
    return render(request, "forums/meeting_cancel.html", {"meeting": meeting})


@login_required
@require_POST
def document_upload(request, pk):
    meeting = _meeting_for_official(request, pk)
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


# --- Replies: the officials' view -------------------------------------------------------------


@login_required
@require_safe
@personal_page
def meeting_replies(request, pk):
    meeting = _meeting_for_official(request, pk)
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
    attribute by attribute in the template; the resend address is reversed once."""
    placeholder = 999999999
    resend = reverse("forums:invitation_resend", args=[meeting.pk, placeholder])
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
                "email_status": email.get_status_display() if email else "",
                "email_error": email.last_error
                if email and email.status == OutgoingEmail.Status.FAILED
                else "",
                "resend_url": resend.replace(str(placeholder), str(invitation.pk)),
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
    gettext_lazy("Väntelista"),
    gettext_lazy("E-poststatus"),
]
EXPORT_WIDTHS = [28, 32, 16, 28, 14, 14, 30, 30, 30, 10, 14]


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
            _("ja") if i.waitlisted else "",
            i.last_email.get_status_display() if i.last_email else "",
        ]


@login_required
@require_safe
def replies_csv(request, pk):
    meeting = _meeting_for_official(request, pk)
    return exports.csv_response(f"svar-{meeting.pk}.csv", EXPORT_HEADERS, _export_rows(meeting))


@login_required
@require_safe
def replies_xlsx(request, pk):
    meeting = _meeting_for_official(request, pk)
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
    meeting = _meeting_for_official(request, pk)
    coming = meeting.invitations.for_reply_list().filter(
        response=Invitation.Response.ACCEPTED, waitlisted=False
    )
    return render(request, "forums/meeting_badges.html", {"meeting": meeting, "coming": coming})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = _meeting_for_official(request, pk)
    if request.method == "POST" and meeting.has_started():
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        services.mark_attendance(meeting=meeting, present_ids=present, actor=request.user)
        messages.success(request, _("Närvaron är sparad."))
        return redirect("forums:meeting_attendance", pk=meeting.pk)
    invitations = meeting.invitations.for_reply_list().filter(
        Q(response=Invitation.Response.ACCEPTED) | Q(attended=True)
    )
    return render(
        request,
        "forums/meeting_attendance.html",
        {
            "meeting": meeting,
            "invitations": invitations,
        },
        # A POST before the start is refused, and the page says why.
        status=409 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def invitation_resend(request, pk, invitation_pk):
    meeting = _meeting_for_official(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, meeting=meeting)
    services.resend(invitation=invitation, actor=request.user)
    messages.success(
        request, _("Inbjudan skickas igen till %(email)s.") % {"email": invitation.email}
    )
    return redirect("forums:meeting_replies", pk=meeting.pk)


# --- Minutes --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk):
    meeting = _meeting_for_official(request, pk)
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_review(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    if not may(request.user, "forums.adjust_minutes", minutes):
        raise Http404
    if request.method == "POST":
        published = services.approve_minutes(minutes=minutes, actor=request.user)
        messages.success(
            request,
            _("Tack! Anteckningarna är publicerade.")
            if published
            else _("Tack! Ditt godkännande är registrerat."),
        )
        return redirect("my_page")
    return render(
        request,
        "forums/minutes_review.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "approved": minutes.adjustments.filter(
                adjuster=request.user, approved_at__isnull=False
            ).exists(),
        },
    )


# --- The invitee's reply, without logging in ------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def reply(request, signed_token):
    invitation = _invitation_from_link(signed_token)
    if invitation is None:
        return render(
            request,
            "forums/reply_problem.html",
            {
                "problem": _(
                    "Länken fungerar inte. Kontrollera att du har kopierat hela länken "
                    "från e-postmeddelandet."
                ),
            },
            status=404,
        )
    meeting = invitation.meeting
    if not meeting.is_open_for_replies():
        problem = (
            _("Mötet är inställt. Du behöver inte svara.")
            if meeting.status == Meeting.Status.CANCELLED
            else _("Mötet har redan börjat, så svaret kan inte längre ändras.")
        )
        return render(
            request,
            "forums/reply_problem.html",
            {
                "problem": problem,
                "meeting": meeting,
                "invitation": invitation,
            },
            status=410,
        )
    # What is stored, for the page to say: validating the form writes the posted answer onto
    # its instance, which is not saved if the reply is refused.
    stored = {"has_replied": invitation.has_replied, "answer": invitation.get_response_display()}
    form = ReplyForm(request.POST or None, instance=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.record_reply(
                invitation=invitation,
                **{k: v for k, v in form.cleaned_data.items() if k in ReplyForm.Meta.fields},
                actor=request.user,
            )
        except services.ReplyRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            return render(
                request,
                "forums/reply_thanks.html",
                {
                    "invitation": invitation,
                    "meeting": meeting,
                },
            )
    return render(
        request,
        "forums/reply.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "form": form,
            "stored": stored,
            "sessions": meeting.sessions.all(),
            "agenda": meeting.agenda_items.all(),
        },
    )


def _invitation_from_link(signed_token: str):
    try:
        token = Invitation.token_from_signed(signed_token)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("meeting", "session")
        .prefetch_related(Prefetch("meeting__sessions"))
        .filter(token=token)
        .first()
    )
