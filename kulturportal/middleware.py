import logging
import sys
import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kulturportal.health import healthz
from kulturportal.mfa import is_open_before_mfa, must_use_mfa

logger = logging.getLogger(__name__)


class RequireMfaForOfficialsMiddleware:
    """Once MFA is required, an official without TOTP reaches nothing but the account pages.

    Decided by the resolved view, not by the path: the same view answers at /admin/ and
    /en/admin/. Every page is closed by default, so a new official-only page is born safe;
    only allauth's own views (log in and out, set up TOTP, reauthenticate) and views marked
    open_before_mfa (the accessibility statement, the health check) stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_OFFICIALS or not request.user.is_authenticated:
            return None
        if is_open_before_mfa(view_func) or not must_use_mfa(request.user):
            return None
        if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            return None
        _warn_once(request, MFA_NEEDED)
        return redirect("mfa_activate_totp")


MFA_NEEDED = gettext_lazy(
    "Som regional handläggare behöver du slå på tvåstegsverifiering innan du kan använda "
    "portalen. Bekräfta ditt lösenord och lägg sedan till portalen i en autentiseringsapp."
)


def _warn_once(request, text) -> None:
    # Several redirects in a row must not stack the same warning.
    pending = messages.get_messages(request)
    already = any(str(message) == str(text) for message in pending)
    pending.used = False  # looking at the messages must not use them up
    if not already:
        messages.warning(request, text)


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


class HealthCheckMiddleware:
    """Answer /healthz before anything reads the Host header.

    Load balancers probe by IP address, which is not in ALLOWED_HOSTS; the health check
    says nothing about the site, so it need not know which host was asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse a body larger than MAX_REQUEST_BYTES before anything reads (and spools) it.

    Django's own limits leave file parts of a multipart body alone, so without this a
    300 MB anonymous POST is written to temporary files before the CSRF check refuses it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                _("Det du skickade är för stort."), status=413, content_type="text/plain"
            )
        return self.get_response(request)


# Errors that say the database could not be reached or the connection died (a backend
# killed, PostgreSQL restarted, a failover), not that the query was wrong.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
RETRY_AFTER_SECONDS = 30


def _note_database_outage(sender, request=None, **kwargs):
    """Django turns a view's exception into a 500 response before an outer middleware sees
    it; this signal, sent while the exception is handled, tells that middleware which."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_OUTAGES):
        request.database_outage = error


got_request_exception.connect(_note_database_outage, dispatch_uid="kulturportal.database_outage")


class DatabaseOutageMiddleware:
    """A connection that dies during a request gives a page, not a 500.

    CONN_HEALTH_CHECKS finds a connection that died between requests; one that dies during
    a request fails that request. A read (GET, HEAD) is then tried once more on a fresh
    connection, as it changes nothing; anything else, or a read that fails again, gets the
    503 page, which asks the person to try again and needs no database to render.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self._failed(request):
            return response
        if request.method in SAFE_METHODS:
            logger.warning("Database connection lost during %s; reading again", request.path)
            response = self.get_response(request)
            if not self._failed(request):
                return response
        return _unavailable()

    @staticmethod
    def _failed(request) -> bool:
        error = request.__dict__.pop("database_outage", None)
        if error is None:
            return False
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return True


def _unavailable() -> HttpResponse:
    # Rendered without the request: the context processors would ask the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
