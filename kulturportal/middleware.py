import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kulturportal.models import Role


def management_page(view):
    """Mark a view as a management page: officials must have MFA before they reach it."""
    view.management_page = True
    return view


class RequireMfaForManagementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_OFFICIALS or not request.user.is_authenticated:
            return None
        is_admin = request.path.startswith("/admin/")
        if not (is_admin or getattr(view_func, "management_page", False)):
            return None
        user = request.user
        needs_mfa = user.is_staff or user.has_role(Role.REGIONAL_OFFICIAL)
        if (
            needs_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _("Du behöver slå på tvåstegsverifiering innan du kan hantera portalen."),
            )
            return redirect("mfa_activate_totp")
        return None


class RefreshSessionMiddleware:
    """Make SESSION_COOKIE_AGE an idle timeout without a database write on every request.

    A logged-in person's session is saved (and so its expiry pushed forward) at most once
    every REFRESH_SECONDS; a session left alone expires SESSION_COOKIE_AGE after that.
    """

    REFRESH_SECONDS = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("last_refresh", 0) >= self.REFRESH_SECONDS:
                session["last_refresh"] = now
        return response
