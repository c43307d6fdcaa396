"""The whole-page cache for anonymous visitors, dropped whenever public data changes.

Public pages are the same for every anonymous visitor in a language, so they are served
from the shared cache. Every service that changes what they show bumps a generation number
after its transaction commits (invalidate_public_pages_on_commit), which retires every
cached page at once; the admin does the same for what officials change there. No signals:
they miss bulk writes and fire inside the transaction.

Logged-in pages are not cached: a person seldom asks for the same page twice with nothing
written in between, so such a cache pays off under a benchmark only (issue 23).
"""

import logging
import time
from contextlib import suppress
from functools import wraps
from urllib.parse import urlencode

import redis
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
CACHE_ERRORS = (redis.RedisError, OSError)
GENERATION_KEY = "public-pages:generation"
PAGE_TIMEOUT = 60 * 60
KEPT_HEADERS = ["Content-Type", "Content-Disposition"]
GENERATION_MEMO_SECONDS = 1.0
_memo: dict = {"generation": None, "read_at": 0.0}


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Serve the view from the cache for anonymous visitors.

    The key holds the path and only the query `params` the page reads, normalised, so
    `?utm=…` and the like never make entries of their own. A view that found a parameter's
    value invalid marks its response with `uncacheable(response)`: served, not stored.
    """
    if view is None:
        return lambda view: public_page(view, params=params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _page_key(request, params) if _cacheable(request) else None
        if key is None:
            return view(request, *args, **kwargs)
        try:
            key = f"public-page:{_generation()}:{get_language()}:{key}"
            cached = cache.get(key)
        except CACHE_ERRORS:
            logger.warning("Cache unreachable; %s served uncached", request.path)
            return view(request, *args, **kwargs)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if _storable(response):
            headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            with suppress(*CACHE_ERRORS):
                cache.set(key, (response.content, headers), PAGE_TIMEOUT)
        return response

    return wrapper


MAX_PARAM_LENGTH = 64


def _page_key(request, params) -> str | None:
    """The path and the page's own parameters, sorted; None if a value is too long."""
    values = []
    for name in sorted(params):
        value = request.GET.get(name, "").strip()
        if len(value) > MAX_PARAM_LENGTH:
            return None
        if value:
            values.append((name, value))
    return request.path + ("?" + urlencode(values) if values else "")


def uncacheable(response):
    response.uncacheable = True
    return response


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "uncacheable", False)
    )


def _cacheable(request) -> bool:
    # A pending flash message ("you are logged out") must reach the person it is for.
    return (
        request.method == "GET"
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _generation() -> int:
    # Remembered for a second per process: a page hit then costs one cache round trip, and
    # a change reaches other processes' visitors within a second (this process's at once).
    now = time.monotonic()
    if _memo["generation"] is None or now - _memo["read_at"] > GENERATION_MEMO_SECONDS:
        _memo["generation"] = cache.get_or_set(GENERATION_KEY, _fresh_generation, timeout=None)
        _memo["read_at"] = now
    return _memo["generation"]


def forget_generation() -> None:
    """Forget the remembered generation, so the next page reads it from the cache: for
    tests and the bench once they have emptied the cache."""
    _memo.update(generation=None, read_at=0.0)


def _fresh_generation() -> int:
    return time.time_ns() // 1000


def invalidate_public_pages() -> None:
    """Retire every cached public page at once. Call it through the _on_commit variant."""
    _memo["generation"] = None
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # The counter was lost (evicted, or the cache cleared): start from a number no
        # page was ever cached under, or a stale page with the same number would be served.
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)
    except CACHE_ERRORS:
        # A save must not fail because the cache is down. Pages cached before the outage
        # may then be served for up to PAGE_TIMEOUT.
        logger.warning("Cache unreachable; public pages not invalidated")


def invalidate_public_pages_on_commit() -> None:
    """Every service that changes what public pages show calls this, bulk writes included.

    After commit: a page rendered between the bump and the commit would otherwise be cached
    with the old data under the new generation.
    """
    transaction.on_commit(invalidate_public_pages, robust=True)
