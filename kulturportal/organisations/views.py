"""Registering an organisation, asking to represent one, and deciding such requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kulturportal.caching import public_page
from kulturportal.models import ActivityArea, MembershipRequest, Organisation
from kulturportal.organisations import services as organisations
from kulturportal.organisations.forms import (
    MembershipRequestForm,
    OrganisationRegistrationForm,
    OrganisationReviewForm,
)
from kulturportal.rules import may

DECIDE = "kulturportal.decide_membership"


def _verify_email_first(request):
    """Only a confirmed address can take a role: the decisions are sent there."""
    return render(request, "kulturportal/organisations/verify_email.html", status=403)


@require_safe
@public_page
def organisation_detail(request, slug):
    """An organisation's public page: what the register holds about it, and nothing of its
    people (what search and the open data show of it, too)."""
    organisation = get_object_or_404(
        Organisation.objects.select_related("host_municipality").prefetch_related(
            "co_financing_municipalities"
        ),
        slug=slug,
    )
    # Until an official approves a registration, only its own people see it: a look-alike
    # must not stand beside the real organisation in public.
    if not organisation.is_approved() and not may(
        request.user, "kulturportal.act_for_organisation", organisation
    ):
        raise Http404
    return render(
        request,
        "kulturportal/organisations/detail.html",
        {
            "organisation": organisation,
            "activity_areas": ActivityArea.objects.filter(code__in=organisation.activity_areas),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request):
    if not organisations.has_verified_email(request.user):
        return _verify_email_first(request)
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisations.register_organisation(
                actor=request.user, **form.cleaned_data
            )
        except organisations.DuplicateOrganisation as duplicate:
            form.add_duplicate(duplicate.existing)
        else:
            messages.success(
                request,
                _(
                    "%(name)s är registrerad och du är organisationens företrädare. Region "
                    "Skåne granskar registreringen, oftast inom två arbetsdagar: du får besked "
                    "med e-post. Under tiden kan du skriva utkast till svar, men inte skicka "
                    "in dem."
                )
                % {"name": organisation.name},
            )
            return redirect("my_page")
    return render(request, "kulturportal/organisations/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_join(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not organisations.has_verified_email(request.user):
        return _verify_email_first(request)
    already = organisations.represents(request.user, organisation)
    pending = (
        None
        if already
        else organisation.membership_requests.filter(
            user=request.user, status=MembershipRequest.Status.PENDING
        ).first()
    )
    # Bound on every POST: the one field is optional, so an empty POST is a valid request.
    form = MembershipRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            organisations.request_membership(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except organisations.AlreadyRepresents:
            already, status = True, 409
        except organisations.RequestPending as refused:
            pending = refused.pending or pending
            status = 409
            messages.error(
                request,
                _("Du har redan en ansökan om att företräda %(name)s som väntar på beslut.")
                % {"name": organisation.name},
            )
        else:
            messages.success(
                request,
                _(
                    "Din ansökan om att företräda %(name)s är skickad. Organisationens "
                    "företrädare eller Region Skånes handläggare beslutar, och du får besked "
                    "via e-post."
                )
                % {"name": organisation.name},
            )
            return redirect("my_page")
    elif request.method == "POST" and (already or pending):
        status = 409
    return render(
        request,
        "kulturportal/organisations/join.html",
        {
            "organisation": organisation,
            "form": form,
            "already_represents": already,
            "pending": pending,
        },
        status=status,
    )


def _decidable(user, organisation) -> bool:
    return may(user, DECIDE, organisation)


@login_required
@require_safe
def organisation_requests(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not _decidable(request.user, organisation):
        raise Http404  # another organisation's requests are not even said to exist
    requests = organisation.membership_requests.select_related("user", "decided_by")
    pending = requests.filter(status=MembershipRequest.Status.PENDING).order_by("created_at")
    decided = requests.exclude(status=MembershipRequest.Status.PENDING).order_by("-decided_at")
    return render(
        request,
        "kulturportal/organisations/requests.html",
        {
            "organisation": organisation,
            "pending": list(pending),
            "decided": list(decided[:20]),
        },
    )


@login_required
@require_POST
def membership_approve(request, pk):
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def membership_decline(request, pk):
    return _decide(request, pk, approve=False)


def _decide(request, pk, *, approve: bool):
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user", "organisation"), pk=pk
    )
    organisation = membership_request.organisation
    if not _decidable(request.user, organisation):
        raise Http404
    requester = membership_request.user.get_full_name() or membership_request.user.email
    try:
        organisations.decide_membership(
            membership_request=membership_request, actor=request.user, approve=approve
        )
    except organisations.AlreadyDecided as decided:
        earlier = decided.membership_request
        messages.error(request, _already_decided_message(earlier, requester))
    else:
        if approve:
            text = _("%(person)s företräder nu %(name)s och har fått besked via e-post.")
        else:
            text = _("Ansökan från %(person)s är avslagen och hen har fått besked via e-post.")
        messages.success(request, text % {"person": requester, "name": organisation.name})
    return redirect("organisation_requests", slug=organisation.slug)


def _already_decided_message(earlier: MembershipRequest, requester: str) -> str:
    values = {
        "person": requester,
        "who": str(earlier.decided_by) if earlier.decided_by else _("någon annan"),
        "when": date_format(localtime(earlier.decided_at), "j F Y, H.i")
        if earlier.decided_at
        else "–",
    }
    if earlier.status == MembershipRequest.Status.APPROVED:
        text = _(
            "Ansökan från %(person)s är redan godkänd (av %(who)s, %(when)s) och kan inte "
            "beslutas igen."
        )
    else:
        text = _(
            "Ansökan från %(person)s är redan avslagen (av %(who)s, %(when)s) och kan inte "
            "beslutas igen."
        )
    return text % values


# --- Officials: registrations waiting for review --------------------------------------------


def _require_official(request) -> None:
    if not may(request.user, "kulturportal.manage_portal"):
        raise PermissionDenied


@login_required
@require_safe
def organisation_review_list(request):
    _require_official(request)
    return _review_page(request)


def _review_page(request, bound: dict | None = None, status: int = 200):
    registrations = organisations.pending_registrations()
    bound = bound or {}
    rows = [
        (
            registration,
            bound.get(registration.organisation.pk)
            or OrganisationReviewForm(prefix=_prefix(registration.organisation)),
        )
        for registration in registrations
    ]
    return render(request, "kulturportal/organisations/review.html", {"rows": rows}, status=status)


def _prefix(organisation) -> str:
    # One form per organisation on the page: fields and ids of their own.
    return f"o{organisation.pk}"


@login_required
@require_POST
def organisation_review(request, pk):
    _require_official(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationReviewForm(request.POST, prefix=_prefix(organisation))
    if not form.is_valid():
        return _review_page(request, {organisation.pk: form}, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        organisations.review_registration(
            organisation=organisation,
            approve=approve,
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except organisations.AlreadyReviewed:
        messages.error(
            request,
            _("%(name)s är redan granskad av någon annan.") % {"name": organisation.name},
        )
    else:
        text = (
            _("%(name)s är godkänd. Den som registrerade den har fått besked.")
            if approve
            else _("%(name)s är avslagen. Den som registrerade den har fått besked.")
        )
        messages.success(request, text % {"name": organisation.name})
    return redirect("organisation_review_list")
