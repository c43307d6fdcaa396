import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kulturportal import panels, personal_data, retention, services
from kulturportal.caching import public_page
from kulturportal.forms import AcceptInvitationForm, DeleteAccountForm, RoleInvitationForm
from kulturportal.mfa import open_before_mfa
from kulturportal.models import (
    Municipality,
    Role,
    RoleAssignment,
    RoleInvitation,
    SubRegion,
    User,
    public_hosted_institutions,
)
from kulturportal.rules import may
from kulturportal.text import swedish_sort_key


@require_safe
@public_page
def home(request):
    return render(
        request,
        "kulturportal/home.html",
        {
            "panels": panels.for_page(panels.HOME, request),
            "sub_regions": SubRegion.objects.all(),
            "municipality_count": Municipality.objects.count(),
        },
    )


@require_safe
@public_page
def municipality_list(request):
    municipalities = sorted(
        Municipality.objects.for_listing(),
        key=lambda m: (m.sub_region.position, swedish_sort_key(m.name)),
    )
    return render(
        request,
        "kulturportal/municipality_list.html",
        {
            "municipalities": municipalities,
        },
    )


@require_safe
@public_page
def municipality_detail(request, slug):
    chiefs = RoleAssignment.objects.active().filter(role=Role.CULTURE_CHIEF).select_related("user")
    municipality = get_object_or_404(
        Municipality.objects.select_related("sub_region").prefetch_related(
            Prefetch("role_assignments", queryset=chiefs, to_attr="culture_chiefs"),
            public_hosted_institutions(),
        ),
        slug=slug,
    )
    return render(
        request,
        "kulturportal/municipality_detail.html",
        {
            "municipality": municipality,
            "panels": panels.for_page(panels.MUNICIPALITY, request, municipality=municipality),
        },
    )


@login_required
@require_safe
def my_page(request):
    user = request.user
    return render(
        request,
        "kulturportal/my_page.html",
        {
            "roles": user.active_roles,
            "panels": panels.for_page(panels.MY_PAGE, request),
            "manage_panels": panels.for_page(panels.MY_PAGE_MANAGE, request),
            "is_official": may(user, "kulturportal.manage_portal"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_person(request):
    if not may(request.user, "kulturportal.invite_to_role"):
        raise PermissionDenied
    form = RoleInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = services.invite_to_role(actor=request.user, **form.cleaned_data)
        messages.success(
            request, _("Inbjudan har skickats till %(email)s.") % {"email": invitation.email}
        )
        return redirect("invite_person")
    pending = RoleInvitation.objects.select_related("municipality", "organisation", "invited_by")
    return render(
        request,
        "kulturportal/invite_person.html",
        {
            "form": form,
            "invitations": pending[:50],
            "valid_days": settings.ROLE_INVITATION_VALID_DAYS,
        },
    )


INVITATION_PROBLEMS = {
    "unknown": gettext_lazy(
        "Länken fungerar inte. Kontrollera att du har kopierat hela länken från "
        "e-postmeddelandet, eller be den som bjöd in dig att skicka en ny inbjudan."
    ),
    "used": gettext_lazy("Inbjudan har redan använts. Logga in för att se dina roller."),
    "expired": gettext_lazy("Inbjudan har gått ut. Be den som bjöd in dig att skicka en ny."),
}


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request, key):
    try:
        invitation = services.find_usable_invitation(key)
    except services.InvitationUnusable as problem:
        return render(
            request,
            "kulturportal/invitation_problem.html",
            {
                "problem": INVITATION_PROBLEMS[problem.reason],
            },
            status=410 if problem.reason != "unknown" else 404,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing:
        return _accept_as_existing_user(request, key, invitation, existing)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(
            key=key,
            actor=None,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
        )
        return _welcome(request, user)
    return render(
        request,
        "kulturportal/accept_invitation.html",
        {
            "invitation": invitation,
            "form": form,
        },
    )


def _accept_as_existing_user(request, key, invitation, existing):
    if request.user != existing:
        return render(
            request,
            "kulturportal/accept_invitation_login.html",
            {
                "invitation": invitation,
                "signed_in_as_other": request.user.is_authenticated,
            },
        )
    if request.method == "POST":
        user = services.accept_invitation(key=key, actor=existing)
        return _welcome(request, user)
    return render(request, "kulturportal/accept_invitation.html", {"invitation": invitation})


def _welcome(request, user):
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Välkommen! Din nya roll syns nedan."))
    return redirect("my_page")


@open_before_mfa
@require_safe
@public_page
def accessibility(request):
    return render(request, "kulturportal/accessibility.html")


@open_before_mfa
@require_safe
@public_page
def privacy(request):
    kept = [(rule.what, retention.kept_for(rule), rule.why) for rule in retention.rules()]
    return render(request, "kulturportal/privacy.html", {"kept": kept})


@login_required
@require_safe
def export_my_data(request):
    """Everything the portal keeps about the person (kulturportal/personal_data.py)."""
    data = personal_data.collect(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mina-uppgifter.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    blockers = services.account_blockers(request.user)
    if request.method == "POST" and form.is_valid() and not blockers:
        try:
            services.delete_account(user=request.user, actor=request.user)
        except services.AccountInUse as in_use:
            blockers = in_use.blockers
        else:
            logout(request)
            messages.success(request, _("Ditt konto och dina uppgifter är borttagna."))
            return redirect("home")
    return render(
        request,
        "kulturportal/delete_account.html",
        {"form": form, "blockers": blockers},
        status=409 if blockers and request.method == "POST" else 200,
    )
