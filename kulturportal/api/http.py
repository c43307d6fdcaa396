"""What every answer of the open-data API shares, in one wrapper around each of its views
(decided by the resolved view, not by a path prefix):

- CORS open for reading: any site may GET (no cookies are read or needed), and a
  preflight OPTIONS is answered here;
- a rate limit per client address for everyone (the API has no accounts): a fixed window
  of a minute counted in the shared cache with an atomic increment, 429 with Retry-After
  when it is spent. A cache that is down fails open, as the login limits do;
- conditional GET: every JSON answer carries an ETag (a hash of its bytes, so it is right
  whatever changed), and Last-Modified when the view knows it; If-None-Match answers 304;
  If-Modified-Since is honoured only for a single resource, whose own time it is (a list
  may lose a row without any row's time moving);
- the API is open before MFA: it reads no session and shows only what is public.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from kulturportal.caching import CACHE_ERRORS
from kulturportal.mfa import open_before_mfa

WINDOW_SECONDS = 60
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining"
CACHE_CONTROL = "public, max-age=60"


def api_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return _cors(_preflight())
        if request.method not in ("GET", "HEAD"):
            # Read-only: a write method is refused before anything reads the body.
            refused = JsonResponse({"detail": "API:et går bara att läsa (GET)."}, status=405)
            refused["Allow"] = ALLOWED_METHODS
            return _cors(refused)
        _drop_nul(request)
        limited, remaining = _spend(request)
        if limited is not None:
            return _cors(limited)
        response = view(request, *args, **kwargs)
        response = _conditional(request, response)
        response["RateLimit-Limit"] = str(settings.API_RATE_LIMIT)
        response["RateLimit-Remaining"] = str(remaining)
        if getattr(request, "api_link_next", None):
            response["Link"] = f'<{request.api_link_next}>; rel="next"'
        return _cors(response)

    # The view's csrf_exempt and the like stay as they were.
    for name in ("csrf_exempt",):
        if hasattr(view, name):
            setattr(wrapper, name, getattr(view, name))
    return open_before_mfa(wrapper)


def _drop_nul(request) -> None:
    """PostgreSQL's text cannot hold NUL: a parameter carrying one would end in a server
    error, so the character is dropped (it can be part of no name, slug or code)."""
    if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
        cleaned = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
        cleaned._mutable = False
        request.GET = cleaned


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def client_address(request) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:
        return request.META.get("REMOTE_ADDR", "")


def _spend(request) -> tuple[HttpResponse | None, int]:
    limit = settings.API_RATE_LIMIT
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{client_address(request)}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        used = cache.incr(key)
    except (ValueError, *CACHE_ERRORS):
        return None, limit  # the cache is down or lost the key: fail open
    if used is None or used <= limit:
        return None, max(0, limit - (used or 0))
    retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
    response = JsonResponse(
        {
            "detail": "För många anrop. Vänta och försök igen.",
            "retry_after": retry_after,
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["RateLimit-Limit"] = str(limit)
    response["RateLimit-Remaining"] = "0"
    return response, 0


def _conditional(request, response: HttpResponse) -> HttpResponse:
    if response.status_code != 200 or response.streaming or request.method not in ("GET", "HEAD"):
        return response
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    response.setdefault("Cache-Control", CACHE_CONTROL)
    patch_vary_headers(response, ["Accept-Language"])
    last_modified = getattr(request, "api_last_modified", None)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    if _matches(request.headers.get("If-None-Match", ""), etag):
        return _not_modified(response)
    if (
        "If-None-Match" not in request.headers
        and last_modified is not None
        and getattr(request, "api_single_resource", False)
    ):
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(last_modified.timestamp()) <= since:
            return _not_modified(response)
    return response


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags


def _not_modified(response: HttpResponse) -> HttpResponse:
    not_modified = HttpResponse(status=304)
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        if response.has_header(header):
            not_modified[header] = response[header]
    return not_modified


def last_modified(request, moment, *, single: bool = False) -> None:
    """A view says when its data last changed (a single resource: its own time)."""
    if moment is None:
        return
    current = getattr(request, "api_last_modified", None)
    request.api_last_modified = moment if current is None else max(current, moment)
    request.api_single_resource = single
