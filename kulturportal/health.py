"""/healthz: is the database reachable, and the broker? For load balancers and operations.

Answered by HealthCheckMiddleware before the Host header is read (a probe by IP address),
and open before MFA: it says nothing about anyone."""

import redis
from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kulturportal.mfa import open_before_mfa


@open_before_mfa
@require_safe
@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    status = 200 if all(checks.values()) else 503
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    return JsonResponse(body, status=status)


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True  # Tasks run in-process: there is no broker to reach.
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except redis.RedisError:
        return False
